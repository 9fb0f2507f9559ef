# SPDX-License-Identifier: MIT
"""sweep_scenarios.py - the scenarios of the fault sweep (sweep.py).

Each scenario plays one end-to-end use of one mechanism through a Run and
judges its programs; roles name the processes the sweep fails calls in.
"""
import os
import signal

from sweep_run import await_line, check_named, judge_exit, wait_while_alive


class PipeDemo:
    """ipcspec-pipe-demo: parent writes words into a pipe, child upper-cases."""
    name = "pipe-demo"
    roles = ["demo"]
    # The parent writes each word and separator apart; the child reads until
    # its buffer is full or the pipe ends (ipc_read_full), taking them in one
    # read or several as the writes fall against its reads. How many reads a
    # run makes varies (seen: the trace run's fourth and fifth never came in
    # a loaded run); its one write to its output does not.
    may_not_fire = dict.fromkeys(
        [("demo", "posix/io/rw/read"), ("demo", "posix/io/rw/read/reduce")],
        "the child reads the parent's writes in one piece or several, as they fall in time")

    def play(self, run):
        proc = run.start("demo", "demo", ["impl/demo/ipcspec-pipe-demo", "alpha", "beta"])
        code = run.wait(proc)
        verdict = judge_exit(run, "demo", proc, code, "ALPHA BETA\n")
        check_named(run, {"demo": verdict}, "demo", "demo")


# How long a client waits for its answer (its -w, times the run's scale).
# A fault that makes the server drop a request (a datagram lost, a queue
# message it could not take) costs the client this whole wait, and the
# demos' own 10 s made those runs most of the sweep's time. 1 s is still
# hundreds of times a loaded round trip; a client that gives up on a live
# server reports a timeout, which a client fault's run judges dirty (it does
# not name the injected errno) and a server fault's run judges as the
# dropped request it stands for.
CLIENT_WAIT_MS = 1000


def client_wait(run):
    return ["-w", str(int(CLIENT_WAIT_MS * run.args.scale))]


class ServerClients:
    """A server and two clients, one after the other; SIGTERM ends the server.
    Only client 0 meets a client-role fault: client 1 must be served whatever
    happened to client 0."""
    roles = ["server", "client"]
    CLIENTS = [(["1", "2", "3"], "6\n"), (["10", "20"], "30\n")]
    # A server's select wakes for whatever is ready: a request and the stop
    # signal, or two events of one client, come in one round or in two as
    # timing has it. The trace's last rounds may not come in a later run.
    may_not_fire = {("server", "posix/io/net/select"):
                    "how many select rounds the server takes depends on how events coincide"}

    def __init__(self, name, server_argv, client_argv, reported_as=None, removal_points=()):
        self.name = name
        self.server_argv = server_argv      # fn(run) -> argv
        self.client_argv = client_argv      # fn(run, ready_line, i, numbers) -> argv
        self.reported_as = reported_as or {}    # errno -> errnos its message may name instead
        self.removal_points = removal_points    # points whose failure may leave the object

    def play(self, run):
        server = run.start("server", "server", self.server_argv(run))
        ready = await_line(run, server, "server", "ready")
        outcomes = {}
        if ready:
            for i, (numbers, expected) in enumerate(self.CLIENTS):
                name = "client%d" % i
                proc = run.start("client" if i == 0 else "other", name,
                                 self.client_argv(run, ready, i, numbers))
                code = wait_while_alive(run, proc, server)
                if code != "server-gone":
                    outcomes[name] = judge_exit(run, name, proc, code, expected)
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
        outcomes["server"] = judge_exit(run, "server", server, run.wait(server))
        check_named(run, outcomes, "server", "server")
        check_named(run, outcomes, "client", "client0")
        if run.fault and run.fault[0] == "client" and outcomes.get("client1") != "ok" \
                and outcomes.get("server") != "error":
            run.problems.append("client 1 was not served after a fault in client 0")


def mq_server_argv(run):
    return ["impl/demo/ipcspec-mq-server", "/" + run.token, "2"]


