"""Frozen records that flow between the stages. No behaviour beyond small derived views.

Items refer to each other by key (the content path without `.md`, e.g.
`reports/ferry-companies`), never by object, so every record can be cached and compared.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

KINDS = ("event", "report", "document", "page")
CITED_KINDS = ("report", "document")  # the kinds with a bibliographic record
FOLDERS = {"events": "event", "reports": "report", "documents": "document", "pages": "page"}
LIST_FOLDERS = {"event": "events", "report": "reports", "document": "documents"}


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day; the precision is kept and shown."""

    year: int
    month: int = 0
    day: int = 0

    @property
    def iso(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)


@dataclass(frozen=True)
class Source:
    """One Markdown file as read: front matter parsed, the line of every top-level key kept."""

    path: str  # relative to the content folder, posix: "reports/ferry-companies.md"
    shown_path: str  # as an editor sees it in messages: "content/reports/ferry-companies.md"
    kind: str
    front_matter: Mapping[str, object]
    key_lines: Mapping[str, int]
    body: str | None  # None when kept in the build cache, which leaves bodies out
    body_line: int  # the file's line number of the body's first line
    body_digest: bytes  # what the body's HTML is kept by

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)


@dataclass(frozen=True)
class Reference:
    """A pointer written by an editor (`related`, `reports`), resolved later by the catalog."""

    target: str
    line: int


@dataclass(frozen=True)
class FileReferences:
    """The references of a file that failed validation, by field: checked all the same,
    so that an editor sees every error of the file at once, not one fix after another."""

    key: str  # the item key the file would have: "reports/ferry-companies"
    source_path: str  # as messages name it
    fields: tuple[tuple[str, tuple[Reference, ...]], ...]  # ("related", (…)), …


@dataclass(frozen=True)
class Attachment:
    """A file shipped in the repository (`path`) or a link elsewhere (`href`)."""

    label: str
    href: str = ""
    path: str = ""  # relative to the content folder
    size: int | None = None
    media_type: str = ""
    lang: str = ""  # the file's language, a BCP 47 code; "" when not given: the item's


@dataclass(frozen=True)
class Image:
    """A picture in an event's gallery, shipped in the repository beside the Markdown file."""

    path: str  # relative to the content folder
    alt: str  # what the picture shows, for readers who cannot see it
    caption: str = ""
    line: int = 1


@dataclass(frozen=True)
class Item:
    """One validated event, report, document or page. Type-specific fields stay empty elsewhere."""

    key: str
    kind: str
    source_path: str
    title: str
    date: PartialDate
    slug: str
    body_digest: bytes  # the body itself stays with its source: items are kept in memory
    body_line: int
    tags: tuple[str, ...] = ()
    summary: str = ""
    lang: str = ""
    draft: bool = False
    scheduled: bool = False  # dated after the day of the build; shown only with --drafts
    layout: str = ""
    related: tuple[Reference, ...] = ()
    translations: tuple[Reference, ...] = ()  # the same item in other languages
    lines: Mapping[str, int] = field(default_factory=dict)  # front-matter key -> file line
    # event
    end: PartialDate | None = None
    location: str = ""
    organiser: str = ""
    event_kind: str = ""
    reports: tuple[Reference, ...] = ()
    images: tuple[Image, ...] = ()
    # report and document
    authors: tuple[str, ...] = ()
    publisher: str = ""
    files: tuple[Attachment, ...] = ()
    # document
    number: int | None = None
    doc_types: tuple[str, ...] = ()
    # page
    menu: int | None = None

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)

    @property
    def sort_key(self) -> tuple:
        """Newest first when sorted ascending: later dates, then title, then key."""
        return (-self.date.year, -self.date.month, -self.date.day, self.title.casefold(), self.key)


@dataclass(frozen=True)
class Finding:
    """Something in a body the site will not publish as written: a URL with a scheme
    outside the allowed ones (an error), or markup the sanitiser removed (a warning)."""

    line: int  # counted from the body's first line, from 0
    message: str
    error: bool


@dataclass(frozen=True)
class Markup:
    """What lists and checks need of a body rendered to HTML. The HTML itself is kept by
    `body_key` in a `bodies` store and read only for the item's own page; in it, links to
    content files are left as markers for `links`."""

    body_key: bytes
    heading_count: int
    first_paragraph: str
    # (href as written, content path, line of the href counted from the body's first)
    content_links: tuple[tuple[str, str, int], ...] = ()
    findings: tuple[Finding, ...] = ()  # what the sanitiser refused (see `sanitise`)


