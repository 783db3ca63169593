"""The site in its interface languages: the switcher, dates and vocabularies in each,
canonical and hreflang links, the sitemap, and catalogues checked for every string."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitegen.cli import main

from .conftest import REPO, copy_project, document, event
from .test_validators import KINDS_OF_PAGE as EVERY_KIND

LANGUAGES = {"en-GB": "", "et": "et/", "lv": "lv/", "lt": "lt/"}
# Every kind of page but the not-found page (one, in the first language) and searches.
KINDS_OF_PAGE = {
    kind: path for kind, path in EVERY_KIND.items() if "?" not in path and path != "404.html"
}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


class Page(HTMLParser):
    """What these tests read of a page: its language, links in the head, the switcher."""

    def __init__(self, text: str):
        super().__init__()
        self.lang = ""
        self.canonical = ""
        self.alternates: dict[str, str] = {}
        self.feeds: dict[str, str] = {}  # href -> title
        self.switcher: list[dict[str, str]] = []
        self._in_switcher = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang", "")
        elif tag == "link" and found.get("rel") == "canonical":
            self.canonical = found["href"]
        elif tag == "link" and found.get("rel") == "alternate" and "hreflang" in found:
            self.alternates[found["hreflang"]] = found["href"]
        elif tag == "link" and found.get("type") == "application/atom+xml":
            self.feeds[found["href"]] = found["title"]
        elif tag == "nav" and "language-switcher" in found.get("class", ""):
            self._in_switcher = True
        elif tag == "a" and self._in_switcher:
            self.switcher.append(found)

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_switcher = False


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("languages") / "site"
    assert main(["build", "-q", "--no-cache", "--out", str(out)], root=REPO) == 0
    return out


def read(out: Path, path: str) -> str:
    file = out / (path if path.endswith(".html") else f"{path}index.html")
    return file.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", KINDS_OF_PAGE)
def test_the_switcher_offers_the_same_page_in_each_language(sample, kind):
    path = KINDS_OF_PAGE[kind]
    for language, prefix in LANGUAGES.items():
        page = Page(read(sample, prefix + path))
        assert page.lang == language
        links = {link["hreflang"]: link for link in page.switcher}
        assert list(links) == list(LANGUAGES)
        for other, other_prefix in LANGUAGES.items():
            assert links[other]["href"] == "/" + other_prefix + path
            assert links[other]["lang"] == other
            assert (sample / (other_prefix + path) / "index.html").is_file()
        current = [link["hreflang"] for link in page.switcher if "aria-current" in link]
        assert current == [language]


def test_the_not_found_page_is_one_and_its_switcher_goes_home(sample):
    page = Page(read(sample, "404.html"))
    assert [link["href"] for link in page.switcher] == ["/", "/et/", "/lv/", "/lt/"]
    assert not (sample / "et" / "404.html").exists()


def test_each_home_page_says_what_the_site_is_in_its_language(sample):
    for prefix, locale in zip(
        LANGUAGES.values(), ("en_GB", "et_EE", "lv_LV", "lt_LT"), strict=True
    ):
        assert f'<meta property="og:locale" content="{locale}">' in read(sample, prefix)
    settings = (REPO / "site.yaml").read_text(encoding="utf-8")
    assert "Põhjala ja Balti riikide inimkaubanduse dokumendikeskus" in settings
    et_home = read(sample, "et/")
    assert "<h1>Põhjala ja Balti riikide inimkaubanduse dokumendikeskus</h1>" in et_home
    assert "Konverentsid, ekspert- ja teadmusfoorumid" in et_home
    lt_home = read(sample, "lt/")
    assert "<h1>Šiaurės ir Baltijos šalių prekybos žmonėmis dokumentacijos centras</h1>" in lt_home
    assert "Nordic–Baltic Documentation Centre" not in lt_home.split("<main")[1].split("</main>")[0]


def test_interface_words_vocabularies_and_months_are_translated(sample):
    lv_event = read(sample, "lv/events/conference-2016/")
    assert "2016" in lv_event and "oktobris" in lv_event  # CLDR's month, in Latvian
    lv_documents = read(sample, "lv/documents/")
    assert re.search(r"\b2014\. gada janvāris\b", lv_documents)  # a month, as Latvian has it
    assert "gada. " not in lv_documents  # not as CLDR's pattern had it
    assert "Konference" in lv_event  # the event kind's label from site.yaml
    et_document = read(sample, "et/documents/2427/")
    assert "Dokumendi number" in et_document or "Dokumendinumber" in et_document
    assert "Uuring/analüüs" in et_document  # the document type's label
    assert "Research/Study/Analysis" not in et_document.split("<main")[1]
    lt_types = read(sample, "lt/types/")
    assert "Tyrimas/analizė" in lt_types and "Ataskaita" in lt_types


def test_each_page_titles_its_feeds_in_its_language(sample):
    """A list has one feed, in the site's language; its link in each page's head is
    titled in that page's language."""
    for path in ("", "documents/", "tags/estonia/", "types/report/", "years/2014/"):
        english = Page(read(sample, path)).feeds
        assert len(english) == (1 if path == "" else 2)
        for prefix in ("et/", "lv/", "lt/"):
            feeds = Page(read(sample, prefix + path)).feeds
            assert list(feeds) == list(english), "the same feeds, not copies"
            for href, title in feeds.items():
                assert "Nordic–Baltic" not in title and "new additions" not in title
                assert title != english[href]
    assert Page(read(sample, "et/types/report/")).feeds["/types/report/feed.xml"] == (
        "Dokumendiliik: Aruanne · Põhjala ja Balti riikide inimkaubanduse dokumendikeskus"
    )


