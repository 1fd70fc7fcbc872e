#!/usr/bin/env python3
"""Replays the runs the READMEs show, and checks that they happen as written.

    readme_scenarios.py --source DIR --bin DIR [--scale S] [--show] PART

Run by CTest, one test per part (labels `docs` and the part). Every scenario
below names a README, the server commands it needs and the command it runs, all
exactly as the README prints them (the check fails if the README no longer says
so). The servers are started on free ports (the README's ports are mapped to
them), with every `--delay` and `--timeout` multiplied by S (0.1 unless told),
so a run the README shows at a tenth of a second per chunk takes a hundredth.
Then the output the README shows after the command is checked against the
output the run printed:

  - each line shown must be printed by the run (stdout or stderr), in any order;
    `...` lines are skipped, `...` inside a line matches anything, the words K
    and LINE match a number, a duration matches any duration, so do a --trace
    line's stamp (`+0.002269`) and its `[held the loop 10.096415 s]` (a trace
    line shown without that note may have it: any step can take 10 ms on a
    loaded machine or under the sanitizers), a client's own
    port (one the README gives no server) matches any port, and a run of two or
    more spaces (an aligned column) matches any such run, and so does the
    number of a stack frame (it depends on what the compiler inlined);
  - task numbers are matched by the server port their chunk lines name, not by
    their order, since connections complete in any order; in a scenario whose
    sockets may be served in any order (`any_socket`), a --trace line's port and
    fd match any port and fd;
  - a shown summary line (`Got N poems in ...`) must be the run's last line;
  - the exit code is the one the README states;
  - and each scenario's own claims: which poems arrived, which failed, which
    finished first, whether the lines interleave.

A scenario may also stop one of its servers in the middle of the run
(`stop_server`), as a README asks the reader to: the command's stdout is then a
terminal (a pseudo-terminal, so the client prints each line as it goes, as it
does for the reader), and as soon as it prints the line the scenario waits for,
that server gets SIGTERM. The step waits on the client's own output, not on a
clock.

Because the replay gives every scenario fresh ports, it checks the ports the
pages name apart: across every README and docs page, each port has one server
command (a reader who started a server on a page still has it running on the
next), and a port a run names as one where nobody listens is never a server's.

--show prints what each run printed (ports as in the README), for writing the
README from a real run.
"""

import argparse
import copy
import os
import pty
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time

DURATION = r"\d+:\d\d:\d\d\.\d{6}"
STAMP = r"\+\d+\.\d{6}"
HELD = r"\[held the loop \d+\.\d{6} s\]"
DISPATCH = re.compile(STAMP + r" fd \d+ readable -> \w+\[127\.0\.0\.1:(\d+)\]\.doRead(.*)$")
CHUNK = re.compile(r"Task (\d+): got (\d+) bytes of poetry from 127\.0\.0\.1:(\d+)$")
SUMMARY = re.compile(r"Got (\d+) poems in " + DURATION + r"( \((\d+) failed\))?$")
RUN_TIMEOUT = 45  # seconds; CTest's own limit for each test is 60


# --- Reading the README -------------------------------------------------------


def fenced_blocks(text):
    """The README's fenced code blocks, in order: (language, lines). A block
    indented under a list item loses its indentation."""
    blocks, lang, lines, indent = [], None, None, 0
    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        if stripped.startswith("```"):
            if lines is None:
                lang, lines, indent = stripped[3:].strip(), [], len(line) - len(stripped)
            else:
                blocks.append((lang, lines))
                lines = None
        elif lines is not None:
            lines.append(line[indent:] if line[:indent].strip() == "" else line)
    return blocks


def command_of(line):
    """The command on a line of a shell block, without `&` or a trailing comment."""
    line = line.split("  #", 1)[0].strip()
    if line.startswith("#"):
        return ""
    return line[:-1].rstrip() if line.endswith("&") else line