def mq_client_argv(run, ready, i, numbers):
    return ["impl/demo/ipcspec-mq-client"] + client_wait(run) + ["/" + run.token, str(i)] + numbers


def sock_scenario(kind):
    unix = kind.startswith("unix")

    def server_argv(run):
        address = os.path.join(run.dir, "sum.sock") if unix else "0"
        return ["impl/demo/ipcspec-sock-server", kind, address, "4"]

    def client_argv(run, ready, i, numbers):
        address = os.path.join(run.dir, "sum.sock") if unix else ready.split()[1]
        return ["impl/demo/ipcspec-sock-client"] + client_wait(run) + [kind, address] + numbers
    # A socket with SO_RCVTIMEO/SO_SNDTIMEO says EAGAIN when the time ran
    # out, and the layer reports that as ETIMEDOUT (SOCK-API-14, SOCK-FAULT).
    # The server removes its socket file only after lstat shows a socket
    # there (ipc_sock_unix_remove): lstat failing is that removal failing.
    return ServerClients("sock-" + kind, server_argv, client_argv,
                         reported_as={"EAGAIN": ["ETIMEDOUT"]},
                         removal_points=("posix/io/stat/lstat",) if unix else ())


class ShmPubSub:
    """ipcspec-shm-publisher with two subscribers: two lines published, then
    end of input; each subscriber must end having printed the last one."""
    name = "shm-pubsub"
    roles = ["publisher", "subscriber"]
    # The publisher's notification queues are non-blocking and hold 4: EAGAIN
    # means the subscriber has 4 notifications still to read, so the
    # publisher rightly goes on. Injected into a queue with room, it says
    # what cannot be, and the subscriber would wait for ever.
    cannot_happen = {("posix/mq/send", "EAGAIN"):
                     "a full notification queue: the subscriber has notifications to read"}
    # The subscriber prints each version it finds on the board: two
    # publications close together are one version to it (the first was
    # overwritten before it looked), so how many notifications it waits for
    # and how many lines it writes varies with timing.
    may_not_fire = dict.fromkeys(
        [("subscriber", "posix/mq/timedreceive"), ("subscriber", "posix/io/rw/write"),
         ("subscriber", "posix/io/rw/write/reduce"), ("subscriber", "posix/io/rw/write/zero")],
        "the subscriber sees one version or two, as the publications fall in time")

    def play(self, run):
        base = "/" + run.token
        rfd, wfd = os.pipe()
        pub = run.start("publisher", "publisher", ["impl/demo/ipcspec-shm-publisher", base, "2"],
                        stdin=rfd)
        os.close(rfd)
        outcomes, subs = {}, []
        try:
            if await_line(run, pub, "publisher", "ready"):
                for i in range(2):
                    name = "subscriber%d" % i
                    sub = run.start("subscriber" if i == 0 else "other", name,
                                    ["impl/demo/ipcspec-shm-subscriber", base, str(i)])
                    subs.append((name, sub))
                    if not await_line(run, sub, name, "ready"):
                        break
                try:                        # whatever became of the subscribers
                    os.write(wfd, b"alpha\nbeta\n")
                except BrokenPipeError:
                    pass
        finally:
            os.close(wfd)                   # end of input: the publisher closes the board
        outcomes["publisher"] = judge_exit(run, "publisher", pub, run.wait(pub))
        for name, sub in subs:
            code = run.wait(sub)
            out = run.output(name)
            verdict = judge_exit(run, name, sub, code)
            # A publisher that failed still closes the board (SHM-DEMO-07):
            # its subscribers end, on whatever record it had published.
            want_beta = outcomes["publisher"] == "ok"
            if verdict == "ok" and not (out.startswith("ready\n")
                                        and (out.endswith(" beta\n") or not want_beta)):
                run.problems.append("wrong result reported as success: %s printed %r, expected "
                                    "ready then '<version> beta' last" % (name, out))
            outcomes[name] = verdict
        check_named(run, outcomes, "publisher", "publisher")
        check_named(run, outcomes, "subscriber", "subscriber0")
        if run.fault and run.fault[0] == "subscriber" and len(subs) == 2 \
                and outcomes["publisher"] == "ok" and outcomes.get("subscriber1") != "ok":
            run.problems.append("subscriber 1 was not served after a fault in subscriber 0")


