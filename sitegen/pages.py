"""What each planned page is given: its layout's name and a context built from `Views`.

A page's context is all its HTML depends on, with its layouts and the environment's
globals; that is what lets a rebuild skip pages whose context is unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from .model import LIST_FOLDERS, Catalog, Item, PlannedPage, digest
from .views import KIND_LABELS, VIEW_TEMPLATES, Views


def page_context(views: Views, page: PlannedPage) -> tuple[str, dict]:
    """The layout of one planned page and everything it is given: all a page depends on,
    with the layouts and the environment's globals."""
    context = {
        "page_url": page.url,
        "nav": views.nav,
        "feeds": _feeds(views, page),
        **_context(views, page),
    }
    return context.pop("template"), context


def _feeds(views: Views, page: PlannedPage) -> list[dict]:
    """The Atom feeds a page links to: the site's, and the one of its type or tag."""
    paths = ["feed.xml"]
    if page.view == "list":
        paths.append(f"{LIST_FOLDERS[page.key]}/feed.xml")
    elif page.view == "tag":
        paths.append(f"tags/{page.key}/feed.xml")
    return [{"title": views.feeds[path].title, "url": path} for path in paths]


def _context(views: Views, page: PlannedPage) -> dict:
    catalog, config = views.catalog, views.config
    if page.view == "item":
        item: Item = catalog.items[page.key]
        return {"template": f"{item.layout or item.kind}.html", "item": views.item(page.key)}
    if page.view == "home":
        intro_key = config.home_intro.removesuffix(".md")
        return {
            "template": "home.html",
            "intro": views.item(intro_key) if intro_key in catalog.items else None,
            "latest": {
                kind: [views.brief(k) for k in catalog.by_kind[kind][: config.home_latest]]
                for kind in LIST_FOLDERS
            },
            "counts": {kind: len(catalog.by_kind[kind]) for kind in LIST_FOLDERS},
            "tag_count": len(catalog.tags),
            "years": list(catalog.years),
            "doc_types": [_term_view(t, "types") for t in catalog.doc_types],
        }
    if page.view == "list":
        folder = LIST_FOLDERS[page.key]
        return {
            "template": "list.html",
            "title": KIND_LABELS[page.key][1],
            "kind": page.key,
            "items": views.page_slice(catalog.by_kind[page.key], page),
            "total": len(catalog.by_kind[page.key]),
            "pagination": views.pagination(f"{folder}/", page),
        }
    if page.view in ("tag", "doc_type"):
        term = (views.terms if page.view == "tag" else views.types)[page.key]
        base = f"{'tags' if page.view == 'tag' else 'types'}/{term.slug}/"
        return {
            "template": VIEW_TEMPLATES[page.view],
            "term": _term_view(term, base.split("/")[0]),
            "items": views.page_slice(term.keys, page),
            "pagination": views.pagination(base, page),
        }
    if page.view == "tags":
        return {"template": "tags.html", "terms": [_term_view(t, "tags") for t in catalog.tags]}
    if page.view == "types":
        return {
            "template": "types.html",
            "terms": [_term_view(t, "types") for t in catalog.doc_types],
        }
    if page.view == "years":
        years = [
            {
                "year": year,
                "url": f"years/{year}/",
                "count": len(keys),
                "by_kind": _kind_counts(catalog, keys),
            }
            for year, keys in catalog.years.items()
        ]
        return {"template": "years.html", "years": years}
    if page.view == "year":
        year = int(page.key)
        keys = catalog.years[year]
        ordered_years = list(catalog.years)
        position = ordered_years.index(year)
        return {
            "template": "year.html",
            "year": year,
            "count": len(keys),
            "groups": [
                {
                    "kind": kind,
                    "title": KIND_LABELS[kind][1],
                    "entries": [views.brief(k) for k in keys if catalog.items[k].kind == kind],
                }
                for kind in LIST_FOLDERS
                if any(catalog.items[k].kind == kind for k in keys)
            ],
            "newer": ordered_years[position - 1] if position > 0 else None,
            "older": ordered_years[position + 1] if position + 1 < len(ordered_years) else None,
        }
    if page.view == "search":
        return {"template": "search.html"}
    if page.view == "data":
        return {
            "template": "data.html",
            "kinds": [
                {"title": KIND_LABELS[kind][1], "feed": f"{folder}/feed.xml"}
                for kind, folder in LIST_FOLDERS.items()
            ],
            "tags": [_term_view(t, "tags") for t in catalog.tags],
            "record_count": sum(len(catalog.by_kind[kind]) for kind in LIST_FOLDERS),
        }
    return {"template": "404.html"}


def _term_view(term, folder: str) -> dict:
    return {
        "name": term.name,
        "slug": term.slug,
        "url": f"{folder}/{term.slug}/",
        "count": len(term.keys),
    }


def _kind_counts(catalog: Catalog, keys: tuple[str, ...]) -> list[dict]:
    counts = {kind: sum(1 for k in keys if catalog.items[k].kind == kind) for kind in LIST_FOLDERS}
    return [
        {"kind": kind, "label": KIND_LABELS[kind][1], "count": n} for kind, n in counts.items() if n
    ]


