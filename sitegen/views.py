"""What each planned page shows: display-ready dicts built from the catalog and plan.

Templates never see domain records: they get plain values, built once per item by
`Views`, so a layout can't reach into the pipeline's state, and a page's context is all
its HTML depends on (which is what lets a rebuild skip pages whose context is unchanged).
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from markupsafe import Markup as SafeHtml

from . import cite
from .config import SiteConfig
from .model import (
    CITED_KINDS,
    BodyLookup,
    Catalog,
    Item,
    Markup,
    PartialDate,
    PlannedPage,
    SitePlan,
    citation_file,
    page_url,
)

KIND_LABELS = {
    "event": ("Event", "Events"),
    "report": ("Report", "Reports"),
    "document": ("Document", "Documents"),
    "page": ("Page", "Pages"),
}
LANGUAGE_NAMES = {
    "da": "Danish", "de": "German", "en": "English", "et": "Estonian", "fi": "Finnish",
    "fr": "French", "is": "Icelandic", "lt": "Lithuanian", "lv": "Latvian", "nb": "Norwegian",
    "nn": "Norwegian", "no": "Norwegian", "pl": "Polish", "ru": "Russian", "sv": "Swedish",
}  # fmt: skip
VIEW_TEMPLATES = {
    "home": "home.html", "list": "list.html", "tags": "tags.html", "tag": "tag.html",
    "years": "years.html", "year": "year.html", "types": "types.html",
    "doc_type": "doc_type.html", "not_found": "404.html", "search": "search.html",
    "data": "data.html",
}  # fmt: skip
_CONTENT_LINK = re.compile(r'href="content:([^"#]*)(#[^"]*)?"')


class Views:
    """Display-ready views of every item and index, computed once per build."""

    def __init__(
        self,
        catalog: Catalog,
        markups: Mapping[str, Markup],
        bodies: BodyLookup,
        plan: SitePlan,
        config: SiteConfig,
        thumbnail_sizes: Mapping[str, tuple[int, int]] | None = None,
    ):
        self.catalog, self.markups, self.plan, self.config = catalog, markups, plan, config
        self.bodies = bodies
        self.thumbnail_sizes = thumbnail_sizes or {}
        self.feeds = {feed.path: feed for feed in plan.feeds}
        self.search = any(page.view == "search" for page in plan.pages)
        self.base = config.base_path
        self._briefs: dict[str, dict] = {}
        self.read: set[tuple[str, str]] | None = None  # when a set, what views were asked for
        self.outline = False  # when true, a brief is given as its key (see `PageInputs`)
        self.terms = {term.slug: term for term in catalog.tags}
        self.types = {term.slug: term for term in catalog.doc_types}
        pages = [catalog.items[k] for k in catalog.by_kind["page"] if catalog.items[k].menu]
        self.nav = [
            {"title": "Events", "url": "events/"},
            {"title": "Reports", "url": "reports/"},
            {"title": "Documents", "url": "documents/"},
            {"title": "Tags", "url": "tags/"},
            {"title": "Years", "url": "years/"},
            *([{"title": "Search", "url": "search/"}] if self.search else []),
            *(
                {"title": p.title, "url": plan.item_urls[p.key]}
                for p in sorted(pages, key=lambda p: p.menu)
            ),
        ]

    def _note(self, view: str, key: str) -> None:
        if self.read is not None:
            self.read.add((view, key))

    def brief(self, key: str) -> dict:
        """What a list entry shows: title, link, kind, date, summary."""
        self._note("brief", key)
        if self.outline:
            return {"key": key}
        if key not in self._briefs:
            item = self.catalog.items[key]
            self._briefs[key] = {
                "key": key,
                "kind": item.kind,
                "kind_label": KIND_LABELS[item.kind][0],
                "title": item.title,
                "url": self.plan.item_urls[key],
                "date": _date_view(item.date),
                "dates": date_range(item.date, item.end),
                "summary": self.summary(key),
                "number": item.number,
                "lang": item.lang if item.lang and item.lang != self.config.language else "",
                "language": language_name(item.lang) if item.lang else "",
                "draft": item.draft,
                "scheduled": item.scheduled,
            }
        return self._briefs[key]

    def item(self, key: str) -> dict:
        """Everything an item's own page shows."""
        self._note("item", key)
        item = self.catalog.items[key]
        markup = self.markups[key]
        body_html, toc_html = self.bodies[markup.body_key]
        catalog = self.catalog
        show_toc = markup.heading_count >= self.config.toc_min_headings
        return {
            **self.brief(key),
            "body": SafeHtml(self.resolve_links(body_html)),
            "toc": SafeHtml(toc_html) if show_toc else "",
            "has_own_summary": bool(item.summary),
            "end": _date_view(item.end) if item.end else None,
            "tags": [self.tag_link(tag) for tag in item.tags],
            "location": item.location,
            "organiser": item.organiser,
            "event_kind": item.event_kind,
            "authors": list(item.authors),
            "publisher": item.publisher,
            "files": [self._attachment(a) for a in item.files],
            "doc_types": [
                {"name": name, "url": f"types/{catalog.doc_type_slug[name]}/"}
                for name in item.doc_types
            ],
            "reports": [self.brief(k) for k in catalog.reports_of_event.get(key, ())],
            "events": [self.brief(k) for k in catalog.events_of_report.get(key, ())],
            "related": [self.brief(k) for k in catalog.related.get(key, ())],
            "similar": [self.brief(k) for k in catalog.similar.get(key, ())],
            "translations": [self.version(k) for k in catalog.translations.get(key, ())],
            "gallery": [self._picture(image) for image in item.images],
            "search_filters": self.search_filters(key),
            **self._citation(item),
        }

    def summary(self, key: str) -> str:
        return self.catalog.items[key].summary or self.markups[key].first_paragraph

    def search_filters(self, key: str) -> dict[str, list[str]]:
        """The facets a search can narrow by; PDF records of the item get the same."""
        item = self.catalog.items[key]
        language = item.lang or self.config.language
        for tag in item.tags:
            self._note("tag", tag)
        return {
            "type": [KIND_LABELS[item.kind][0]],
            "year": [str(item.date.year)],
            "doctype": list(item.doc_types),
            "language": [language_name(language)],
            "tag": [self.terms[self.catalog.tag_slug[t]].name for t in item.tags],
        }

    def version(self, key: str) -> dict:
        """An entry in the list of other language versions."""
        self._note("version", key)
        item = self.catalog.items[key]
        language = item.lang or self.config.language
        return {
            **self.brief(key),
            "lang": language,
            "language": language_name(language),
            "absolute_url": self.config.absolute(self.plan.item_urls[key]),
        }

    def _picture(self, image) -> dict:
        width, height = self.thumbnail_sizes[image.path]
        return {
            "url": self.plan.attachment_urls[image.path],
            "thumbnail": self.plan.thumbnail_urls[image.path],
            "width": width,
            "height": height,
            "alt": image.alt,
            "caption": image.caption,
        }

    def _citation(self, item: Item) -> dict:
        """Machine-readable metadata for the page's head, and the citation downloads."""
        url = self.plan.item_urls[item.key]
        absolute = self.config.absolute(url)
        if item.kind == "event":
            images = [self.config.absolute(self.plan.attachment_urls[i.path]) for i in item.images]
            data = cite.event_data(
                item, absolute, self.summary(item.key), images, self.config.language
            )
            return {"meta_tags": [], "json_ld": SafeHtml(cite.json_ld(data)), "cite": None}
        if item.kind not in CITED_KINDS:
            return {"meta_tags": [], "json_ld": "", "cite": None}
        record = cite.citation(item, self.summary(item.key), self.config, self.plan)
        return {
            "meta_tags": cite.meta_tags(record),
            "json_ld": SafeHtml(cite.json_ld(cite.work_data(record, self.config.title))),
            "cite": {
                "text": cite.reference_text(record),
                "bibtex": citation_file(url, "bib"),
                "ris": citation_file(url, "ris"),
            },
        }

    def tag_link(self, spelling: str) -> dict:
        self._note("tag", spelling)
        slug = self.catalog.tag_slug[spelling]
        return {"name": self.terms[slug].name, "url": f"tags/{slug}/"}

    def resolve_links(self, body_html: str) -> str:
        """Swap `content:` markers left by `markup` for the URLs `plan` chose."""

        def replace(match: re.Match) -> str:
            key = match[1].removesuffix(".md")
            self._note("url", key)
            return f'href="{self.base}{self.plan.item_urls[key]}{match[2] or ""}"'

        return _CONTENT_LINK.sub(replace, body_html)

    def _attachment(self, attachment) -> dict:
        if attachment.href:
            guessed = mimetypes.guess_type(urlsplit(attachment.href).path)[0] or ""
            return {
                "label": attachment.label,
                "url": attachment.href,
                "external": True,
                "host": urlsplit(attachment.href).hostname or "",
                "type": _type_label(guessed) if guessed else "Web page",
                "size": "",
            }
        return {
            "label": attachment.label,
            "url": self.base + self.plan.attachment_urls[attachment.path],
            "external": False,
            "host": "",
            "type": _type_label(attachment.media_type),
            "size": human_size(attachment.size or 0),
        }

    def pagination(self, base: str, page: PlannedPage) -> dict:
        """Newer, older, and links to the first, the last and the two pages on each side
        of this one, with a gap where numbers are left out: a list of hundreds of pages
        would otherwise repeat hundreds of links on each of them."""
        number, count = page.page_number, page.page_count
        shown = sorted({1, count, *range(max(1, number - 2), min(count, number + 2) + 1)})
        entries: list[dict] = []
        for position, n in enumerate(shown):
            if position and n > shown[position - 1] + 1:
                entries.append({"gap": True})
            entries.append(
                {"gap": False, "number": n, "url": page_url(base, n), "current": n == number}
            )
        return {
            "number": number,
            "count": count,
            "previous": page_url(base, number - 1) if number > 1 else "",
            "next": page_url(base, number + 1) if number < count else "",
            "pages": entries,
        }

    def page_slice(self, keys: tuple[str, ...], page: PlannedPage) -> list[dict]:
        size = self.config.page_size
        start = (page.page_number - 1) * size
        return [self.brief(k) for k in keys[start : start + size]]


def language_name(code: str) -> str:
    """'et' and 'et-EE' -> 'Estonian'; a code we have no name for is shown as it is."""
    return LANGUAGE_NAMES.get(code.split("-")[0], code)


def _date_view(date: PartialDate) -> dict:
    return {"iso": date.iso, "text": date.display, "year": date.year}


def date_range(start: PartialDate, end: PartialDate | None) -> str:
    """'2014', '20–21 May 2014', '30 May – 2 June 2014' or '2014 – 2015', never over-precise."""
    if end is None or end == start:
        return start.display
    if start.day and end.day and (start.year, start.month) == (end.year, end.month):
        return f"{start.day}\u2013{end.display}"
    if start.day and end.day and start.year == end.year:
        return f"{start.display.rsplit(' ', 1)[0]} \u2013 {end.display}"
    return f"{start.display} \u2013 {end.display}"


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if size >= 10 else f"{size:.1f} {unit}"
    raise AssertionError("unreachable")


def _type_label(media_type: str) -> str:
    known = {"application/pdf": "PDF", "text/html": "Web page", "application/msword": "Word"}
    if media_type in known:
        return known[media_type]
    return (mimetypes.guess_extension(media_type) or media_type).lstrip(".").upper()
