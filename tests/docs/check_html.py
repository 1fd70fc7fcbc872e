#!/usr/bin/env python3
"""Checks that the generated docs render whole: run by CTest (label `docs`).

    check_html.py HTML_DIR

Fails, with one line per problem, when any page of HTML_DIR (Doxygen's output)
  - links to a file, or to an anchor in a file, that does not exist;
  - links to something that is not a URL (`file:line` taken for a link): the
    only schemes allowed are http, https and mailto (and the search box's
    `javascript:void(0)`);
  - shows an SVG wider than 960 px (a figure cut off on a 1280 px screen);
  - shows captured output with a line longer than 130 characters (it would
    scroll out of its box beside the tree view on a 1280 px screen);
  - is empty: no text in its contents, or an index whose list has no entries;
  - cannot be reached from index.html by following links (the pages' own
    links, the links inside their SVG figures, and the top menu);
  - shows a snippet marker as documentation: a link's tooltip, a brief or any
    text outside code that is a bare `[name]` (a marker written as a Doxygen
    comment, `//!` before the bracketed name, becomes the documentation of what
    follows it; tests/docs/check_sources.py keeps the markers plain comments);
  - is a source page with comments stripped (its line numbers skip) or with no
    comment at all: the source browser must show each file whole;
  - shows a Doxygen command (`\\ref`, `@image`, ...) as text, not understood;
  - has a section whose first figure comes after its first listing (a picture
    goes before the code walk it draws), or, on part04's page, shows Figure 5,
    the reactor loop, after any listing of the reactor's code.

The HTML is read with Python's own html.parser; the SVGs with xml.etree.
"""

import os
import re
import sys
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

MAX_SVG_WIDTH_PX = 960
# Captured output (a `pre.fragment`, in docs/poetry.css's font) that fits beside
# the tree view at 1280 px: 124 characters were measured to take about 940 px.
MAX_OUTPUT_LINE = 130
ALLOWED_SCHEMES = {"http", "https", "mailto"}
# The search box's close button, which Doxygen writes on every page.
ALLOWED_SCRIPT_LINKS = {"javascript:void(0)"}
# Attributes that point at another file, by element.
LINK_ATTRIBUTES = {
    "a": "href",
    "area": "href",
    "link": "href",
    "img": "src",
    "script": "src",
    "iframe": "src",
    "object": "data",
}
# The page parts Doxygen always writes, whatever the page holds.
CONTENTS_CLASS = "contents"
INDEX_LIST_CLASS = "directory"
# A snippet marker shown as text: `[name]` alone, or at either end of a text
# (but Doxygen's own link to a file's source, "[code]").
LEAKED_MARKER = re.compile(r"^\[(?!code\])[A-Za-z_]\w*\](?:\s|$)|\s\[[A-Za-z_]\w*\]$")
# A Doxygen command shown as text: it was not understood (a \ref whose quoted
# text was broken across lines leaves the rest of its paragraph raw).
RAW_COMMAND = re.compile(r"[\\@](?:ref|image|snippet|listing|dot|enddot|verbinclude|section)\b")
# Where text is code, in which `[name]` may be real: listings, output, code spans.
CODE_TAGS = {"pre", "code"}
CODE_CLASSES = {"fragment", "line", "comment"}
# A figure that must come before every listing of a file, on a page.
FIGURES_BEFORE_CODE = [("part04.html", "Figure 5", "part04-raw-reactor/reactor.cpp")]


