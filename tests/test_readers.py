"""Every file written for machines, read back by the kind of program that consumes it:
feed readers, sitemap crawlers, schema.org and Highwire parsers, BibTeX and RIS importers,
spreadsheets and browsers. Nothing here matches strings in the output."""

from __future__ import annotations

import csv
import datetime
import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import bibtexparser
import feedparser
import pytest
import rispy
import yaml
from bibtexparser.middlewares import LatexDecodingMiddleware
from PIL import Image

from sitegen.cli import main

from .conftest import REPO, document, event

BASE = "https://documentation.example.org/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RECORD_FOLDERS = {"events": "event", "reports": "report", "documents": "document"}
INTERFACE_FOLDERS = {  # a language's primary subtag -> its folder: {"en": "", "et": "et/"}
    tag.split("-")[0].lower(): "" if n == 0 else f"{tag.lower()}/"
    for n, tag in enumerate(yaml.safe_load((REPO / "site.yaml").read_text("utf-8"))["languages"])
}


class Page(HTMLParser):
    """The parts of an HTML page that machines read: link, meta, img, a and JSON-LD."""

    def __init__(self, path: Path):
        super().__init__(convert_charrefs=True)
        self.links, self.images, self.json_ld = [], [], []  # attributes, attributes, data
        self.anchors, self.nav = [], []  # [href, text] of every link, of the main menu's
        self.metas: dict[str, list[str]] = {}  # name or property: every content
        self._script: list[str] | None = None
        self._in_nav = False
        self.feed(path.read_text(encoding="utf-8"))
        self.close()

    def handle_starttag(self, tag, attrs):
        a = {name: value or "" for name, value in attrs}
        if tag == "link":
            self.links.append(a)
        elif tag == "meta" and (a.get("name") or a.get("property")):
            self.metas.setdefault(a.get("name") or a["property"], []).append(a.get("content", ""))
        elif tag == "img":
            self.images.append(a)
        elif tag == "a":
            self.anchors.append([a.get("href", ""), ""])
            if self._in_nav:
                self.nav.append(self.anchors[-1])
        elif tag == "nav" and "site-nav" in a.get("class", "").split():
            self._in_nav = True
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._script = []

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = False
        elif tag == "script" and self._script is not None:
            self.json_ld.append(json.loads("".join(self._script)))
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)
        elif self.anchors:
            self.anchors[-1][1] += data

    def canonical(self) -> str:
        return next(link["href"] for link in self.links if link.get("rel") == "canonical")

    def alternates(self, **match: str) -> list[dict]:
        match["rel"] = "alternate"
        return [a for a in self.links if all(a.get(k) == v for k, v in match.items())]


def built(out: Path, url: str) -> Path:
    """The output file an absolute URL of the site is served from."""
    assert url.startswith(BASE), url
    relative = url[len(BASE) :]
    path = out / relative
    return path / "index.html" if relative == "" or relative.endswith("/") else path


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n", 2)[1])


def item_url(path: Path, fields: dict) -> str:
    folder = path.parent.name
    if folder == "documents":
        return f"documents/{fields['number']}/"
    slug = fields.get("slug", path.stem)
    return f"{slug}/" if folder == "pages" else f"{folder}/{slug}/"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "out"
    assert main(["build", "--no-search", "--no-cache", "-q", "--out", str(out)], root=REPO) == 0
    return out


@pytest.fixture(scope="module")
def content() -> dict[str, dict]:
    """Published content of the sample site by URL, with `kind` added."""
    found = {}
    for path in sorted((REPO / "content").glob("*/*.md")):
        fields = front_matter(path)
        if not fields.get("draft"):
            fields["kind"] = RECORD_FOLDERS.get(path.parent.name, "page")
            url = item_url(path, fields)
            # The address feeds, exports and citations name: its page in its own language.
            own = INTERFACE_FOLDERS.get(str(fields.get("lang", "en")).split("-")[0].lower(), "")
            found[url] = {**fields, "canonical": BASE + own + url}
    return found


def records(content: dict, *kinds: str) -> dict[str, dict]:
    return {url: f for url, f in content.items() if f["kind"] in (kinds or RECORD_FOLDERS.values())}


