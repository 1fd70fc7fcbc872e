"""The measurements behind bench/run (which builds what is needed, then runs this).

One fastpoetry on a free loopback port serves poetry/ecstasy.txt; every client
downloads it N times at once; each run is one process, measured by the kernel
(user + sys CPU, peak RSS) and by the clock (wall). Each figure is the best of
--repeat runs. Then one long poem streamed to four clients, and the
server side: fastpoetry and a Twisted server of the same shape, each under the
floor client's load. Everything goes to 127.0.0.1 and nowhere else.

Run it through bench/run; `bench/run --help` lists the options.
"""

import argparse
import contextlib
import datetime
import importlib.util
import os
import platform
import re
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
POEM = ROOT / "poetry" / "ecstasy.txt"
RESULTS = ROOT / "bench" / "RESULTS.md"
HOST = "127.0.0.1"  # loopback only, always
PYTHON = sys.executable  # Debian's python3, which has python3-twisted
KIB = 1024
MIB = 1024 * 1024


@dataclass
class Client:
    """One program that downloads N poems at once from HOST:port."""

    name: str
    what: str  # one line for the table's legend
    keeps_poem: bool  # memory per connection then excludes the poem bytes it keeps
    command: Callable  # (bin_dir, port, n) -> its command line


def addresses(port, n):
    return [f"{HOST}:{port}"] * n


CLIENTS = [
    Client("floor", "bench/floor.cpp: raw non-blocking sockets, one epoll_wait loop", False,
           lambda b, p, n: [b / "bench-floor", HOST, str(p), str(n)]),
    Client("Asio floor", "bench/asio_floor.cpp: the same job on Asio alone", False,
           lambda b, p, n: [b / "bench-asio-floor", HOST, str(p), str(n)]),
    Client("Asio floor + poems", "bench-asio-floor --keep: the same, keeping every poem as "
           "our clients do", True,
           lambda b, p, n: [b / "bench-asio-floor", "--keep", HOST, str(p), str(n)]),
    Client("client 1.0", "reactor-get-poetry -q (part04)", True,
           lambda b, p, n: [b / "reactor-get-poetry", "-q", *addresses(p, n)]),
    Client("client 2.0", "protocol-get-poetry -q (part05)", True,
           lambda b, p, n: [b / "protocol-get-poetry", "-q", *addresses(p, n)]),
    Client("ex1", "ex1-timeout -q --timeout 60: a delayed call per connection", True,
           lambda b, p, n: [b / "ex1-timeout", "-q", "--timeout", "60", *addresses(p, n)]),
    Client("coroutine client", "coroutine-get-poetry -q (part17): one coroutine per poem, on "
           "part05 through the bridge", True,
           lambda b, p, n: [b / "coroutine-get-poetry", "-q", *addresses(p, n)]),
    Client("Asio coroutines", "asio-get-poetry -q (part17): the same on Asio's own coroutines",
           True, lambda b, p, n: [b / "asio-get-poetry", "-q", *addresses(p, n)]),
    Client("Twisted", "bench/twisted_get_poetry.py: client 2.0's shape on Twisted", True,
           lambda b, p, n: [PYTHON, ROOT / "bench" / "twisted_get_poetry.py", "-q",
                            *addresses(p, n)]),
]

STREAM_CLIENTS = [
    Client("blocking client", "blocking-get-poetry -q (part01)", True,
           lambda b, p, n: [b / "blocking-get-poetry", "-q", f"{HOST}:{p}"]),
    Client("client 2.0", "protocol-get-poetry -q (part05)", True,
           lambda b, p, n: [b / "protocol-get-poetry", "-q", f"{HOST}:{p}"]),
    Client("Asio floor + poem", "bench-asio-floor --keep: Asio alone, keeping the poem in a "
           "string as client 2.0 does", True,
           lambda b, p, n: [b / "bench-asio-floor", "--keep", HOST, str(p), "1"]),
    Client("floor", "bench-floor: counts the bytes, keeps none", False,
           lambda b, p, n: [b / "bench-floor", HOST, str(p), "1"]),
]

