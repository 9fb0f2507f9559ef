/* SPDX-License-Identifier: MIT */
/*
 * fuzz_sum.c - libFuzzer target for the SUM service's parser
 * (ipc_mq_sum_answer, shared by the message-queue and socket servers): any
 * bytes at all must give one well-formed reply, "OK <sum>" or
 * "ERR <reason>", NUL-terminated inside the buffer, and an "OK" must be
 * the true sum of the numbers asked for.
 *
 * Spec: SOCK-LOAD-03 (the hostile inputs it grows from; spec/sock.md).
 * See also: fuzz_frame.c, ci/fuzz (builds and runs both), corpus/sum/.
 */
#include "ipcspec/mq_server.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The sum of the words after "SUM" in text, computed a second way (wide
 * arithmetic, no strtok); 0 when it does not fit a long or a word is no
 * number. */
static int reference_sum(const char *text, size_t len, long *out)
{
    __int128 sum = 0;
    size_t i = 0;

    while (i < len && text[i] == ' ')
        i++;
    if (len - i < 3 || memcmp(text + i, "SUM", 3) != 0)
        return 0;
    i += 3;
    while (i < len) {
        while (i < len && text[i] == ' ')
            i++;
        if (i == len)
            break;
        int neg = text[i] == '-';
        i += text[i] == '-' || text[i] == '+';
        __int128 v = 0;
        size_t digits = 0;
        for (; i < len && text[i] >= '0' && text[i] <= '9'; i++, digits++) {
            v = v * 10 + (text[i] - '0');
            if (v > (__int128)LONG_MAX + 1)
                return 0;
        }
        if (digits == 0 || (i < len && text[i] != ' '))
            return 0;
        v = neg ? -v : v;
        if (v > LONG_MAX || v < LONG_MIN)
            return 0;
        sum += v;
        if (sum > LONG_MAX || sum < LONG_MIN)
            return 0;
    }
    *out = (long)sum;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char reply[IPC_MQ_SERVER_REPLY_MAX];
    long want, got;
    char *end;
    int n = ipc_mq_sum_answer((const char *)data, size, reply, sizeof reply);

    if (n < 0 || (size_t)n >= sizeof reply || reply[n] != '\0' || strlen(reply) != (size_t)n)
        abort(); /* no reply, or one that is not a string of its length */
    if (strncmp(reply, "OK ", 3) != 0 && strncmp(reply, "ERR ", 4) != 0)
        abort();
    if (strncmp(reply, "OK ", 3) == 0) {
        errno = 0;
        got = strtol(reply + 3, &end, 10);
        if (*end != '\0' || errno != 0)
            abort();
        if (memchr(data, '\0', size) != NULL || !reference_sum((const char *)data, size, &want) ||
            want != got)
            abort(); /* "OK" for a request the reference refuses, or a wrong sum */
    }
    return 0;
}
