"""What a build records for the next one, one typed record per stage.

Each entry is keyed on what produced it, so a later build reuses it only for the same
inputs. Values are replaced, never changed in place: the build cache writes only the
entries that changed (`cache.Journal` compares each record's fields with the last ones).
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from .errors import ContentError
from .exports import Fragments
from .model import Catalog, Item, Markup, Picture, SitePlan, Source

PageReads = tuple[tuple[str, str], ...]  # the views a page read, as (view, key), sorted
Stamp = object  # what a file that is not a page was made of; equal stamps, equal files


@dataclass
class ParseMemo:
    """The content folder as last read: each Markdown file's hash and what parsing gave."""

    sources: dict[str, tuple[bytes, Source | list[ContentError]]] = field(default_factory=dict)
    stats: dict[str, tuple[int, int, bytes]] = field(default_factory=dict)  # size, mtime, hash
    shown_prefix: str = ""  # how messages named the content folder
    # Every file's size and mtime, for a build told what changed; None: walk the folder.
    versions: dict[str, tuple[int, int]] | None = None
    layout_messages: dict[bytes, tuple] = field(default_factory=dict)  # `locales.wanted_messages`


@dataclass
class ValidateMemo:
    """Each file's item or errors, with the hash of what every validation reads besides."""

    results: dict[str, tuple[bytes, Item | list[ContentError]]] = field(default_factory=dict)
    inputs: bytes = b""  # settings, layout names, other files' sizes, the folder's name


@dataclass
class BodyMemo:
    markups: dict[bytes, Markup] = field(default_factory=dict)  # by `Markup.body_key`


@dataclass
class Indexed:
    """A catalog and plan with what they were made of, and the errors found making them."""

    items: Mapping[str, Item]
    inputs: tuple  # everything else they were made of
    catalog: Catalog
    plan: SitePlan
    errors: list[ContentError]
    # Names their shape, all but the items' records: new when it changes (`reuse.index`).
    made: bytes = field(default_factory=lambda: os.urandom(16))


@dataclass
class CatalogMemo:
    indexed: Indexed | None = None
    similar: dict = field(default_factory=dict)  # catalog's own: its inputs and answer
    pictures: dict[tuple, Picture] = field(default_factory=dict)  # pages, by file version
    page_counts: dict[tuple, int | None] = field(default_factory=dict)  # PDFs' pages, by version


@dataclass
class PageMemo:
    """What each page was made of: enough to know it unchanged without rendering it."""

    prints: dict[str, bytes] = field(default_factory=dict)  # output path -> fingerprint
    reads: dict[str, tuple[str, PageReads]] = field(default_factory=dict)  # item pages
    outlines: dict[str, tuple[str, bytes, PageReads]] = field(default_factory=dict)  # lists
    view_digests: dict[tuple[str, str], bytes] = field(default_factory=dict)  # read views
    briefs: dict[str, bytes] = field(default_factory=dict)  # what list entries were made of
    settings: tuple | None = None  # the settings and layouts every page was rendered with
    structure: tuple | None = None  # the catalog and plan, and the pictures' sizes
    layout_references: dict[bytes, set[str]] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)  # why each page was rendered


class Part(NamedTuple):
    """One record's part of the feeds and exports."""

    made_of: bytes  # a hash of its inputs (`PageInputs.data_digest`)
    fragments: Fragments
    digest: bytes  # of the fragments: equal digests, equal text (`Fragments.digest`)


@dataclass
class DataMemo:
    """Each record's part of feeds and exports, and what every other file was made of."""

    parts: dict[str, Part] = field(default_factory=dict)  # by item key
    part_digests: dict[str, bytes] = field(default_factory=dict)  # inputs, by item key
    days: dict[str, datetime.date] = field(default_factory=dict)  # each item's last change
    stamps: dict[str, Stamp] = field(default_factory=dict)  # file -> its inputs
    commit_days: tuple[str, dict[str, datetime.date]] | None = None  # (commit, days)


@dataclass
class SearchMemo:
    index: tuple[bytes, frozenset[str], int] | None = None  # (inputs, files, records)
    pdf_texts: dict[tuple, tuple[str, ...]] = field(default_factory=dict)  # pages, by file version


@dataclass
class OutputMemo:
    """Every file the last build left in the output, with its size and modification time,
    and the output's identity (`output.identity`); `stats` None: the output is unknown."""

    stats: dict[str, tuple[int, int]] | None = None
    identity: tuple | None = None


@dataclass
class Memo:
    """Everything a build records, by stage."""

    parse: ParseMemo = field(default_factory=ParseMemo)
    validate: ValidateMemo = field(default_factory=ValidateMemo)
    bodies: BodyMemo = field(default_factory=BodyMemo)
    catalog: CatalogMemo = field(default_factory=CatalogMemo)
    pages: PageMemo = field(default_factory=PageMemo)
    data: DataMemo = field(default_factory=DataMemo)
    search: SearchMemo = field(default_factory=SearchMemo)
    output: OutputMemo = field(default_factory=OutputMemo)