def test_an_items_text_keeps_its_language_and_the_interface_inside_it_the_pages(sample):
    """An English report on the Estonian pages: its body and contents are marked English,
    while the titles of its heading anchors and note back-links are Estonian, and say so."""
    path = "reports/solutions-and-recommendations/"
    english, estonian = read(sample, path), read(sample, "et/" + path)
    assert 'title="Link to this section">' in english
    assert 'title="Back to the text of note 1">' in english
    assert "Link to this section" not in estonian and "Back to the text" not in estonian
    assert estonian.count('title="Link sellele jaotisele" lang="et">') >= 2
    assert 'title="Tagasi märkuse 1 juurde tekstis" lang="et">' in estonian
    assert '<div class="body" lang="en">' in estonian
    contents = estonian.split('<nav class="contents"')[1].split("</nav>")[0]
    assert '<div lang="en"><div class="toc">' in contents
    home = read(sample, "et/")
    assert 'Loe lähemalt: <span lang="en">The programme</span></a>' in home


def test_every_list_shows_every_item_naming_its_language(sample):
    """An Estonian document on the English list, and an English one on the Estonian
    list: each is there, its title marked with its language and the language named."""
    english = read(sample, "documents/")
    estonian = read(sample, "et/documents/")
    assert english.count('class="item-title"') == estonian.count('class="item-title"')
    assert re.search(r'<a href="/documents/2432/" lang="et">', english)
    assert re.search(r'<a href="/et/documents/2427/" lang="en">', estonian)
    assert 'href="/et/documents/2432/">' in estonian  # its own language: not marked
    assert "in Estonian" in english
    norwegian = re.search(r'href="/et/documents/2431/" lang="nb"', estonian)
    assert norwegian, "a Norwegian document on the Estonian list is marked as Norwegian"


def test_an_item_page_is_canonical_in_its_own_language(sample):
    """Copies of an item's page in other interface languages point to one page: the one
    in the item's language where that is an interface language, else the first's."""
    base = "https://documentation.example.org/"
    for prefix in LANGUAGES.values():
        english = Page(read(sample, f"{prefix}documents/2427/"))
        assert english.canonical == f"{base}documents/2427/"
        estonian = Page(read(sample, f"{prefix}documents/2432/"))
        assert estonian.canonical == f"{base}et/documents/2432/"
        norwegian = Page(read(sample, f"{prefix}documents/2431/"))
        assert norwegian.canonical == f"{base}documents/2431/"
        assert english.alternates == {}  # no translations: no hreflang of copies
    tags = Page(read(sample, "lv/tags/"))
    assert tags.canonical == f"{base}lv/tags/"
    assert tags.alternates == {
        **{language: f"{base}{prefix}tags/" for language, prefix in LANGUAGES.items()},
        "x-default": f"{base}tags/",
    }


