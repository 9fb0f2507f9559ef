/* SPDX-License-Identifier: MIT */
/*
 * mq_helpers.h - what the message queue tests share: a queue created afresh
 * with the raw calls (MQT_MAXMSG x MQT_MSGSIZE), one whose name is gone at
 * once (mqt_unnamed_queue), a receive that checks text
 * and priority, the count of messages queued, and a queue created afresh
 * through impl/'s layer. Header-only (static inline functions); each is a
 * macro that passes the caller's file and line, so a failure names the test.
 *
 * See also: test_mq_open.c, test_mq_name.c (raw calls), test_mq_api.c,
 *           test_mq_api_io.c (the layer), mq_server_helpers.h (the N:1 server).
 */
#ifndef MQ_HELPERS_H
#define MQ_HELPERS_H

#include "ipctest.h"
#include "ipcspec/mq.h"

#include <fcntl.h>
#include <mqueue.h>

/* The limits of a queue mqt_create_queue makes. */
enum { MQT_MAXMSG = 4, MQT_MSGSIZE = 64 };

/* Creates name afresh (O_EXCL): MQT_MAXMSG x MQT_MSGSIZE, mode 0600, O_RDWR | flags. */
#define mqt_create_queue(name, flags) mqt__create_queue(name, flags, __FILE__, __LINE__)
static inline mqd_t mqt__create_queue(const char *name, int flags, const char *file, int line)
{
    struct mq_attr attr = { .mq_maxmsg = MQT_MAXMSG, .mq_msgsize = MQT_MSGSIZE };

    return (mqd_t)ipct__sys_ok(mq_open(name, O_RDWR | O_CREAT | O_EXCL | flags, 0600, &attr),
                               "mq_open(name, O_RDWR | O_CREAT | O_EXCL | flags, 0600, &attr)",
                               file, line);
}

/* A new, empty queue open O_RDWR | extra, holding maxmsg messages of
 * MQT_MSGSIZE. Its name is unlinked at once: the test and its children reach
 * the queue through the descriptor alone, and nothing is left under the name. */
#define mqt_unnamed_queue(extra, maxmsg) mqt__unnamed_queue(extra, maxmsg, __FILE__, __LINE__)
static inline mqd_t mqt__unnamed_queue(int extra, long maxmsg, const char *file, int line)
{
    struct mq_attr attr = { .mq_maxmsg = maxmsg, .mq_msgsize = MQT_MSGSIZE };
    const char *name = ipct_ipc_name("mq");
    mqd_t q = (mqd_t)ipct__sys_ok(mq_open(name, O_CREAT | O_EXCL | O_RDWR | extra, 0600, &attr),
                                  "mq_open(name, O_CREAT | O_EXCL | O_RDWR | extra, 0600, &attr)",
                                  file, line);

    ipct__sys_ok(mq_unlink(name), "mq_unlink(name)", file, line);
    return q;
}

/* Receives one message from q and asserts its text and priority. */
#define mqt_assert_receives(q, text, prio) \
    mqt__assert_receives(q, text, prio, __FILE__, __LINE__)
static inline void mqt__assert_receives(mqd_t q, const char *text, unsigned prio,
                                        const char *file, int line)
{
    char buf[MQT_MSGSIZE + 1];
    unsigned got_prio = 0;
    ssize_t n = ipct__sys_ok(mq_receive(q, buf, MQT_MSGSIZE, &got_prio),
                             "mq_receive(q, buf, MQT_MSGSIZE, &got_prio)", file, line);

    buf[n] = '\0';
    ipct__str(buf, 1, text, "mqt_assert_receives: the text", file, line);
    ipct__cmp(IPCT__INT(got_prio), IPCT_EQ, IPCT__INT(prio), "mqt_assert_receives: the priority",
              file, line);
}

/* The messages on q, by mq_getattr. */
#define mqt_queued(q) mqt__queued(q, __FILE__, __LINE__)
static inline long mqt__queued(mqd_t q, const char *file, int line)
{
    struct mq_attr attr;

    ipct__sys_ok(mq_getattr(q, &attr), "mq_getattr(q, &attr)", file, line);
    return attr.mq_curmsgs;
}

/* A new queue through the layer (O_CREAT|O_EXCL|O_CLOEXEC plus extra) with maxmsg x msgsize. */
#define mqt_new_queue(name, extra, maxmsg, msgsize) \
    mqt__new_queue(name, extra, maxmsg, msgsize, __FILE__, __LINE__)
static inline int mqt__new_queue(const char *name, int extra, long maxmsg, long msgsize,
                                 const char *file, int line)
{
    struct ipc_mq_limits lim = { .maxmsg = maxmsg, .msgsize = msgsize };

    return (int)ipct__ipc_ok(
        ipc_mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | extra, 0600, &lim),
        "ipc_mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | extra, 0600, &lim)", file,
        line);
}

#endif
