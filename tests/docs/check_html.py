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
    links, the links inside their SVG figures, and the top menu).

The HTML is read with Python's own html.parser; the SVGs with xml.etree.
"""

import os
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
        self._depth -= 1

    def handle_data(self, data):
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
            text = " ".join("".join(page.contents_text).split())
            if not text and page.media == 0:
                self.problem(path, "is empty: its contents have no text")
            elif page.index_lists and page.index_rows == 0:
                self.problem(path, f"is empty: its list has no entries ('{text[:60]}')")
        return self.problems


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
