/* SPDX-License-Identifier: MIT */
/*
 * test_sig_pending.c - how sigpending fails: a set it cannot write.
 *
 * Spec: SIG-PEND-01 (spec/sig.md).
 * See also: test_sig_mask.c (what sigpending reports), test_sig_dfl.c.
 */
#include "sig_helpers.h"

#include <sys/mman.h>

/* SIG-PEND-01 sigpending into memory the process cannot write fails with -1 and EFAULT */
static void test_sig_pend_01_unwritable_set_efault(void **state)
{
    static const unsigned char zeros[sizeof(sigset_t)];
    (void)state;
    long page = ASSERT_SYS_OK(sysconf(_SC_PAGESIZE));
    void *ro = mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    ASSERT_PTR_NE(ro, MAP_FAILED);
    ASSERT_SYS_ERR(sigpending((sigset_t *)ro), EFAULT);
    ASSERT_MEM_EQ(ro, zeros, sizeof(zeros));
    ASSERT_SYS_OK(munmap(ro, (size_t)page));
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sig_pend_01_unwritable_set_efault),
};

IPCT_MAIN("sig_pending", tests)