def feeds_of(out: Path) -> dict[str, feedparser.FeedParserDict]:
    return {
        p.relative_to(out).as_posix(): feedparser.parse(p.read_bytes())
        for p in sorted(out.rglob("feed.xml"))
    }


def test_every_feed_parses_and_its_entries_point_at_built_pages(sample, content):
    feeds = feeds_of(sample)
    by_address = {fields["canonical"]: fields for fields in content.values()}
    lists = {
        p.parent
        for folder in ("tags", "types", "years")
        for p in sample.glob(f"{folder}/*/index.html")
    }
    expected = {"feed.xml", "events/feed.xml", "reports/feed.xml", "documents/feed.xml"}
    assert set(feeds) == expected | {f"{p.relative_to(sample).as_posix()}/feed.xml" for p in lists}
    for name, parsed in feeds.items():
        assert parsed.bozo == 0, (name, parsed.get("bozo_exception"))
        assert parsed.version == "atom10", name
        # Atom as people read it too: one default namespace, no generated prefixes.
        assert "<entry>" in (sample / name).read_text(encoding="utf-8"), name
        assert parsed.entries, name
        for entry in parsed.entries:
            assert entry.id.startswith("urn:uuid:"), entry
            assert built(sample, entry.link).is_file(), entry.link
            assert entry.summary.strip(), entry.link
            date = str(by_address[entry.link]["date"]).split("-")
            stamp = tuple(int(p) for p in date) + (1,) * (3 - len(date))
            assert tuple(entry.published_parsed[:3]) == stamp, entry.link
            assert entry.updated_parsed is not None
    site_links = [e.link for e in feeds["feed.xml"].entries]
    assert sorted(site_links) == sorted(f["canonical"] for f in records(content).values())
    for folder, kind in RECORD_FOLDERS.items():
        links = {e.link for e in feeds[f"{folder}/feed.xml"].entries}
        assert links == {f["canonical"] for f in records(content, kind).values()}


def test_entry_ids_are_unique_and_stable_across_builds(sample, tmp_path):
    again = tmp_path / "again"
    assert main(["build", "--no-search", "--no-cache", "-q", "--out", str(again)], root=REPO) == 0
    first, second = feeds_of(sample), feeds_of(again)
    site_ids = [e.id for e in first["feed.xml"].entries]
    assert len(site_ids) == len(set(site_ids)) > 20
    ids_by_link: dict[str, str] = {}
    for name, parsed in first.items():
        ids = {e.link: e.id for e in parsed.entries}
        assert len(set(ids.values())) == len(parsed.entries), name
        assert ids == {e.link: e.id for e in second[name].entries}, name
        for link, entry_id in ids.items():  # the same item has the same id in every feed
            assert ids_by_link.setdefault(link, entry_id) == entry_id, link


def test_tag_feeds_list_exactly_the_items_with_that_tag(sample, content):
    """Events, reports and documents: pages are the site's own prose, not additions."""
    listed = 0
    for name, parsed in feeds_of(sample).items():
        if not name.startswith("tags/"):
            continue
        tag = parsed.feed.title.removeprefix("Tag: ").split(" · ")[0].casefold()
        having = {
            fields["canonical"]
            for url, fields in content.items()
            if tag in {str(t).casefold() for t in fields.get("tags", [])}
            and url.startswith(("events/", "reports/", "documents/"))
        }
        assert {e.link for e in parsed.entries} == having, name
        listed += len(having)
        for entry in parsed.entries:
            assert tag in {t.term.casefold() for t in entry.tags}, entry.link
    assert listed > 50


def test_pages_link_to_their_feeds(sample):
    for name, parsed in feeds_of(sample).items():
        self_url = next(link.href for link in parsed.feed.links if link.rel == "self")
        assert self_url == BASE + name
        page_url = parsed.feed.link  # the feed's rel=alternate text/html page
        page = Page(built(sample, page_url))
        feeds = [link for link in page.alternates() if "hreflang" not in link]  # not languages
        hrefs = {urljoin(page_url, link["href"]) for link in feeds}
        assert self_url in hrefs, (name, page_url)
        if name != "feed.xml":
            assert BASE + "feed.xml" in hrefs
        typed = page.alternates(type="application/atom+xml")
        assert {urljoin(page_url, link["href"]) for link in typed} == hrefs
    item_page = Page(sample / "documents/2427/index.html")
    assert [urljoin(BASE, link["href"]) for link in item_page.alternates()] == [BASE + "feed.xml"]