class PageInputs:
    """What a page was made of, as the views it asked for (`Views.read`), and a hash of
    each as it is now. A page whose views all hash as they did when it was rendered, in
    the same layouts and settings, is the same page: a rebuild knows it without building
    its context, which at catalogue scale costs more than the rest of a small rebuild.

    An item page is known by what it read when it was last rendered. A list page (of a
    type, tag, year...) by its outline, its context with each entry reduced to its key,
    and by those entries' views: building the outline costs little, as no entry is made.
    """

    RELATIONS = ("reports_of_event", "events_of_report", "related", "similar", "translations")

    def __init__(self, views: Views, item_digests: Mapping[str, bytes], shared: bytes):
        self.views, self.item_digests = views, item_digests
        site_feed = views.feeds["feed.xml"].title  # the one feed an item page links to
        self.shared = digest((shared, views.nav, views.search, site_feed))
        self._digests: dict[tuple[str, str], bytes] = {}
        self.data_digests: dict[str, bytes] = {}  # by item key: see `data_digest`

    def fingerprint(
        self, page: PlannedPage, layout: bytes | None, read: Iterable, outline: bytes = b""
    ) -> bytes:
        parts = [self.shared, layout or b"missing", outline, repr(page).encode()]
        known = self._digests
        for view, key in sorted(read):
            parts.append(f"{view}\0{key}\0".encode())
            parts.append(known.get((view, key)) or self._digest(view, key))
        return hashlib.blake2b(b"".join(parts), digest_size=16).digest()

    def outline(self, page: PlannedPage) -> tuple[str, bytes, tuple[tuple[str, str], ...]]:
        """A list page's layout name, a hash of its outline, and the entries it shows."""
        views = self.views
        views.read, views.outline = set(), True
        try:
            template, context = page_context(views, page)
            return template, digest(context), tuple(sorted(views.read))
        finally:
            views.read, views.outline = None, False

    def data_digest(self, key: str) -> bytes:
        """All an item's entries in feeds and exports are made of: the item's own page
        inputs and the addresses of the items it names."""
        if key not in self.data_digests:
            catalog, urls = self.views.catalog, self.views.plan.item_urls
            named = [urls.get(k) for r in self.RELATIONS for k in getattr(catalog, r).get(key, ())]
            self.data_digests[key] = digest((self._digest("item", key), named))
        return self.data_digests[key]

    def keep(
        self,
        views_before: Mapping[tuple[str, str], bytes],
        data_before: Mapping[str, bytes],
        changed: set[str],
    ) -> None:
        """Take the last build's hashes of views and data entries, but for `changed` items.
        Sound only when the catalog and plan are the last build's, in the same settings
        and with the same pictures: then each of these is made of one item's file and of
        what those hold (see `_value`)."""
        for view_key, hashed in views_before.items():
            if view_key[1] not in changed:
                self._digests.setdefault(view_key, hashed)
        for key, hashed in data_before.items():
            if key not in changed:
                self.data_digests.setdefault(key, hashed)

    def hash_briefs(
        self, made_before: Mapping[str, bytes], hashed_before: Mapping[tuple[str, str], bytes]
    ) -> dict[str, bytes]:
        """Hash every item's list entry, once, before the pages are shared out. An item
        whose file and address are what the last build made its entry of (`made_before`)
        keeps that build's hash (`hashed_before`, its `view_digests`). Returns what each
        entry is made of now, for the next build."""
        views = self.views
        made_of: dict[str, bytes] = {}
        for key in views.catalog.items:
            made_of[key] = self.item_digests[key] + views.plan.item_urls[key].encode()
            last = hashed_before.get(("brief", key))
            if last is None or made_before.get(key) != made_of[key]:
                last = digest(views.brief(key))
            self._digests["brief", key] = last
        return made_of

    def view_digests(self, read: Iterable[tuple[str, str]]) -> dict[tuple[str, str], bytes]:
        return {view_key: self._digest(*view_key) for view_key in read}

    def changed_views(self, last: Mapping[tuple[str, str], bytes]) -> set[tuple[str, str]]:
        """Of the views hashed in `last`, those that hash otherwise now."""
        return {view_key for view_key, hashed in last.items() if self._digest(*view_key) != hashed}

    def _digest(self, view: str, key: str) -> bytes:
        if (view, key) not in self._digests:
            try:
                value = self._value(view, key)
            except KeyError:  # an item or tag that is gone
                value = None
            self._digests[view, key] = digest(value)
        return self._digests[view, key]

    def _value(self, view: str, key: str) -> object:
        views, catalog, plan = self.views, self.views.catalog, self.views.plan
        if view == "brief":  # an item that is gone; the others are hashed by `hash_briefs`
            return views.brief(key)
        if view == "version":
            return views.version(key)
        if view == "tag":
            slug = catalog.tag_slug[key]
            return slug, views.terms[slug].name
        if view == "url":
            return plan.item_urls[key]
        # An item's own page: its file and everything validation read (item_digests),
        # and what the catalog and plan made of it. Other items it shows are views of
        # their own, read and hashed as such.
        item = catalog.items[key]
        return (
            self.item_digests[key],
            plan.item_urls[key],
            [getattr(catalog, relation).get(key, ()) for relation in self.RELATIONS],
            [plan.attachment_urls.get(file.path) for file in item.files if file.path],
            [
                (
                    plan.attachment_urls.get(image.path),
                    plan.thumbnail_urls.get(image.path),
                    views.thumbnail_sizes.get(image.path),
                )
                for image in item.images
            ],
            [catalog.doc_type_slug.get(name) for name in item.doc_types],
        )


def context_fingerprint(shared: bytes, layout: bytes | None, context: dict) -> bytes:
    """A hash of everything a page's HTML is made from: its context, its layouts, and
    the settings and asset names the environment's globals read."""
    return digest((shared, layout, context))
