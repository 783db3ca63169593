"""No script from content: rendered bodies through an allow-list sanitiser, and every URL
an editor wrote held to the schemes a documentation centre links to.

Markdown lets an editor write raw HTML, and a pull request can come from anyone. The HTML
is cleaned by nh3 (the binding of the Rust library ammonia), which keeps what editors use
(tables, footnotes, headings, lists, emphasis, pictures, `abbr`, `sup`/`sub`, `details`)
and drops scripts, styles, frames, objects, forms and every `on*` attribute. What it would
drop is found first by a reading of our own, so the editor is told where.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import nh3

from .model import Finding

URL_SCHEMES = frozenset({"http", "https", "mailto"})
INTERNAL_SCHEME = "content"  # the marker `markup` leaves for a link to a content file
TAGS = frozenset(
    {
        "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
        "colgroup", "data", "dd", "del", "details", "dfn", "div", "dl", "dt", "em",
        "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
        "kbd", "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small",
        "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "time", "tr", "u", "ul", "var", "wbr",
    }
)  # fmt: skip
_EVERYWHERE = {"id", "class", "title", "lang", "dir"}
ATTRIBUTES = {
    "*": _EVERYWHERE,
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "time": {"datetime"},
    "data": {"value"},
    "abbr": set(),
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "details": {"open"},
    "th": {"colspan", "rowspan", "headers", "scope", "style"},
    "td": {"colspan", "rowspan", "headers", "style"},
    "col": {"span"},
    "colgroup": {"span"},
}
_URL_ATTRIBUTES = {"href", "src", "cite", "action", "formaction", "poster", "background"}
# Removed with everything inside them: what they hold is code or another document.
_DROPPED_WHOLE = frozenset(
    {"script", "style", "iframe", "object", "embed", "template", "svg", "math", "noscript"}
)
_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    clean_content_tags=set(_DROPPED_WHOLE),
    attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
    url_schemes={*URL_SCHEMES, INTERNAL_SCHEME},
    link_rel=None,
    filter_style_properties={"text-align"},  # how Markdown tables align their columns
)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_MARKDOWN_URL = re.compile(r'<(a|img)\b[^>]*?\b(href|src)="([^"]*)"')
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")  # browsers skip these inside a scheme


def clean(html: str) -> str:
    """`html` with everything outside the allow-list removed."""
    return _CLEANER.clean(html)


def url_problem(url: str) -> str:
    """Why `url` may not be published, or '' when it may: an http, https or mailto
    address, a path relative to the page or the site, or a fragment."""
    bare = _IGNORED_IN_URLS.sub("", url).lower()
    scheme = _SCHEME.match(bare)
    if scheme is None or scheme[1] in URL_SCHEMES or scheme[1] == INTERNAL_SCHEME:
        return ""
    what = "runs code in readers' browsers" if scheme[1] in ("javascript", "vbscript") else ""
    what = what or ("embeds data that can carry a script" if scheme[1] == "data" else "")
    return (
        f"{url!r} is a {scheme[1]}: address{', which ' + what if what else ''}; links and "
        "pictures must be https://, http:// or mailto: addresses, paths or #fragments"
    )


def findings(html: str, source: str) -> list[Finding]:
    """What `clean` would remove from `html` (Markdown's output for the body `source`) and
    every URL with a scheme outside the allowed ones, each with its line in `source`."""
    reader = _Reader()
    if "<" in source:
        reader.feed(html)
        reader.close()
    else:  # Markdown alone makes only allowed markup: just its links and pictures to check
        reader.found = [(m[1], m[2], unescape(m[3]), True) for m in _MARKDOWN_URL.finditer(html)]
    lines = source.split("\n")
    seen: dict[str, int] = {}  # how often each pattern was looked for: the nth is on the nth line

    def line(*patterns: str) -> int:
        """Where the first of `patterns` found in the source is, or the body's first line."""
        for pattern in patterns:
            seen[pattern] = seen.get(pattern, -1) + 1
            if (found := _line_of(lines, pattern, seen[pattern])) is not None:
                return found
        return 0

    found = []
    for tag, attribute, value, unremarked in reader.found:
        if attribute is None:
            how = "with what it holds" if tag in _DROPPED_WHOLE else "keeping its text"
            message = f"<{tag}> is not allowed in a body; it was removed, {how}"
            found.append(Finding(line(rf"<\s*{re.escape(tag)}\b"), message, False))
        elif attribute in _URL_ATTRIBUTES and (problem := url_problem(value)):
            where = line(re.escape(value.strip()), rf"\b{attribute}\s*=")
            found.append(Finding(where, f"<{tag} {attribute}>: {problem}", True))
        elif not unremarked:
            message = f"the {attribute} attribute of <{tag}> is not allowed and was removed"
            found.append(Finding(line(rf"\b{re.escape(attribute)}\s*="), message, False))
    return found


class _Reader(HTMLParser):
    """Lists tags outside the allow-list, attributes outside it, and URLs to check."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        # (tag, attribute or None for the tag itself, value, whether it goes unremarked)
        self.found: list[tuple[str, str | None, str, bool]] = []
        self._dropped = 0  # depth inside an element removed with its content

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        judged = tag in TAGS and not self._dropped  # its attributes are weighed one by one
        allowed = ATTRIBUTES.get(tag, set()) | _EVERYWHERE
        for name, value in attrs:  # a URL is checked even in an element removed whole
            if name in _URL_ATTRIBUTES or (judged and name not in allowed):
                self.found.append((tag, name, value or "", not judged or name in allowed))
        if self._dropped:
            self._dropped += tag in _DROPPED_WHOLE
        elif tag not in TAGS:
            self.found.append((tag, None, "", False))
            self._dropped += tag in _DROPPED_WHOLE

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _DROPPED_WHOLE and self._dropped:
            self._dropped -= 1

    def handle_endtag(self, tag: str) -> None:
        if self._dropped and tag in _DROPPED_WHOLE:
            self._dropped -= 1


def _line_of(lines: list[str], pattern: str, nth: int) -> int | None:
    """The line (from 0) of the `nth` match of `pattern`, ignoring case; the last match
    when there are fewer, None when there is none."""
    compiled = re.compile(pattern, re.IGNORECASE)
    matches = [number for number, line in enumerate(lines) for _ in compiled.finditer(line)]
    return matches[min(nth, len(matches) - 1)] if matches else None
