#!/usr/bin/env python3
"""Shows that check_html.py fails where it should: run by CTest (label docs).

Builds two tiny sites in a temporary directory: a whole one, which must pass,
and one with each fault the checker looks for (a missing page, a missing anchor,
a `file:line` link, a 2000 px figure, a line of output too long for the screen,
an empty page, an empty index, a page no link leads to, a snippet marker as a
tooltip and as a brief, a Doxygen command left as text, a source page whose comments were stripped and one with
no comment, a figure after the listing it draws, part04's Figure 5 after a
listing of the reactor), each of which must be reported.
"""

import os
import subprocess
import sys
import tempfile

CHECKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_html.py")

PAGE = """<html><body><div class="contents">{}</div><!-- contents --></body></html>"""
SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="{}pt" height="10pt"></svg>"""


def source(numbers, comment=True):
    """A source page, as Doxygen writes one: a numbered div per line."""
    lines = "".join(
        f'<div class="line"><a id="l{n:05d}" name="l{n:05d}"></a><span class="lineno">{n}</span>'
        + ('<span class="comment">/// Why.</span>' if comment and n == 1 else "int x;")
        + "</div>"
        for n in numbers
    )
    return PAGE.format(f'<div class="fragment">{lines}</div>')


def section(anchor, *parts):
    """A page section: figures (`F:caption`) and listings (`L:file`) in order."""
    html = f'<h1><a class="anchor" id="{anchor}"></a>Section</h1><p>Text.</p>'
    for part in parts:
        kind, text = part.split(":", 1)
        if kind == "F":
            html += f'<div class="dotgraph"><img src="small.svg"/><div class="caption">{text}</div></div>'
        else:
            html += (f'<div class="fragment"><div class="line">x [tag] y</div></div>'
                     f'<div class="wholefile">From <a href="index.html">{text}</a> (the whole file).</div>')
    return html


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
                '<a href="a_8cpp_source.html" title="Does a thing [with] care.">a.cpp</a>'
                '<a href="a_8cpp_source.html">[code]</a><code>\\ref in code</code>'
                '<a href="part04.html">4</a>'
            ),
            "small.svg": SVG.format(700),
            "a_8cpp_source.html": source(range(1, 4)),
            "part04.html": PAGE.format(
                section("loop", "F:Figure 5: the loop", "L:part04-raw-reactor/reactor.cpp")
                + section("more", "L:part04-raw-reactor/get_poetry.cpp", "L:part04-raw-reactor/reactor.cpp")
            ),
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
                '<a href="marker.html">m</a><a href="stripped_8cpp_source.html">s</a>'
                '<a href="bare_8cpp_source.html">b</a><a href="part04.html">4</a>'
            ),
            "next.html": PAGE.format(
                '<p>Text.</p><pre class="fragment">short\n' + "y" * 131 + "</pre>"
            ),
            "wide.svg": SVG.format(1500),
            "empty.html": PAGE.format("  "),
            "marker.html": PAGE.format(
                '<p>Drawn by gnuplot.\n\n@image html x.svg "caption"</p>'
                '<a href="index.html" title="[PoetryProtocol]">class</a>'
                '<table><tr><td class="mdescRight">[doRead] </td></tr></table>'
            ),
            "stripped_8cpp_source.html": source([1, 15, 16]),
            "bare_8cpp_source.html": source(range(1, 4), comment=False),
            "part04.html": PAGE.format(
                section("code_first", "L:part04-raw-reactor/get_poetry.cpp", "F:Figure 6: callbacks")
                + section("loop", "L:part04-raw-reactor/reactor.cpp")
                + section("figure", "F:Figure 5: the loop")
            ),
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
        "marker.html: shows a snippet marker as documentation: tooltip '[PoetryProtocol]'",
        "marker.html: shows a snippet marker as documentation: text '[doRead]'",
        "marker.html: shows the Doxygen command '@image' as text",
        "stripped_8cpp_source.html: is a source page whose line numbers skip (1 to 15)",
        "bare_8cpp_source.html: is a source page without a single comment",
        "section 'code_first' shows a figure ('Figure 6: callbacks') after its first listing",
        "part04.html: shows 'Figure 5' after a listing of part04-raw-reactor/reactor.cpp",
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
