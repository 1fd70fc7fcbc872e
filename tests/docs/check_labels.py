#!/usr/bin/env python3
"""Checks that the test labels mean one thing each: run by CTest (label `docs`).

    check_labels.py --source DIR --build DIR [--ctest CTEST]

`ctest -L X` takes a regular expression and selects every test with a label in
which X is *found*, so a label that is part of another one (`exercise` in
`exercises`) selects the tests of both. This fails, one line per problem, when
  - one label of the build is part of another one;
  - a `ctest ... -L X` (or `-LE X`, `--label-regex X`, `--label-exclude X`) that a
    README, a docs page or a script (scripts/, .ci/) shows selects other tests
    than those labelled X (or, excluding X, all but those), or X is no label;
  - a README or a docs page names a label (`label `X``, `labelled `X``) that no
    test has.
The labels are whatever the build has (`ctest --print-labels`), so a new part's
label is checked like the others.
"""

import argparse
import os
import re
import shlex
import subprocess
import sys

# `-L X`, `-LE X`, `--label-regex X`, `--label-exclude X`, `--label-regex=X`.
LABEL_OPTION = re.compile(r"(?:^|\s)(?:-LE?|--label-(?:regex|exclude))(?:\s+|=)('[^']*'|\"[^\"]*\"|[^\s`|;),]+)")
NAMED_LABEL = re.compile(r"\blabel(?:led|s)? `([^`]+)`")


def ctest(args, build, command):
    run = subprocess.run(
        [command, "--test-dir", build] + args, capture_output=True, text=True, timeout=50
    )
    if run.returncode != 0:
        raise RuntimeError(f"ctest {' '.join(args)} failed: {run.stderr.strip()}")
    return run.stdout


def labels(build, command):
    out = ctest(["--print-labels"], build, command)
    return sorted(line.strip() for line in out.splitlines() if line.startswith("  ") and line.strip())


def selected(args, build, command):
    """The names of the tests `ctest -N ARGS` lists."""
    out = ctest(["-N"] + args, build, command)
    return {m.group(1) for m in re.finditer(r"^\s*Test\s+#\d+: (\S+)", out, re.M)}


def pages(source):
    """The README files, the docs pages and the scripts that run ctest, as (path
    relative to source, text)."""
    paths = []
    for root, dirs, files in os.walk(source):
        dirs[:] = [d for d in dirs if not d.startswith(".") and not d.startswith("build")]
        for name in files:
            if name == "README.md" or (name.endswith(".dox") and os.path.basename(root) == "docs"):
                paths.append(os.path.join(root, name))
    for folder in ("scripts", ".ci"):
        folder = os.path.join(source, folder)
        if os.path.isdir(folder):
            paths += [os.path.join(folder, n) for n in os.listdir(folder)]
    found = []
    for path in paths:
        if os.path.isfile(path):
            with open(path, encoding="utf-8", errors="replace") as text:
                found.append((os.path.relpath(path, source), text.read()))
    return sorted(found)


def shown_options(text):
    """Each `-L`-like option on a line that runs ctest: (line number, option, value)."""
    shown = []
    for number, line in enumerate(text.splitlines(), start=1):
        if "ctest" not in line:
            continue
        for match in LABEL_OPTION.finditer(line):
            option = match.group(0).split()[0].split("=")[0]
            value = shlex.split(match.group(1))[0]
            shown.append((number, option, value))
    return shown


def exact_label(value):
    """The label a shown value means: itself, or the label an anchored regex names."""
    return value[1:-1] if value.startswith("^") and value.endswith("$") else value


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", required=True)
    parser.add_argument("--build", required=True)
    parser.add_argument("--ctest", default="ctest")
    args = parser.parse_args()

    problems = []
    all_labels = labels(args.build, args.ctest)
    if not all_labels:
        problems.append("the build has no test labels at all")
    for label in all_labels:
        for other in all_labels:
            if label != other and label in other:
                problems.append(
                    f"label '{label}' is part of label '{other}': `ctest -L {label}` runs both"
                )

    everything = selected([], args.build, args.ctest)
    exact = {}  # label -> the tests that have it (an anchored regex matches it alone)

    def labelled(label):
        if label not in exact:
            exact[label] = selected(["-L", f"^{re.escape(label)}$"], args.build, args.ctest)
        return exact[label]

    checked = 0
    for page, text in pages(args.source):
        for number, option, value in shown_options(text):
            checked += 1
            where = f"{page}:{number}: `{option} {value}`"
            label = exact_label(value)
            if label not in all_labels:
                problems.append(f"{where}: no test has the label '{label}'")
                continue
            got = selected([option, value], args.build, args.ctest)
            including = option in ("-L", "--label-regex")
            want = labelled(label) if including else everything - labelled(label)
            if got != want:
                extra = sorted(got - want)[:3]
                missing = sorted(want - got)[:3]
                said = f"labelled '{label}'" if including else f"without the label '{label}'"
                problems.append(
                    f"{where} selects {len(got)} tests, not the {len(want)} {said}"
                    + (f" (also {', '.join(extra)}...)" if extra else "")
                    + (f" (not {', '.join(missing)}...)" if missing else "")
                )
        for number, line in enumerate(text.splitlines(), start=1):
            for match in NAMED_LABEL.finditer(line):
                if match.group(1) not in all_labels:
                    problems.append(f"{page}:{number}: names the label '{match.group(1)}', which no test has")

    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) with the test labels", file=sys.stderr)
        return 1
    if checked == 0:
        print("no README or docs page shows a `ctest -L`: nothing was checked", file=sys.stderr)
        return 1
    print(
        f"{len(all_labels)} labels ({', '.join(all_labels)}), none part of another; "
        f"the {checked} `ctest -L` options the pages show select what they say."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
