"""Every output file decided in one place, before anything is written.

Two sources that would write the same file, and Markdown links to content that does not
exist, are found here. Paths are relative to the output folder; a page's URL is its
folder (`events/conference-2013/`) and its file is that folder's index.html.
"""

from __future__ import annotations

import hashlib
import math
import posixpath
from collections.abc import Collection, Mapping
from dataclasses import replace

from .config import SiteConfig
from .errors import ContentError
from .locales import canonical_prefix, url_prefix
from .model import (
    CITED_KINDS,
    LIST_FOLDERS,
    Catalog,
    Feed,
    Item,
    Markup,
    PlannedPage,
    SitePlan,
    citation_file,
    page_url,
)
from .text import did_you_mean

NAME_BYTES = 255  # the longest file name most file systems allow
RESERVED = (
    "events",
    "reports",
    "documents",
    "tags",
    "years",
    "types",
    "assets",
    "page",
    "search",
    "data",
    "accessibility",
    "pagefind",
    "404.html",
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
    *(f"catalogue.{suffix}" for suffix in ("json", "csv", "bib", "ris")),
)


def item_url(item: Item) -> str:
    if item.kind == "document":
        return f"documents/{item.number}/"
    if item.kind == "page":
        return f"{item.slug}/"
    return f"{LIST_FOLDERS[item.kind]}/{item.slug}/"


def asset_name(name: str, content: bytes) -> str:
    """`style.css` -> `assets/style.1a2b3c4d5e.css`: a new name whenever the bytes change."""
    stem, dot, suffix = name.rpartition(".")
    digest = hashlib.sha256(content).hexdigest()[:10]
    return f"assets/{stem}.{digest}.{suffix}" if dot else f"assets/{name}.{digest}"


def plan_site(
    catalog: Catalog,
    config: SiteConfig,
    assets: Mapping[str, bytes],
    draft_keys: Collection[str],
    invalid_keys: Collection[str] = (),
    search: bool = True,
) -> tuple[SitePlan, list[ContentError]]:
    errors: list[ContentError] = []
    owners: dict[str, str] = {}  # output path -> who writes it, for collision messages

    def claim(path: str, owner: str, item: Item | None = None, field: str = "slug") -> bool:
        where = item.source_path if item else owner
        too_long = len(path) * 4 > NAME_BYTES and len(path.encode()) > NAME_BYTES  # UTF-8
        if too_long and any(len(part.encode()) > NAME_BYTES for part in path.split("/")):
            errors.append(
                ContentError(
                    where,
                    item.line_of(field) if item else 1,
                    field if item else "",
                    f"would write a file name longer than file systems allow ({NAME_BYTES} "
                    "bytes); shorten the name of the file it comes from",
                )
            )
            return False
        if path in owners:
            errors.append(
                ContentError(
                    where,
                    item.line_of(field) if item else 1,
                    field if item else "",
                    f"would write /{path}, which {owners[path]} already writes; choose another slug",
                )
            )
            return False
        owners[path] = item.source_path if item else owner
        return True

    pages: list[PlannedPage] = []
    for name, content in sorted(assets.items()):
        claim(asset_name(name, content), f"assets/{name}")
    views = [("home", ""), ("tags", "tags/"), ("years", "years/"), ("types", "types/")]
    views += [("data", "data/"), *([("search", "search/")] if search else [])]
    if config.accessibility:
        views.append(("accessibility", "accessibility/"))
    for view, url in views:
        claim(f"{url}index.html", f"the {view} page")
        pages.append(PlannedPage(url, view))
    site_feeds = planned_feeds(catalog, config)
    data_files = [feed.path for feed in site_feeds]
    data_files += ["sitemap.xml", "robots.txt"]
    data_files += [f"catalogue.{suffix}" for suffix in ("json", "csv", "bib", "ris")]
    for path in data_files:
        claim(path, f"the site's {path}")
    claim("404.html", "the not-found page")
    pages.append(PlannedPage("404.html", "not_found"))
    for kind, folder in LIST_FOLDERS.items():
        pages.extend(
            _paginated(f"{folder}/", "list", kind, len(catalog.by_kind[kind]), config, claim)
        )
    for term in catalog.tags:
        pages.extend(
            _paginated(f"tags/{term.slug}/", "tag", term.slug, len(term.keys), config, claim)
        )
    for term in catalog.doc_types:
        pages.extend(
            _paginated(f"types/{term.slug}/", "doc_type", term.slug, len(term.keys), config, claim)
        )
    for year in catalog.years:
        claim(f"years/{year}/index.html", f"the page of {year}")
        pages.append(PlannedPage(f"years/{year}/", "year", str(year)))

    languages = [
        url_prefix(language, False).strip("/") for language in config.interface_languages[1:]
    ]
    reserved = (*RESERVED, *languages)  # the other languages' folders too
    item_urls: dict[str, str] = {}
    attachment_urls: dict[str, str] = {}
    thumbnail_urls: dict[str, str] = {}
    copies: list[tuple[str, str]] = []
    pictures: list[tuple[str, str, str]] = []
    for key in sorted(catalog.items, key=lambda k: catalog.items[k].source_path):
        item = catalog.items[key]
        url = item_url(item)
        if item.kind == "page" and url.strip("/") in reserved:
            errors.append(
                ContentError(
                    item.source_path,
                    1,
                    "slug",
                    f"'{item.slug}' is kept for the site's own pages; choose another slug",
                )
            )
            continue
        if not claim(
            f"{url}index.html", url, item, "number" if item.kind == "document" else "slug"
        ):
            continue
        item_urls[key] = url
        pages.append(PlannedPage(url, "item", key))
        for attachment in item.files:
            if attachment.path:
                output = url + posixpath.basename(attachment.path)
                if claim(output, attachment.path, item, "files"):
                    attachment_urls.setdefault(attachment.path, output)
                    copies.append((attachment.path, output))
        if item.kind in CITED_KINDS:
            for suffix in ("bib", "ris"):
                claim(citation_file(url, suffix), f"the citation of {url}", item)
                data_files.append(citation_file(url, suffix))
        for image in item.images:
            if image.path in thumbnail_urls:
                continue  # one picture shown by two events is written once
            large, thumbnail = _picture_paths(url, image.path, item.key)
            if claim(large, image.path, item, "images") and claim(
                thumbnail, image.path, item, "images"
            ):
                attachment_urls[image.path] = large
                thumbnail_urls[image.path] = thumbnail
                pictures.append((image.path, large, thumbnail))

    pages += _in_other_languages(pages, config, claim)
    interface = config.interface_languages
    asset_urls = {name: asset_name(name, content) for name, content in assets.items()}
    plan = SitePlan(
        tuple(pages),
        item_urls,
        attachment_urls,
        asset_urls,
        tuple(copies),
        tuple(pictures),
        thumbnail_urls,
        tuple(site_feeds),
        tuple(data_files),
        {
            key: canonical_prefix(catalog.items[key].lang or config.language, interface) + url
            for key, url in item_urls.items()
        },
    )
    return plan, errors