# Our own programs, by row: --baseline measures each again as built at another revision.
OURS = {"client 1.0": "reactor-get-poetry", "client 2.0": "protocol-get-poetry",
        "ex1": "ex1-timeout", "coroutine client": "coroutine-get-poetry",
        "Asio coroutines": "asio-get-poetry"}

SERVERS = [
    ("fastpoetry", lambda b, poem: [b / "fastpoetry", "--quiet", poem]),
    ("Twisted fastpoetry",
     lambda b, poem: [PYTHON, ROOT / "bench" / "twisted_fastpoetry.py", "--quiet", poem]),
]

SUMMARY = re.compile(r"^Got (\d+) poems(?: \((\d+) bytes\))? in [0-9:.]+(?: s)?"
                     r"(?: \((\d+) failed\))?$")


class BenchError(Exception):
    """A problem that stops the run: printed as one line, exit 1."""


@dataclass
class Run:
    """One process, measured."""

    cpu: float  # user + sys seconds
    wall: float  # seconds from start to exit
    rss_kib: int  # peak resident set size
    failed: int  # downloads that did not bring a whole poem
    problem: str = ""  # why, when something failed


@dataclass
class Best:
    """The best of several runs of one thing: each figure its own minimum."""

    runs: list = field(default_factory=list)

    @property
    def cpu(self):
        return min(r.cpu for r in self.runs)

    @property
    def wall(self):
        return min(r.wall for r in self.runs)

    @property
    def rss_kib(self):
        return min(r.rss_kib for r in self.runs)

    @property
    def failed(self):
        return sum(r.failed for r in self.runs)

    @property
    def problems(self):
        return [r.problem for r in self.runs if r.problem]


