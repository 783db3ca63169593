"""Markdown bodies into HTML, with heading anchors, a table of contents and content links.

A link to another content file (`[report](../reports/ferry-companies.md)`) is rewritten to
a marker, `content:reports/ferry-companies.md`, and listed in the result; `links` later
swaps markers for URLs. So the HTML here depends only on the body and the file's path,
which is what a cache needs.
"""

from __future__ import annotations

import html
import posixpath
import re
from urllib.parse import unquote, urlsplit

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from . import sanitise
from .locales import BACKLINK_TITLE, PERMALINK_TITLE
from .model import Body, Markup
from .text import slugify

MARKER = "content:"
EXTENSIONS = ("sane_lists", "toc")
# Extensions a body without their mark cannot use, loaded only for bodies that have it:
# each one costs a tenth or more of the time of a body it has nothing to do in.
OPTIONAL_EXTENSIONS = {"tables": ("|",), "footnotes": ("[^",), "fenced_code": ("```", "~~~")}
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_FOOTNOTE_REF = re.compile(r"<sup[^>]*>.*?</sup>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_MARKED = re.compile(rf'href="{MARKER}([^"#]*)')


class _ContentLinks(Treeprocessor):
    """Marks `<a href="….md">` that point at content files, resolved against the source folder."""

    def __init__(self, md: markdown.Markdown):
        super().__init__(md)
        self.folder = ""
        self.found: list[tuple[str, str]] = []

    def run(self, root):
        for anchor in root.iter("a"):
            href = anchor.get("href", "")
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.endswith(".md"):
                continue
            path = unquote(parts.path)
            target = posixpath.normpath(
                path.lstrip("/") if path.startswith("/") else posixpath.join(self.folder, path)
            )
            self.found.append((href, target))
            fragment = f"#{parts.fragment}" if parts.fragment else ""
            anchor.set("href", f"{MARKER}{target}{fragment}")


class _ContentLinkExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After the inline processor (20) has made the <a> elements.
        md.treeprocessors.register(_ContentLinks(md), "content_links", 8)


class MarkdownRenderer:
    """Configured Python-Markdown instances, one per set of extensions a body needs,
    reset between bodies (not thread-safe). The HTML is what all extensions would make."""

    def __init__(self) -> None:
        self._instances: dict[tuple[str, ...], markdown.Markdown] = {}

    def _instance(self, body: str) -> markdown.Markdown:
        needed = tuple(
            name
            for name, marks in OPTIONAL_EXTENSIONS.items()
            if any(mark in body for mark in marks)
        )
        if needed not in self._instances:
            self._instances[needed] = _markdown(needed)
        return self._instances[needed]

    def render(self, body: str, source_path: str, key: bytes) -> tuple[Markup, Body]:
        """One body's HTML and table of contents, and what lists need of it as a `Markup`
        kept by `key`; `source_path` (content-relative) anchors its relative links."""
        md = self._instance(body)
        md.reset()
        links: _ContentLinks = md.treeprocessors["content_links"]
        links.folder = posixpath.dirname(source_path)
        links.found = []
        made = md.convert(body)
        tokens = getattr(md, "toc_tokens", [])
        toc_html = sanitise.clean(md.toc) if tokens else ""
        body_html = sanitise.clean(made)
        lines = body.split("\n")
        found = dict(links.found)  # as written -> content path; raw HTML may mark one too
        for target in _MARKED.findall(body_html):
            if target not in found.values():
                found[f"{MARKER}{target}"] = target
        summary = Markup(
            body_key=key,
            heading_count=_count_headings(tokens),
            first_paragraph=first_paragraph_text(body_html),
            content_links=tuple(
                (href, target, _line_of(lines, href)) for href, target in found.items()
            ),
            findings=tuple(dict.fromkeys(sanitise.findings(made, body))),
        )
        return summary, (body_html, toc_html)


def _markdown(optional: tuple[str, ...]) -> markdown.Markdown:
    return markdown.Markdown(
        extensions=[*optional, *EXTENSIONS, _ContentLinkExtension()],
        extension_configs={
            "toc": {
                "permalink": "#",
                "permalink_title": PERMALINK_TITLE,
                "slugify": lambda text, separator: slugify(text) or "section",
                "toc_depth": "2-4",
            },
            "footnotes": {"BACKLINK_TITLE": BACKLINK_TITLE.replace("%(number)s", "%d")},
        },
        output_format="html",
    )


def _line_of(lines: list[str], text: str) -> int:
    """The first line holding `text`, counted from 0; 0 when none does (a link split
    over lines)."""
    return next((number for number, line in enumerate(lines) if text in line), 0)


def first_paragraph_text(body_html: str) -> str:
    """Plain text of the first paragraph: the fallback summary of an item."""
    match = _FIRST_PARAGRAPH.search(body_html)
    if not match:
        return ""
    text = _TAG.sub("", _FOOTNOTE_REF.sub("", match[1]))
    return " ".join(html.unescape(text).split())


def _count_headings(tokens: list[dict]) -> int:
    return sum(1 + _count_headings(token["children"]) for token in tokens)
