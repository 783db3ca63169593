"""The real sample site, built once with `python build.py`: every page there, every link resolves."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .conftest import REPO


class PageParser(HTMLParser):
    """Collects what the checks need: links, ids, headings, landmarks, images without alt."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.tags: list[str] = []
        self.images_without_alt = 0
        self.html_lang = ""
        self._in_dt = False
        self.record_labels: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.html_lang = attributes.get("lang", "")
        if "id" in attributes:
            self.ids.add(attributes["id"])
        for name in ("href", "src"):
            if attributes.get(name):
                self.links.append(attributes[name])
        if tag == "img" and not attributes.get("alt"):
            self.images_without_alt += 1
        self._in_dt = tag == "dt"

    def handle_endtag(self, tag):
        if tag == "dt":
            self._in_dt = False

    def handle_data(self, data):
        if self._in_dt and data.strip():
            self.record_labels.append(data.strip())


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    out = folder / "_site"
    result = subprocess.run(
        [sys.executable, "build.py", "--out", str(out), "--cache-dir", str(folder / ".cache")],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built ")
    return out


@pytest.fixture(scope="module")
def pages(sample) -> dict[str, PageParser]:
    parsed = {}
    for path in sorted(sample.rglob("*.html")):
        parser = PageParser()
        parser.feed(path.read_text(encoding="utf-8"))
        parsed[path.relative_to(sample).as_posix()] = parser
    return parsed


def content_count(folder: str) -> int:
    return len(list((REPO / "content" / folder).glob("*.md")))


def test_sample_content_has_the_promised_breadth():
    assert content_count("events") >= 8
    assert content_count("reports") >= 6
    assert content_count("documents") >= 10
    assert (REPO / "content/documents/2427.md").exists()


def test_every_kind_of_page_is_built(sample):
    expected = [
        "index.html", "404.html", "events/index.html", "reports/index.html", "documents/index.html",
        "tags/index.html", "years/index.html", "types/index.html", "documents/2427/index.html",
        "years/2010/index.html", "tags/trafficking/index.html", "tags/inimkaubandus/index.html",
        "tags/torgovlya-lyudmi/index.html", "tags/prekyba-zmonemis/index.html",
        "types/research-study-analysis/index.html", "programme/index.html",
    ]  # fmt: skip
    missing = [path for path in expected if not (sample / path).exists()]
    assert not missing
    for folder in ("events", "reports", "documents"):
        built = [p for p in (sample / folder).iterdir() if p.is_dir() and p.name != "page"]
        assert len(built) == content_count(folder)


def test_every_internal_link_and_fragment_resolves(sample, pages):
    broken = []
    for page, parser in pages.items():
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("mailto:"):
                continue
            target = page if not parts.path else unquote(parts.path).lstrip("/")
            if parts.path and not parts.path.startswith("/"):
                broken.append((page, link, "relative link"))
                continue
            if target == "" or target.endswith("/"):
                target += "index.html"
            if not (sample / target).is_file():
                broken.append((page, link, "no such file"))
            elif (
                parts.fragment
                and target.endswith(".html")
                and parts.fragment not in pages[target].ids
            ):
                broken.append((page, link, "no such anchor"))
    assert not broken
    assert sum(len(p.links) for p in pages.values()) > 500


def test_pages_are_accessible_html(pages):
    for name, parser in pages.items():
        folder = name.split("/")[0]  # the interface language's: none for the first
        assert parser.html_lang == (folder if folder in ("et", "lv", "lt") else "en-GB"), name
        assert parser.tags.count("h1") == 1, name
        assert {"header", "nav", "main", "footer"} <= set(parser.tags), name
        assert "main" in parser.ids, name
        assert parser.images_without_alt == 0, name


def test_document_2427_shows_the_catalogue_fields_in_record_order(pages, sample):
    record = pages["documents/2427/index.html"]
    assert record.record_labels[:7] == [
        "Document number", "Date", "Title", "Author/publisher", "Availability", "Document type(s)", "Keywords",
    ]  # fmt: skip
    html = (sample / "documents/2427/index.html").read_text(encoding="utf-8")
    assert '<time datetime="2010">2010</time>' in html
    assert "United Nations Office on Drugs and Crime" in html
    assert html.index("Keywords") < html.index('id="summary-heading"')
    assert re.search(
        r'href="/documents/2427/2427\.pdf" type="application/pdf">[^<]+</a>\s*'
        r'<p class="attachment-meta[^>]*>PDF, [\d.]+ KB, \d+ pages?</p>',
        html,
    )


def test_reports_show_their_files_with_type_and_size(sample):
    html = (sample / "reports/ferry-companies/index.html").read_text(encoding="utf-8")
    assert re.search(r">PDF, [\d.]+ (KB|bytes), \d+ pages?</p>", html)
    assert list((sample / "reports/ferry-companies").glob("*.pdf"))


def test_home_page_introduces_the_programme_and_shows_the_latest(sample):
    html = (sample / "index.html").read_text(encoding="utf-8")
    for heading in (
        "Latest events",
        "Latest reports",
        "Newest in the catalogue",
        "Browse the documentation centre",
    ):
        assert heading in html
    assert 'href="/programme/"' in html


def test_tags_come_in_more_than_one_language(sample):
    html = (sample / "tags/index.html").read_text(encoding="utf-8")
    for tag in ("inimkaubandus", "prekyba žmonėmis", "торговля людьми", "menneskehandel"):
        assert f">{tag}</a>" in html


def test_every_page_links_the_accessibility_statement(sample, pages):
    statement = (sample / "accessibility/index.html").read_text(encoding="utf-8")
    headings = re.findall(r"<h2 id=\"[^\"]+\">([^<]+)</h2>", statement)
    assert headings == [
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
        "Feedback and contact information",
        "Enforcement procedure",
    ]
    assert 'href="mailto:accessibility@documentation.example.org"' in statement
    without = [
        url
        for url, page in pages.items()
        if not {"/accessibility/", f"/{url.split('/')[0]}/accessibility/"} & set(page.links)
    ]
    assert not without


def test_every_page_but_the_search_page_has_a_search_field_and_every_page_an_icon(sample):
    for path in sorted(sample.rglob("*.html")):
        if "pagefind" in path.parts:
            continue
        html = path.read_text(encoding="utf-8")
        icon = re.search(r'<link rel="icon" href="/([^"]+)" type="image/svg\+xml">', html)
        assert icon and (sample / icon.group(1)).is_file(), path
        relative = path.relative_to(sample).as_posix()
        folder = next((f"{f}/" for f in ("et", "lv", "lt") if relative.startswith(f"{f}/")), "")
        action = f"/{folder}search/"  # the search page in the page's own language
        header_search = f'<form class="header-search" role="search" action="{action}" method="get">'
        if relative != f"{folder}search/index.html":
            assert header_search in html and 'name="q"' in html, path


def test_lists_and_tags_offer_their_feed_and_citations_link_their_address(sample):
    for page, feed in [
        ("tags/trafficking/", "tags/trafficking/feed.xml"),
        ("events/", "events/feed.xml"),
    ]:
        html = (sample / page / "index.html").read_text(encoding="utf-8")
        assert f'<p class="subscribe"><a href="/{feed}" type="application/atom+xml">' in html
        assert (sample / feed).is_file()
    document = (sample / "documents/2427/index.html").read_text(encoding="utf-8")
    address = "https://documentation.example.org/documents/2427/"
    assert f'Document no. 2427. <a href="{address}">{address}</a></p>' in document
