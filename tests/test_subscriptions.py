"""What a reader can follow and recognise: a feed beside every list of one document type
or one year, linked on its page as on a tag's, and the site's logo beside its title in
the header. Sites are built with the command line; the feeds are read back with feedparser."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest

from sitegen.cli import main

from .conftest import FixtureSite, copy_project, document, event

BASE = "https://documentation.example.org/"
ATOM = "application/atom+xml"
TITLE = "Nordic–Baltic Documentation Centre on Human Trafficking"
REPORT = "doc_types: [Report]\n"
LOGO = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 10"><rect width="40" height="10" fill="#fff"/></svg>\n'


class Page(HTMLParser):
    """A built page as a reader meets it: the feeds its head names, and every link with
    its text, its images and whether it is in the header."""

    def __init__(self, path: Path):
        super().__init__(convert_charrefs=True)
        self.url = path.parent.as_posix()
        self.head_feeds: list[dict] = []  # the attributes of each <link rel=alternate>
        self.anchors: list[dict] = []  # href, type, text, images, in_header
        self._open: list[dict] = []  # the <a> elements being read
        self._in_header = False
        self.feed(path.read_text(encoding="utf-8"))
        self.close()

    def handle_starttag(self, tag, attrs):
        a = {name: value or "" for name, value in attrs}
        if tag == "link" and a.get("rel") == "alternate" and a.get("type") == ATOM:
            self.head_feeds.append(a)
        elif tag == "header":
            self._in_header = True
        elif tag == "a":
            anchor = {**a, "text": "", "images": [], "in_header": self._in_header}
            self.anchors.append(anchor)
            self._open.append(anchor)
        elif tag == "img" and self._open:
            self._open[-1]["images"].append(a)

    def handle_endtag(self, tag):
        if tag == "header":
            self._in_header = False
        elif tag == "a" and self._open:
            self._open.pop()

    def handle_data(self, data):
        if self._open:
            self._open[-1]["text"] += data

    def visible_feed_links(self, page_url: str) -> list[str]:
        """The full addresses of the feeds a reader can click on, not only find in the head."""
        return [
            urljoin(BASE + page_url, a["href"])
            for a in self.anchors
            if a.get("type") == ATOM and a["text"].strip()
        ]

    def header_home_link(self) -> dict:
        return next(a for a in self.anchors if a["in_header"] and a.get("href") == "/")


def parsed_feed(out: Path, path: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse((out / path).read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def links_of(parsed: feedparser.FeedParserDict) -> set[str]:
    return {entry.link.removeprefix(BASE) for entry in parsed.entries}


@pytest.fixture
def catalogue(site: FixtureSite) -> FixtureSite:
    """Documents of two types over two years, with an event and a report among them."""
    site.write("documents/1.md", document(1, "A report", "2016-03", "doc_types: [Report]\n"))
    site.write("documents/2.md", document(2, "A law", "2016-05", "doc_types: [Law/Legislation]\n"))
    site.write(
        "documents/3.md",
        document(3, "A second report", "2017", "doc_types: [Report, Article]\n"),
    )
    site.write("events/forum.md", event("A forum", "2016-09-20"))
    site.write("reports/summary.md", "---\ntitle: A summary\ndate: 2017-02\n---\nThe summary.\n")
    run = site.run("build")
    assert run.code == 0, run.err
    return site


# --- Feeds of document types and years -----------------------------------------------------


@pytest.mark.parametrize(
    ("page_url", "feed_path", "title"),
    [
        ("types/report/", "types/report/feed.xml", f"Document type: Report · {TITLE}"),
        ("types/article/", "types/article/feed.xml", f"Document type: Article · {TITLE}"),
        ("years/2016/", "years/2016/feed.xml", f"Year: 2016 · {TITLE}"),
        ("years/2017/", "years/2017/feed.xml", f"Year: 2017 · {TITLE}"),
    ],
)
def test_document_type_and_year_pages_link_to_their_feed_as_tag_pages_do(
    catalogue, page_url, feed_path, title
):
    page = Page(catalogue.out / page_url / "index.html")
    assert page.visible_feed_links(page_url) == [BASE + feed_path]
    in_head = {urljoin(BASE + page_url, link["href"]): link["title"] for link in page.head_feeds}
    assert in_head == {BASE + "feed.xml": f"{TITLE}: new additions", BASE + feed_path: title}
    parsed = parsed_feed(catalogue.out, feed_path)
    assert parsed.feed.title == title
    assert parsed.feed.link == BASE + page_url  # the feed names the page it follows


def test_every_page_of_a_document_type_or_a_year_links_to_the_feed_beside_it(catalogue):
    """The second page of a type's list too, as on a tag's (20 items to a page)."""
    for number in range(4, 24):
        catalogue.write(
            f"documents/{number}.md", document(number, "An older report", "2015", REPORT)
        )
    assert catalogue.run("build").code == 0
    pages = sorted(catalogue.out.glob("types/*/index.html"))
    pages += sorted(catalogue.out.glob("types/*/page/*/index.html"))
    pages += sorted(catalogue.out.glob("years/*/index.html"))
    assert catalogue.out / "types/report/page/2/index.html" in pages
    assert len(pages) == 7  # three types, a second page of reports, three years
    for path in pages:
        url = path.parent.relative_to(catalogue.out).as_posix() + "/"
        base = re.sub(r"page/\d+/$", "", url)
        [feed] = Page(path).visible_feed_links(url)
        assert feed == BASE + base + "feed.xml"
        assert (catalogue.out / base / "feed.xml").is_file()


def test_the_data_page_lists_the_feed_of_every_document_type_and_year(catalogue):
    page = Page(catalogue.out / "data/index.html")
    listed = {a["href"]: a["text"] for a in page.anchors if a.get("type") == ATOM}
    for path, name in [
        ("types/report/", "Report"),
        ("types/law-legislation/", "Law/Legislation"),
        ("types/article/", "Article"),
        ("years/2017/", "2017"),
        ("years/2016/", "2016"),
    ]:
        assert listed[f"/{path}feed.xml"] == name
        assert (catalogue.out / path / "feed.xml").is_file()


def test_a_tag_page_links_to_its_feed_in_the_same_words(catalogue):
    catalogue.write("events/forum.md", event("A forum", "2016-09-20", "tags: [ferries]\n"))
    assert catalogue.run("build").code == 0
    words = {
        url: [a["text"] for a in Page(catalogue.out / url / "index.html").anchors if a.get("type")]
        for url in ("tags/ferries/", "types/report/", "years/2016/")
    }
    assert words["tags/ferries/"] == words["types/report/"] == words["years/2016/"] != []


def test_a_document_type_feed_holds_exactly_the_documents_of_that_type(catalogue):
    report = parsed_feed(catalogue.out, "types/report/feed.xml")
    assert links_of(report) == {"documents/1/", "documents/3/"}
    assert [entry.title for entry in report.entries] == ["A second report", "A report"]
    assert links_of(parsed_feed(catalogue.out, "types/law-legislation/feed.xml")) == {
        "documents/2/"
    }
    assert links_of(parsed_feed(catalogue.out, "types/article/feed.xml")) == {"documents/3/"}
    assert not (catalogue.out / "types/news/feed.xml").exists()  # a type no document has


def test_a_year_feed_holds_exactly_the_events_reports_and_documents_of_that_year(catalogue):
    """The programme page is dated 2015 but is the site's own prose: no year lists it."""
    assert links_of(parsed_feed(catalogue.out, "years/2016/feed.xml")) == {
        "documents/1/",
        "documents/2/",
        "events/forum/",
    }
    assert links_of(parsed_feed(catalogue.out, "years/2017/feed.xml")) == {
        "documents/3/",
        "reports/summary/",
    }
    assert not (catalogue.out / "years/2015").exists()