def measure(argv, expected_poems, time_limit, expected_bytes=None):
    """Runs argv to its end (killed after time_limit seconds) and measures it.

    CPU comes from wait4() and includes GNU time's own (about a millisecond, the
    same in every run); peak RSS comes from GNU time, because a process forked by
    this Python program starts out with Python's pages, and the kernel remembers
    that peak across exec().
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(mode="r") as rss:
        start = time.monotonic()
        process = subprocess.Popen(["/usr/bin/time", "-q", "-f", "%M", "-o", rss.name,
                                    *map(str, argv)], stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=err, start_new_session=True)
        # Wait on a pidfd, so the time limit needs no thread. GNU time leads its own
        # process group, alive until reaped: killing the group reaches the program.
        pidfd = os.pidfd_open(process.pid)
        try:
            ready, _, _ = select.select([pidfd], [], [], time_limit)
        except BaseException:  # Ctrl-C or SIGTERM: take the program down with us
            os.killpg(process.pid, signal.SIGKILL)
            os.wait4(process.pid, 0)
            raise
        finally:
            os.close(pidfd)
        if not ready:
            os.killpg(process.pid, signal.SIGKILL)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - start
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        lines = out.read().decode(errors="replace").splitlines()
        errors = err.read().decode(errors="replace").splitlines()
        peak = rss.read().split()

    run = Run(cpu=usage.ru_utime + usage.ru_stime, wall=wall,
              rss_kib=int(peak[-1]) if peak else 0,
              failed=expected_poems)
    program = Path(str(argv[1] if argv[0] == PYTHON else argv[0])).name
    found = SUMMARY.match(lines[-1]) if lines else None
    if not ready:
        run.problem = f"{program}: killed after {time_limit:.0f} s"
    elif not found:
        run.problem = (f"{program}: no summary line (exit {process.returncode}): "
                       + (errors[0] if errors else "no message"))
    else:
        poems = int(found.group(1))
        run.failed = expected_poems - poems
        got_bytes = found.group(2)
        if run.failed:
            run.problem = (f"{program}: {run.failed} of {expected_poems} poems failed: "
                           + (errors[0] if errors else lines[-1]))
        elif expected_bytes is not None and got_bytes is not None and \
                int(got_bytes) != expected_bytes:
            run.failed = expected_poems
            run.problem = f"{program}: got {got_bytes} bytes, expected {expected_bytes}"
        elif process.returncode != 0:
            run.problem = f"{program}: exit {process.returncode}: " + (
                errors[0] if errors else "no message")
    return run


def with_baselines(clients, baselines):
    """`clients`, each of our rows followed by the same program at each baseline revision
    (`client 2.0 @db8ca3a`), when that revision has it."""
    rows = []
    for client in clients:
        rows.append(client)
        for label, bin_dir in baselines:
            if client.name in OURS and (bin_dir / OURS[client.name]).is_file():
                rows.append(Client(f"{client.name} @{label}", f"{client.what}, built at {label}",
                                   client.keeps_poem,
                                   lambda b, p, n, c=client, d=bin_dir: c.command(d, p, n)))
    return rows


class Revision:
    """Another revision's clients, built in a temporary git worktree under build-bench/,
    removed (with its build) when the `with` ends, whatever happened meanwhile."""

    def __init__(self, rev):
        self.rev = rev
        self.tree = None

    def __enter__(self):
        found = subprocess.run(["git", "-C", ROOT, "rev-parse", "--verify", "--quiet",
                                "--short", f"{self.rev}^{{commit}}"],
                               capture_output=True, text=True, check=False)
        if found.returncode != 0:
            raise BenchError(f"--baseline {self.rev}: not a commit of this repository")
        self.label = found.stdout.strip()
        self.tree = ROOT / "build-bench" / self.label
        self._remove()  # what an interrupted run may have left
        progress(f"Building {', '.join(OURS.values())} at {self.label} in "
                 f"{self.tree.relative_to(ROOT)}:")
        self._run(["git", "-C", ROOT, "worktree", "add", "--detach", self.tree, self.label])
        env = dict(os.environ)
        if shutil.which("ccache"):  # the same sources as before: mostly cache hits
            env.setdefault("CMAKE_CXX_COMPILER_LAUNCHER", "ccache")
        self._run(["cmake", "--preset", "default"], env)
        for target in OURS.values():  # one at a time: an older revision may lack one
            try:
                self._run(["cmake", "--build", "--preset", "default", "--target", target], env)
            except BenchError as error:
                progress(f"  {target} not built at {self.label}, its rows are left out: {error}")
        self.bin = self.tree / "build" / "bin"
        return self

    def _run(self, argv, env=None):
        done = subprocess.run([str(a) for a in argv], cwd=self.tree if self.tree.is_dir() else ROOT,
                              env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            lines = (done.stderr or done.stdout).strip().splitlines()
            raise BenchError(f"{' '.join(map(str, argv[:3]))} failed: "
                             + (lines[-1] if lines else f"exit {done.returncode}"))

    def _remove(self):
        if self.tree.exists():
            subprocess.run(["git", "-C", ROOT, "worktree", "remove", "--force", self.tree],
                           capture_output=True, check=False)
            shutil.rmtree(self.tree, ignore_errors=True)
        subprocess.run(["git", "-C", ROOT, "worktree", "prune"], capture_output=True, check=False)
        try:
            self.tree.parent.rmdir()  # build-bench/, once empty
        except OSError:
            pass

    def __exit__(self, *exc):
        if self.tree is not None:
            self._remove()


class Server:
    """A poetry server on a free loopback port, stopped when the `with` ends."""

    def __init__(self, argv):
        self.argv = [str(a) for a in argv]
        self.name = Path(self.argv[1] if self.argv[0] == PYTHON else self.argv[0]).name
        self.process = None
        self.port = None

    def __enter__(self):
        # stderr to a file: a pipe nobody reads could fill up and stall the server.
        self.errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=self.errors)
        # The first line is "Serving FILE on port P." once it listens.
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        line = self.process.stdout.readline().decode().strip() if ready else ""
        found = re.search(r" on port (\d+)\.$", line)
        if not found:
            self.__exit__()
            raise BenchError(f"could not start {self.name}: {line or self.message}")
        self.port = int(found.group(1))
        return self

    def cpu_seconds(self):
        """CPU time so far, user + sys, from the kernel's scheduler statistics."""
        pid = self.process.pid
        try:
            return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
        except OSError:  # a kernel without schedstat: clock ticks, coarser
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_kib(self):
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self.errors.seek(0)
        errors = self.errors.read().decode(errors="replace").strip().splitlines()
        self.message = errors[0] if errors else "no message"
        self.errors.close()


