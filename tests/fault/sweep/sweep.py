#!/usr/bin/env python3
"""sweep.py - the exhaustive fault sweep (issue 7, spec/faults.md FIU-SWEEP-*).

A scenario is one end-to-end use of one mechanism: programs run in a fixed
order with fixed arguments and a known right result. The sweep runs it once
with every failure point traced (IPCSPEC_FAULT_TRACE), which lists the calls
each role makes: (point, nth), the nth call of that point in that process.
Then, for every such call and every errno the call may return (errnos.tsv, from
the man pages), it runs the scenario again with exactly that call failing with
that errno (IPCSPEC_FAULTS). Short reads and writes (the .../reduce points)
and a write that makes no progress (.../write/zero) are swept the same way,
once each. After every run it judges:

  clean   every program exited 0 with the right result, or exited 1 with one
          line per failing process on standard error, each "program: ...",
          and the program that met the fault named its errno (strerror text);
  dirty   a crash (any signal), exit status other than 0 and 1, a hang (the
          deadline passed), success with a wrong result, a message that is not
          one line naming the errno, or a leak: a descriptor open at exit
          (IPCSPEC_FD_AUDIT), a process still alive, a message queue or shm
          object or file left, or memory (ASan, LeakSanitizer and UBSan, in a
          sanitizer build: --asan);
  unfired the call was not reached in this run (timing-dependent rounds):
          reported, never counted clean.

The order of runs is the trace's order, or shuffled by --seed: the same seed
gives the same sequence. A dirty run prints the scenario, the call number,
the point, the errno, why, and one command that reruns just that case.
Exit status 0 when no run is dirty, 1 otherwise, 2 on a usage or set-up error.
"""
import argparse
import concurrent.futures
import errno as errno_mod
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEADLINE_S = 30          # one process of one run; a hang fails the run
MEMCHECK_EXIT = 66       # what a sanitizer makes a program exit with
NO_ERRNO = "-"           # a reduce / zero point: one run, no errno


class SetupError(Exception):
    pass


# --- the errno table ---------------------------------------------------------

def load_errnos(path, functions=None):
    """point -> list of errno names (or [NO_ERRNO]); comments and blanks
    skipped. functions, when given, gets function -> [point...]."""
    table = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            fields = line.split()
            if len(fields) < 3:
                raise SetupError(f"{path}:{number}: expected: point function errno...")
            point, function, names = fields[0], fields[1], fields[2:]
            if functions is not None:
                functions.setdefault(function, []).append(point)
            if not names:
                raise SetupError(f"{path}:{number}: {point} lists no errno")
            for name in names:
                if name != NO_ERRNO and not hasattr(errno_mod, name):
                    raise SetupError(f"{path}:{number}: unknown errno {name}")
            table[point] = names
    return table


def errno_value(name):
    return 0 if name == NO_ERRNO else getattr(errno_mod, name)


# --- running one scenario once -------------------------------------------------

