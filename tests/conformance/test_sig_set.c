/* SPDX-License-Identifier: MIT */
/*
 * test_sig_set.c - the signal set operations: sigemptyset, sigfillset,
 * sigaddset, sigdelset and sigismember, their results, their return values
 * and their refusals; and the two signals glibc keeps for itself.
 *
 * The set operations touch only the set in memory, never the process's
 * mask or actions, so these tests run in the test process itself.
 *
 * Spec: SIG-SET-01..07 (spec/sig.md).
 * See also: test_sig_mask.c (the sets put to use in the mask).
 */
#include "sig_helpers.h"

/* The number of signals 1 .. NSIG - 1 that are members of set. */
static int members(const sigset_t *set)
{
    int n = 0;

    for (int sig = 1; sig < NSIG; sig++)
        n += sigismember(set, sig) == 1;
    return n;
}

/* SIG-SET-01 sigemptyset makes a set hold no signal and sigfillset every signal, each returning 0 */
static void test_sig_set_01_empty_and_fill_return_zero(void **state)
{
    sigset_t set;
    (void)state;

    ASSERT_EQ(sigfillset(&set), 0);
    ASSERT_EQ(sigemptyset(&set), 0);
    ASSERT_EQ(members(&set), 0);
    ASSERT_EQ(sigfillset(&set), 0);
    for (int sig = 1; sig < 32; sig++)
        if (sigismember(&set, sig) != 1)
            IPCT_FAIL("after sigfillset, %s is not a member", ipct_signame(sig));
    for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
        if (sigismember(&set, sig) != 1)
            IPCT_FAIL("after sigfillset, %s is not a member", ipct_signame(sig));
}

/* SIG-SET-02 sigaddset adds and sigdelset removes one signal, each returning 0, the rest untouched */
static void test_sig_set_02_add_and_del_one_signal(void **state)
{
    sigset_t set;
    (void)state;

    sigemptyset(&set);
    ASSERT_EQ(sigaddset(&set, SIGUSR1), 0);
    ASSERT_EQ(sigismember(&set, SIGUSR1), 1);
    ASSERT_EQ(sigismember(&set, SIGUSR2), 0);
    ASSERT_EQ(sigismember(&set, SIGRTMIN), 0);
    ASSERT_EQ(members(&set), 1);
    sigfillset(&set);
    int full = members(&set);
    ASSERT_EQ(sigdelset(&set, SIGUSR1), 0);
    ASSERT_EQ(sigismember(&set, SIGUSR1), 0);
    ASSERT_EQ(sigismember(&set, SIGUSR2), 1);
    ASSERT_EQ(sigismember(&set, SIGRTMIN), 1);
    ASSERT_EQ(members(&set), full - 1);
}

/* SIG-SET-03 sigismember returns 1 for a member and 0 for a signal not in the set */
static void test_sig_set_03_ismember_one_or_zero(void **state)
{
    sigset_t set;
    (void)state;

    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGRTMAX);
    ASSERT_EQ(sigismember(&set, SIGUSR1), 1);
    ASSERT_EQ(sigismember(&set, SIGRTMAX), 1);
    ASSERT_EQ(sigismember(&set, SIGUSR2), 0);
    ASSERT_EQ(sigismember(&set, SIGINT), 0);
    ASSERT_EQ(sigismember(&set, SIGRTMIN), 0);
}

/* One of the three calls that take a signal number, with that number. */
struct bad_op {
    int (*call)(sigset_t *set, int sig);
    int sig;
};

static int do_add(sigset_t *set, int sig) { return sigaddset(set, sig); }
static int do_del(sigset_t *set, int sig) { return sigdelset(set, sig); }
static int do_ismember(sigset_t *set, int sig) { return sigismember(set, sig); }

static const struct bad_op add_0 = { do_add, 0 }, add_m1 = { do_add, -1 },
                           add_nsig = { do_add, NSIG }, del_0 = { do_del, 0 },
                           del_m1 = { do_del, -1 }, del_nsig = { do_del, NSIG },
                           is_0 = { do_ismember, 0 }, is_m1 = { do_ismember, -1 },
                           is_nsig = { do_ismember, NSIG };

/* The call of row refuses its number with EINVAL and leaves the set alone. */
static void assert_refused(const struct bad_op *row)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    ASSERT_SYS_ERR(row->call(&set, row->sig), EINVAL);
    ASSERT_EQ(sigismember(&set, SIGUSR1), 1);
    ASSERT_EQ(members(&set), 1);
}

