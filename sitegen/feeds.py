"""The files machines fetch: Atom feeds, the sitemap and robots.txt.

Every date comes from the content, never from the clock, so building the same content
twice gives the same bytes and a feed reader sees an entry as new only when it is.
"""

from __future__ import annotations

import datetime
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape

from .config import SiteConfig
from .model import Catalog, Feed, Item, PartialDate, SitePlan

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"  # of the alternates in each language
_QUOTE = {'"': "&quot;"}
# Entry ids are derived from what identifies an item for good (a document's number, else
# its content path) under this fixed namespace, so they survive a move to another domain.
_ID_NAMESPACE = uuid.UUID("6f1c1f3e-5b0a-4f63-9d0e-3a8c2b7d4e10")


def atom(feed: Feed, catalog: Catalog, config: SiteConfig, entries: Mapping[str, str]) -> bytes:
    """An Atom 1.0 document (RFC 4287) with the newest `config.feed_size` entries.

    An item is in several feeds (the site's, its type's, its tags'): `entries` has each
    item's <entry> from `entry_xml`, written once for all of them."""
    ET.register_namespace("", ATOM)
    items = [catalog.items[k] for k in feed.keys[: config.feed_size]]
    root = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": config.language})
    _text(root, "title", feed.title)
    if config.description:
        _text(root, "subtitle", config.description)
    _text(root, "id", config.absolute(feed.path))
    _link(root, config.absolute(feed.path), "self", "application/atom+xml")
    _link(root, config.absolute(feed.page_url), "alternate", "text/html")
    newest = max((_timestamp(item.date) for item in items), default="2000-01-01T00:00:00Z")
    _text(root, "updated", newest)
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    _text(author, "name", config.title)
    _text(author, "uri", config.site_url)
    _text(root, "generator", "sitegen")
    ET.indent(root)
    head = ET.tostring(root, encoding="unicode").removesuffix("\n</feed>")
    body = "".join(f"\n  {entries[item.key]}" for item in items)
    declaration = "<?xml version='1.0' encoding='utf-8'?>\n"
    return f"{declaration}{head}{body}\n</feed>\n".encode()


def entry_xml(item: Item, summary: str, config: SiteConfig, plan: SitePlan) -> str:
    """One item's <entry>, indented for its place in a feed, namespace declared there."""
    ET.register_namespace("", ATOM)
    entry = _entry(item, summary, config, plan)
    ET.indent(entry, level=1)
    xml = ET.tostring(entry, encoding="unicode")
    return xml.replace(f' xmlns="{ATOM}"', "", 1)


def _entry(item: Item, summary: str, config: SiteConfig, plan: SitePlan) -> ET.Element:
    entry = ET.Element(f"{{{ATOM}}}entry")
    if item.lang and item.lang != config.language:
        entry.set("xml:lang", item.lang)
    _text(entry, "title", item.title)
    _text(entry, "id", entry_id(item))
    _link(entry, config.absolute(plan.canonical_urls[item.key]), "alternate", "text/html")
    stamp = _timestamp(item.date)
    _text(entry, "published", stamp)
    _text(entry, "updated", stamp)
    for name in item.authors or ((item.publisher,) if item.publisher else ()):
        _text(ET.SubElement(entry, f"{{{ATOM}}}author"), "name", name)
    for tag in item.tags:
        ET.SubElement(entry, f"{{{ATOM}}}category", {"term": tag})
    if summary:
        _text(entry, "summary", summary)
    return entry


def entry_id(item: Item) -> str:
    identity = f"document:{item.number}" if item.number else f"{item.kind}:{item.key}"
    return uuid.uuid5(_ID_NAMESPACE, identity).urn


def _timestamp(date: PartialDate) -> str:
    """Atom wants a full time; a date known to the month stands for its first day."""
    return f"{date.year:04d}-{date.month or 1:02d}-{date.day or 1:02d}T00:00:00Z"


def _text(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{tag}").text = text


def _link(parent: ET.Element, href: str, rel: str, media_type: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}link", {"href": href, "rel": rel, "type": media_type})


def sitemap(
    pages: Sequence[tuple[str, datetime.date | None, Sequence[tuple[str, str]]]],
    config: SiteConfig,
) -> bytes:
    """`pages` are (URL relative to the site root, date of its last change, alternates
    as (hreflang, URL)). Written as text, laid out as ElementTree's indent() would: a
    catalogue has tens of thousands of pages, and building elements for each was most
    of a small rebuild's time."""
    lines = [
        "<?xml version='1.0' encoding='utf-8'?>",
        f'<urlset xmlns="{SITEMAP}" xmlns:xhtml="{XHTML}">',
    ]
    for url, changed, alternates in pages:
        lines += ["  <url>", f"    <loc>{escape(config.absolute(url))}</loc>"]
        if changed:
            lines.append(f"    <lastmod>{changed.isoformat()}</lastmod>")
        lines += [
            f'    <xhtml:link rel="alternate" hreflang="{escape(language, _QUOTE)}" '
            f'href="{escape(config.absolute(other), _QUOTE)}" />'
            for language, other in alternates
        ]
        lines.append("  </url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode()


def robots(config: SiteConfig) -> bytes:
    return (
        "# Every page may be indexed. Crawlers read this file only at a site's root.\n"
        f"User-agent: *\nAllow: /\n\nSitemap: {config.absolute('sitemap.xml')}\n"
    ).encode()