def test_sitemap_lists_every_public_page_once_with_its_last_change(sample, content):
    root = ET.parse(sample / "sitemap.xml").getroot()
    assert root.tag == f"{SITEMAP}urlset"
    entries = root.findall(f"{SITEMAP}url")
    locs = [entry.findtext(f"{SITEMAP}loc") for entry in entries]
    assert len(locs) == len(set(locs))
    for entry, loc in zip(entries, locs, strict=True):
        assert built(sample, loc).is_file(), loc
        lastmod = entry.findtext(f"{SITEMAP}lastmod")
        assert lastmod, loc
        datetime.date.fromisoformat(lastmod)
    folders = {p.parent.relative_to(sample).as_posix() for p in sample.rglob("index.html")}
    pages = {BASE + f"{folder}/".removeprefix("./") for folder in folders}
    # Every page that is its own canonical page: an item's copies in other languages are not.
    assert set(locs) == {url for url in pages if Page(built(sample, url)).canonical() == url}
    assert (sample / "404.html").is_file()
    assert not [loc for loc in locs if "404" in loc]
    assert {fields["canonical"] for fields in content.values()} <= set(locs)
    robots = (sample / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert [line for line in robots if "sitemap" in line.lower()] == [f"Sitemap: {BASE}sitemap.xml"]


def test_item_pages_carry_schema_org_open_graph_and_canonical_url(sample, content):
    types = {"report": "Report", "document": "CreativeWork", "event": "Event"}
    for url, fields in records(content).items():
        page = Page(sample / url / "index.html")
        assert len(page.json_ld) == 1, url
        data = page.json_ld[0]
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == types[fields["kind"]]
        assert data["name"] == fields["title"]
        assert data["url"] == fields["canonical"]  # one record, naming the canonical page
        if fields["kind"] == "event":
            assert data["startDate"] == str(fields["date"])
            assert data["endDate"] == str(fields.get("end", fields["date"]))
            assert data["location"]["name"] == fields["location"]
        else:
            assert data["datePublished"] == str(fields["date"])  # "2010", "2016-11"
        # An item's page is canonical in its own language's folder, where it has one.
        own = fields["canonical"]
        canonical = [link["href"] for link in page.links if link.get("rel") == "canonical"]
        assert canonical == [own]
        assert page.metas["og:url"] == [own]
        assert page.metas["og:title"] == [fields["title"]]
        assert page.metas["og:type"] == ["article"]
        assert page.metas["og:description"][0].strip()
        assert page.metas["twitter:card"] in (["summary"], ["summary_large_image"])


def test_report_with_a_pdf_has_highwire_tags_for_scholar(sample, content):
    fields = content["reports/ferry-companies/"]
    metas = Page(sample / "reports/ferry-companies/index.html").metas
    assert metas["citation_title"] == [fields["title"]]
    assert metas["citation_author"] == fields["authors"]
    assert metas["citation_publication_date"] == [str(fields["date"]).replace("-", "/")]
    assert metas["DC.title"] == [fields["title"]]
    [pdf] = metas["citation_pdf_url"]
    assert pdf.startswith(BASE) and pdf.endswith(".pdf")
    assert built(sample, pdf).read_bytes().startswith(b"%PDF")


def parse_bibtex(text: str) -> list:
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    return library.entries


def one_line(text: str) -> str:
    return " ".join(text.replace("{", "").replace("}", "").split())


def test_citation_files_parse_and_agree_with_their_pages(sample, content):
    cited = records(content, "report", "document")
    for url, fields in cited.items():
        page = Page(sample / url / "index.html")
        name = url.rstrip("/").rsplit("/", 1)[1]
        links = {urljoin(BASE + url, href) for href, _ in page.anchors}
        assert {f"{BASE}{url}{name}.bib", f"{BASE}{url}{name}.ris"} <= links, url
        [entry] = parse_bibtex(built(sample, f"{BASE}{url}{name}.bib").read_text("utf-8"))
        assert one_line(entry["title"]) == one_line(fields["title"])
        assert entry["year"] == str(fields["date"])[:4]
        assert entry["url"] == fields["canonical"]
        [record] = rispy.loads(built(sample, f"{BASE}{url}{name}.ris").read_text("utf-8"))
        assert record["title"] == fields["title"]
        assert record["year"] == str(fields["date"])[:4]
        assert record["urls"] == [fields["canonical"]]
    catalogue_bib = parse_bibtex((sample / "catalogue.bib").read_text("utf-8"))
    catalogue_ris = rispy.loads((sample / "catalogue.ris").read_text("utf-8"))
    # `cited` holds one entry per .md file in content/reports and content/documents, drafts left out
    assert len(catalogue_bib) == len(catalogue_ris) == len(cited) > 10
    assert len({entry.key for entry in catalogue_bib}) == len(cited)
    addresses = {fields["canonical"] for fields in cited.values()}
    assert {e["url"] for e in catalogue_bib} == {r["urls"][0] for r in catalogue_ris} == addresses


TRICKY = 'Braces {NGO} & 100% "quoted" stray } text: õäöü ÕÄÖÜ, 50$ #1 under_score ~2'


def test_tricky_title_survives_bibtex_and_ris(site):
    title = TRICKY.replace("'", "''")
    site.write("documents/77.md", document(77, title=f"'{title}'", date="2012-03"))
    site.write("documents/78.md", document(78, title="Plain neighbour"))
    run = site.run("build")
    assert run.code == 0, run.err
    [entry] = parse_bibtex((site.out / "documents/77/77.bib").read_text("utf-8"))
    decoded = one_line(entry["title"])  # TeX braces are markup, the stray one is dropped
    assert "õäöü ÕÄÖÜ" in decoded and "& 100%" in decoded
    assert decoded == one_line(TRICKY)
    assert (entry["year"], entry["url"]) == ("2012", BASE + "documents/77/")  # not swallowed
    catalogue = parse_bibtex((site.out / "catalogue.bib").read_text("utf-8"))
    assert sorted(e.key for e in catalogue) == ["doc77", "doc78"]
    [record] = rispy.loads((site.out / "documents/77/77.ris").read_text("utf-8"))
    assert record["title"] == TRICKY


def test_catalogue_csv_and_json_hold_one_record_per_item(sample, content):
    raw = (sample / "catalogue.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    columns = {"type", "url", "number", "title", "date", "tags", "availability"}
    assert columns <= set(rows[0])
    expected = records(content)
    by_address = {fields["canonical"]: fields for fields in expected.values()}
    assert sorted(row["url"] for row in rows) == sorted(by_address)
    for row in rows:
        fields = by_address[row["url"]]
        assert built(sample, row["url"]).is_file()
        assert row["type"] == fields["kind"]
        assert row["title"] == fields["title"]
        assert row["date"] == str(fields["date"])
        assert row["number"] == str(fields.get("number", ""))
        for cell in (row["availability"], row["files"]):
            for link in filter(None, cell.split(" | ")):
                assert link.startswith(("https://", "http://")), link
    data = json.loads((sample / "catalogue.json").read_text(encoding="utf-8"))
    assert data["count"] == len(data["items"]) == len(rows)
    assert [item["url"] for item in data["items"]] == [row["url"] for row in rows]


def picture(path: Path, size: tuple[int, int], mode: str, fmt: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size, (200, 40, 40, 128)[: len(mode)]).save(path, fmt)


def test_gallery_pictures_are_resized_and_shown_with_alt_text(site):
    picture(site.content / "events/images/hall.jpg", (3000, 2000), "RGB", "JPEG")
    picture(site.content / "events/images/logo.png", (500, 900), "RGBA", "PNG")
    gallery = (
        "images:\n  - {path: images/hall.jpg, alt: Speakers on the stage, caption: Opening}\n"
        "  - {path: images/logo.png, alt: The programme logo}\n"
    )
    site.write("events/gallery.md", event(extra=gallery))
    run = site.run("build")
    assert run.code == 0, run.err
    sizes = {}
    for name in ("hall.jpg", "hall.thumb.jpg", "logo.jpg", "logo.thumb.jpg"):
        with Image.open(site.out / "events/gallery/images" / name) as opened:
            assert opened.format == "JPEG"
            sizes[name] = opened.size
    assert max(sizes["hall.jpg"]) == 1600 and sizes["logo.jpg"] == (500, 900)
    for name in ("hall.thumb.jpg", "logo.thumb.jpg"):
        assert sizes[name][0] <= 480 and sizes[name][1] <= 360, sizes
    page_url = BASE + "events/gallery/"
    page = Page(site.out / "events/gallery/index.html")
    shown = {image["alt"]: image for image in page.images}
    for alt, name in (("Speakers on the stage", "hall"), ("The programme logo", "logo")):
        image = shown[alt]
        assert urljoin(page_url, image["src"]) == f"{page_url}images/{name}.thumb.jpg"
        assert (int(image["width"]), int(image["height"])) == sizes[f"{name}.thumb.jpg"]
    [og_image] = page.metas["og:image"]
    assert built(site.out, og_image).is_file()
    assert page.json_ld[0]["image"][0].startswith(page_url)


def test_pictures_keep_their_folders_and_a_shared_one_is_written_once(site):
    for year in (2014, 2015):
        picture(site.content / f"events/images/{year}/hall.jpg", (60, 40), "RGB", "JPEG")
    both = "images:\n  - {path: images/2014/hall.jpg, alt: A}\n  - {path: images/2015/hall.jpg, alt: B}\n"
    site.write("events/forum.md", event(title="Forum", extra=both))
    site.write(
        "events/other.md",
        event(title="Other", extra="images: [{path: images/2014/hall.jpg, alt: A}]\n"),
    )
    run = site.run("build")
    assert run.code == 0, run.err
    assert (site.out / "events/forum/images/2014/hall.jpg").is_file()
    assert (site.out / "events/forum/images/2015/hall.thumb.jpg").is_file()
    assert not (site.out / "events/other/images").exists()
    other = Page(site.out / "events/other/index.html")
    assert other.images[0]["src"] == "/events/forum/images/2014/hall.thumb.jpg"


@pytest.mark.parametrize(
    ("entry", "line", "expected"),
    [
        ("  - path: images/hall.jpg\n", 5, "images[0] needs alt text"),
        ("  - {path: images/gone.jpg, alt: Gone}\n", 5, "'images/gone.jpg' does not exist"),
        ("  - {path: images/text.jpg, alt: Text}\n", 5, "images/text.jpg cannot be read as a"),
    ],
)
def test_gallery_errors_name_the_file_and_line(site, entry, line, expected):
    picture(site.content / "events/images/hall.jpg", (40, 30), "RGB", "JPEG")
    (site.content / "events/images/text.jpg").write_bytes(b"just some text, not a picture\n")
    site.write("events/gallery.md", event(extra="images:\n" + entry))
    run = site.run("build")
    assert run.code == 1 and not site.out.exists()
    assert f"content/events/gallery.md:{line}: images:" in run.err
    assert expected in run.err


def test_translations_link_each_other_and_need_another_language(site):
    site.write("reports/guide.md", "---\ntitle: Guide\ndate: 2016\n---\nText.\n")
    juhend = "---\ntitle: Juhend\ndate: 2016\n{}translations: [reports/guide]\n---\nTekst.\n"
    site.write("reports/juhend.md", juhend.format(""))
    run = site.run("build")
    assert run.code == 1
    assert (
        "content/reports/juhend.md:4: translations: content/reports/guide.md is in the same "
        "language (en)" in run.err
    )
    site.write("reports/juhend.md", juhend.format("lang: et\n"))
    run = site.run("build")
    assert run.code == 0, run.err
    both = {"en": BASE + "reports/guide/", "et": BASE + "et/reports/juhend/"}
    for url, expected in (("guide", both), ("juhend", both), ("../programme", {})):
        links = Page(site.out / f"reports/{url}/index.html").alternates()
        assert {a["hreflang"]: a["href"] for a in links if "hreflang" in a} == expected, url


def test_build_without_search_has_no_search_page_or_link(sample):
    assert not (sample / "search").exists()
    for url in ("", "events/", "documents/2427/"):
        page = Page(sample / url / "index.html")
        titles = [text.strip() for _, text in page.nav]
        assert "Events" in titles and "Reports" in titles, titles
        assert "Search" not in titles
        assert not [href for href, _ in page.anchors if href.rstrip("/").endswith("search")]