def time_limit(n):
    """Seconds one run may take before it is killed: generous, a shared machine is slow."""
    return 60 + n / 100


def progress(text):
    print(text, file=sys.stderr, flush=True)


def measure_clients(bin_dir, clients, counts, repeat):
    """results[client name][n] = Best, for n = 1 (the baseline) and every count."""
    size = POEM.stat().st_size
    results = {c.name: {n: Best() for n in [1, *counts]} for c in clients}
    with Server([bin_dir / "fastpoetry", "--quiet", POEM]) as server:
        for r in range(1, repeat + 1):
            for n in [1, *counts]:
                figures = []
                for client in clients:
                    run = measure(client.command(bin_dir, server.port, n), n, time_limit(n),
                                  n * size if not client.keeps_poem else None)
                    results[client.name][n].runs.append(run)
                    figures.append(f"{client.name} {run.cpu:.2f}"
                                   + (f" ({run.failed} failed)" if run.failed else ""))
                progress(f"  repeat {r}/{repeat}, N = {n}: CPU s " + ", ".join(figures))
    return results


def make_stream_poem(directory, mib):
    """A poem of `mib` MiB: ecstasy.txt over and over, cut to size."""
    path = Path(directory) / f"stream-{mib}MiB.txt"
    verse = POEM.read_bytes()
    block = verse * (MIB // len(verse) + 1)
    with open(path, "wb") as file:
        left = mib * MIB
        while left > 0:
            chunk = block[:min(left, MIB)]
            file.write(chunk)
            left -= len(chunk)
    return path


def measure_stream(bin_dir, clients, repeat, mib):
    """results[client name] = Best, one poem of `mib` MiB each."""
    results = {c.name: Best() for c in clients}
    with tempfile.TemporaryDirectory(prefix="poetry-bench-") as directory:
        poem = make_stream_poem(directory, mib)
        size = poem.stat().st_size
        with Server([bin_dir / "fastpoetry", "--quiet", poem]) as server:
            for r in range(1, repeat + 1):
                figures = []
                for client in clients:
                    run = measure(client.command(bin_dir, server.port, 1), 1, time_limit(0),
                                  size if not client.keeps_poem else None)
                    results[client.name].runs.append(run)
                    figures.append(f"{client.name} {run.wall:.2f}")
                progress(f"  repeat {r}/{repeat}, one {mib} MiB poem: wall s " + ", ".join(figures))
    return results


def measure_servers(bin_dir, n, repeat):
    """results[server name] = Best: the server's CPU and peak RSS under n downloads.

    Each run starts a fresh server, so its peak RSS is this load's; its CPU is read
    before and after the load, so start-up (Python importing Twisted) is left out.
    """
    size = POEM.stat().st_size
    results = {name: Best() for name, _ in SERVERS}
    for r in range(1, repeat + 1):
        figures = []
        for name, argv in SERVERS:
            with Server(argv(bin_dir, POEM)) as server:
                before = server.cpu_seconds()
                load = measure([bin_dir / "bench-floor", HOST, str(server.port), str(n)], n,
                               time_limit(n), n * size)
                load.cpu = server.cpu_seconds() - before
                load.rss_kib = server.peak_rss_kib()
                results[name].runs.append(load)
                figures.append(f"{name} {load.cpu:.2f}")
        progress(f"  repeat {r}/{repeat}, {n} downloads: server CPU s " + ", ".join(figures))
    return results


def ratio(value, base):
    return f"{value / base:.2f}x" if base > 0 else "-"


def client_table(results, clients, n, repeat):
    size = POEM.stat().st_size

    def per_poem_us(name):
        best = results[name]
        return (best[n].cpu - best[1].cpu) / n * 1e6

    lines = [
        f"**{n:,} downloads at once** of `poetry/ecstasy.txt` ({size} bytes) from one "
        f"`fastpoetry`, best of {repeat}:",
        "",
        "| client | failed | CPU s | wall s | peak RSS MiB | CPU µs/poem | KiB/conn beyond poem "
        "| × floor | × Asio floor | × Asio floor + poems | × client 2.0 |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    floor, asio, asio_poems, client2 = (per_poem_us(name) for name in
                                        ("floor", "Asio floor", "Asio floor + poems",
                                         "client 2.0"))
    for client in clients:
        best = results[client.name]
        us = per_poem_us(client.name)
        kept = n * size if client.keeps_poem else 0
        beyond = (best[n].rss_kib * KIB - best[1].rss_kib * KIB - kept) / n / KIB
        beyond = round(beyond, 2) + 0.0  # no "-0.00" for a floor that keeps nothing
        failed = best[n].failed + best[1].failed
        lines.append(
            f"| {client.name} | {failed} | {best[n].cpu:.2f} | {best[n].wall:.2f} "
            f"| {best[n].rss_kib / KIB:.1f} | {us:.1f} | {beyond:.2f} "
            f"| {ratio(us, floor)} | {ratio(us, asio)} | {ratio(us, asio_poems)} "
            f"| {ratio(us, client2)} |")
    return lines


def stream_table(results, clients, repeat, mib):
    blocking = results["blocking client"].wall
    lines = [
        f"**One {mib} MiB poem** from `fastpoetry`, best of {repeat}:",
        "",
        "| client | failed | wall s | MiB/s | × blocking client | CPU s | peak RSS MiB |",
        "|---|---|---|---|---|---|---|",
    ]
    for client in clients:
        best = results[client.name]
        lines.append(f"| {client.name} | {best.failed} | {best.wall:.2f} | {mib / best.wall:.0f} "
                     f"| {ratio(blocking, best.wall)} | {best.cpu:.2f} "
                     f"| {best.rss_kib / KIB:.1f} |")
    return lines


def server_table(results, n, repeat):
    base = results["fastpoetry"].cpu
    lines = [
        f"**The server side**: one server, {n:,} downloads at once by `bench-floor`; "
        f"the server's CPU during the load, best of {repeat}:",
        "",
        "| server | failed | CPU s | CPU µs/poem | peak RSS MiB | × fastpoetry |",
        "|---|---|---|---|---|---|",
    ]
    for name, best in results.items():
        lines.append(f"| {name} | {best.failed} | {best.cpu:.2f} | {best.cpu / n * 1e6:.1f} "
                     f"| {best.rss_kib / KIB:.1f} | {ratio(best.cpu, base)} |")
    return lines


LEGEND = [
    "CPU is user + sys of the client process. CPU µs/poem and KiB/conn subtract a "
    "1-poem run of the same program, so start-up (Python importing Twisted) is not "
    "counted per poem; KiB/conn also leaves out the poem bytes a client keeps (floors keep "
    "none). The × columns compare CPU µs/poem. Twisted's start-up varies by a tenth of a second "
    "or more from run to run, so read its per-poem figures at the largest N. In the stream, "
    "every client keeps the poem, as the article's do, and so does the Asio floor + poem row, in "
    "one string: what keeping the poem costs before any layer of ours. Only the floor keeps "
    "nothing: the stream's floor row is as fast as fastpoetry itself sends. The machine "
    "is shared: compare ratios within one run, not absolute times across runs.",
    "",
]


def machine_facts():
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = int(line.split()[1]) / MIB
    load = os.getloadavg()[0]
    return (f"{os.cpu_count()} CPUs ({model}), {memory:.0f} GiB, Linux {platform.release()}; "
            f"load average {load:.1f} at the start")


def commit():
    def git(*args):
        return subprocess.run(["git", "-C", ROOT, *args], capture_output=True, text=True,
                              check=False).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = [line for line in git("status", "--porcelain").splitlines()
               if not line.endswith("bench/RESULTS.md")]
    return head + (" with uncommitted changes" if changed else "")


def record(text, note, command, facts, started):
    entry = [
        "",
        f"## {started:%Y-%m-%d %H:%M}, commit {commit()}",
        "",
        f"What changed: {note}",
        "",
        f"Machine: {facts}. Command: `{command}`.",
        "",
        text,
    ]
    with open(RESULTS, "a", encoding="utf-8") as file:
        file.write("\n".join(entry))
    progress(f"appended to {RESULTS.relative_to(ROOT)}")


def raise_file_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < needed:
        raise BenchError(f"{needed} open files are needed and the hard limit is {hard}: "
                         "raise it (ulimit -Hn, /etc/security/limits.conf) and run again")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


PARTS = ["clients", "stream", "servers"]


def label_and_directory(text):
    label, equals, directory = text.partition("=")
    if not equals or not label or not directory:
        raise argparse.ArgumentTypeError(f"want LABEL=DIR, not '{text}'")
    return label, Path(directory)


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        prog="bench/run",
        description="Measures the clients side by side with two floors and with Twisted: N "
                    "downloads at once from one fastpoetry on 127.0.0.1, one long stream, and "
                    "the server side. Prints Markdown tables; --record appends them to "
                    "bench/RESULTS.md.")
    parser.add_argument("counts", nargs="*", type=int, metavar="N", default=[1000, 10000],
                        help="downloads at once (default: 1000 10000)")
    parser.add_argument("--repeat", "-r", type=int, default=3, metavar="R",
                        help="runs of each measurement; each figure is the best (default 3)")
    parser.add_argument("--stream-mib", type=int, default=256, metavar="MIB",
                        help="size of the streamed poem, generated in a temporary directory "
                             "(default 256)")
    parser.add_argument("--bin", type=Path, default=ROOT / "build" / "bin", metavar="DIR",
                        help="where the programs are (default build/bin)")
    parser.add_argument("--no-build", action="store_true",
                        help="use the programs as they are: no dependency check, no build")
    parser.add_argument("--baseline", action="append", default=[], metavar="REV",
                        help="also measure client 1.0, client 2.0 and ex1 as built at git "
                             "revision REV (rows 'client 2.0 @REV'), in the same run: REV is "
                             "checked out and built in a temporary worktree under build-bench/, "
                             "removed after; may be given more than once")
    parser.add_argument("--baseline-bin", action="append", default=[], metavar="LABEL=DIR",
                        type=label_and_directory,
                        help="the same with programs built already, in DIR (rows "
                             "'client 2.0 @LABEL')")
    parser.add_argument("--only", action="append", choices=PARTS, metavar="PART",
                        help="measure only this part: clients, stream or servers; may be given "
                             "more than once (default: all three)")
    parser.add_argument("--record", action="store_true",
                        help="append the tables to bench/RESULTS.md, with --note")
    parser.add_argument("--note", metavar="TEXT",
                        help="with --record: one line saying what changed since the last record")
    args = parser.parse_args(argv)
    if any(n < 1 for n in args.counts) or args.repeat < 1 or args.stream_mib < 1:
        parser.error("N, --repeat and --stream-mib must be at least 1")
    if args.record and not args.note:
        parser.error("--record needs --note 'what changed since the last record'")
    if args.note and "\n" in args.note:
        parser.error("--note is one line")
    args.counts = sorted(set(args.counts))
    args.only = [part for part in PARTS if part in (args.only or PARTS)]
    return args


