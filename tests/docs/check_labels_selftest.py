#!/usr/bin/env python3
"""Shows that check_labels.py fails where it should: run by CTest (label docs).

Gives check_labels.py a stand-in for ctest (a small script that knows four
tests and their labels, and selects with `-L` by regular expression search as
ctest does) and a project of one README, twice: labels that mean one thing each
and a README that asks for them, which must pass; then a label that is part of
another one, a README whose `-L` selects the tests of both, and a README that
names a label no test has, each of which must be reported.
"""

import os
import subprocess
import sys
import tempfile

CHECKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_labels.py")

# A stand-in for ctest: TESTS is "name:label,label;..." in its environment.
FAKE_CTEST = r'''#!/usr/bin/env python3
import os, re, sys
tests = [(n, l.split(",")) for n, l in (t.split(":") for t in os.environ["TESTS"].split(";"))]
args = sys.argv[1:]
if "--print-labels" in args:
    print("Test project /build\nAll Labels:")
    for label in sorted({l for _, ls in tests for l in ls}):
        print("  " + label)
    sys.exit(0)
chosen = tests
for option, keep in (("-L", True), ("--label-regex", True), ("-LE", False), ("--label-exclude", False)):
    if option in args:
        regex = args[args.index(option) + 1]
        chosen = [(n, ls) for n, ls in chosen if any(re.search(regex, l) for l in ls) == keep]
for number, (name, _) in enumerate(chosen, start=1):
    print(f"  Test  #{number}: {name}")
print(f"\nTotal Tests: {len(chosen)}")
'''


def check(parent, label, tests, readme):
    root = os.path.join(parent, label)
    os.mkdir(root)
    with open(os.path.join(root, "README.md"), "w", encoding="utf-8") as out:
        out.write(readme)
    ctest = os.path.join(parent, "ctest")
    env = dict(os.environ, TESTS=tests)
    run = subprocess.run(
        [sys.executable, CHECKER, "--source", root, "--build", root, "--ctest", ctest],
        capture_output=True, text=True, env=env,
    )
    return run.returncode, run.stdout


def main():
    failures = []
    with tempfile.TemporaryDirectory(prefix="poetry-check-labels-") as parent:
        ctest = os.path.join(parent, "ctest")
        with open(ctest, "w", encoding="utf-8") as out:
            out.write(FAKE_CTEST)
        os.chmod(ctest, 0o755)

        code, out = check(
            parent, "whole", "a:unit,part05;b:e2e,part01;c:e2e,exercises;d:docs",
            "Run `ctest --preset default -L exercises`, or `ctest -L unit` (label `e2e`);\n"
            "```sh\nctest --preset asan --label-exclude docs   # all but -L docs\n```\n",
        )
        if code != 0:
            failures.append(f"labels that mean one thing each fail the check:\n{out}")

        code, out = check(
            parent, "broken", "a:unit,part05;b:exercise,part01;c:e2e,exercises;d:docs",
            "Run `ctest --preset default -L exercise`, then `ctest -L part5`;\n"
            "the tests are labelled `bench`.\n",
        )
        if code == 0:
            failures.append("a label inside another passes the check")
        for expected in [
            "label 'exercise' is part of label 'exercises'",
            "README.md:1: `-L exercise` selects 2 tests, not the 1 labelled 'exercise'",
            "README.md:1: `-L part5`: no test has the label 'part5'",
            "README.md:2: names the label 'bench', which no test has",
        ]:
            if expected not in out:
                failures.append(f"not reported: {expected}\nthe check said:\n{out}")

    for failure in failures:
        print(failure)
    if failures:
        return 1
    print("check_labels.py passes labels that mean one thing each and reports each fault.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