class Run:
    """One execution of a scenario, with at most one fault armed."""

    def __init__(self, args, scenario, fault=None, trace=False):
        self.args = args
        self.scenario = scenario
        self.fault = fault            # (role, point, nth, errno name) or None
        self.trace = trace
        self.token = "ipcsw%d%s" % (os.getpid(), os.urandom(4).hex())
        self.dir = tempfile.mkdtemp(prefix="ipcspec-sweep-")
        self.log = os.path.join(self.dir, "faults.log")
        self.problems = []
        self.procs = []               # (role, name, Popen, stdout, stderr)
        self.argvs = {}

    # Environment of a process of role `role`.
    def env(self, role):
        env = dict(os.environ)
        for var in ("IPCSPEC_FAULTS", "IPCSPEC_FAULT_TRACE", "IPCSPEC_FD_AUDIT",
                    "IPCSPEC_CLOSE_RELEASES"):
            env.pop(var, None)
        env["LD_PRELOAD"] = ":".join(([self.args.asan] if self.args.asan else [])
                                     + [self.args.preload, self.args.fiu_preload])
        if self.args.asan:
            report = os.path.join(self.dir, "sanitizer")
            env["ASAN_OPTIONS"] = ("detect_leaks=1:exitcode=%d:abort_on_error=0:log_path=%s"
                                   % (MEMCHECK_EXIT, report))
            env["UBSAN_OPTIONS"] = ("halt_on_error=1:exitcode=%d:print_stacktrace=1:log_path=%s"
                                    % (MEMCHECK_EXIT, report))
        env["IPCSPEC_FAULT_LOG"] = self.log if role == self.swept_role() else self.log + "." + role
        env["IPCSPEC_FD_AUDIT"] = "1"
        env["IPCSPEC_CLOSE_RELEASES"] = "1"   # a failed close releases, as on Linux
        env["IPCSPEC_SWEEP_RUN"] = self.token
        if self.trace:
            env["IPCSPEC_FAULT_TRACE"] = self.args.points_file
        elif self.fault is not None and role == self.fault[0]:
            _, point, nth, name = self.fault
            env["IPCSPEC_FAULTS"] = "%s:%d:%d" % (point, nth, errno_value(name) or errno_mod.EIO)
        return env

    def swept_role(self):
        return self.fault[0] if self.fault else self.scenario.roles[0]

    def start(self, role, name, argv, stdin=subprocess.DEVNULL):
        cmd = [os.path.join(self.args.build, p) if i == 0 else p for i, p in enumerate(argv)]
        out = open(os.path.join(self.dir, name + ".out"), "w+b")
        err = open(os.path.join(self.dir, name + ".err"), "w+b")
        proc = subprocess.Popen(cmd, stdin=stdin, stdout=out, stderr=err, env=self.env(role),
                                cwd=self.dir, start_new_session=True)
        self.procs.append((role, name, proc, out, err))
        self.argvs[name] = argv
        return proc

    def argv_of(self, name):
        return self.argvs[name]

    def wait(self, proc, deadline=DEADLINE_S):
        try:
            return proc.wait(timeout=deadline * self.args.scale)
        except subprocess.TimeoutExpired:
            self.problems.append("hang: %s did not finish in %ds" % (self.name_of(proc), deadline))
            self.kill(proc)
            return None

    def kill(self, proc):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()

    def name_of(self, proc):
        return next(n for _, n, p, _, _ in self.procs if p is proc)

    def output(self, name, stream="out"):
        with open(os.path.join(self.dir, "%s.%s" % (name, stream)), "rb") as f:
            return f.read().decode("utf-8", "replace")

    def read_lines(self, path):
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                return f.read().splitlines()
        except FileNotFoundError:
            return []

    def all_logs(self):
        lines = []
        for name in sorted(os.listdir(self.dir)):
            if name.startswith("faults.log"):
                lines += self.read_lines(os.path.join(self.dir, name))
        return lines

    # --- after the run ---------------------------------------------------------

    def finish(self):
        for _, _, proc, out, err in self.procs:
            if proc.poll() is None:
                self.kill(proc)
            out.close()
            err.close()
        self.check_leaks()

    def check_leaks(self):
        for line in self.all_logs():
            if line.startswith("fd-leak "):
                _, pid, fd, *target = line.split(" ")
                self.problems.append("leak: pid %s exited with fd %s open (%s)"
                                     % (pid, fd, " ".join(target)))
        marker = ("IPCSPEC_SWEEP_RUN=" + self.token).encode()
        for pid in os.listdir("/proc"):
            if not pid.isdigit() or int(pid) == os.getpid():
                continue
            try:
                with open("/proc/%s/environ" % pid, "rb") as f:
                    if marker not in f.read().split(b"\0"):
                        continue
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
            except OSError:
                continue
            self.problems.append("leak: process %s still running (%s)" % (pid, cmd))
            try:
                os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass
        # A failed unlink leaves its name: the fault's doing, not a leak, as
        # long as the program reported it (judged with its exit). So does a
        # failure of a call the scenario names as part of its removal.
        removing = getattr(self.scenario, "removal_points", ())
        unlinking = self.fault is not None and self.fired() and (
            self.fault[1].endswith("/unlink") or self.fault[1] in removing)
        for where in ("/dev/mqueue", "/dev/shm"):
            for name in os.listdir(where) if os.path.isdir(where) else []:
                if self.token in name:
                    if not unlinking:
                        self.problems.append("leak: %s/%s left" % (where, name))
                    try:
                        os.unlink(os.path.join(where, name))
                    except OSError:
                        pass
        for name in os.listdir(self.dir):
            if not re.match(r"^(faults\.log.*|.*\.out|.*\.err|sanitizer\.\d+)$", name) \
                    and not unlinking:
                self.problems.append("leak: file %s left in the scenario's directory" % name)
        for name in sorted(os.listdir(self.dir)):
            if name.startswith("sanitizer."):
                with open(os.path.join(self.dir, name), encoding="utf-8", errors="replace") as f:
                    lines = [l for l in f.read().splitlines() if "ERROR:" in l or "runtime error" in l]
                self.problems.append("memory: pid %s: %s" % (name.split(".")[-1],
                                     lines[0].strip() if lines else "sanitizer report"))

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def fired(self):
        if self.fault is None:
            return False
        _, point, nth, _ = self.fault
        return any(l.startswith("%s %d " % (point, nth)) for l in self.read_lines(self.log))

    def traced_calls(self):
        """role -> ordered unique (point, nth) the trace saw."""
        calls = {}
        for role in self.scenario.roles:
            path = self.log if role == self.swept_role() else self.log + "." + role
            seen = calls.setdefault(role, [])
            for line in self.read_lines(path):
                m = re.match(r"^call (\d+) (\S+) (\d+)$", line)
                if m and (m.group(2), int(m.group(3))) not in seen:
                    seen.append((m.group(2), int(m.group(3))))
        return calls


