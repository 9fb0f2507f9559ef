/* SPDX-License-Identifier: MIT */
/*
 * mq_server_sum.c - the servers' service: "SUM n1 n2 ..." answered with
 * "OK <sum>", anything malformed with "ERR <reason>"; numbers and sum are
 * int64_t whatever the size of long. A pure function, so the server loop
 * holds no parsing and a bad request can never stop it.
 *
 * Spec: MQ-SRV-03 (spec/mq.md). See also: include/ipcspec/mq_server.h,
 * mq_server.c (the loop that calls it).
 */
#include "ipcspec/mq_server.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Parse one decimal int64_t word; returns NULL or an IPC_MQ_ERR_* reason.
 * Parsed here, not with strtol: long is 32 bits on some architectures. */
static const char *parse_int64(const char *word, int64_t *value)
{
    int negative = word[0] == '-';
    const char *digits = word + (negative || word[0] == '+');
    size_t len = 0;
    int64_t v = 0;

    while (digits[len] >= '0' && digits[len] <= '9')
        len++;
    /* A sign, then only digits: no blanks, no "0x", no trailing bytes. */
    if (len == 0 || digits[len] != '\0')
        return IPC_MQ_ERR_TOKEN;
    /* Built on the negative side, which holds INT64_MIN. */
    for (size_t i = 0; i < len; i++)
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_sub_overflow(v, digits[i] - '0', &v))
            return IPC_MQ_ERR_RANGE;
    if (!negative && __builtin_sub_overflow((int64_t)0, v, &v))
        return IPC_MQ_ERR_RANGE;
    *value = v;
    return NULL;
}

/* Sum the words of text (NUL-terminated, no NUL inside); NULL or a reason. */
static const char *sum_words(char *text, int64_t *sum)
{
    char *save = NULL;
    char *word = strtok_r(text, " ", &save);
    int count = 0;

    if (word == NULL)
        return IPC_MQ_ERR_EMPTY;
    if (strcmp(word, "SUM") != 0)
        return IPC_MQ_ERR_VERB;
    *sum = 0;
    while ((word = strtok_r(NULL, " ", &save)) != NULL) {
        int64_t value;
        const char *why = parse_int64(word, &value);

        if (why != NULL)
            return why;
        if (__builtin_add_overflow(*sum, value, sum))
            return IPC_MQ_ERR_RANGE;
        count++;
    }
    return count == 0 ? IPC_MQ_ERR_EMPTY : NULL;
}

int ipc_mq_sum_answer(const char *req, size_t len, char *reply, size_t cap)
{
    char text[IPC_MQ_SERVER_REQUEST_MAX + 1];
    const char *why;
    int64_t sum = 0;

    if (cap < IPC_MQ_SERVER_REPLY_MAX)
        return -ENOBUFS;
    if (len > IPC_MQ_SERVER_REQUEST_MAX) {
        why = IPC_MQ_ERR_LONG;
    } else if (memchr(req, '\0', len) != NULL) {
        why = IPC_MQ_ERR_TOKEN; /* a NUL inside: not text */
    } else {
        memcpy(text, req, len);
        text[len] = '\0';
        why = sum_words(text, &sum);
    }
    if (why != NULL)
        return snprintf(reply, cap, "ERR %s", why);
    return snprintf(reply, cap, "OK %" PRId64, sum);
}
