"""What each planned page is given: its layout's name and a context built from `Views`.

A page's context is all its HTML depends on, with its layouts and the environment's
globals; that is what lets a rebuild skip pages whose context is unchanged.
"""

from __future__ import annotations

from .model import LIST_FOLDERS, Catalog, Item, PlannedPage
from .views import VIEW_TEMPLATES, Views

LIST_FEED_FOLDERS = {"tag": "tags", "doc_type": "types", "year": "years"}  # view -> folder


def page_context(views: Views, page: PlannedPage) -> tuple[str, dict]:
    """The layout of one planned page and everything it is given: all a page depends on,
    with the layouts and the environment's globals."""
    context = {
        "page_url": page.path,
        "nav": views.nav,
        "feeds": _feeds(views, page),
        **_language_context(views, page),
        **_context(views, page),
    }
    return context.pop("template"), context


def _language_context(views: Views, page: PlannedPage) -> dict:
    """The page's interface language, its texts in it, and the same page in the others:
    for the switcher and for `hreflang`. An item's page is canonical in the item's own
    language when that is an interface language (else in the first): its copies in the
    others repeat its text, so search engines are pointed to one."""
    config, first = views.config, views.interfaces.default.language
    language = page.language or first
    here = page.path
    canonical = views.plan.canonical_urls[page.key] if page.view == "item" else page.url
    return {
        "interface_language": language,
        "page_prefix": page.prefix,
        "site_title": config.text(language, "title"),
        "site_description": config.text(language, "description"),
        "canonical": config.absolute(canonical),
        "languages": [
            {
                "lang": interface.language,
                "name": interface.autonym(),
                "url": interface.prefix + (here if page.view != "not_found" else ""),
                "absolute": config.absolute(interface.prefix + here),
                "current": interface.language == language,
            }
            for interface in views.interfaces
        ],
    }


def _feeds(views: Views, page: PlannedPage) -> list[dict]:
    """The Atom feeds a page links to: the site's, and the one of the list it shows (a
    type's, a tag's, a document type's or a year's), last."""
    paths = ["feed.xml"]
    if page.view == "list":
        paths.append(f"{LIST_FOLDERS[page.key]}/feed.xml")
    elif page.view in LIST_FEED_FOLDERS:
        paths.append(f"{LIST_FEED_FOLDERS[page.view]}/{page.key}/feed.xml")
    return [{"title": views.feeds[path].title, "url": path} for path in paths]


def _context(views: Views, page: PlannedPage) -> dict:
    catalog, config = views.catalog, views.config
    if page.view == "item":
        item: Item = catalog.items[page.key]
        return {
            "template": f"{item.layout or item.kind}.html",
            "item": views.item(page.key, page.prefix),
        }
    if page.view == "home":
        intro_key = config.home_intro.removesuffix(".md")
        return {
            "template": "home.html",
            "intro": views.item(intro_key, page.prefix) if intro_key in catalog.items else None,
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
                {"kind": kind, "feed": f"{folder}/feed.xml"}
                for kind, folder in LIST_FOLDERS.items()
            ],
            "tags": [_term_view(t, "tags") for t in catalog.tags],
            "doc_types": [_term_view(t, "types") for t in catalog.doc_types],
            "years": list(catalog.years),
            "record_count": sum(len(catalog.by_kind[kind]) for kind in LIST_FOLDERS),
        }
    if page.view == "accessibility":
        return {"template": "accessibility.html", "statement": config.accessibility.view()}
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
    return [{"kind": kind, "count": n} for kind, n in counts.items() if n]