@dataclass(frozen=True)
class Picture:
    """A gallery picture's large version and thumbnail, both JPEG (see `images`)."""

    large: bytes
    thumbnail: bytes
    thumbnail_size: tuple[int, int]


Body = tuple[str, str]  # a body's HTML and its table of contents' HTML


class BodyLookup(Protocol):
    """Where rendered bodies are kept, by `Markup.body_key` (see `bodies`)."""

    def __getitem__(self, key: bytes) -> Body: ...


@dataclass(frozen=True)
class Term:
    """A tag or a document type: its shown name, its URL slug and the items carrying it."""

    name: str
    slug: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Catalog:
    """The published items and every index over them, all by key, newest first."""

    items: Mapping[str, Item]
    by_kind: Mapping[str, tuple[str, ...]]
    tags: tuple[Term, ...]
    doc_types: tuple[Term, ...]
    years: Mapping[int, tuple[str, ...]]
    related: Mapping[str, tuple[str, ...]]
    similar: Mapping[str, tuple[str, ...]]
    reports_of_event: Mapping[str, tuple[str, ...]]
    events_of_report: Mapping[str, tuple[str, ...]]
    translations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    tag_slug: Mapping[str, str] = field(default_factory=dict)  # shown spelling -> slug
    doc_type_slug: Mapping[str, str] = field(default_factory=dict)
    rank: Mapping[str, int] = field(default_factory=dict)  # item key -> place, newest first

    def newest(self, kinds: tuple[str, ...]) -> tuple[str, ...]:
        """The keys of items of these kinds, newest first, as each kind's list is."""
        keys = (key for kind in kinds for key in self.by_kind[kind])
        return tuple(sorted(keys, key=self.rank.__getitem__))


@dataclass(frozen=True)
class PlannedPage:
    """One HTML file to render: which view, with which parameters."""

    url: str  # relative to the site root: "" for home, "tags/baltic-sea/", "404.html"
    view: str  # item, home, list, tags, tag, years, year, types, doc_type, not_found
    key: str = ""  # the item key, tag slug, year or kind, by view
    page_number: int = 1
    page_count: int = 1
    language: str = ""  # the interface language; "" for the first
    prefix: str = ""  # the folder of that language: "" for the first, "et/"

    @cached_property  # asked for each page of the site in every rebuild
    def output_path(self) -> str:
        return self.url if self.url.endswith(".html") else f"{self.url}index.html"

    @property
    def path(self) -> str:
        """The page's address in any language, as links name it: "tags/baltic-sea/"."""
        return self.url.removeprefix(self.prefix)


@dataclass(frozen=True)
class Feed:
    path: str  # output path: "feed.xml", "tags/baltic-sea/feed.xml"
    title: str
    page_url: str  # the HTML page the feed follows, relative to the site root
    keys: tuple[str, ...]  # the items, newest first


@dataclass(frozen=True)
class SitePlan:
    pages: tuple[PlannedPage, ...]
    item_urls: Mapping[str, str]  # item key -> URL
    attachment_urls: Mapping[str, str]  # content path of a shipped file -> URL
    asset_urls: Mapping[str, str]  # assets/ name -> hashed URL
    copies: tuple[tuple[str, str], ...] = field(default=())  # (content path, output path)
    pictures: tuple[tuple[str, str, str], ...] = field(default=())  # (content, large, thumb)
    thumbnail_urls: Mapping[str, str] = field(default_factory=dict)  # content path -> URL
    feeds: tuple[Feed, ...] = field(default=())
    data_files: tuple[str, ...] = field(default=())  # feeds, exports, citations: output paths
    # item key -> URL of its page in its own language: the one feeds, exports, citations,
    # the sitemap and the other copies' canonical links name
    canonical_urls: Mapping[str, str] = field(default_factory=dict)


def page_url(base: str, number: int) -> str:
    return base if number == 1 else f"{base}page/{number}/"


def citation_file(item_url: str, suffix: str) -> str:
    """`documents/2427/` -> `documents/2427/2427.bib`: a download that says what it is."""
    return f"{item_url}{item_url.rstrip('/').rsplit('/', 1)[-1]}.{suffix}"


def digest(value: object) -> bytes:
    """A hash of a record or any plain value, equal for equal values in every process.
    The pickler keeps no memo, so how objects happen to be shared cannot change it."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump(value)
    return hashlib.blake2b(buffer.getbuffer(), digest_size=16).digest()
