#!/usr/bin/env python3
"""Shows that check_html.py fails where it should: run by CTest (label docs).

Builds two tiny sites in a temporary directory: a whole one, which must pass,
and one with each fault the checker looks for (a missing page, a missing anchor,
a `file:line` link, a 2000 px figure, a line of output too long for the screen,
an empty page, an empty index, a page no link leads to), each of which must be
reported.
"""

import os
import subprocess
import sys
import tempfile

CHECKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_html.py")

PAGE = """<html><body><div class="contents">{}</div><!-- contents --></body></html>"""
SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="{}pt" height="10pt"></svg>"""


def site(parent, label, files):
    root = os.path.join(parent, label)
    os.mkdir(root)
    for name, text in files.items():
        with open(os.path.join(root, name), "w", encoding="utf-8") as out:
            out.write(text)
    return root


def check(root):
    run = subprocess.run([sys.executable, CHECKER, root], capture_output=True, text=True)
    return run.returncode, run.stdout


def main():
    with tempfile.TemporaryDirectory(prefix="poetry-check-html-") as parent:
        return selftest(parent)


def selftest(parent):
    failures = []
    whole = site(
        parent,
        "whole",
        {
            "index.html": PAGE.format(
                '<p>Start.</p><a href="next.html#part">next</a>'
                '<img src="small.svg"/><a href="https://example.org/">out</a>'
            ),
            "next.html": PAGE.format(
                '<h1 id="part">Part</h1><p>Text.</p>'
                '<pre class="fragment">' + "x" * 130 + "\nshort</pre>"
            ),
            "small.svg": SVG.format(700),
        }
    )
    code, out = check(whole)
    if code != 0:
        failures.append(f"a whole site fails the check:\n{out}")

    broken = site(
        parent,
        "broken",
        {
            "index.html": PAGE.format(
                '<p>Start.</p><a href="gone.html">gone</a>'
                '<a href="next.html#nowhere">no anchor</a>'
                '<a href="file:line">file:line</a>'
                '<iframe src="wide.svg"></iframe>'
                '<a href="empty.html">empty</a><a href="list.html">list</a>'
            ),
            "next.html": PAGE.format(
                '<p>Text.</p><pre class="fragment">short\n' + "y" * 131 + "</pre>"
            ),
            "wide.svg": SVG.format(1500),
            "empty.html": PAGE.format("  "),
            "list.html": PAGE.format('<p>All pages:</p><div class="directory"><table></table></div>'),
            "orphan.html": PAGE.format("<p>Nobody links here.</p>"),
        }
    )
    code, out = check(broken)
    if code == 0:
        failures.append("a broken site passes the check")
    for expected in [
        "links to 'gone.html', which does not exist",
        "whose anchor 'nowhere' does not exist",
        "links to 'file:line', which is not a URL",
        "shows wide.svg, 2000 px wide",
        "next.html: shows a line of output 131 characters long",
        "empty.html: is empty",
        "list.html: is empty: its list has no entries",
        "orphan.html: cannot be reached from index.html",
    ]:
        if expected not in out:
            failures.append(f"not reported: {expected}\nthe check said:\n{out}")

    for failure in failures:
        print(failure)
    if failures:
        return 1
    print("check_html.py passes a whole site and reports each fault of a broken one.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
