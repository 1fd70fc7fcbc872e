#!/usr/bin/env python3
"""Checks what the project's own files say about themselves: run by CTest (label `docs`).

    check_sources.py SOURCE_DIR

Fails, one line per place, when a file of the project
  - talks about how the project was made instead of stating the rule or the
    reason itself: it names a numbered issue, or the contract that lives beside
    the repository (written in capitals, or as that file's name);
  - marks a snippet with a Doxygen comment (`//!` followed by `[name]`), which
    Doxygen reads as the documentation of what follows: the markers are plain
    comments, `// [name]`, which `\\snippet` finds as well.
The files are the ones git tracks (every file under SOURCE_DIR but the build
directories when it is not a git checkout).
"""

import os
import re
import subprocess
import sys

# Spelt in pieces, so that this file does not name what it looks for.
CONTRACT = "SP" + "EC"
ISSUE = re.compile(r"\bissue\s*#?\s*\d+", re.IGNORECASE)
CONTRACT_NAME = re.compile(r"\b" + CONTRACT + r"\b|\b" + CONTRACT + r"\.md\b")
DOXYGEN_MARKER = re.compile(r"//!\s*\[\w+\]")


def tracked(source):
    try:
        run = subprocess.run(
            ["git", "-C", source, "ls-files", "-z"], capture_output=True, check=True, timeout=30
        )
        return [name for name in run.stdout.decode().split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for root, dirs, names in os.walk(source):
            dirs[:] = [d for d in dirs if not d.startswith(".") and not d.startswith("build")]
            files += [os.path.relpath(os.path.join(root, n), source) for n in names]
        return files


def main():
    if len(sys.argv) != 2:
        print("usage: check_sources.py SOURCE_DIR", file=sys.stderr)
        return 2
    source = sys.argv[1]
    problems = []
    files = tracked(source)
    for name in files:
        path = os.path.join(source, name)
        try:
            with open(path, encoding="utf-8") as text:
                lines = text.read().split("\n")
        except (UnicodeDecodeError, OSError):
            continue  # not text (or gone from the work tree)
        for number, line in enumerate(lines, start=1):
            for pattern, what in (
                (ISSUE, "names an issue"),
                (CONTRACT_NAME, "cites the contract beside the repository"),
                (DOXYGEN_MARKER, "marks a snippet with a Doxygen comment (write `// [name]`)"),
            ):
                match = pattern.search(line)
                if match:
                    problems.append(f"{name}:{number}: {what}: '{match.group(0)}'")
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} place(s) to reword", file=sys.stderr)
        return 1
    if not files:
        print(f"no files found in {source}", file=sys.stderr)
        return 1
    print(f"{len(files)} files speak of the project alone, and mark their snippets plainly.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
