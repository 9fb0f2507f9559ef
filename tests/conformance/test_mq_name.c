/* SPDX-License-Identifier: MIT */
/*
 * test_mq_name.c - message queue names and whether one exists: the leading
 * '/', an inner '/', "/" alone, NAME_MAX; O_CREAT|O_EXCL on an existing name,
 * O_EXCL without O_CREAT; mq_unlink of a name that does not exist.
 *
 * Spec: MQ-NAME-01..04, MQ-CREATE-01, MQ-CREATE-04, MQ-UNLINK-06 (spec/mq.md).
 *       Raw mq_* calls: behaviours of the host, not of impl/.
 * See also: test_mq_open.c (opening), test_mq_attr.c (attributes, creation,
 *           limits), test_mq_unlink.c (unlink, close, permissions),
 *           test_mq_api.c (the layer's own name checks), mq_helpers.h.
 */
#include "mq_helpers.h"

#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <stdio.h>
#include <string.h>

/* MQ-NAME-01 a name that does not begin with '/' fails with EINVAL */
static void test_mq_name_01_no_leading_slash_einval(void **state)
{
    const char *name = ipct_ipc_name("mq");
    const char *bare = name + 1; /* the same name without its slash */
    struct mq_attr attr = { .mq_maxmsg = MQT_MAXMSG, .mq_msgsize = MQT_MSGSIZE };
    (void)state;

#ifndef __GLIBC__
    IPCT_SKIP("musl's mq_open drops a leading '/' if there is one and passes any other name to "
              "the kernel as it is: there a name without '/' is a queue name (POSIX leaves it "
              "implementation-defined)");
#endif
    ASSERT_SYS_ERR(mq_open(bare, O_RDWR | O_CREAT, 0600, &attr), EINVAL);
    ASSERT_SYS_ERR(mq_open("", O_RDWR | O_CREAT, 0600, &attr), EINVAL);
    ASSERT_SYS_ERR(mq_unlink(bare), EINVAL);
    ASSERT_SYS_ERR(mq_unlink(""), EINVAL);
    ASSERT_SYS_ERR(mq_open(name, O_RDONLY), ENOENT); /* nothing was created */
}

/* MQ-NAME-02 a '/' after the first character fails with EACCES */
static void test_mq_name_02_inner_slash_eacces(void **state)
{
    const char *name = ipct_ipc_name("mq");
    char inner[96];
    struct mq_attr attr = { .mq_maxmsg = MQT_MAXMSG, .mq_msgsize = MQT_MSGSIZE };
    (void)state;

    snprintf(inner, sizeof inner, "%s/sub", name);
    ASSERT_SYS_ERR(mq_open(inner, O_RDWR | O_CREAT, 0600, &attr), EACCES);
    ASSERT_SYS_ERR(mq_unlink(inner), EACCES);
    ASSERT_SYS_ERR(mq_open(name, O_RDONLY), ENOENT); /* no queue under the prefix either */
}

/* MQ-NAME-03 the name "/" alone fails with ENOENT, even with O_CREAT */
static void test_mq_name_03_slash_alone_enoent(void **state)
{
    struct mq_attr attr = { .mq_maxmsg = MQT_MAXMSG, .mq_msgsize = MQT_MSGSIZE };
    (void)state;

    ASSERT_SYS_ERR(mq_open("/", O_RDWR | O_CREAT, 0600, &attr), ENOENT);
    ASSERT_SYS_ERR(mq_open("/", O_RDWR), ENOENT);
    ASSERT_SYS_ERR(mq_unlink("/"), ENOENT);
}

/* MQ-NAME-04 NAME_MAX characters after the slash are accepted, one more fails with ENAMETOOLONG */
static void test_mq_name_04_name_max_limit(void **state)
{
    char name[NAME_MAX + 3];
    const char *base = ipct_ipc_name("mq"); /* the unique prefix, padded */
    struct mq_attr attr = { .mq_maxmsg = MQT_MAXMSG, .mq_msgsize = MQT_MSGSIZE };
    size_t len = strlen(base);
    (void)state;

    memcpy(name, base, len);
    memset(name + len, 'x', sizeof name - 1 - len);
    name[NAME_MAX + 2] = '\0'; /* '/' and NAME_MAX + 1 characters */
    ASSERT_SYS_ERR(mq_open(name, O_RDWR | O_CREAT, 0600, &attr), ENAMETOOLONG);
    ASSERT_SYS_ERR(mq_unlink(name), ENAMETOOLONG);
    name[NAME_MAX + 1] = '\0'; /* '/' and NAME_MAX characters */
    mqd_t q = (mqd_t)ASSERT_SYS_OK(mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr));
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* MQ-CREATE-01 O_CREAT|O_EXCL on an existing name fails with EEXIST and leaves the queue */
static void test_mq_create_01_excl_existing_eexist(void **state)
{
    const char *name = ipct_ipc_name("mq");
    struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 1 };
    (void)state;

    mqd_t q = mqt_create_queue(name, 0);
    ASSERT_SYS_OK(mq_send(q, "kept", 4, 5));
    ASSERT_SYS_ERR(mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr), EEXIST);
    ASSERT_SYS_ERR(mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL), EEXIST);
    ASSERT_EQ(mqt_queued(q), 1);
    mqt_assert_receives(q, "kept", 5);
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* MQ-CREATE-04 O_EXCL without O_CREAT is ignored */
static void test_mq_create_04_excl_without_creat_ignored(void **state)
{
    const char *name = ipct_ipc_name("mq");
    (void)state;

    ASSERT_SYS_ERR(mq_open(name, O_RDWR | O_EXCL), ENOENT);
    mqd_t q = mqt_create_queue(name, 0);
    mqd_t again = (mqd_t)ASSERT_SYS_OK(mq_open(name, O_RDWR | O_EXCL));
    ASSERT_SYS_OK(mq_send(again, "e", 1, 0));
    mqt_assert_receives(q, "e", 0);
    ASSERT_SYS_OK(mq_close(again));
    ASSERT_SYS_OK(mq_close(q));
    ASSERT_SYS_OK(mq_unlink(name));
}

/* MQ-UNLINK-06 mq_unlink of a name that does not exist fails with ENOENT */
static void test_mq_unlink_06_missing_name_enoent(void **state)
{
    const char *name = ipct_ipc_name("mq");
    (void)state;

    ASSERT_SYS_ERR(mq_unlink(name), ENOENT);
    mqd_t q = mqt_create_queue(name, 0);
    ASSERT_SYS_OK(mq_unlink(name));
    ASSERT_SYS_ERR(mq_unlink(name), ENOENT); /* a second time, the queue still open */
    ASSERT_SYS_OK(mq_close(q));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_mq_name_01_no_leading_slash_einval),
    IPCT_TEST(test_mq_name_02_inner_slash_eacces),
    IPCT_TEST(test_mq_name_03_slash_alone_enoent),
    IPCT_TEST(test_mq_name_04_name_max_limit),
    IPCT_TEST(test_mq_create_01_excl_existing_eexist),
    IPCT_TEST(test_mq_create_04_excl_without_creat_ignored),
    IPCT_TEST(test_mq_unlink_06_missing_name_enoent),
};

IPCT_MAIN("mq_name", tests)