/* SIG-SET-04 sigaddset and sigdelset fail with -1 and EINVAL for 0, -1 and NSIG */
static void test_sig_set_04_bad_number_einval(void **state)
{
    (void)state;
    assert_refused(ipct_variant());
}

/* SIG-SET-07 glibc's sigismember fails with -1 and EINVAL for 0, -1 and NSIG */
static void test_sig_set_07_ismember_bad_number_einval(void **state)
{
    (void)state;
#ifdef __GLIBC__
    assert_refused(ipct_variant());
#else
    IPCT_SKIP("this C library's sigismember may answer 0 for a number out of range "
              "(musl does): POSIX makes EINVAL a may-fail");
#endif
}

/* SIG-SET-05 glibc keeps signals 32 and 33 for itself: sigfillset leaves them out, sigaddset and sigdelset refuse them */
static void test_sig_set_05_glibc_reserves_32_and_33(void **state)
{
    (void)state;
#ifdef __GLIBC__
    sigset_t set;

    sigfillset(&set);
    ASSERT_EQ(sigismember(&set, 31), 1);
    ASSERT_EQ(sigismember(&set, 32), 0);
    ASSERT_EQ(sigismember(&set, 33), 0);
    ASSERT_EQ(sigismember(&set, 34), 1);
    for (int sig = 32; sig <= 33; sig++) {
        ASSERT_SYS_ERR(sigaddset(&set, sig), EINVAL);
        ASSERT_SYS_ERR(sigdelset(&set, sig), EINVAL);
    }
    ASSERT_EQ(sigismember(&set, 32), 0);
#else
    IPCT_SKIP("the reservation of signals 32 and 33 is glibc's; this C library is not glibc");
#endif
}

/* SIG-SET-06 glibc's sigemptyset and sigfillset fail with -1 and EINVAL for a NULL set */
static void test_sig_set_06_null_set_einval(void **state)
{
    (void)state;
#ifdef __GLIBC__
    /* Through a volatile pointer: the compiler would refuse a literal NULL.
     * The calls go through pointers with no nonnull attribute, so UBSan's
     * check of that attribute stays out of the behaviour under test. */
    sigset_t *volatile none = NULL;
    int (*volatile empty)(sigset_t *) = sigemptyset;
    int (*volatile fill)(sigset_t *) = sigfillset;

    /* glibc's check for NULL is the behaviour under test. */
    ASSERT_SYS_ERR(empty(none), EINVAL); // NOLINT(clang-analyzer-core.NonNullParamChecker)
    ASSERT_SYS_ERR(fill(none), EINVAL);  // NOLINT(clang-analyzer-core.NonNullParamChecker)
#else
    IPCT_SKIP("only glibc checks for a NULL set; this C library would dereference it");
#endif
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sig_set_01_empty_and_fill_return_zero),
    IPCT_TEST(test_sig_set_02_add_and_del_one_signal),
    IPCT_TEST(test_sig_set_03_ismember_one_or_zero),
    IPCT_VARIANT(test_sig_set_04_bad_number_einval, "sigaddset_0", &add_0),
    IPCT_VARIANT(test_sig_set_04_bad_number_einval, "sigaddset_-1", &add_m1),
    IPCT_VARIANT(test_sig_set_04_bad_number_einval, "sigaddset_NSIG", &add_nsig),
    IPCT_VARIANT(test_sig_set_04_bad_number_einval, "sigdelset_0", &del_0),
    IPCT_VARIANT(test_sig_set_04_bad_number_einval, "sigdelset_-1", &del_m1),
    IPCT_VARIANT(test_sig_set_04_bad_number_einval, "sigdelset_NSIG", &del_nsig),
    IPCT_TEST(test_sig_set_05_glibc_reserves_32_and_33),
    IPCT_TEST(test_sig_set_06_null_set_einval),
    IPCT_VARIANT(test_sig_set_07_ismember_bad_number_einval, "0", &is_0),
    IPCT_VARIANT(test_sig_set_07_ismember_bad_number_einval, "-1", &is_m1),
    IPCT_VARIANT(test_sig_set_07_ismember_bad_number_einval, "NSIG", &is_nsig),
};

IPCT_MAIN("sig_set", tests)
