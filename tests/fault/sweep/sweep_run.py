# SPDX-License-Identifier: MIT
"""sweep_run.py - running one scenario once, and judging it (sweep.py).

Run starts a scenario's programs with the preloads and the fault (or the
trace), waits for them with a deadline, and checks what they left behind;
judge_exit and check_named judge how each program ended.
"""
import errno as errno_mod
import os
import re
import shutil
import signal
import subprocess
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


# --- waiting on a scenario's programs -------------------------------------------

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