def main(argv):
    args = parse_arguments(argv)
    started = datetime.datetime.now()
    bin_dir = args.bin.resolve()
    needed = ["bench-floor", "bench-asio-floor", "reactor-get-poetry", "protocol-get-poetry",
              "ex1-timeout", "coroutine-get-poetry", "asio-get-poetry", "blocking-get-poetry",
              "fastpoetry"]
    missing = [name for name in needed if not (bin_dir / name).is_file()]
    if missing:
        raise BenchError(f"not built in {bin_dir}: {' '.join(missing)} (run bench/run "
                         "without --no-build, or cmake --build --preset default)")
    if importlib.util.find_spec("twisted") is None:
        raise BenchError(f"{PYTHON} cannot import Twisted: install Debian's python3-twisted "
                         "(bench/run without --no-build does)")
    for label, directory in args.baseline_bin:
        if not any((directory / name).is_file() for name in OURS.values()):
            raise BenchError(f"--baseline-bin {label}={directory}: none of "
                             f"{' '.join(OURS.values())} is there")
    largest = max(args.counts)
    raise_file_limit(largest + 100)
    facts = machine_facts()

    with contextlib.ExitStack() as built:
        baselines = [(label, directory.resolve()) for label, directory in args.baseline_bin]
        for rev in args.baseline:
            revision = built.enter_context(Revision(rev))
            baselines.append((revision.label, revision.bin))
        rows = with_baselines(CLIENTS, baselines)
        stream_rows = with_baselines(STREAM_CLIENTS, baselines)
        clients = stream = servers = None
        if "clients" in args.only:
            progress(f"Clients, N = {', '.join(map(str, args.counts))} (and 1, the baseline):")
            clients = measure_clients(bin_dir, rows, args.counts, args.repeat)
        if "stream" in args.only:
            progress(f"One stream of {args.stream_mib} MiB:")
            stream = measure_stream(bin_dir, stream_rows, args.repeat, args.stream_mib)
    if "servers" in args.only:
        progress(f"Servers, {largest} downloads:")
        servers = measure_servers(bin_dir, largest, args.repeat)

    text = []
    problems = []
    if clients:
        for n in args.counts:
            text += client_table(clients, rows, n, args.repeat) + [""]
        problems += [p for c in clients.values() for best in c.values() for p in best.problems]
    if stream:
        text += stream_table(stream, stream_rows, args.repeat, args.stream_mib) + [""]
        problems += [p for best in stream.values() for p in best.problems]
    if servers:
        text += server_table(servers, largest, args.repeat) + [""]
        problems += [p for best in servers.values() for p in best.problems]
    text += LEGEND + [f"- {c.name}: {c.what}" for c in rows] + [""]
    text = "\n".join(text)
    print(text, end="")
    for problem in dict.fromkeys(problems):
        print(f"bench/run: {problem}", file=sys.stderr)

    if args.record:
        if problems:
            raise BenchError("not recorded: a run had failures")
        options = [f"--repeat {args.repeat}"]
        if args.stream_mib != 256:
            options.append(f"--stream-mib {args.stream_mib}")
        options += [f"--baseline {rev}" for rev in args.baseline]
        options += [f"--only {part}" for part in args.only if len(args.only) < len(PARTS)]
        command = " ".join(["bench/run", *options, *map(str, args.counts)])
        record(text, args.note, command, facts, started)
    return 1 if problems else 0


def stop_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)  # unwinds, so every server started is stopped


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    try:
        sys.exit(main(sys.argv[1:]))
    except BenchError as error:
        print(f"bench/run: {error}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