def test_the_sitemap_lists_each_page_once_with_its_alternates(sample):
    root = ET.parse(sample / "sitemap.xml").getroot()
    base = "https://documentation.example.org/"
    urls = root.findall(f"{SITEMAP}url")
    locations = [url.findtext(f"{SITEMAP}loc") for url in urls]
    assert len(locations) == len(set(locations))
    for url, location in zip(urls, locations, strict=True):
        path = location.removeprefix(base)
        assert (sample / path / "index.html").is_file(), location
        assert Page(read(sample, path)).canonical == location  # never a copy
        alternates = {
            link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")
        }
        for language, other in alternates.items():
            if language != "x-default":
                assert other in locations  # each names only listed pages...
                back = urls[locations.index(other)].findall(f"{XHTML}link")
                assert location in {link.get("href") for link in back}  # ...which name it
    assert f"{base}et/documents/2432/" in locations
    assert f"{base}et/documents/2427/" not in locations
    assert f"{base}lt/tags/" in locations


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project of its own with the repository's catalogues, and two items."""
    root = copy_project(tmp_path / "project")
    monkeypatch.chdir(root)
    (root / "content" / "events").mkdir()
    (root / "content" / "documents").mkdir()
    (root / "content" / "events" / "forum.md").write_text(
        event("Forum", "2014-05-20", "end: 2014-05-21\n"), encoding="utf-8"
    )
    (root / "content" / "documents" / "12.md").write_text(
        document(12, extra="lang: et\ntranslations: [documents/13]\n"), encoding="utf-8"
    )
    (root / "content" / "documents" / "13.md").write_text(
        document(13, extra="translations: [documents/12]\n"), encoding="utf-8"
    )
    return root