class Page(HTMLParser):
    """One HTML page: its links, its anchors, and what its contents hold."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []  # (tag, target)
        self.anchors = set()
        self.contents_text = []
        self.has_contents = False
        self.index_lists = 0
        self.index_rows = 0
        self.media = 0  # images and figures inside the contents
        self.output_lines = []  # the lines of captured output (pre.fragment)
        self._pre_at = None
        self._pre_text = []
        self._depth = 0  # element depth, for knowing when the contents end
        self._contents_at = None
        self._index_at = None
        self.leaked = []  # texts and tooltips that are snippet markers
        self.raw = []  # Doxygen commands left as text
        self._code_at = None  # depth of the code element the text is in, if any
        self.line_numbers = []  # a source page's numbered lines, in order
        self.comments = 0  # a source page's comment spans
        # In document order: ("section", anchor), ("figure", caption), ("listing", file).
        self.events = []
        self._figure = None  # (depth, index in events) of the figure being read
        self._caption_at = None
        self._wholefile_at = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        void = tag in {"img", "link", "meta", "br", "hr", "input", "area", "col"}
        if not void:
            self._depth += 1
        for name in ("id", "name"):
            if attrs.get(name):
                self.anchors.add(attrs[name])
        attribute = LINK_ATTRIBUTES.get(tag)
        if attribute and attrs.get(attribute):
            self.links.append((tag, attrs[attribute]))
        classes = (attrs.get("class") or "").split()
        if tag == "a" and attrs.get("title") and LEAKED_MARKER.search(attrs["title"].strip()):
            self.leaked.append(f"tooltip '{attrs['title']}'")
        if self._code_at is None and (tag in CODE_TAGS or CODE_CLASSES & set(classes)):
            self._code_at = self._depth if not void else None
        if tag == "a" and attrs.get("id", "").startswith("l") and attrs["id"][1:].isdigit():
            self.line_numbers.append(int(attrs["id"][1:]))
        if tag == "span" and "comment" in classes:
            self.comments += 1
        if tag in {"h1", "h2"} and self._contents_at is not None:
            self.events.append(["section", ""])
        if tag == "a" and "anchor" in classes and self.events and self.events[-1][0] == "section":
            self.events[-1][1] = self.events[-1][1] or attrs.get("id", "")
        if tag == "div" and ({"dotgraph", "image"} & set(classes)) and self._figure is None:
            self.events.append(["figure", ""])
            self._figure = (self._depth, len(self.events) - 1)
        if tag == "div" and "caption" in classes and self._figure is not None:
            self._caption_at = self._depth
        if tag == "div" and "wholefile" in classes:
            self.events.append(["listing", ""])
            self._wholefile_at = self._depth
        if tag == "div" and CONTENTS_CLASS in classes and self._contents_at is None:
            self.has_contents = True
            self._contents_at = self._depth
        if self._contents_at is not None:
            if tag == "div" and INDEX_LIST_CLASS in classes and self._index_at is None:
                self.index_lists += 1
                self._index_at = self._depth
            if self._index_at is not None and tag == "tr":
                self.index_rows += 1
            if tag in {"img", "iframe", "object", "svg"}:
                self.media += 1
            if tag == "pre" and "fragment" in classes and self._pre_at is None:
                self._pre_at = self._depth
                self._pre_text = []

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in {"img", "link", "meta", "br", "hr", "input", "area", "col"}:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in {"img", "link", "meta", "br", "hr", "input", "area", "col"}:
            return
        if self._index_at is not None and self._depth == self._index_at:
            self._index_at = None
        if self._pre_at is not None and self._depth == self._pre_at:
            self._pre_at = None
            self.output_lines += "".join(self._pre_text).split("\n")
        if self._contents_at is not None and self._depth == self._contents_at:
            self._contents_at = None
        if self._code_at is not None and self._depth == self._code_at:
            self._code_at = None
        if self._caption_at is not None and self._depth == self._caption_at:
            self._caption_at = None
        if self._figure is not None and self._depth == self._figure[0]:
            self._figure = None
        if self._wholefile_at is not None and self._depth == self._wholefile_at:
            self._wholefile_at = None
        self._depth -= 1

    def handle_data(self, data):
        if self._code_at is None and LEAKED_MARKER.search(data.strip()):
            self.leaked.append(f"text '{data.strip()[:60]}'")
        if self._code_at is None and self._contents_at is not None and RAW_COMMAND.search(data):
            self.raw.append(RAW_COMMAND.search(data).group(0))
        if self._caption_at is not None:
            self.events[self._figure[1]][1] += data
        if self._wholefile_at is not None and self.events:
            self.events[-1][1] += data
        if self._contents_at is not None:
            self.contents_text.append(data)
        if self._pre_at is not None:
            self._pre_text.append(data)


def svg_links_and_width(path):
    """The links inside an SVG figure, and its width in px (None if not given)."""
    root = ElementTree.parse(path).getroot()
    links = []
    for element in root.iter():
        for key, value in element.attrib.items():
            if key.endswith("href"):
                links.append(value)
    width = root.attrib.get("width")
    return links, to_px(width) if width else None


def to_px(length):
    """A CSS/SVG length ("1569pt", "800px", "800") in px."""
    units = {"pt": 4 / 3, "px": 1.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4, "pc": 16.0}
    for unit, factor in units.items():
        if length.endswith(unit):
            return float(length[: -len(unit)]) * factor
    return float(length)


def menu_links(html_dir):
    """The targets of Doxygen's top menu (menudata.js): every page shows it."""
    path = os.path.join(html_dir, "menudata.js")
    links = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as data:
            for piece in data.read().split('url:"')[1:]:
                links.append(piece.split('"', 1)[0])
    return links