def find_command(blocks, command):
    """The output the README shows after `command`, wherever it shows it (all
    places together; a command in a shell block shows the plain block that
    follows, if it is the block's last command), or None when it never does."""
    found, shown = False, []
    for index, (lang, lines) in enumerate(blocks):
        if lang == "console":
            for at, line in enumerate(lines):
                if line.startswith("$ ") and command_of(line[2:]) == command:
                    found = True
                    for later in lines[at + 1 :]:
                        if later.startswith("$ "):
                            break
                        shown.append(later)
        elif lang in ("sh", "bash"):
            commands = [command_of(line) for line in lines]
            if command in commands:
                found = True
                last = [c for c in commands if c][-1]
                following = blocks[index + 1] if index + 1 < len(blocks) else None
                if last == command and following and following[0] == "":
                    shown += following[1]
    return shown if found else None


# --- Running ------------------------------------------------------------------


def refused_port():
    """A loopback port where nothing listens: bound, then closed."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def scaled(value, scale):
    return "%g" % (float(value) * scale)


class Server:
    """One server command from a README, started on a free port."""

    def __init__(self, command, env):
        self.command = command
        argv = shlex.split(command)
        self.readme_port = None
        program = os.path.basename(argv[0])
        args = []
        it = iter(argv[1:])
        has_delay = False
        for arg in it:
            if arg == "--port":
                self.readme_port = int(next(it))
                args += ["--port", "0"]
            elif arg == "--delay":
                args += ["--delay", scaled(next(it), env.scale)]
                has_delay = True
            else:
                args.append(arg)
        if program in ("slowpoetry", "faultpoetry") and not has_delay:
            args += ["--delay", scaled(0.7, env.scale)]  # their default, scaled
        if not env.server_output:
            args.append("--quiet")
        self.output = []
        self.process = subprocess.Popen(
            [os.path.join(env.bin, program)] + args,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            cwd=env.source,
        )
        first = self.process.stdout.readline()
        match = re.match(r"Serving .* on port (\d+)\.$", first.rstrip("\n"))
        if not match:
            self.stop()
            raise RuntimeError(f"'{command}' did not start: {first!r}")
        self.port = int(match.group(1))
        self.output.append(first.rstrip("\n"))
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.output.append(line.rstrip("\n"))

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Env:
    def __init__(self, source, bin, scale, show):
        self.source = source
        self.bin = bin
        self.scale = scale
        self.show = show
        self.server_output = False


class Run:
    """What one command printed, with the README's ports put back."""

    def __init__(self, code, out, err, ports):
        back = {actual: readme for readme, actual in ports.items()}

        def readme_ports(text):
            text = re.sub(
                r"(127\.0\.0\.1:|port )(\d+)",
                lambda m: m.group(1) + str(back.get(int(m.group(2)), m.group(2))),
                text,
            )
            return text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")

        self.code = code
        self.out = readme_ports(out) if out else []
        self.err = readme_ports(err) if err else []


def command_text(command, ports, env):
    """A README command as it runs here: the build's programs, the ports mapped,
    every --timeout scaled."""

    def port(match):
        value = int(match.group(0))
        return str(ports[value]) if value in ports else match.group(0)

    text = command.replace("build/bin/", env.bin.rstrip("/") + "/")
    text = re.sub(r"(?<![\d.])\d{4,5}(?![\d.])", port, text)
    return re.sub(r"--timeout ([\d.]+)", lambda m: "--timeout " + scaled(m.group(1), env.scale), text)


def run_command(command, ports, env):
    """Runs a README command with bash (it may use `$(...)`), ports mapped."""
    text = command_text(command, ports, env)
    process = subprocess.run(
        ["bash", "-c", text],
        capture_output=True,
        text=True,
        cwd=env.source,
        timeout=RUN_TIMEOUT,
        stdin=subprocess.DEVNULL,
    )
    return Run(process.returncode, process.stdout, process.stderr, ports)


