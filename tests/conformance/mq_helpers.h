/*
 * mq_helpers.h - what the message queue tests share: a queue created afresh
 * with the raw calls (MQT_MAXMSG x MQT_MSGSIZE), a receive that checks text
 * and priority, the count of messages queued, and a queue created afresh
 * through impl/'s layer. Header-only (static inline functions).
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
static inline mqd_t mqt_create_queue(const char *name, int flags)
{
    struct mq_attr attr = { .mq_maxmsg = MQT_MAXMSG, .mq_msgsize = MQT_MSGSIZE };

    return (mqd_t)ASSERT_SYS_OK(mq_open(name, O_RDWR | O_CREAT | O_EXCL | flags, 0600, &attr));
}

/* Receives one message from q and asserts its text and priority. */
static inline void mqt_assert_receives(mqd_t q, const char *text, unsigned prio)
{
    char buf[MQT_MSGSIZE + 1];
    unsigned got_prio = 0;
    ssize_t n = ASSERT_SYS_OK(mq_receive(q, buf, MQT_MSGSIZE, &got_prio));

    buf[n] = '\0';
    ASSERT_STR_EQ(buf, text);
    ASSERT_EQ(got_prio, prio);
}

/* The messages on q, by mq_getattr. */
static inline long mqt_queued(mqd_t q)
{
    struct mq_attr attr;

    ASSERT_SYS_OK(mq_getattr(q, &attr));
    return attr.mq_curmsgs;
}

/* A new queue through the layer (O_CREAT|O_EXCL|O_CLOEXEC plus extra) with maxmsg x msgsize. */
static inline int mqt_new_queue(const char *name, int extra, long maxmsg, long msgsize)
{
    struct ipc_mq_limits lim = { .maxmsg = maxmsg, .msgsize = msgsize };

    return (int)ASSERT_IPC_OK(
        ipc_mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | extra, 0600, &lim));
}

#endif