# --- judging a process's end -------------------------------------------------

def judge_exit(run, name, proc, code, ok_output=None):
    """Record problems for one process; return 'ok', 'error' or 'dirty'."""
    if code is None:
        return "dirty"                         # the hang is already recorded
    if code < 0:
        run.problems.append("crash: %s killed by %s" % (name, signal.Signals(-code).name))
        return "dirty"
    if code == MEMCHECK_EXIT and run.args.asan:
        run.problems.append("memory: a sanitizer stopped %s (report above)" % name)
        return "dirty"
    err = run.output(name, "err")
    if code == 0:
        if ok_output is not None and run.output(name) != ok_output:
            run.problems.append("wrong result reported as success: %s printed %r, expected %r"
                                % (name, run.output(name), ok_output))
            return "dirty"
        return "ok"
    if code != 1:
        run.problems.append("%s exited %d (only 0 or 1 is clean)" % (name, code))
        return "dirty"
    # One line per process that failed (a demo's parent and child may both
    # report), each naming the program: "prog: what: why".
    lines = [l for l in err.splitlines() if l.strip()]
    prog = os.path.basename(run.argv_of(name)[0])
    if not lines or any(not l.startswith(prog + ": ") for l in lines):
        run.problems.append("%s exited 1 without one-line messages \"%s: ...\" on stderr: %r"
                            % (name, prog, err))
        return "dirty"
    return "error"


def names_errno(run, text):
    """True when text names the injected errno (strerror), or one the
    scenario documents the program reports in its place, or no errno applies."""
    name = run.fault[3]
    if name == NO_ERRNO:
        return True
    names = [name] + list(getattr(run.scenario, "reported_as", {}).get(name, ()))
    return any(os.strerror(errno_value(n)) in text for n in names)


# --- scenarios -------------------------------------------------------------------