def run_stopping(command, ports, env, server, pattern):
    """Runs a README command with its stdout on a pseudo-terminal, and sends
    `server` SIGTERM once the command has printed a line matching `pattern`
    (with the README's ports). The command must then end by itself."""
    back = {actual: readme for readme, actual in ports.items()}
    master, slave = pty.openpty()
    try:
        process = subprocess.Popen(
            ["bash", "-c", command_text(command, ports, env)],
            stdout=slave,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            cwd=env.source,
            text=True,
        )
    finally:
        os.close(slave)
    err = []
    reader = threading.Thread(target=lambda: err.append(process.stderr.read()), daemon=True)
    reader.start()
    out, pending, stopped = [], b"", False
    deadline = time.monotonic() + RUN_TIMEOUT
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # the terminal's last reader is gone: the command ended
            data = b""
        if not data:
            break
        pending += data
        *lines, pending = pending.split(b"\n")
        for line in lines:
            line = line.decode("utf-8", "replace").rstrip("\r")
            out.append(line)
            shown = re.sub(r"127\.0\.0\.1:(\d+)",
                           lambda m: "127.0.0.1:" + str(back.get(int(m.group(1)), m.group(1))), line)
            if not stopped and re.fullmatch(pattern, shown):
                server.stop()
                stopped = True
        if time.monotonic() > deadline:
            break
    os.close(master)
    if pending:
        out.append(pending.decode("utf-8", "replace").rstrip("\r"))
    try:
        code = process.wait(timeout=max(1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        process.kill()
        code = process.wait()
    reader.join(timeout=5)
    if not stopped:
        err.append(f"(the replay never saw a line matching {pattern!r}, so the server was not stopped)")
    return Run(code, "".join(line + "\n" for line in out), "".join(err), ports)


# --- Checking -----------------------------------------------------------------


def expected_pattern(line, readme_ports, scale, any_socket=False):
    """A shown line as a regular expression, or None for a `...` line."""
    if line.strip() == "..." or not line.strip():
        return None
    line = re.sub(
        r"Timed out after ([\d.]+) s", lambda m: f"Timed out after {scaled(m.group(1), scale)} s", line
    )
    regex = ""
    frame = re.match(r" *\d+# ", line)
    if frame:  # a stack frame: its number depends on what the compiler inlined
        regex, line = r" *\d+# ", line[frame.end() :]
    stamp = re.match(STAMP + " ", line)
    held = ""
    if stamp:  # a --trace line: its stamp depends on the run
        regex, line = STAMP + " ", line[stamp.end() :]
        if not re.search(HELD, line):
            held = "(?: " + HELD + ")?"  # timing: any step may have held the loop
        if any_socket:
            readme_ports = set()
            line = re.sub(r"^fd \d+ ", "fd FD ", line)
    parts = re.split(
        r"(\.\.\.|\b(?:K|LINE|FD)\b|" + DURATION + "|" + HELD + r"|127\.0\.0\.1:\d+)", line
    )
    for part in parts:
        if part == "...":
            regex += ".*"
        elif re.fullmatch(HELD, part or "-"):
            regex += HELD
        elif part in ("K", "LINE", "FD"):
            regex += r"\d+"
        elif re.fullmatch(DURATION, part or "-"):
            regex += DURATION
        elif part.startswith("127.0.0.1:"):
            port = int(part.split(":")[1])
            regex += re.escape(part) if port in readme_ports else r"127\.0\.0\.1:\d+"
        else:
            # A run of spaces lines up a column, whose width depends on the run.
            regex += " {2,}".join(re.escape(piece) for piece in re.split(r" {2,}", part))
    return regex + held


def task_ports(lines):
    """Task number -> the port its chunk lines name."""
    ports = {}
    for line in lines:
        match = CHUNK.match(line)
        if match:
            ports.setdefault(int(match.group(1)), int(match.group(3)))
    return ports


def renumber(lines, shown):
    """Gives the run's tasks the README's numbers, matched by server port."""
    readme = {port: task for task, port in task_ports(shown).items()}
    mapping = {task: readme[port] for task, port in task_ports(lines).items() if port in readme}
    if not mapping:
        return lines
    return [
        re.sub(r"^Task (\d+)\b", lambda m: "Task " + str(mapping.get(int(m.group(1)), m.group(1))), line)
        for line in lines
    ]


def check_shown(shown, run, readme_ports, scale, any_socket=False):
    problems = []
    out = renumber(run.out, shown)
    err = renumber(run.err, shown)
    unused = out + err
    for line in shown:
        regex = expected_pattern(line, readme_ports, scale, any_socket)
        if regex is None:
            continue
        for at, actual in enumerate(unused):
            if re.fullmatch(regex, actual):
                del unused[at]
                break
        else:
            problems.append(f"shows '{line}', which the run did not print")
    summaries = [line for line in shown if SUMMARY.match(line.strip())]
    if summaries:
        last = out[-1] if out else ""
        if not re.fullmatch(expected_pattern(summaries[-1], readme_ports, scale), last):
            problems.append(f"shows '{summaries[-1]}' last, but the run ended with '{last}'")
    return problems


# Claims that a scenario makes besides its shown lines: each takes the run (with
# the README's ports) and returns a problem, or None.


def interleaved(run):
    tasks = [int(CHUNK.match(line).group(1)) for line in run.out if CHUNK.match(line)]
    switches = sum(1 for a, b in zip(tasks, tasks[1:]) if a != b)
    if switches < 2 * len(set(tasks)):
        return f"the task lines should interleave, but switch task only {switches} times"
    return None


def one_block_per_task(run):
    tasks = [int(CHUNK.match(line).group(1)) for line in run.out if CHUNK.match(line)]
    switches = sum(1 for a, b in zip(tasks, tasks[1:]) if a != b)
    if switches != len(set(tasks)) - 1:
        return f"each task's lines should come in one block, but they switch {switches} times"
    return None


def dispatches(run):
    """The ports of the --trace lines `fd N readable -> X[HOST:PORT].doRead...`,
    in order, each with the rest of its line."""
    return [(int(m.group(1)), m.group(2)) for m in map(DISPATCH.match, run.err) if m]


def trace_interleaved(run):
    ports = [port for port, _ in dispatches(run)]
    switches = sum(1 for a, b in zip(ports, ports[1:]) if a != b)
    if len(set(ports)) < 2 or switches < 2 * len(set(ports)):
        return f"the traced doRead calls should take turns, but switch socket only {switches} times"
    return None


def trace_one_doread_per_poem(run):
    """The broken variant: one doRead per socket, each reading its whole poem
    (it returns ConnectionDone), the first one holding the loop while it did."""
    calls = dispatches(run)
    ports = [port for port, _ in calls]
    if not calls or len(ports) != len(set(ports)):
        return f"each socket should have one doRead, but the trace has {ports}"
    if not all(rest.startswith(" returns ConnectionDone") for _, rest in calls):
        return "each doRead should return ConnectionDone: it read the whole poem"
    if "[held the loop" not in calls[0][1]:
        return "the first doRead should say it held the loop"
    if not run.err or not run.err[-1].endswith("connectionLost(ConnectionDone) -> reactor.stop()"):
        return "the last connectionLost should stop the reactor"
    return None


def finished_before(first, then):
    """Port `first`'s download ended before port `then`'s (last chunk line)."""

    def check(run):
        last = {}
        for at, line in enumerate(run.out):
            match = CHUNK.match(line)
            if match:
                last[int(match.group(3))] = at
        if first not in last or then not in last or not last[first] < last[then]:
            return f"the poem from {first} should finish before the one from {then}"
        return None

    return check


def poems_in_order(source, *names):
    """Client 2.1 printed these poems, whole, in this order (the finishing order)."""

    def check(run):
        text = "\n".join(run.out)
        at = 0
        for name in names:
            with open(os.path.join(source, "poetry", name), encoding="utf-8") as poem:
                body = poem.read().rstrip("\n")
            found = text.find(body, at)
            if found < 0:
                return f"{name} should be printed whole, after the poems before it in {names}"
            at = found + len(body)
        return None

    return check


def stderr_lines(count):
    def check(run):
        if len(run.err) != count:
            return f"stderr should have {count} line(s), has {len(run.err)}: {run.err}"
        return None

    return check


# --- The scenarios --------------------------------------------------------------

# The article's three servers, a tenth of a second between chunks (the article
# waits 0.7 s, slowpoetry's default).
ARTICLE = [
    "build/bin/slowpoetry --port 10000 --delay 0.1 --num-bytes 30 poetry/ecstasy.txt",
    "build/bin/slowpoetry --port 10001 --delay 0.1 poetry/fascination.txt",
    "build/bin/slowpoetry --port 10002 --delay 0.1 poetry/science.txt",
]
RESET = ["build/bin/faultpoetry --port 10003 --fault reset poetry/ecstasy.txt"]
# A server the reader stops after the first chunk, while it rests before the next.
STOPPED = ["build/bin/slowpoetry --port 10004 --delay 5 --num-bytes 100 poetry/science.txt"]
FAST = ["build/bin/fastpoetry --port 10010 poetry/science.txt"]
EXERCISE_SERVERS = [
    "build/bin/slowpoetry --port 10100 --delay 0.1 --num-bytes 100 poetry/science.txt",
    "build/bin/faultpoetry --port 10101 --fault stall poetry/fascination.txt",
    "build/bin/faultpoetry --port 10102 --fault reset poetry/ecstasy.txt",
    "build/bin/faultpoetry --port 10103 --fault endless poetry/science.txt",
]


class Scenario:
    def __init__(
        self,
        part,
        readme,
        servers,
        command,
        exit=0,
        claims=(),
        server_output=None,
        scale=None,
        any_socket=False,
        stop_server=None,
    ):
        self.part = part
        self.readme = readme
        self.servers = servers
        self.command = command
        self.exit = exit
        self.claims = list(claims)
        # For a server's own output: the command that makes a client connect.
        self.server_output = server_output
        # A gentler scale for a run whose claim is a race against a timeout.
        self.scale = scale
        # Its sockets are served in an order the network decides (see above).
        self.any_socket = any_socket
        # (README port, regex): SIGTERM to that server once stdout shows the line.
        self.stop_server = stop_server

    def name(self):
        return f"{self.readme}: {self.command}"


def scenarios(source):
    poems = lambda *names: poems_in_order(source, *names)  # noqa: E731
    return [
        # README.md
        Scenario("part01", "README.md", [], ARTICLE[0],
                 server_output="build/bin/blocking-get-poetry 10000"),
        Scenario("part01", "README.md", ARTICLE, "build/bin/blocking-get-poetry 10000 10001 10002"),
        Scenario("part04", "README.md", ARTICLE, "build/bin/reactor-get-poetry 10000 10001 10002",
                 claims=[interleaved]),
        Scenario("part04", "README.md", ARTICLE[:1], "build/bin/reactor-get-poetry 10000 10009",
                 exit=1),
        Scenario("part04", "README.md", ARTICLE, "build/bin/reactor-get-poetry-broken 10000 10001 10002",
                 claims=[one_block_per_task]),
        Scenario("part05", "README.md", ARTICLE,
                 "build/bin/protocol-get-poetry 10000 10001 10002 10009", exit=1,
                 claims=[interleaved, stderr_lines(1)]),
        Scenario("part05", "README.md", ARTICLE[1:], "build/bin/protocol-get-poetry-simple 10001 10002",
                 claims=[poems("fascination.txt"), poems("science.txt")]),
        Scenario("part05", "README.md", ARTICLE, "build/bin/protocol-get-poetry-stack 10000"),
        Scenario("part05", "README.md", FAST,
                 "build/bin/protocol-get-poetry -q $(for i in $(seq 1000); do echo 10010; done)"),
        Scenario("exercises", "README.md", EXERCISE_SERVERS[:2],
                 "build/bin/ex1-timeout --timeout 5 10100 10101", exit=1, claims=[stderr_lines(1)],
                 scale=0.3),
        Scenario("coroutines", "README.md", ARTICLE,
                 "build/bin/coroutine-get-poetry 10000 10001 10002 10009", exit=1,
                 claims=[interleaved, stderr_lines(1)]),
        Scenario("coroutines", "README.md", ARTICLE, "build/bin/coroutine-get-poetry --stack 10000"),
        # part01-blocking/README.md
        Scenario("part01", "part01-blocking/README.md", ARTICLE,
                 "build/bin/blocking-get-poetry 10000 10001 10002"),
        Scenario("part01", "part01-blocking/README.md", RESET, "build/bin/blocking-get-poetry 10003",
                 exit=1, claims=[stderr_lines(1)]),
        # part04-raw-reactor/README.md
        Scenario("part04", "part04-raw-reactor/README.md", ARTICLE,
                 "build/bin/reactor-get-poetry 10000 10001 10002", claims=[interleaved]),
        Scenario("part04", "part04-raw-reactor/README.md", ARTICLE[:1],
                 "build/bin/reactor-get-poetry 10000 10009", exit=1),
        Scenario("part04", "part04-raw-reactor/README.md", ARTICLE[:2] + RESET,
                 "build/bin/reactor-get-poetry 10000 10001 10003", exit=1,
                 claims=[stderr_lines(1)]),
        Scenario("part04", "part04-raw-reactor/README.md", ARTICLE,
                 "build/bin/reactor-get-poetry-broken 10000 10001 10002",
                 claims=[one_block_per_task]),
        Scenario("part04", "part04-raw-reactor/README.md", ARTICLE,
                 "build/bin/reactor-get-poetry -q --trace 10000 10001 10002",
                 claims=[trace_interleaved]),
        Scenario("part04", "part04-raw-reactor/README.md", ARTICLE,
                 "build/bin/reactor-get-poetry-broken -q --trace 10000 10001 10002",
                 claims=[trace_one_doread_per_poem], any_socket=True),
        # part05-protocols/README.md
        Scenario("part05", "part05-protocols/README.md", ARTICLE,
                 "build/bin/protocol-get-poetry 10000 10001 10002 10009", exit=1,
                 claims=[interleaved, stderr_lines(1),
                         finished_before(10001, 10000), finished_before(10002, 10000)]),
        Scenario("part05", "part05-protocols/README.md", ARTICLE[:1] + RESET,
                 "build/bin/protocol-get-poetry 10000 10003", exit=1, claims=[stderr_lines(1)]),
        Scenario("part05", "part05-protocols/README.md", STOPPED, "build/bin/protocol-get-poetry 10004",
                 stop_server=(10004, r"Task 1: got 100 bytes of poetry from 127\.0\.0\.1:10004"),
                 scale=1, claims=[stderr_lines(0)]),
        Scenario("part05", "part05-protocols/README.md", ARTICLE,
                 "build/bin/protocol-get-poetry-simple 10000 10001 10002",
                 claims=[poems("fascination.txt", "ecstasy.txt"), poems("science.txt", "ecstasy.txt")]),
        Scenario("part05", "part05-protocols/README.md", ARTICLE,
                 "build/bin/protocol-get-poetry-stack 10000"),
        Scenario("part05", "part05-protocols/README.md", FAST,
                 "build/bin/protocol-get-poetry -q $(for i in $(seq 1000); do echo 10010; done)"),
        Scenario("part05", "part05-protocols/README.md", ARTICLE,
                 "build/bin/protocol-get-poetry -q --trace 10000 10001 10002",
                 claims=[trace_interleaved]),
        # part05-exercises/README.md
        Scenario("exercises", "part05-exercises/README.md", EXERCISE_SERVERS[:2],
                 "build/bin/ex1-timeout --timeout 5 10100 10101", exit=1, claims=[stderr_lines(1)],
                 scale=0.3),
        Scenario("exercises", "part05-exercises/README.md", EXERCISE_SERVERS[:1],
                 "build/bin/ex2-connection-lost-stack 10100"),
        Scenario("exercises", "part05-exercises/README.md", EXERCISE_SERVERS[2:3],
                 "build/bin/ex2-connection-lost-stack 10102", exit=1),
        Scenario("exercises", "part05-exercises/README.md", [],
                 "build/bin/ex2-connection-lost-stack 10009", exit=1),
        Scenario("exercises", "part05-exercises/README.md", EXERCISE_SERVERS[3:],
                 "build/bin/ex3-max-size --max-bytes 1000000 10103", exit=1,
                 claims=[stderr_lines(1)]),
        Scenario("exercises", "part05-exercises/README.md", [EXERCISE_SERVERS[0], EXERCISE_SERVERS[2]],
                 "build/bin/ex4-done-or-lost 10100 10102", exit=1, claims=[stderr_lines(1)]),
        Scenario("exercises", "part05-exercises/README.md", EXERCISE_SERVERS[:1],
                 "build/bin/ex5-lines 10100"),
        Scenario("exercises", "part05-exercises/README.md", EXERCISE_SERVERS[:1],
                 "build/bin/ex5-lines --max-line-length 20 10100", exit=1,
                 claims=[stderr_lines(1)]),
        # part17-coroutines/README.md
        Scenario("coroutines", "part17-coroutines/README.md", ARTICLE,
                 "build/bin/coroutine-get-poetry 10000 10001 10002 10009", exit=1,
                 claims=[interleaved, stderr_lines(1),
                         finished_before(10001, 10000), finished_before(10002, 10000)]),
        Scenario("coroutines", "part17-coroutines/README.md", ARTICLE,
                 "build/bin/asio-get-poetry 10000 10001 10002 10009", exit=1,
                 claims=[interleaved, stderr_lines(1)]),
        Scenario("coroutines", "part17-coroutines/README.md", ARTICLE,
                 "build/bin/coroutine-get-poetry --stack 10000"),
        Scenario("coroutines", "part17-coroutines/README.md", ARTICLE,
                 "build/bin/asio-get-poetry --stack 10000"),
        Scenario("coroutines", "part17-coroutines/README.md", ARTICLE,
                 "build/bin/coroutine-get-poetry -q --trace 10000 10001 10002",
                 claims=[trace_interleaved]),
        Scenario("coroutines", "part17-coroutines/README.md", ARTICLE,
                 "build/bin/asio-get-poetry-broken 10000 10001 10002",
                 claims=[one_block_per_task]),
        Scenario("coroutines", "part17-coroutines/README.md", EXERCISE_SERVERS[:2],
                 "build/bin/asio-get-poetry --timeout 5 10100 10101", exit=1,
                 claims=[stderr_lines(1)], scale=0.3),
    ]


# --- One server per port ---------------------------------------------------------

SERVER_LINE = re.compile(r"^\s*(?:\$ )?(build/bin/(?:slowpoetry|faultpoetry|fastpoetry)\b.*--port (\d+)\b.*?)\s*&?\s*$")


def shown_servers(source):
    """Port -> {server command: [where it is shown]}, over every README and docs
    page: the servers a reader starts and, since no page asks to stop the ones
    before, may still have running when the next page starts its own."""
    pages = ["README.md"] + sorted(
        os.path.join(entry, "README.md")
        for entry in os.listdir(source)
        if os.path.isfile(os.path.join(source, entry, "README.md"))
    )
    docs = os.path.join(source, "docs")
    pages += sorted(os.path.join("docs", name) for name in os.listdir(docs) if name.endswith(".dox"))
    servers = {}
    for page in pages:
        with open(os.path.join(source, page), encoding="utf-8") as text:
            for number, line in enumerate(text, start=1):
                match = SERVER_LINE.match(line)
                if match:
                    where = servers.setdefault(int(match.group(2)), {})
                    where.setdefault(match.group(1), []).append(f"{page}:{number}")
    return servers


def port_problems(source, chosen):
    """A port where two pages start different servers: the second fails with
    'Address already in use' and its runs reach the first. And a port a run
    names as one where nobody listens, which some page starts a server on."""
    servers = shown_servers(source)
    problems = []
    for port, commands in sorted(servers.items()):
        if len(commands) > 1:
            shown = "; ".join(f"'{c}' ({', '.join(w)})" for c, w in commands.items())
            problems.append(f"port {port} has more than one server: {shown}")
    for scenario in chosen:
        started = {int(re.search(r"--port (\d+)", c).group(1)) for c in scenario.servers}
        if scenario.server_output:
            started.add(int(re.search(r"--port (\d+)", scenario.command).group(1)))
        named = scenario.server_output or scenario.command
        for value in re.findall(r"(?<![\d.])(1\d{4})(?![\d.])", named):
            if int(value) not in started and int(value) in servers:
                problems.append(f"{scenario.name()}: nobody should listen on {value}, but "
                                + ", ".join(w for ws in servers[int(value)].values() for w in ws)
                                + " starts a server there")
    return problems


def play(scenario, env):
    """Runs one scenario; returns its problems and what the run printed."""
    env = copy.copy(env)  # scenarios run side by side: each changes its own copy
    if scenario.scale is not None:
        env.scale = scenario.scale
    path = os.path.join(env.source, scenario.readme)
    with open(path, encoding="utf-8") as readme:
        blocks = fenced_blocks(readme.read())
    problems = []
    for server in scenario.servers:
        if find_command(blocks, server) is None:
            problems.append(f"does not show the server command '{server}'")
    shown = find_command(blocks, scenario.command)
    if shown is None:
        problems.append("does not show this command")
        return problems, None
    if not any(expected_pattern(line, set(), 1) for line in shown):
        problems.append("shows no output for this command, so there is nothing to check")
    if problems:
        return problems, None

    env.server_output = scenario.server_output is not None
    servers, ports = [], {}
    try:
        if scenario.server_output:
            own = Server(scenario.command, env)
            servers.append(own)
            ports[own.readme_port] = own.port
        for command in scenario.servers:
            server = Server(command, env)
            servers.append(server)
            ports[server.readme_port] = server.port
        readme_ports = set(ports)
        # A port the command names that has no server is one where nobody listens.
        named = scenario.server_output or scenario.command
        for value in re.findall(r"(?<![\d.])(1\d{4})(?![\d.])", named):
            ports.setdefault(int(value), refused_port())
        if scenario.server_output:
            client = run_command(scenario.server_output, ports, env)
            own.stop()
            own.reader.join(timeout=5)
            run = Run(0, "\n".join(own.output) + "\n", "", ports)
            if client.code != 0:
                problems.append(f"the client run against it failed: {client.err}")
        elif scenario.stop_server:
            port, pattern = scenario.stop_server
            server = next(s for s in servers if s.readme_port == port)
            run = run_stopping(scenario.command, ports, env, server, pattern)
        else:
            run = run_command(scenario.command, ports, env)
    finally:
        for server in servers:
            server.stop()
    if run.code != scenario.exit:
        problems.append(
            f"exit code {run.code}, the README says {scenario.exit} (stderr: {run.err[:3]})"
        )
    problems += check_shown(shown, run, readme_ports, env.scale, scenario.any_socket)
    for claim in scenario.claims:
        problem = claim(run)
        if problem:
            problems.append(problem)
    return problems, run


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--source", required=True, help="the project's root")
    parser.add_argument("--bin", required=True, help="where the programs are (build/bin)")
    parser.add_argument("--scale", type=float, default=0.1, help="multiplies every delay and timeout")
    parser.add_argument("--show", action="store_true", help="print what each run printed")
    parser.add_argument("part", choices=["part01", "part04", "part05", "exercises", "coroutines"])
    args = parser.parse_args()
    env = Env(os.path.abspath(args.source), os.path.abspath(args.bin), args.scale, args.show)

    chosen = [s for s in scenarios(env.source) if s.part == args.part]
    results = [None] * len(chosen)
    clashes = port_problems(env.source, chosen)
    for problem in clashes:
        print(f"[FAIL] {problem}")

    def worker(index):
        started = time.monotonic()
        try:
            results[index] = play(chosen[index], env) + (time.monotonic() - started,)
        except Exception as error:  # a scenario that cannot run is a failure
            results[index] = ([f"could not run: {error}"], None, time.monotonic() - started)

    # Every scenario has its own servers on free ports, so they run side by side.
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(chosen))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    failed = 0
    for scenario, (problems, run, seconds) in zip(chosen, results):
        status = "FAIL" if problems else "ok"
        print(f"[{status}] {scenario.name()} ({seconds:.1f} s)")
        for problem in problems:
            print(f"    {problem}")
        if args.show and run is not None:
            for line in run.out:
                print(f"    | {line}")
            for line in run.err:
                print(f"    ! {line}")
        failed += bool(problems)
    if clashes:
        print(f"{len(clashes)} port clash(es) between the servers the pages start", file=sys.stderr)
    if failed:
        print(f"{failed} of {len(chosen)} README runs do not happen as written", file=sys.stderr)
    if failed or clashes:
        return 1
    print(f"All {len(chosen)} README runs of {args.part} happen as written.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