def run(root: Path, *args: str, capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = main([*args, "--no-search"], root=root)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out + captured.err


def test_dates_are_written_as_each_language_writes_them(project, capsys):
    code, said = run(project, "build", capsys=capsys)
    assert code == 0, said
    out = project / "_site"
    shown = {
        prefix: re.search(
            r'<time datetime="2014-05-20">(.*?)</time>', read(out, prefix + "events/forum/")
        )[1]
        for prefix in LANGUAGES.values()
    }
    assert shown["et/"] == "20.–21. mai 2014"
    assert shown["lv/"] == "2014. gada 20.–21. maijs"
    assert shown["lt/"] == "2014 gegužės 20–21"
    assert "May 2014" in shown[""] and "20" in shown[""] and "21" in shown[""]


def test_real_translations_link_each_other_with_hreflang(project, capsys):
    code, said = run(project, "build", capsys=capsys)
    assert code == 0, said
    out, base = project / "_site", "https://documentation.example.org/"
    estonian = Page(read(out, "lv/documents/12/"))
    assert estonian.canonical == f"{base}et/documents/12/"
    assert estonian.alternates == {"et": f"{base}et/documents/12/", "en": f"{base}documents/13/"}
    english = Page(read(out, "documents/13/"))
    assert english.alternates == {"en": f"{base}documents/13/", "et": f"{base}et/documents/12/"}


def test_a_missing_translation_fails_check_naming_the_string_and_catalogue(project, capsys):
    catalogue = project / "locales" / "et" / "LC_MESSAGES" / "messages.po"
    text = catalogue.read_text(encoding="utf-8")
    entry = re.search(r'msgid "Document number"\nmsgstr "([^"]+)"', text)
    assert entry, "the Estonian catalogue translates 'Document number'"
    catalogue.write_text(text.replace(entry[0], 'msgid "Document number"\nmsgstr ""'), "utf-8")
    line = text[: text.index('msgid "Document number"')].count("\n") + 1
    code, said = run(project, "check", capsys=capsys)
    assert code == 1
    assert f"locales/et/LC_MESSAGES/messages.po:{line}" in said
    assert '"Document number"' in said and "translate it into et" in said
    assert "layouts/document.html line" in said  # where the interface asks for it
    code, _ = run(project, "build", capsys=capsys)
    assert code == 1 and not (project / "_site").exists()


def test_a_translation_with_a_wrong_placeholder_fails_check_not_the_render(project, capsys):
    catalogue = project / "locales" / "lv" / "LC_MESSAGES" / "messages.po"
    text = catalogue.read_text(encoding="utf-8")
    typo = text.replace('msgstr "%(label)s, ', 'msgstr "%(lable)s, ', 1)
    assert typo != text, "the Latvian catalogue translates '%(label)s, page %(page)s'"
    line = text[: text.index('msgid "%(label)s, page %(page)s"')].count("\n") + 1
    catalogue.write_text(typo, "utf-8")
    for command in ("check", "build"):
        code, said = run(project, command, capsys=capsys)
        assert code == 1 and "Traceback" not in said
        assert f"locales/lv/LC_MESSAGES/messages.po:{line}" in said
        assert "unknown named placeholder 'lable'" in said
    assert not (project / "_site").exists()


def test_a_new_string_in_a_layout_is_an_error_for_each_catalogue(project, capsys):
    layout = project / "layouts" / "home.html"
    layout.write_text(
        layout.read_text("utf-8").replace("{% block main %}", '{% block main %}{{ _("Welcome") }}'),
        "utf-8",
    )
    code, said = run(project, "check", capsys=capsys)
    assert code == 1
    for language in ("et", "lv", "lt"):
        assert f"locales/{language}/LC_MESSAGES/messages.po" in said
    assert said.count('"Welcome" (layouts/home.html line') == 3
    assert "is not in the catalogue" in said and "make messages" in said


def test_a_language_without_a_catalogue_or_labels_is_an_error(project, capsys):
    settings = project / "site.yaml"
    text = settings.read_text("utf-8").replace(
        "languages: [en-GB, et, lv, lt]", "languages: [en-GB, et, lv, lt, fi]"
    )
    settings.write_text(text, "utf-8")
    code, said = run(project, "check", capsys=capsys)
    assert code == 1
    assert "title: has no fi text" in said
    assert "'conference' has no label in fi" in said
    assert "locales/fi/LC_MESSAGES/messages.po: does not exist" in said  # all at once
    (project / "content" / "documents" / "2427.md").write_text("---\ntitle: [\n", "utf-8")
    code, said = run(project, "check", capsys=capsys)
    assert "has no fi text" in said and "content/documents/2427.md:1: front matter" in said
    shutil.rmtree(project / "locales" / "lt")
    settings.write_text(text.replace(", fi]", "]"), "utf-8")
    code, said = run(project, "check", capsys=capsys)
    assert code == 1
    assert "locales/lt/LC_MESSAGES/messages.po: does not exist" in said
    assert "make messages LANGUAGE=lt" in said
    settings.write_text(text.replace(", fi]", ", EN]"), "utf-8")  # en-GB's language again
    code, said = run(project, "check", capsys=capsys)
    assert code == 1 and "site.yaml:4: languages: en is listed twice (as en-GB)" in said


def test_the_template_of_the_catalogues_holds_every_string_the_build_asks_for():
    """locales/messages.pot, which `make messages` writes, is up to date: the strings
    a build checks the catalogues for are the strings translators were given."""
    from babel.messages.pofile import read_po

    from sitegen import attachments, locales, search  # noqa: F401  (they mark strings)

    with (REPO / "locales" / "messages.pot").open("rb") as file:
        template = {message.id for message in read_po(file) if message.id}
    wanted = {entry.message for entry in locales.wanted_messages(REPO / "layouts")}
    assert wanted == template, "run `make messages` and translate what it adds"


def test_the_search_page_speaks_its_language(sample):
    """The strings the search script shows come with the page, translated; a plural
    in each of the language's CLDR categories (Lithuanian has one, few and many)."""
    page = read(sample, "lt/search/")
    strings = json.loads(
        re.search(
            r'<script type="application/json" id="search-strings">(.*?)</script>', page, re.S
        )[1]
    )
    assert set(strings["found"]) == {"one", "few", "other"}  # "many" is for fractions
    assert strings["facets"]["language"] != "Language"
    assert all("%(num)d" in form for form in strings["found"].values())
    assert '<form id="search-form"' in page and 'data-index="/lt/pagefind/"' in page