class PipeDemo:
    """ipcspec-pipe-demo: parent writes words into a pipe, child upper-cases."""
    name = "pipe-demo"
    roles = ["demo"]

    def play(self, run):
        proc = run.start("demo", "demo", ["impl/demo/ipcspec-pipe-demo", "alpha", "beta"])
        code = run.wait(proc)
        verdict = judge_exit(run, "demo", proc, code, "ALPHA BETA\n")
        check_named(run, {"demo": verdict}, "demo", "demo")


def await_line(run, proc, name, prefix):
    """Wait, bounded, for a line starting with prefix on name's output; the
    line, or None when the process ended (or the deadline passed) first."""
    path = os.path.join(run.dir, name + ".out")
    end = time.monotonic() + DEADLINE_S * run.args.scale
    while time.monotonic() < end:
        with open(path, "rb") as f:
            for line in f.read().decode("utf-8", "replace").splitlines(keepends=True):
                if line.startswith(prefix) and line.endswith("\n"):
                    return line
        if proc.poll() is not None:
            return None
        try:
            proc.wait(timeout=0.01)         # a bounded poll of the output file
        except subprocess.TimeoutExpired:
            pass
    run.problems.append("hang: %s never printed %r" % (name, prefix))
    return None


def wait_while_alive(run, proc, server):
    """Wait for proc; if the server ends first, stop proc: not judged."""
    end = time.monotonic() + DEADLINE_S * run.args.scale
    while time.monotonic() < end:
        try:
            return proc.wait(timeout=0.02)
        except subprocess.TimeoutExpired:
            pass
        if server.poll() is not None:
            run.kill(proc)              # the server met its fault and left
            return "server-gone"
    run.problems.append("hang: %s did not finish" % run.name_of(proc))
    run.kill(proc)
    return None


def check_named(run, outcomes, role, name):
    """The process that met the fault, failing, must name the errno."""
    if run.fault and run.fault[0] == role and outcomes.get(name) == "error" \
            and not names_errno(run, run.output(name, "err")):
        run.problems.append("%s's message does not name %s: %r"
                            % (name, run.fault[3], run.output(name, "err")))


class ServerClients:
    """A server and two clients, one after the other; SIGTERM ends the server.
    Only client 0 meets a client-role fault: client 1 must be served whatever
    happened to client 0."""
    roles = ["server", "client"]
    CLIENTS = [(["1", "2", "3"], "6\n"), (["10", "20"], "30\n")]

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
    return ["impl/demo/ipcspec-mq-client", "/" + run.token, str(i)] + numbers


def sock_scenario(kind):
    unix = kind.startswith("unix")

    def server_argv(run):
        address = os.path.join(run.dir, "sum.sock") if unix else "0"
        return ["impl/demo/ipcspec-sock-server", kind, address, "4"]

    def client_argv(run, ready, i, numbers):
        address = os.path.join(run.dir, "sum.sock") if unix else ready.split()[1]
        return ["impl/demo/ipcspec-sock-client", kind, address] + numbers
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
    """A scenario program of tests/fault/sweep: it checks its own result."""
    roles = ["program"]

    def __init__(self, name, target):
        self.name = name
        self.target = target

    def play(self, run):
        proc = run.start("program", "program", [self.target, "/" + run.token, run.dir])
        code = run.wait(proc)
        verdict = judge_exit(run, "program", proc, code, "ok\n")
        check_named(run, {"program": verdict}, "program", "program")


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
    Program("fixture", "tests/fault/sweep/ipcspec-sweep-fixture"),
]}


# --- the sweep -------------------------------------------------------------------

def one_run(args, scenario, fault=None, trace=False):
    run = Run(args, scenario, fault, trace)
    try:
        scenario.play(run)
    finally:
        run.finish()
    return run


