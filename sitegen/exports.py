"""The whole catalogue as data partner organisations can re-use: JSON, CSV, BibTeX, RIS.

One record per published event, report and document, with every front-matter field under
its front-matter name and every URL absolute. Pages are the site's own prose, not records.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Mapping

from . import cite, feeds
from .config import SiteConfig
from .model import CITED_KINDS, LIST_FOLDERS, Catalog, Item, SitePlan, citation_file
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


def data_files(
    catalog: Catalog,
    summaries: Mapping[str, str],
    config: SiteConfig,
    plan: SitePlan,
    changed: Mapping[str, datetime.date],
    formatted: dict[cite.Citation, tuple[str, str]] | None = None,
) -> dict[str, bytes]:
    """Every file of the site that is not a page: feeds, sitemap, robots.txt, the catalogue
    in four formats and each report's and document's citation files. `changed` gives the
    day each item last changed, for the sitemap; `formatted`, if given, keeps each
    citation's BibTeX and RIS for the next build, as formatting is the slow part."""
    formatted = {} if formatted is None else formatted
    kept: dict[cite.Citation, tuple[str, str]] = {}
    entries: dict[str, str] = {}
    files = {
        feed.path: feeds.atom(feed, catalog, summaries, config, plan, entries)
        for feed in plan.feeds
    }
    files["sitemap.xml"] = feeds.sitemap(_sitemap_pages(catalog, plan, changed), config)
    files["robots.txt"] = feeds.robots(config)
    rows = records(catalog, summaries, config, plan)
    files["catalogue.json"] = catalogue_json(rows, config)
    files["catalogue.csv"] = catalogue_csv(rows)
    bibtex, ris = [], []
    for item in (catalog.items[key] for key in catalog.newest(CITED_KINDS)):
        record = cite.citation(item, summaries[item.key], config, plan)
        kept[record] = formatted.get(record) or (cite.bibtex(record), cite.ris(record))
        bibtex.append(kept[record][0])
        ris.append(kept[record][1])
        url = plan.item_urls[item.key]
        files[citation_file(url, "bib")] = bibtex[-1].encode()
        files[citation_file(url, "ris")] = ris[-1].encode()
    formatted.clear()
    formatted.update(kept)
    files["catalogue.bib"] = "\n".join(bibtex).encode()
    files["catalogue.ris"] = "\r\n".join(ris).encode()
    return files


def _sitemap_pages(
    catalog: Catalog, plan: SitePlan, changed: Mapping[str, datetime.date]
) -> list[tuple[str, datetime.date | None]]:
    """Every page but the not-found page, each with the newest change among its items."""
    terms = {("tag", t.slug): t.keys for t in catalog.tags}
    terms |= {("doc_type", t.slug): t.keys for t in catalog.doc_types}
    every = tuple(catalog.items)
    newest: dict[tuple[str, str], datetime.date | None] = {}  # a list's pages share its date
    pages = []
    for page in plan.pages:
        if page.view == "not_found":
            continue
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
        pages.append((page.url, newest[index]))
    return pages


def records(
    catalog: Catalog, summaries: Mapping[str, str], config: SiteConfig, plan: SitePlan
) -> list[dict]:
    """Newest first, as on the site; absent fields are left out."""
    return [
        _record(catalog, catalog.items[k], summaries[k], config, plan)
        for k in catalog.newest(RECORD_KINDS)
    ]


def _record(catalog: Catalog, item: Item, summary: str, config: SiteConfig, plan: SitePlan) -> dict:
    def url_of(key: str) -> str:
        return config.absolute(plan.item_urls[key])

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


def catalogue_json(rows: list[dict], config: SiteConfig) -> bytes:
    document = {
        "title": config.title,
        "url": config.site_url,
        "license_note": "Records describe documents; each document keeps its own rights.",
        "count": len(rows),
        "items": rows,
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode()


def catalogue_csv(rows: list[dict]) -> bytes:
    """One row per record; lists joined with ' | ', files and images as their URLs.
    UTF-8 with a byte-order mark, so spreadsheet programs read Baltic letters correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(row.get(column, "")) for column in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode()


def _cell(value: object) -> str:
    if isinstance(value, list):
        return " | ".join(v["url"] if isinstance(v, dict) else str(v) for v in value)
    return "" if value is None else str(value)