class SigDemo:
    """ipcspec-sig-demo -n 2: dispositions, two children reaped, a SIGUSR1
    caught, a SIGTERM that ends it."""
    name = "sig-demo"
    roles = ["demo"]
    # Its loop takes one round per wake of its select on the signalfd: it
    # reads the descriptor until empty, reaps and unblocks SIGCHLD, and its
    # lines go out as rounds end. Two children's exits, or an exit and
    # SIGUSR1, come in one round or two as they fall in time, so how many
    # of these calls a run makes varies (seen: select, read, sigprocmask,
    # waitpid and the output's writes, one call more or less).
    may_not_fire = dict.fromkeys(
        [("demo", p) for p in ("posix/io/net/select", "posix/io/rw/read",
                               "posix/io/rw/read/reduce", "posix/proc/sigprocmask",
                               "posix/proc/waitpid", "posix/io/rw/write",
                               "posix/io/rw/write/reduce", "posix/io/rw/write/zero")],
        "the demo's rounds vary with how its children's exits and SIGUSR1 coincide")

    def play(self, run):
        demo = run.start("demo", "demo", ["impl/demo/ipcspec-sig-demo", "-n", "2"])
        if await_line(run, demo, "demo", "ready"):
            demo.send_signal(signal.SIGUSR1)
            if await_line(run, demo, "demo", "caught SIGUSR1") and demo.poll() is None:
                demo.send_signal(signal.SIGTERM)
        code = run.wait(demo)
        verdict = judge_exit(run, "demo", demo, code)
        out = run.output("demo")
        want = ["SIGUSR2: ignored\n", "exited with 1\n", "exited with 2\n", "caught SIGUSR1\n",
                "stopping on SIGTERM\n"]
        if verdict == "ok" and not all(w in out for w in want):
            run.problems.append("wrong result reported as success: the demo printed %r" % out)
        check_named(run, {"demo": verdict}, "demo", "demo")


class Program:
    """A scenario program of tests/fault/sweep: it checks its own result.
    A fixture (a self-test of the sweep) is left out of the reach check."""
    roles = ["program"]

    def __init__(self, name, target, mode=None, fixture=False, may_not_fire=None):
        self.name = name
        self.target = target
        self.mode = [mode] if mode else []
        self.fixture = fixture
        self.may_not_fire = may_not_fire or {}

    def play(self, run):
        proc = run.start("program", "program",
                         [self.target] + self.mode + ["/" + run.token, run.dir])
        code = run.wait(proc)
        verdict = judge_exit(run, "program", proc, code, "ok\n")
        check_named(run, {"program": verdict}, "program", "program")


GUARD = "tests/fault/sweep/ipcspec-sweep-guard"

SCENARIOS = {s.name: s for s in [
    PipeDemo(),
    ServerClients("mq-server", mq_server_argv, mq_client_argv),
    sock_scenario("unix"),
    sock_scenario("unix-dgram"),
    sock_scenario("tcp"),
    sock_scenario("udp"),
    ShmPubSub(),
    SigDemo(),
    Program("pipe-api", "tests/fault/sweep/ipcspec-sweep-pipe-api"),
    Program("mq-api", "tests/fault/sweep/ipcspec-sweep-mq-api"),
    Program("sig-api", "tests/fault/sweep/ipcspec-sweep-sig-api"),
    Program("fixture", "tests/fault/sweep/ipcspec-sweep-fixture", fixture=True),
    # The guards' self-tests (check_guards.py): nothing traced; faults that
    # never fire, undeclared and declared.
    Program("fixture-silent", GUARD, "silent", fixture=True),
    Program("fixture-unfired", GUARD, "unfired", fixture=True),
    Program("fixture-unfired-declared", GUARD, "unfired", fixture=True, may_not_fire={
        ("program", "posix/io/oc/open"): "the guard fixture opens /dev/null only while traced",
        ("program", "posix/io/oc/close"): "the guard fixture closes /dev/null only while traced"}),
]}
