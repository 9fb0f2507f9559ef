/* SPDX-License-Identifier: MIT */
/*
 * test_sig_intr.c - the calls Linux never restarts after a handler, even one
 * installed with SA_RESTART: multiplexing (select, pselect, poll, ppoll,
 * epoll_wait, epoll_pwait), waiting for a signal (sigtimedwait,
 * sigwaitinfo, pause), sleeping (nanosleep, clock_nanosleep), socket calls
 * once a timeout is set (SO_RCVTIMEO, SO_SNDTIMEO) and System V semop. Each
 * child blocks in the call, observed asleep in it; SIGUSR1 is caught with
 * SA_RESTART; the call fails with EINTR after the handler ran.
 *
 * Spec: SIG-INTR-01..15 (spec/sig.md).
 * See also: test_sig_restart.c (the calls SA_RESTART restarts),
 * test_sig_stopint.c (stop signals), intr_helpers.h, intr_calls.h.
 */
#include "intr_calls.h"

static const struct intr_call in_select = { INTR_SYS_SELECT, intr_make_pipe, intr_select, intr_nothing, intr_close_both, 0 };
static const struct intr_call in_pselect = { SYS_pselect6, intr_make_pipe, intr_pselect, intr_nothing, intr_close_both, 0 };
static const struct intr_call in_poll = { SYS_ppoll, intr_make_pipe, intr_poll, intr_nothing, intr_close_both, 0 };
static const struct intr_call in_ppoll = { SYS_ppoll, intr_make_pipe, intr_ppoll, intr_nothing, intr_close_both, 0 };
static const struct intr_call in_epoll_wait = { SYS_epoll_pwait, intr_make_pipe, intr_epoll_wait, intr_nothing, intr_close_both, 0 };
static const struct intr_call in_epoll_pwait = { SYS_epoll_pwait, intr_make_pipe, intr_epoll_pwait, intr_nothing, intr_close_both, 0 };
static const struct intr_call in_sigtimedwait = { SYS_rt_sigtimedwait, intr_nothing, intr_sigtimedwait, intr_nothing, intr_nothing, 0 };
static const struct intr_call in_sigwaitinfo = { SYS_rt_sigtimedwait, intr_nothing, intr_sigwaitinfo, intr_nothing, intr_nothing, 0 };
static const struct intr_call in_nanosleep = { SYS_nanosleep, intr_nothing, intr_nanosleep, intr_nothing, intr_nothing, 0 };
static const struct intr_call in_clock_nanosleep = { SYS_clock_nanosleep, intr_nothing, intr_clock_nanosleep, intr_nothing, intr_nothing, 0 };
static const struct intr_call in_recv_rcvtimeo = { SYS_recvfrom, intr_make_pair, intr_recv_timeo, intr_nothing, intr_close_both, 0 };
static const struct intr_call in_send_sndtimeo = { SYS_sendto, intr_make_full_pair, intr_send_timeo, intr_nothing, intr_close_both, 0 };
static const struct intr_call in_accept_rcvtimeo = { SYS_accept4, intr_make_listener, intr_accept_timeo, intr_nothing, intr_destroy_listener, 0 };
static const struct intr_call in_pause = { INTR_SYS_PAUSE, intr_nothing, intr_pause, intr_nothing, intr_nothing, 0 };
static const struct intr_call in_semop = { INTR_SYS_SEMOP, intr_make_sem, intr_semop, intr_nothing, intr_destroy_sem, 0 };

/* SIG-INTR-01 select interrupted by a handler fails with EINTR, even with SA_RESTART */
static void test_sig_intr_01_select_eintr(void **state)
{
    (void)state;
    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer runs a signal handler only at the next call it intercepts: "
                  "the interrupted call returns before the handler has run");
    intr_never_restarted(&in_select);
}

/* SIG-INTR-02 pselect interrupted by a handler fails with EINTR, even with SA_RESTART */
static void test_sig_intr_02_pselect_eintr(void **state)
{
    (void)state;
    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer runs a signal handler only at the next call it intercepts: "
                  "the interrupted call returns before the handler has run");
    intr_never_restarted(&in_pselect);
}

/* SIG-INTR-03 poll interrupted by a handler fails with EINTR, even with SA_RESTART */
static void test_sig_intr_03_poll_eintr(void **state)
{
    (void)state;
    intr_never_restarted(&in_poll);
}

/* SIG-INTR-04 ppoll interrupted by a handler fails with EINTR, even with SA_RESTART */
static void test_sig_intr_04_ppoll_eintr(void **state)
{
    (void)state;
    intr_never_restarted(&in_ppoll);
}

/* SIG-INTR-05 epoll_wait interrupted by a handler fails with EINTR, even with SA_RESTART */
static void test_sig_intr_05_epoll_wait_eintr(void **state)
{
    (void)state;
    intr_never_restarted(&in_epoll_wait);
}

