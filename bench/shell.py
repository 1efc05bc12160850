#!/usr/bin/env python3
"""Prompt overhead of the mem0 shell hooks, in real interactive shells.

Each shell runs in a pseudo-terminal with no rc files. For every command
(the builtin `:`, so that any process started would be the hook's) the time
from pressing Enter to the next prompt appearing is taken, over N commands,
in three set-ups of the same shell: no hook, hook loaded but not recording,
and recording. The overhead is the difference of the medians. Then 10,000
spooled records are ingested by `mem0 ingest` (median of 5 runs).

Usage: bench/shell.py bin/mem0 [N]      (N commands per set-up, default 300)
"""
import json
import os
import pty
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

PROMPT = b"READY> "


class Shell:
    def __init__(self, argv, env, cwd):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(cwd)
            os.execve(shutil.which(argv[0]), argv, env)
        self.buf = b""
        self.wait_output()

    def read_until(self, marker, timeout=20):
        end = time.monotonic() + timeout
        while marker not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {marker!r} in {self.buf[-300:]!r}")
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                self.buf += os.read(self.fd, 65536)
        i = self.buf.index(marker) + len(marker)
        self.buf = self.buf[i:]

    def wait_output(self):
        select.select([self.fd], [], [], 5)
        time.sleep(0.3)
        self.drain()

    def drain(self):
        while select.select([self.fd], [], [], 0.05)[0]:
            try:
                os.read(self.fd, 65536)
            except OSError:
                break
        self.buf = b""

    def run(self, line):
        """Types line and Enter; returns seconds until the next prompt."""
        t0 = time.perf_counter()
        os.write(self.fd, line.encode() + b"\r")
        # The line ends before the command runs; a prompt before that is
        # the shell repainting the line being typed (fish does).
        self.read_until(b"\n")
        self.read_until(PROMPT)
        return time.perf_counter() - t0

    def setup(self, line):
        self.run(line)
        time.sleep(0.05)
        self.drain()

    def close(self):
        try:
            os.write(self.fd, b"exit\r")
            time.sleep(0.1)
        except OSError:
            pass
        try:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        os.close(self.fd)


SHELLS = {
    "bash": (["bash", "--norc", "--noprofile", "-i"], "PS1='READY''> '", 'eval "$(mem0 init bash --no-completion)"'),
    "zsh": (["zsh", "-f", "-i"], "PROMPT='READY''> '", 'eval "$(mem0 init zsh --no-completion)"'),
    "fish": (["fish", "--no-config", "-i"], "set -e fish_private_mode; function fish_prompt; printf 'READY''> '; end", "mem0 init fish --no-completion | source"),
}


def measure(shell, mode, n, mem0dir):
    argv, set_prompt, load = SHELLS[shell]
    work = tempfile.mkdtemp(prefix="mem0-shellbench-")
    env = {"HOME": work, "MEM0_HOME": os.path.join(work, "m"), "PATH": mem0dir + ":/usr/local/bin:/usr/bin:/bin",
           "LANG": "C.UTF-8", "TERM": "dumb", "ZDOTDIR": work}
    sh = Shell(argv, env, work)
    try:
        sh.setup(set_prompt)
        if mode != "no hook":
            sh.setup(load)
        if mode == "recording":
            sh.setup("mem0 context start bench")
        times = [sh.run(":") for _ in range(30)]  # warm up
        times = [sh.run(":") for _ in range(n)]
    finally:
        sh.close()
    spooled = len(os.listdir(os.path.join(work, "m", "state", "spool"))) if mode != "no hook" else 0
    shutil.rmtree(work, ignore_errors=True)
    return times, spooled