def trace_calls(args, scenario):
    """One run with no fault and every point traced: role -> [(point, nth)]."""
    run = one_run(args, scenario, trace=True)
    try:
        if run.problems:
            raise SetupError("the scenario %s is not clean without faults: %s"
                             % (scenario.name, "; ".join(run.problems)))
        return run.traced_calls()
    finally:
        run.cleanup()


def plan(args, scenario, table):
    calls = trace_calls(args, scenario)
    cases, missing = [], set()
    for role in scenario.roles:
        for point, nth in calls.get(role, []):
            if point not in table:
                missing.add(point)
                continue
            cases += [(role, point, nth, name) for name in table[point]]
    if missing:
        raise SetupError("no row in errnos.tsv for: " + ", ".join(sorted(missing)))
    impossible = getattr(scenario, "cannot_happen", {})
    excluded = [c for c in cases if (c[1], c[3]) in impossible]
    for (point, name), why in sorted(impossible.items()):
        n = sum(1 for c in excluded if (c[1], c[3]) == (point, name))
        print("sweep %s: %d runs of %s failing with %s left out: %s"
              % (scenario.name, n, point, name, why))
    return [c for c in cases if c not in excluded], calls, len(excluded)


def rerun_command(args, scenario, fault):
    role, point, nth, name = fault
    return "python3 %s --build %s --fiu-preload %s%s --scenario %s --only %s:%s:%d:%s" % (
        os.path.abspath(__file__), args.build, args.fiu_preload,
        " --asan " + args.asan if args.asan else "", scenario.name, role, point, nth, name)


def sweep(args):
    table = load_errnos(args.errnos)
    scenario = SCENARIOS[args.scenario]
    start = time.monotonic()
    if args.only:
        role, point, nth, name = args.only.rsplit(":", 3)
        cases, calls, excluded = [(role, point, int(nth), name)], {}, 0
    else:
        cases, calls, excluded = plan(args, scenario, table)
        if args.seed:
            random.Random(args.seed).shuffle(cases)
    counts = {"clean-success": 0, "clean-error": 0, "dirty": 0, "unfired": 0,
              "left-out": excluded}
    dirty = []

    def work(fault):
        run = one_run(args, scenario, fault)
        try:
            fired = run.fired()
            failed = any(p.returncode not in (0, None) for _, _, p, _, _ in run.procs)
            return fault, fired, failed, list(run.problems)
        finally:
            run.cleanup()

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for fault, fired, failed, problems in pool.map(work, cases):
            if problems:
                counts["dirty"] += 1
                dirty.append((fault, problems))
            elif not fired:
                counts["unfired"] += 1
            else:
                counts["clean-error" if failed else "clean-success"] += 1
    wall = time.monotonic() - start
    for fault, problems in dirty:
        role, point, nth, name = fault
        print("DIRTY %s: %s call %d of %s failing with %s" % (scenario.name, role, nth, point, name))
        for problem in problems:
            print("    " + problem)
        print("    rerun: " + rerun_command(args, scenario, fault))
    points = sorted({p for role in calls.values() for p, _ in role})
    print("sweep %s: %d faults injected over %d calls of %d points: %d clean-success, "
          "%d clean-error, %d dirty, %d unfired, %d left out; %.1fs%s"
          % (scenario.name, len(cases), sum(len(v) for v in calls.values()), len(points),
             counts["clean-success"], counts["clean-error"], counts["dirty"], counts["unfired"],
             excluded, wall, " (ASan+UBSan)" if args.asan else ""))
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"scenario": scenario.name, "faults": len(cases), "counts": counts,
                       "points": points, "wall_s": round(wall, 1),
                       "dirty": [{"fault": list(f), "problems": p,
                                  "rerun": rerun_command(args, scenario, f)} for f, p in dirty]},
                      f, indent=1)
    return counts, dirty, cases


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build", required=True, help="the CMake build directory")
    p.add_argument("--scenario", choices=sorted(SCENARIOS))
    p.add_argument("--errnos", default=os.path.join(HERE, "errnos.tsv"))
    p.add_argument("--only", metavar="ROLE:POINT:NTH:ERRNO", help="run just this case")
    p.add_argument("--seed", type=int, default=0, help="shuffle the runs (0: trace order)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--fiu-preload", help="libfiu's fiu_posix_preload.so (needed to run)")
    p.add_argument("--asan", metavar="LIBASAN",
                   help="programs built with ASan: preload this runtime first, judge its reports")
    p.add_argument("--json", help="write the sweep's report here (default: "
                   "BUILD/sweep-report/SCENARIO.json, which --summary reads)")
    p.add_argument("--summary", action="store_true",
                   help="print the table of every scenario's last report in BUILD")
    p.add_argument("--expect-dirty", metavar="POINT=TEXT", action="append", default=[],
                   help="self-test: every run failing POINT must be dirty with a problem "
                        "containing TEXT (repeatable); other points are not judged")
    p.add_argument("--reach", action="store_true",
                   help="trace every scenario and check that each call impl/ makes is reached")
    p.add_argument("--sources", nargs="+", metavar="STEM",
                   help="with --reach: only impl/src files whose name starts with a STEM "
                        "(the mechanisms the gated scenarios cover)")
    p.add_argument("--scenarios", nargs="+", metavar="NAME",
                   help="with --reach: only these scenarios")
    args = p.parse_args(argv)
    if not (args.reach or args.summary) and args.scenario is None:
        p.error("--scenario, --reach or --summary is needed")
    if not args.summary and args.fiu_preload is None:
        p.error("--fiu-preload is needed to run scenarios")
    args.build = os.path.abspath(args.build)
    args.preload = os.path.join(args.build, "tests/fault/preload/libipcspec_preload.so")
    if args.json is None and args.scenario and not args.only:
        args.json = os.path.join(args.build, "sweep-report", args.scenario + ".json")
    args.scale = float(os.environ.get("IPCSPEC_TIMEOUT_SCALE", "1")) * (2 if args.asan else 1)
    return args