class Checker:
    def __init__(self, html_dir):
        self.html_dir = os.path.abspath(html_dir)
        self.problems = []
        self.pages = {}
        self.svgs = {}

    def page(self, path):
        if path not in self.pages:
            parser = Page()
            with open(path, encoding="utf-8", errors="replace") as text:
                parser.feed(text.read())
            parser.close()
            self.pages[path] = parser
        return self.pages[path]

    def svg(self, path):
        if path not in self.svgs:
            try:
                self.svgs[path] = svg_links_and_width(path)
            except ElementTree.ParseError as error:
                self.problem(path, f"cannot parse the SVG: {error}")
                self.svgs[path] = ([], None)
        return self.svgs[path]

    def problem(self, path, text):
        self.problems.append(f"{os.path.relpath(path, self.html_dir)}: {text}")

    def resolve(self, source, target):
        """The file and anchor `target` names from `source`, or None for an
        external URL; reports a link that is not a URL."""
        parts = urlsplit(target)
        if parts.scheme:
            if parts.scheme.lower() not in ALLOWED_SCHEMES and target not in ALLOWED_SCRIPT_LINKS:
                self.problem(source, f"links to '{target}', which is not a URL")
            return None
        if target.startswith("//"):
            return None
        path = unquote(parts.path)
        file = os.path.normpath(os.path.join(os.path.dirname(source), path)) if path else source
        return file, unquote(parts.fragment)

    def check_target(self, source, target):
        """Checks one link; returns the file it leads to, if it is ours and exists."""
        resolved = self.resolve(source, target)
        if resolved is None:
            return None
        file, anchor = resolved
        if not os.path.isfile(file):
            self.problem(source, f"links to '{target}', which does not exist")
            return None
        if anchor and file.endswith(".html") and anchor not in self.page(file).anchors:
            self.problem(source, f"links to '{target}', whose anchor '{anchor}' does not exist")
        if file.endswith(".svg"):
            _, width = self.svg(file)
            if width is not None and width > MAX_SVG_WIDTH_PX:
                self.problem(
                    source,
                    f"shows {os.path.basename(file)}, {width:.0f} px wide "
                    f"(more than {MAX_SVG_WIDTH_PX} px)",
                )
        return file

    def run(self):
        index = os.path.join(self.html_dir, "index.html")
        if not os.path.isfile(index):
            self.problems.append(f"no index.html in {self.html_dir}")
            return self.problems
        all_pages = []
        for name in sorted(os.listdir(self.html_dir)):
            if name.endswith(".html"):
                all_pages.append(os.path.join(self.html_dir, name))

        # Links from every page (search/ holds the search box's own pages, which
        # are not part of the reading and are checked only through their links).
        reached = set()
        queue = [index]
        for target in menu_links(self.html_dir):
            file = self.check_target(index, target)
            if file:
                queue.append(file)
        while queue:
            file = queue.pop()
            if file in reached:
                continue
            reached.add(file)
            if file.endswith(".html"):
                links = [target for _, target in self.page(file).links]
            elif file.endswith(".svg"):
                links = self.svg(file)[0]
            else:
                continue
            for target in links:
                next_file = self.check_target(file, target)
                if next_file and next_file not in reached:
                    queue.append(next_file)

        for path in all_pages:
            page = self.page(path)
            if path not in reached:
                self.problem(path, "cannot be reached from index.html")
                for _, target in page.links:  # its links must still work
                    self.check_target(path, target)
            if not page.has_contents:
                continue  # frames and redirects, not pages to read
            for line in page.output_lines:
                if len(line) > MAX_OUTPUT_LINE:
                    self.problem(
                        path,
                        f"shows a line of output {len(line)} characters long (more than "
                        f"{MAX_OUTPUT_LINE}): '{line[:40]}...'",
                    )
            for leak in page.leaked:
                self.problem(path, f"shows a snippet marker as documentation: {leak}")
            for command in page.raw:
                self.problem(path, f"shows the Doxygen command '{command}' as text: it was not understood")
            if path.endswith("_source.html"):
                self.check_source(path, page)
            self.check_figures(path, page)
            text = " ".join("".join(page.contents_text).split())
            if not text and page.media == 0:
                self.problem(path, "is empty: its contents have no text")
            elif page.index_lists and page.index_rows == 0:
                self.problem(path, f"is empty: its list has no entries ('{text[:60]}')")
        return self.problems


    def check_source(self, path, page):
        numbers = page.line_numbers
        if numbers != list(range(1, len(numbers) + 1)):
            skipped = next(
                (f"{a} to {b}" for a, b in zip([0] + numbers, numbers) if b != a + 1), "?"
            )
            self.problem(path, f"is a source page whose line numbers skip ({skipped}): comments stripped?")
        elif numbers and page.comments == 0:
            self.problem(path, "is a source page without a single comment: comments stripped?")

    def check_figures(self, path, page):
        sections, current = [], None
        for kind, text in page.events:
            if kind == "section" or current is None:
                current = {"anchor": text if kind == "section" else "(top)", "first": None}
                sections.append(current)
            if kind in ("figure", "listing") and current["first"] is None:
                current["first"] = kind
            if kind == "figure" and current["first"] == "listing":
                self.problem(
                    path,
                    f"section '{current['anchor']}' shows a figure ('{' '.join(text.split())[:50]}') "
                    "after its first listing: the picture goes before the code it draws",
                )
                current["first"] = "reported"
        name = os.path.basename(path)
        for page_name, caption, source in FIGURES_BEFORE_CODE:
            if name != page_name:
                continue
            kinds = [(kind, " ".join(text.split())) for kind, text in page.events]
            figure = next((i for i, (k, t) in enumerate(kinds) if k == "figure" and t.startswith(caption)), None)
            listings = [i for i, (k, t) in enumerate(kinds) if k == "listing" and t.startswith(f"From {source} ")]
            if figure is None:
                self.problem(path, f"has no figure captioned '{caption}...'")
            elif not listings:
                self.problem(path, f"has no listing of {source}")
            elif figure > listings[0]:
                self.problem(path, f"shows '{caption}' after a listing of {source}, the code it draws")


def main():
    if len(sys.argv) != 2:
        print("usage: check_html.py HTML_DIR", file=sys.stderr)
        return 2
    problems = Checker(sys.argv[1]).run()
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} problem(s) in the docs HTML", file=sys.stderr)
        return 1
    print("The docs HTML renders whole: links, figures, pages all checked.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
