"""The whole catalogue as data partner organisations can re-use: JSON, CSV, BibTeX, RIS.

One record per published event, report and document, with every front-matter field under
its front-matter name and every URL absolute. Pages are the site's own prose, not records.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import partial

from . import cite, feeds
from .config import SiteConfig
from .locales import url_prefix
from .model import CITED_KINDS, LIST_FOLDERS, Catalog, Item, SitePlan, citation_file, digest
from .schema import FIELDS

RECORD_KINDS = tuple(LIST_FOLDERS)  # events, reports, documents
# Columns of the CSV: what identifies a record, then every field a record type may have.
COLUMNS = (
    "type",
    "url",
    "number",
    "title",
    "date",
    *(
        f.name
        for f in FIELDS
        if f.name not in ("title", "date", "number", "draft", "layout", "slug", "menu")
        and set(f.kinds) & set(RECORD_KINDS)
    ),
)


@dataclass(frozen=True)
class Fragments:
    """One item's part of every file that lists many: kept between builds by a hash of all
    it is made of, so a rebuild after one edit formats one item, not the catalogue."""

    entry: str  # its Atom <entry>
    record: str  # its object in catalogue.json, indented for its place there
    row: str  # its line of catalogue.csv
    bibtex: str = ""  # reports and documents only
    ris: str = ""

    def digest(self) -> bytes:
        """A hash of the text: what every file made of these parts is made of."""
        text = "\0".join((self.entry, self.record, self.row, self.bibtex, self.ris))
        return hashlib.blake2b(text.encode(), digest_size=16).digest()


def fragments(
    catalog: Catalog,
    summaries: Mapping[str, str],
    config: SiteConfig,
    plan: SitePlan,
    keys: Sequence[str],
) -> list[tuple[str, Fragments]]:
    """These items' parts of the data files, each with its key."""
    return [(k, _fragments(catalog, catalog.items[k], summaries[k], config, plan)) for k in keys]


def data_files(
    catalog: Catalog,
    config: SiteConfig,
    plan: SitePlan,
    days: Mapping[str, datetime.date],
    digests: Mapping[str, bytes],
    parts: Mapping[str, Fragments],
    structure: bytes,
    only: AbstractSet[str] | None = None,
) -> Iterator[tuple[str, bytes, Callable[[], bytes]]]:
    """Every file of the site that is not a page: feeds, sitemap, robots.txt, the
    catalogue in four formats and each report's and document's citation files. Each comes
    as its path, a hash of what it is made of, and how to make it: a file whose hash is
    the last build's need not be made (together they are as large as the catalogue).
    `days` gives the day each item last changed, for the sitemap; `parts` has every
    record's `Fragments` and `digests` their `Fragments.digest`;
    `structure` names the catalog and plan (`Site.indexed`). With
    `only`, the files that show none of these items are left out, as being the same
    (the catalog and plan are then the last build's, and so are the other items)."""
    records = catalog.newest(RECORD_KINDS)
    entries = {key: parts[key].entry for key in records}
    settings = digest(config)
    for feed in plan.feeds:
        shown = feed.keys[: config.feed_size]
        if only is None or not only.isdisjoint(shown):
            about = digest((settings, feed.path, feed.title, feed.page_url))
            made_of = _made_of(about, shown, digests)
            yield feed.path, made_of, partial(feeds.atom, feed, catalog, config, entries)
    sitemap = partial(_sitemap, catalog, plan, days, config)
    languages = sorted((key, item.lang) for key, item in catalog.items.items() if item.lang)
    yield "sitemap.xml", digest((settings, structure, days, languages)), sitemap  # canonicals
    yield "robots.txt", settings, partial(feeds.robots, config)
    every = _made_of(settings, records, digests)
    in_order = [parts[key] for key in records]
    yield "catalogue.json", every, lambda: catalogue_json([p.record for p in in_order], config)
    yield "catalogue.csv", every, lambda: catalogue_csv([p.row for p in in_order])
    cited = catalog.newest(CITED_KINDS)
    for key in cited if only is None else [key for key in cited if key in only]:
        url, part = plan.item_urls[key], parts[key]
        yield citation_file(url, "bib"), digests[key], part.bibtex.encode
        yield citation_file(url, "ris"), digests[key], part.ris.encode
    every_cited = _made_of(settings, cited, digests)
    bibtex = [parts[key].bibtex for key in cited]
    ris = [parts[key].ris for key in cited]
    yield "catalogue.bib", every_cited, lambda: "\n".join(bibtex).encode()
    yield "catalogue.ris", every_cited, lambda: "\r\n".join(ris).encode()


def _sitemap(
    catalog: Catalog, plan: SitePlan, days: Mapping[str, datetime.date], config: SiteConfig
) -> bytes:
    return feeds.sitemap(_sitemap_pages(catalog, plan, days, config), config)


def _made_of(about: bytes, keys: Iterable[str], digests: Mapping[str, bytes]) -> bytes:
    """A hash of a file made of these items' parts in this order, and of `about` (a hash
    of the rest it is made of): `digests` are of the parts' text, which names the item."""
    return hashlib.blake2b(
        about + b"".join([digests[key] for key in keys]), digest_size=16
    ).digest()