def points_list(args):
    """Every point either preload provides: the trace watches them all."""
    names = set()
    for lib in (args.fiu_preload, args.preload):
        data = open(lib, "rb").read()
        names |= {m.decode() for m in re.findall(rb"(?:posix|libc|linux)/[a-z0-9_/]+", data)}
    fd, path = tempfile.mkstemp(prefix="ipcspec-points-")
    with os.fdopen(fd, "w") as f:
        f.write("\n".join(sorted(n for n in names if not n.endswith("/"))) + "\n")
    return path


def summary(args):
    """The table of scenarios x injected faults, from the reports in BUILD."""
    where = os.path.join(args.build, "sweep-report")
    names = sorted(n for n in os.listdir(where) if n.endswith(".json")) \
        if os.path.isdir(where) else []
    if not names:
        print("sweep: no sweep has run in %s" % args.build)
        return 0
    print("%-16s %7s %14s %12s %6s %8s %9s %8s" % ("scenario", "faults", "clean-success",
                                                   "clean-error", "dirty", "unfired",
                                                   "left-out", "wall"))
    dirty = 0
    for name in names:
        with open(os.path.join(where, name), encoding="utf-8") as f:
            r = json.load(f)
        c = r["counts"]
        dirty += c["dirty"]
        print("%-16s %7d %14d %12d %6d %8d %9d %7.1fs"
              % (r["scenario"], r["faults"], c["clean-success"], c["clean-error"], c["dirty"],
                 c["unfired"], c.get("left-out", 0), r["wall_s"]))
    return 0


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.summary:
        return summary(args)
    for need in (args.fiu_preload, args.preload) + ((args.asan,) if args.asan else ()):
        if not os.path.exists(need):
            print("sweep: %s is missing (build with IPC_SWEEP=ON)" % need, file=sys.stderr)
            return 2
    args.points_file = points_list(args)
    try:
        if args.reach:
            return reach(args)
        counts, dirty, cases = sweep(args)
    except SetupError as e:
        print("sweep: " + str(e), file=sys.stderr)
        return 2
    finally:
        os.unlink(args.points_file)
    if args.expect_dirty:
        return self_test(args, dirty, cases)
    return 1 if dirty else 0


