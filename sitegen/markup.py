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

from .model import Body, Markup
from .text import slugify

MARKER = "content:"
EXTENSIONS = ("tables", "footnotes", "fenced_code", "sane_lists", "toc")
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_FOOTNOTE_REF = re.compile(r"<sup[^>]*>.*?</sup>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


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
    """One configured Python-Markdown instance, reset between bodies (not thread-safe)."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(
            extensions=[*EXTENSIONS, _ContentLinkExtension()],
            extension_configs={
                "toc": {
                    "permalink": "#",
                    "permalink_title": "Link to this section",
                    "slugify": lambda text, separator: slugify(text) or "section",
                    "toc_depth": "2-4",
                },
                "footnotes": {"BACKLINK_TITLE": "Back to the text of note %d"},
            },
            output_format="html",
        )
        self._links: _ContentLinks = self._md.treeprocessors["content_links"]

    def render(self, body: str, source_path: str, key: bytes) -> tuple[Markup, Body]:
        """One body's HTML and table of contents, and what lists need of it as a `Markup`
        kept by `key`; `source_path` (content-relative) anchors its relative links."""
        self._md.reset()
        self._links.folder = posixpath.dirname(source_path)
        self._links.found = []
        body_html = self._md.convert(body)
        tokens = getattr(self._md, "toc_tokens", [])
        lines = body.split("\n") if self._links.found else []
        summary = Markup(
            body_key=key,
            heading_count=_count_headings(tokens),
            first_paragraph=first_paragraph_text(body_html),
            content_links=tuple(
                (href, target, _line_of(lines, href)) for href, target in self._links.found
            ),
        )
        return summary, (body_html, self._md.toc if tokens else "")


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