/* SIG-INTR-06 epoll_pwait interrupted by a handler fails with EINTR, even with SA_RESTART */
static void test_sig_intr_06_epoll_pwait_eintr(void **state)
{
    (void)state;
    intr_never_restarted(&in_epoll_pwait);
}

/* SIG-INTR-07 sigtimedwait interrupted by a handler fails with EINTR, even with SA_RESTART */
static void test_sig_intr_07_sigtimedwait_eintr(void **state)
{
    (void)state;
#ifndef __GLIBC__
    IPCT_SKIP("musl's sigtimedwait and sigwaitinfo retry after EINTR (POSIX: \"may fail\"), "
              "so the interrupted wait goes on (measured: the child never returned)");
#endif
    intr_never_restarted(&in_sigtimedwait);
}

/* SIG-INTR-08 sigwaitinfo interrupted by a handler fails with EINTR, even with SA_RESTART */
static void test_sig_intr_08_sigwaitinfo_eintr(void **state)
{
    (void)state;
#ifndef __GLIBC__
    IPCT_SKIP("musl's sigtimedwait and sigwaitinfo retry after EINTR (POSIX: \"may fail\"), "
              "so the interrupted wait goes on (measured: the child never returned)");
#endif
    intr_never_restarted(&in_sigwaitinfo);
}

/* SIG-INTR-09 nanosleep interrupted by a handler fails with EINTR, even with SA_RESTART */
static void test_sig_intr_09_nanosleep_eintr(void **state)
{
    (void)state;
    intr_never_restarted(&in_nanosleep);
}

/* SIG-INTR-10 clock_nanosleep interrupted by a handler fails with EINTR, even with SA_RESTART */
static void test_sig_intr_10_clock_nanosleep_eintr(void **state)
{
    (void)state;
    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer runs a signal handler only at the next call it intercepts: "
                  "the interrupted call returns before the handler has run");
    intr_never_restarted(&in_clock_nanosleep);
}

/* SIG-INTR-11 recv with SO_RCVTIMEO interrupted by a handler fails with EINTR, even with SA_RESTART */
static void test_sig_intr_11_recv_rcvtimeo_eintr(void **state)
{
    (void)state;
    intr_never_restarted(&in_recv_rcvtimeo);
}

/* SIG-INTR-12 send with SO_SNDTIMEO interrupted by a handler fails with EINTR, even with SA_RESTART */
static void test_sig_intr_12_send_sndtimeo_eintr(void **state)
{
    (void)state;
    intr_never_restarted(&in_send_sndtimeo);
}

/* SIG-INTR-13 accept with SO_RCVTIMEO interrupted by a handler fails with EINTR, even with SA_RESTART */
static void test_sig_intr_13_accept_rcvtimeo_eintr(void **state)
{
    (void)state;
    intr_never_restarted(&in_accept_rcvtimeo);
}

/* SIG-INTR-14 pause interrupted by a handler fails with EINTR, even with SA_RESTART */
static void test_sig_intr_14_pause_eintr(void **state)
{
    (void)state;
    intr_never_restarted(&in_pause);
}

/* SIG-INTR-15 semop interrupted by a handler fails with EINTR, even with SA_RESTART */
static void test_sig_intr_15_semop_eintr(void **state)
{
    (void)state;
    if (IPCT_TSAN)
        IPCT_SKIP("ThreadSanitizer runs a signal handler only at the next call it intercepts: "
                  "the interrupted call returns before the handler has run");
    intr_never_restarted(&in_semop);
}

static const struct CMUnitTest tests[] = {
    IPCT_TEST(test_sig_intr_01_select_eintr),
    IPCT_TEST(test_sig_intr_02_pselect_eintr),
    IPCT_TEST(test_sig_intr_03_poll_eintr),
    IPCT_TEST(test_sig_intr_04_ppoll_eintr),
    IPCT_TEST(test_sig_intr_05_epoll_wait_eintr),
    IPCT_TEST(test_sig_intr_06_epoll_pwait_eintr),
    IPCT_TEST(test_sig_intr_07_sigtimedwait_eintr),
    IPCT_TEST(test_sig_intr_08_sigwaitinfo_eintr),
    IPCT_TEST(test_sig_intr_09_nanosleep_eintr),
    IPCT_TEST(test_sig_intr_10_clock_nanosleep_eintr),
    IPCT_TEST(test_sig_intr_11_recv_rcvtimeo_eintr),
    IPCT_TEST(test_sig_intr_12_send_sndtimeo_eintr),
    IPCT_TEST(test_sig_intr_13_accept_rcvtimeo_eintr),
    IPCT_TEST(test_sig_intr_14_pause_eintr),
    IPCT_TEST(test_sig_intr_15_semop_eintr),
};

IPCT_MAIN("sig_intr", tests)