def self_test(args, dirty, cases):
    """Each POINT=TEXT: every run failing POINT was dirty, saying TEXT."""
    bad = 0
    for item in args.expect_dirty:
        point, _, text = item.partition("=")
        runs = [c for c in cases if c[1] == point]
        if not runs:
            print("sweep self-test: no run failed %s" % point, file=sys.stderr)
            bad += 1
        for case in runs:
            problems = next((p for f, p in dirty if f == case), [])
            if not any(text in problem for problem in problems):
                print("sweep self-test: %s failing with %s was not judged dirty for %r (%s)"
                      % (point, case[3], text, problems or "judged clean"), file=sys.stderr)
                bad += 1
    if bad == 0:
        print("sweep self-test: every mishandled failure was judged dirty, for the right reason")
    return 1 if bad else 0


def impl_calls(args):
    """The functions impl/'s objects, library and demos, call from outside
    impl/ (nm -u)."""
    objdirs = [os.path.join(args.build, "impl/CMakeFiles/ipcspec.dir/src")]
    demos = os.path.join(args.build, "impl/demo/CMakeFiles")
    objdirs += sorted(os.path.join(demos, d) for d in os.listdir(demos) if d.endswith(".dir")) \
        if os.path.isdir(demos) else []
    objects = [os.path.join(d, n) for d in objdirs for n in sorted(os.listdir(d))
               if n.endswith(".o") and (not args.sources or n.startswith(tuple(args.sources)))]
    if not objects:
        raise SetupError("no object files in " + ", ".join(objdirs))
    out = subprocess.run(["nm", "-u"] + objects, check=True, capture_output=True, text=True).stdout
    return sorted({l.split()[-1] for l in out.splitlines()
                   if l.strip() and not l.endswith(":")
                   and not l.split()[-1].startswith(("ipc_", "__asan", "__ubsan", "__sanitizer"))})


def reach(args):
    """FIU-SWEEP-04: the scenarios together reach every call impl/ makes."""
    functions = {}
    load_errnos(args.errnos, functions)
    nofail = {}
    with open(os.path.join(HERE, "nofail.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                name, _, why = line.partition(" ")
                nofail[name] = why.strip()
    reached = {}
    for scenario in SCENARIOS.values():
        if scenario.name == "fixture" or (args.scenarios and scenario.name not in args.scenarios):
            continue
        for calls in trace_calls(args, scenario).values():
            for point, _ in calls:
                reached.setdefault(point, set()).add(scenario.name)
    problems = []
    print("reach: calls impl/ makes, and the scenarios that fail them")
    for function in impl_calls(args):
        points = functions.get(function)
        if points:
            by = sorted({s for p in points for s in reached.get(p, ())})
            print("  %-16s %-36s %s" % (function, ",".join(points), ",".join(by) or "NEVER REACHED"))
            if not by:
                problems.append("%s (point %s) is called by impl/ but no scenario reaches it"
                                % (function, ",".join(points)))
        elif function in nofail:
            print("  %-16s %-36s %s" % (function, "(no point)", nofail[function]))
        else:
            problems.append("%s is called by impl/ and has neither a point in errnos.tsv "
                            "nor a reason in nofail.txt" % function)
    unswept = sorted(p for p in reached if p not in {q for ps in functions.values() for q in ps})
    print("reach: %d points reached by the scenarios; reached but not in errnos.tsv: %s"
          % (len(reached), ", ".join(unswept) or "none"))
    for problem in problems:
        print("REACH " + problem)
    return 1 if problems or unswept else 0


if __name__ == "__main__":
    sys.exit(main())
