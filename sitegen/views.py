"""What each planned page shows: display-ready dicts built from the catalog and plan.

Templates never see domain records: they get plain values, built once per item by
`Views`, so a layout can't reach into the pipeline's state, and a page's context is all
its HTML depends on (which is what lets a rebuild skip pages whose context is unchanged).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping

from markupsafe import Markup as SafeHtml

from . import cite
from .attachments import file_view
from .model import (
    CITED_KINDS,
    Attachment,
    BodyLookup,
    Item,
    PartialDate,
    PlannedPage,
    citation_file,
    page_url,
)
from .project import Site

VIEW_TEMPLATES = {
    "home": "home.html", "list": "list.html", "tags": "tags.html", "tag": "tag.html",
    "years": "years.html", "year": "year.html", "types": "types.html",
    "doc_type": "doc_type.html", "not_found": "404.html", "search": "search.html",
    "data": "data.html", "accessibility": "accessibility.html",
}  # fmt: skip
RELATIONS = ("reports_of_event", "events_of_report", "related", "similar", "translations")
_CONTENT_LINK = re.compile(r'href="content:([^"#]*)(#[^"]*)?"')


class Views:
    """Display-ready views of every item and index, computed once per build."""

    def __init__(
        self, site: Site, bodies: BodyLookup, page_counts: Mapping[str, int] | None = None
    ):
        catalog, plan = site.catalog, site.plan
        self.catalog, self.markups, self.plan, self.config = (
            catalog,
            site.markups,
            plan,
            site.config,
        )
        self.bodies = bodies
        assert site.interfaces is not None  # a site whose catalogues are in error is not built
        self.interfaces = site.interfaces
        self.thumbnail_sizes = site.thumbnail_sizes
        self.page_counts = page_counts or {}  # shipped PDFs' pages, by content path
        self.item_digests = site.item_digests  # all each item's file makes
        self.feeds = {feed.path: feed for feed in plan.feeds}
        self.search = any(page.view == "search" for page in plan.pages)
        self.base = site.config.base_path
        self._briefs: dict[str, dict] = {}
        self.read: set[tuple[str, str]] | None = None  # what a `recording` was asked for
        self.outline = False  # a recording's list entries are their keys alone
        self.terms = {term.slug: term for term in catalog.tags}
        self.types = {term.slug: term for term in catalog.doc_types}
        pages = [catalog.items[k] for k in catalog.by_kind["page"] if catalog.items[k].menu]
        self.nav = [  # the site's own pages are named by the layout, in the page's language
            *({"title": "", "url": url, "lang": ""} for url in ("events/", "reports/")),
            *({"title": "", "url": url, "lang": ""} for url in ("documents/", "tags/", "years/")),
            *([{"title": "", "url": "search/", "lang": ""}] if self.search else []),
            *(
                {
                    "title": p.title,
                    "url": plan.item_urls[p.key],
                    "lang": p.lang or site.config.language,
                }
                for p in sorted(pages, key=lambda p: p.menu)
            ),
        ]

    def recording(self, outline: bool = False) -> Views:
        """These views for one page, noting in `read` each view the page asks for: what
        the page is made of (see `dependencies`). With `outline`, a list entry is given
        as its key alone, as a list page's outline needs no more."""
        page_views = copy.copy(self)  # the caches are shared, the record is its own
        page_views.read, page_views.outline = set(), outline
        return page_views

    def _note(self, view: str, key: str) -> None:
        if self.read is not None:
            self.read.add((view, key))

    def value(self, view: str, key: str) -> object:
        """What a view noted as (`view`, `key`) is made of, for `dependencies` to hash:
        the same lookups the views themselves read, so nothing is listed twice."""
        return getattr(self, f"_{view}_value")(key)

    def _brief_value(self, key: str) -> object:
        return self.brief(key)

    def _version_value(self, key: str) -> object:
        return self.version(key)

    def _tag_value(self, spelling: str) -> object:
        slug = self.catalog.tag_slug[spelling]
        return slug, self.terms[slug].name

    def _url_value(self, key: str) -> object:
        return self.plan.item_urls[key]

    def _source_value(self, key: str) -> object:
        return self.item_digests[key]  # the item, its body and summary: all its file made

    def _links_value(self, key: str) -> object:
        return self.links(key)

    def _files_value(self, key: str) -> object:
        return self.placed(key)

    def links(self, key: str) -> dict[str, tuple[str, ...]]:
        """The items an item's page names, by relation, as the catalog found them."""
        self._note("links", key)
        catalog = self.catalog
        return {relation: getattr(catalog, relation).get(key, ()) for relation in RELATIONS}

    def placed(self, key: str) -> dict[str, object]:
        """Where the plan put an item's files and pictures, the pages of its PDFs, and
        its types' slugs."""
        self._note("files", key)
        item, plan = self.catalog.items[key], self.plan
        return {
            "files": {f.path: plan.attachment_urls[f.path] for f in item.files if f.path},
            "pages": {
                f.path: self.page_counts[f.path] for f in item.files if f.path in self.page_counts
            },
            "pictures": {
                image.path: (
                    plan.attachment_urls[image.path],
                    plan.thumbnail_urls[image.path],
                    self.thumbnail_sizes[image.path],
                )
                for image in item.images
            },
            "types": {name: self.catalog.doc_type_slug[name] for name in item.doc_types},
        }

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
                "title": item.title,
                "url": self.plan.item_urls[key],
                "date": _date_view(item.date),
                "end": _date_view(item.end) if item.end else None,
                "summary": self.summary(key),
                "number": item.number,
                "lang": item.lang or self.config.language,
                "draft": item.draft,
                "scheduled": item.scheduled,
            }
        return self._briefs[key]

    def item(self, key: str, prefix: str = "") -> dict:
        """Everything an item's own page shows, on the page in the language folder
        `prefix`, which its links to other items keep."""
        self._note("source", key)
        self._note("url", key)
        item = self.catalog.items[key]
        markup = self.markups[key]
        body_html, toc_html = self.bodies[markup.body_key]
        links, placed = self.links(key), self.placed(key)
        show_toc = markup.heading_count >= self.config.toc_min_headings
        return {
            **self.brief(key),
            "body": SafeHtml(self.resolve_links(body_html, prefix)),
            "toc": SafeHtml(toc_html) if show_toc else "",
            "has_own_summary": bool(item.summary),
            "tags": [self.tag_link(tag) for tag in item.tags],
            "location": item.location,
            "organiser": item.organiser,
            "event_kind": item.event_kind,
            "authors": list(item.authors),
            "publisher": item.publisher,
            "files": [self._attachment(item, a, placed) for a in item.files],
            "doc_types": [
                {"name": name, "url": f"types/{slug}/"} for name, slug in placed["types"].items()
            ],
            "reports": [self.brief(k) for k in links["reports_of_event"]],
            "events": [self.brief(k) for k in links["events_of_report"]],
            "related": [self.brief(k) for k in links["related"]],
            "similar": [self.brief(k) for k in links["similar"]],
            "translations": [self.version(k) for k in links["translations"]],
            "gallery": [self._picture(image, placed["pictures"]) for image in item.images],
            "search_filters": self.search_filters(key),
            **self._citation(item),
        }

    def summary(self, key: str) -> str:
        return self.catalog.items[key].summary or self.markups[key].first_paragraph

    def search_filters(self, key: str) -> dict[str, list[str]]:
        """The facets a search can narrow by, as the item page declares them to Pagefind:
        the layout names the type, document types and language in the page's language."""
        item = self.catalog.items[key]
        for tag in item.tags:
            self._note("tag", tag)
        return {
            "type": [item.kind],
            "year": [str(item.date.year)],
            "doctype": list(item.doc_types),
            "language": [item.lang or self.config.language],
            "tag": [self.terms[self.catalog.tag_slug[t]].name for t in item.tags],
        }

    def version(self, key: str) -> dict:
        """An entry in the list of other language versions."""
        self._note("version", key)
        url = self.config.absolute(self.plan.canonical_urls[key])
        return {**self.brief(key), "absolute_url": url}

    def _picture(self, image, placed: Mapping[str, tuple]) -> dict:
        url, thumbnail, (width, height) = placed[image.path]
        return {
            "url": url,
            "thumbnail": thumbnail,
            "width": width,
            "height": height,
            "alt": image.alt,
            "caption": image.caption,
        }

    def _citation(self, item: Item) -> dict:
        """Machine-readable metadata for the page's head, and the citation downloads."""
        absolute = self.config.absolute(self.plan.canonical_urls[item.key])
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
                "url": record.url,
                "bibtex": citation_file(self.plan.item_urls[item.key], "bib"),
                "ris": citation_file(self.plan.item_urls[item.key], "ris"),
            },
        }

    def tag_link(self, spelling: str) -> dict:
        self._note("tag", spelling)
        slug = self.catalog.tag_slug[spelling]
        return {"name": self.terms[slug].name, "url": f"tags/{slug}/"}

    def resolve_links(self, body_html: str, prefix: str = "") -> str:
        """Swap `content:` markers left by `markup` for the URLs `plan` chose, in the
        language folder `prefix`."""

        def replace(match: re.Match) -> str:
            key = match[1].removesuffix(".md")
            self._note("url", key)
            return f'href="{self.base}{prefix}{self.plan.item_urls[key]}{match[2] or ""}"'

        return _CONTENT_LINK.sub(replace, body_html)

    def _attachment(self, item: Item, attachment: Attachment, placed: Mapping) -> dict:
        where = placed["files"].get(attachment.path)
        return file_view(
            attachment,
            self.base + where if where is not None else attachment.href,
            self.config.absolute(where) if where is not None else attachment.href,
            placed["pages"].get(attachment.path),
            item,
            item.lang or self.config.language,
            self.config.accessibility,
        )

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


def _date_view(date: PartialDate) -> dict:
    """A date as written (`iso`, as precise as the source): the layout words it in the
    page's language, with the `dates` and `date_text` filters."""
    return {"iso": date.iso, "year": date.year}