def forks_while_recording(shell, n, mem0dir):
    """Processes started by the shell over n commands while recording
    (strace -f sees every clone/fork/vfork), or None without strace."""
    if not shutil.which("strace"):
        return None
    argv, set_prompt, load = SHELLS[shell]
    work = tempfile.mkdtemp(prefix="mem0-shellbench-")
    env = {"HOME": work, "MEM0_HOME": os.path.join(work, "m"), "PATH": mem0dir + ":/usr/local/bin:/usr/bin:/bin",
           "LANG": "C.UTF-8", "TERM": "dumb", "ZDOTDIR": work}
    sh = Shell(argv, env, work)
    try:
        sh.setup(set_prompt)
        sh.setup(load)
        sh.setup("mem0 context start bench")
        log = os.path.join(work, "strace.log")
        tracer = subprocess.Popen(["strace", "-f", "-qq", "-e", "trace=clone,clone3,fork,vfork", "-o", log, "-p", str(sh.pid)],
                                  stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        for _ in range(n):
            sh.run(":")
        time.sleep(0.2)
        tracer.terminate()
        tracer.wait()
        with open(log) as f:
            # Threads (CLONE_THREAD: fish highlights in a thread) are not processes.
            return sum(1 for line in f if any(c in line for c in ("clone(", "clone3(", "fork(", "vfork("))
                       and "CLONE_THREAD" not in line)
    finally:
        sh.close()
        shutil.rmtree(work, ignore_errors=True)


def ingest_10k(mem0, runs=5, n=10000):
    times = []
    for _ in range(runs):
        work = tempfile.mkdtemp(prefix="mem0-ingestbench-")
        env = dict(os.environ, MEM0_HOME=os.path.join(work, "m"))
        subprocess.run([mem0, "context", "create", "bench"], env=env, check=True, capture_output=True)
        ctx = json.loads(subprocess.run([mem0, "context", "show", "bench", "--json"], env=env, check=True,
                                        capture_output=True).stdout)["id"]
        spool = os.path.join(work, "m", "state", "spool")
        os.makedirs(spool, exist_ok=True)
        start_us = int(time.time() * 1e6) - n * 1000000
        for i in range(1, n + 1):
            with open(os.path.join(spool, f"bench-1.{i}"), "w") as f:
                f.write(f"mem0-capture 1\nsession bench-1\nseq {i}\ncontext {ctx}\nshell bash\nstatus {i % 7 == 0 and 1 or 0}\n"
                        f"start_us {start_us + i * 1000000}\nend_us {start_us + i * 1000000 + 2500}\n"
                        f"cwd /home/dev/src/project{i % 13}\ngit_root /home/dev/src/project{i % 13}\n"
                        f"git_head ref: refs/heads/feature-{i % 5}\ncmd go test ./pkg/{i % 97}/... -run Test{i}\nend\n")
        t0 = time.perf_counter()
        out = subprocess.run([mem0, "ingest", "--json"], env=env, check=True, capture_output=True).stdout
        times.append(time.perf_counter() - t0)
        got = json.loads(out)["recorded"]
        if got != n:
            raise SystemExit(f"ingest recorded {got} of {n}")
        shutil.rmtree(work, ignore_errors=True)
    return statistics.median(times)


def main():
    mem0 = os.path.abspath(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    mem0dir = tempfile.mkdtemp(prefix="mem0-bin-")
    os.symlink(mem0, os.path.join(mem0dir, "mem0"))
    print(f"load average: {os.getloadavg()[0]:.2f}; {n} commands per set-up")
    print(f"{'shell':<6} {'set-up':<12} {'median ms':>10} {'p90 ms':>8} {'overhead ms':>12} {'spooled':>8}")
    for shell in ("bash", "zsh", "fish"):
        if not shutil.which(shell):
            print(f"{shell:<6} not installed")
            continue
        base = None
        for mode in ("no hook", "not recording", "recording"):
            times, spooled = measure(shell, mode, n, mem0dir)
            med = statistics.median(times) * 1000
            p90 = statistics.quantiles(times, n=10)[-1] * 1000
            if base is None:
                base = med
            print(f"{shell:<6} {mode:<12} {med:>10.3f} {p90:>8.3f} {med - base:>+12.3f} {spooled:>8}")
        forks = forks_while_recording(shell, 100, mem0dir)
        if forks is not None:
            print(f"{shell:<6} processes started by the shell over 100 recorded commands: {forks}")
    print(f"ingest of 10,000 spooled commands (mem0 ingest, median of 5): {ingest_10k(mem0):.3f} s")
    shutil.rmtree(mem0dir, ignore_errors=True)


if __name__ == "__main__":
    main()