def _fragments(
    catalog: Catalog, item: Item, summary: str, config: SiteConfig, plan: SitePlan
) -> Fragments:
    record = _record(catalog, item, summary, config, plan)
    json_text = json.dumps(record, ensure_ascii=False, indent=1)
    row = io.StringIO()
    csv.writer(row, lineterminator="\r\n").writerow(
        [_cell(record.get(column, "")) for column in COLUMNS]
    )
    bibtex = ris = ""
    if item.kind in CITED_KINDS:
        citation = cite.citation(item, summary, config, plan)
        bibtex, ris = cite.bibtex(citation), cite.ris(citation)
    return Fragments(
        entry=feeds.entry_xml(item, summary, config, plan),
        record=json_text.replace("\n", "\n  "),  # two levels down in catalogue.json
        row=row.getvalue(),
        bibtex=bibtex,
        ris=ris,
    )


def _sitemap_pages(
    catalog: Catalog, plan: SitePlan, changed: Mapping[str, datetime.date], config: SiteConfig
) -> list[tuple[str, datetime.date | None, tuple[tuple[str, str], ...]]]:
    """Every page but the not-found page, each with the newest change among its items
    and its alternates (hreflang, URL). A page of the site's own is listed in each
    interface language, each naming the others; an item's page only where it is
    canonical, naming its real translations."""
    terms = {("tag", t.slug): t.keys for t in catalog.tags}
    terms |= {("doc_type", t.slug): t.keys for t in catalog.doc_types}
    every = tuple(catalog.items)
    newest: dict[tuple[str, str], datetime.date | None] = {}  # a list's pages share its date
    pages = []
    languages = config.interface_languages
    prefixes = [(language, url_prefix(language, n == 0)) for n, language in enumerate(languages)]
    for page in plan.pages:
        if page.view == "not_found":
            continue
        if page.view == "item":
            if page.url != plan.canonical_urls[page.key]:
                continue
            versions = (page.key, *catalog.translations.get(page.key, ()))
            alternates = tuple(
                (catalog.items[key].lang or config.language, plan.canonical_urls[key])
                for key in versions
            )
            alternates = alternates if len(alternates) > 1 else ()
        elif len(prefixes) > 1:
            alternates = tuple((language, prefix + page.path) for language, prefix in prefixes)
            alternates += (("x-default", page.path),)
        else:
            alternates = ()
        index = (page.view, page.key)
        if index not in newest:
            if page.view == "item":
                keys: tuple[str, ...] = (page.key,)
            elif page.view == "list":
                keys = catalog.by_kind[page.key]
            elif page.view == "year":
                keys = catalog.years[int(page.key)]
            else:
                keys = terms.get(index, every)
            newest[index] = max((changed[k] for k in keys if k in changed), default=None)
        pages.append((page.url, newest[index], alternates))
    return pages


def _record(catalog: Catalog, item: Item, summary: str, config: SiteConfig, plan: SitePlan) -> dict:
    def url_of(key: str) -> str:
        return config.absolute(plan.canonical_urls[key])

    files = [
        {
            "label": a.label,
            "url": a.href or config.absolute(plan.attachment_urls[a.path]),
            **({"size": a.size, "media_type": a.media_type} if a.path else {}),
        }
        for a in item.files
    ]
    record = {
        "type": item.kind,
        "url": url_of(item.key),
        "number": item.number,
        "title": item.title,
        "date": item.date.iso,
        "end": item.end.iso if item.end else None,
        "tags": list(item.tags),
        "summary": summary,
        "lang": item.lang or config.language,
        "location": item.location,
        "organiser": item.organiser,
        "kind": item.event_kind,
        "reports": [url_of(k) for k in catalog.reports_of_event.get(item.key, ())],
        "images": [
            {
                "url": config.absolute(plan.attachment_urls[image.path]),
                "alt": image.alt,
                "caption": image.caption,
            }
            for image in item.images
        ],
        "authors": list(item.authors),
        "publisher": item.publisher,
        ("availability" if item.kind == "document" else "files"): files,
        "doc_types": list(item.doc_types),
        "related": [url_of(k) for k in catalog.related.get(item.key, ())],
        "translations": [url_of(k) for k in catalog.translations.get(item.key, ())],
    }
    return {name: value for name, value in record.items() if value not in (None, "", [])}


def catalogue_json(records: list[str], config: SiteConfig) -> bytes:
    """The catalogue as one JSON document, laid out as `json.dumps(indent=1)` would."""
    head = {
        "title": config.title,
        "url": config.site_url,
        "license_note": "Records describe documents; each document keeps its own rights.",
        "count": len(records),
    }
    text = json.dumps(head, ensure_ascii=False, indent=1).removesuffix("\n}")
    items = ",\n  ".join(records)
    return (
        f'{text},\n "items": [\n  {items}\n ]\n}}\n' if records else f'{text},\n "items": []\n}}\n'
    ).encode()


def catalogue_csv(rows: list[str]) -> bytes:
    """One row per record; lists joined with ' | ', files and images as their URLs.
    UTF-8 with a byte-order mark, so spreadsheet programs read Baltic letters correctly."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(COLUMNS)
    return ("\ufeff" + buffer.getvalue() + "".join(rows)).encode()


def _cell(value: object) -> str:
    if isinstance(value, list):
        return " | ".join(v["url"] if isinstance(v, dict) else str(v) for v in value)
    return "" if value is None else str(value)