def test_a_moved_item_leaves_one_years_feed_for_the_other(catalogue):
    catalogue.write("events/forum.md", event("A forum", "2017-09-20"))
    assert catalogue.run("build").code == 0
    assert "events/forum/" not in links_of(parsed_feed(catalogue.out, "years/2016/feed.xml"))
    assert "events/forum/" in links_of(parsed_feed(catalogue.out, "years/2017/feed.xml"))


# --- The logo ------------------------------------------------------------------------------


def project_with(root: Path, settings: str, files: dict[str, bytes]) -> tuple[Path, int]:
    """A copy of the project with `settings` added to its site.yaml and `files` in it, and
    one document; with the line `settings` starts on."""
    copy_project(root)
    config = root / "site.yaml"
    text = config.read_text(encoding="utf-8").rstrip("\n") + "\n"
    line = text.count("\n") + 1
    config.write_text(text + settings, encoding="utf-8")
    for relative, data in files.items():
        (root / relative).write_bytes(data)
    (root / "content" / "documents").mkdir()
    (root / "content" / "documents" / "1.md").write_text(document(1), encoding="utf-8")
    return root, line


def run(root: Path, command: str, capsys) -> tuple[int, str]:
    capsys.readouterr()
    options = ["--no-search", "--no-cache", "-q", "--out", str(root / "_site")]
    code = main([command, *options], root=root)
    return code, capsys.readouterr().err


def test_the_logo_is_shown_beside_the_title_which_names_the_home_link(
    tmp_path, capsys, monkeypatch
):
    root, _ = project_with(tmp_path, "logo: assets/logo.svg\n", {"assets/logo.svg": LOGO})
    monkeypatch.chdir(root)
    code, err = run(root, "build", capsys)
    assert code == 0, err
    for url in ("", "documents/1/", "types/", "years/2010/"):
        home = Page(root / "_site" / url / "index.html").header_home_link()
        [image] = home["images"]
        assert image["alt"] == ""  # the title beside it names the link, once
        assert home["text"].strip() == TITLE
        assert (root / "_site" / image["src"].lstrip("/")).read_bytes() == LOGO
        assert re.fullmatch(r"/assets/logo\.[0-9a-f]{10}\.svg", image["src"])


def test_without_a_logo_the_header_shows_the_title(catalogue):
    home = Page(catalogue.out / "index.html").header_home_link()
    assert home["images"] == []
    assert home["text"].strip() == TITLE


def test_a_missing_logo_file_fails_check_naming_the_line_of_site_yaml(
    tmp_path, capsys, monkeypatch
):
    root, line = project_with(tmp_path, "logo: assets/logo.svg\n", {"assets/logo.png": b"x"})
    monkeypatch.chdir(root)
    code, err = run(root, "check", capsys)
    assert code == 1
    assert "Traceback" not in err
    assert f"site.yaml:{line}: logo: assets/logo.svg does not exist" in err
    assert 'Did you mean "logo.png"?' in err


@pytest.mark.parametrize(
    ("logo", "expected"),
    [
        ("content/logo.svg", "must be the path of an image inside the assets folder"),
        ("assets/../site.yaml", "must be the path of an image inside the assets folder"),
        ("assets/style.css", "must be an image file"),
    ],
)
def test_a_logo_that_is_not_an_image_in_assets_fails_check(
    tmp_path, capsys, monkeypatch, logo, expected
):
    root, line = project_with(tmp_path, f"logo: {logo}\n", {})
    monkeypatch.chdir(root)
    code, err = run(root, "check", capsys)
    assert code == 1
    assert f"site.yaml:{line}: logo: {expected}" in err