def _in_other_languages(pages: list[PlannedPage], config: SiteConfig, claim) -> list[PlannedPage]:
    """Each page again in every interface language but the first, in the language's
    folder; the not-found page stays one, as a host serves one."""
    copies = []
    for language in config.interface_languages[1:]:
        prefix = url_prefix(language, first=False)
        for page in pages:
            if page.view != "not_found" and claim(
                prefix + page.output_path, f"the {language} pages"
            ):
                copies.append(
                    replace(page, url=prefix + page.url, language=language, prefix=prefix)
                )
    return copies


def planned_feeds(catalog: Catalog, config: SiteConfig) -> list[Feed]:
    """One feed for the whole site, one per content type, and one for each list a reader
    may follow: a tag's, a document type's and a year's, each beside its page."""
    newest = catalog.newest(tuple(LIST_FOLDERS))
    feeds = [Feed("feed.xml", f"{config.title}: new additions", "", newest)]
    for kind, folder in LIST_FOLDERS.items():
        title = f"{folder.capitalize()} · {config.title}"
        feeds.append(Feed(f"{folder}/feed.xml", title, f"{folder}/", catalog.by_kind[kind]))
    followed = [("Tag", f"tags/{term.slug}/", term.name, term.keys) for term in catalog.tags]
    followed += [
        ("Document type", f"types/{term.slug}/", term.name, term.keys) for term in catalog.doc_types
    ]
    followed += [
        ("Year", f"years/{year}/", str(year), keys) for year, keys in catalog.years.items()
    ]
    for heading, base, name, keys in followed:
        records = tuple(k for k in keys if catalog.items[k].kind != "page")  # feeds hold records
        feeds.append(Feed(f"{base}feed.xml", f"{heading}: {name} · {config.title}", base, records))
    return feeds


def _picture_paths(item_url: str, content_path: str, key: str) -> tuple[str, str]:
    """`images/2015/hall.png` of an event -> `<event>/images/2015/hall.jpg` and
    `….thumb.jpg`: the folders beside the Markdown file are kept, so names don't clash."""
    relative = posixpath.relpath(content_path, posixpath.dirname(key))
    if relative.startswith("../"):
        relative = "images/" + posixpath.basename(content_path)
    stem = posixpath.splitext(relative)[0]
    return f"{item_url}{stem}.jpg", f"{item_url}{stem}.thumb.jpg"


def _paginated(
    base: str, view: str, key: str, count: int, config: SiteConfig, claim
) -> list[PlannedPage]:
    page_count = max(1, math.ceil(count / config.page_size))
    pages = []
    for number in range(1, page_count + 1):
        url = page_url(base, number)
        claim(f"{url}index.html", f"the list {base}")
        pages.append(PlannedPage(url, view, key, number, page_count))
    return pages


def content_link_errors(
    catalog: Catalog,
    markups: Mapping[str, Markup],
    item_urls: Mapping[str, str],
    drafts: Collection[str],
    invalid: Collection[str],
) -> list[ContentError]:
    """Links in bodies to content files that are not published: missing, or held back."""
    errors = []
    for key, markup in markups.items():
        item = catalog.items.get(key)
        if item is None:
            continue
        for href, target, line in markup.content_links:
            target_key = target.removesuffix(".md")
            if target_key in item_urls or target_key in invalid:
                continue
            if target_key in drafts:
                problem = (
                    f"links to {href}, which is not published yet (a draft, or dated in the "
                    "future); publish it first or remove the link"
                )
            else:
                hint = did_you_mean(target_key, [other for other in item_urls if other != key])
                problem = (
                    f"links to {href}, and content/{target} does not exist; correct the link.{hint}"
                )
            errors.append(ContentError(item.source_path, item.body_line + line, "body", problem))
    return errors
