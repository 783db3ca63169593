"""The search page in real headless Chromium, over HTTP, on the built sample site.

Needs Debian's `chromium` (installed by .ci/run) and Playwright for Python, which drives
that browser rather than downloading its own. Skipped, saying why, where neither exists.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitegen.cli import main
from sitegen.locales import load_interfaces

from .browsing import CHROMIUM, FLAGS, served
from .conftest import REPO

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
if CHROMIUM is None:
    pytest.skip("no Chromium here: apt-get install chromium", allow_module_level=True)

PDF_ONLY = "gangway briefing checklist"


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    out = tmp_path_factory.mktemp("search") / "site"
    assert main(["build", "-q", "--no-cache", "--out", str(out)], root=REPO) == 0
    assert (out / "pagefind" / "pagefind.js").is_file()
    with served(out) as address:
        yield address, out


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, site_url):
    context = browser.new_context()
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(site_url[0] + "search/")
    tab.get_by_role("group", name="Filters").get_by_role("checkbox").first.wait_for()
    yield tab
    context.close()
    assert errors == [], errors


def _search(page, words: str) -> None:
    page.get_by_label("Words to find").fill(words)
    page.keyboard.press("Enter")


def _status(page) -> str:
    status = page.get_by_role("status")
    playwright_api.expect(status).not_to_be_empty()
    return status.inner_text()


def _result_links(page) -> list[str]:
    page.wait_for_function("document.querySelector('#search-status').textContent !== ''")
    titles = page.locator("#search-results h2 a")
    return titles.evaluate_all("links => links.map(a => a.pathname)")


def test_the_phrase_exists_only_inside_the_ferry_pdf(site_url):
    out: Path = site_url[1]
    pages = [p for p in out.rglob("*.html") if "pagefind" not in p.parts]
    assert pages
    assert not [p for p in pages if PDF_ONLY in p.read_text(encoding="utf-8").lower()]


def test_words_only_in_a_pdf_lead_to_the_report_page(page):
    _search(page, PDF_ONLY)
    playwright_api.expect(page.get_by_role("status")).to_have_text(f"1 result for “{PDF_ONLY}”.")
    assert _result_links(page)[0] == "/reports/ferry-companies/"
    hit = page.locator(".search-result").first
    # The item once, and under it the page of its PDF where the words are, linked to.
    pdf_page = hit.get_by_role("link", name="Full report, page 1")
    assert pdf_page.get_attribute("href") == "/reports/ferry-companies/ferry-companies.pdf#page=1"
    marked = hit.locator(".found-in-files mark").all_inner_texts()
    assert [word.lower() for word in marked] == PDF_ONLY.split()
    hit.get_by_role("link", name=re.compile("^Addressing human trafficking")).click()
    page.wait_for_url("**/reports/ferry-companies/")
    assert "Baltic Sea" in page.locator("h1").inner_text()


def test_an_item_is_one_result_whatever_matched_in_it(page):
    _search(page, "2427")  # its number, its PDF's name, its text and another page's text
    playwright_api.expect(page.get_by_role("status")).to_contain_text("results for")
    links = _result_links(page)
    assert links.count("/documents/2427/") == 1
    assert len(links) == len(set(links)) == int(_status(page).split()[0])
    hit = page.locator(".search-result", has=page.locator('h2 a[href="/documents/2427/"]'))
    # Matched only among the record's values: the summary, and the values found, marked.
    playwright_api.expect(hit.locator(".summary")).to_contain_text("A UNODC study")
    playwright_api.expect(hit.locator(".found-in mark")).to_have_text("2427")


def test_labels_and_navigation_are_not_indexed(page, site_url):
    # Each is on every page of its type, as a label or a heading; none is in their text.
    asked = {"Keywords": "Document", "Document number": "Document", "Organiser": "Event"}
    asked |= {"Cite this": "Report", "Subscribe": "Report"}
    for words, kind in asked.items():
        page.goto(f"{site_url[0]}search/?q={words.replace(' ', '+')}&type={kind}")
        playwright_api.expect(page.get_by_role("status")).to_contain_text("No results")


def test_excerpts_are_whole_sentences_of_the_text_with_the_words_marked(page):
    _search(page, "victims")
    playwright_api.expect(page.get_by_role("status")).to_contain_text("results for")
    excerpts = page.locator(".search-result > .summary")
    texts = excerpts.all_inner_texts()
    assert len(texts) >= 10
    labels = ("Date ", "Location ", "Organiser", "Document number", "Keywords", "Tags ")
    for text in texts:
        assert re.match(r"^(…|[\w“\"(])", text) and re.search(r"[.!?…]$", text), text
        assert not any(label in text for label in labels), text
        assert not re.search(r"\b[a-z]+[A-Z][a-z]", text), text  # no "EstoniaOrganiser"
    marked = excerpts.locator("mark").all_inner_texts()
    assert len(marked) >= 10 and all(word.lower().startswith("victim") for word in marked)


def test_filter_counts_count_items_and_empty_options_are_hidden(page, site_url):
    out: Path = site_url[1]
    filters = page.get_by_role("group", name="Filters")
    for kind, folder in (("Document", "documents"), ("Report", "reports"), ("Event", "events")):
        items = len(list((out / folder).glob("*/index.html")))
        assert items > 3
        playwright_api.expect(filters.get_by_text(f"{kind} ({items})", exact=True)).to_be_visible()
    _search(page, "ferry")
    playwright_api.expect(page.get_by_role("status")).to_have_text("2 results for “ferry”.")
    playwright_api.expect(filters.get_by_role("checkbox", name="Report")).to_be_visible()
    for absent in ("Document", "Norwegian", "Estonian", "2010"):
        playwright_api.expect(filters.get_by_role("checkbox", name=absent)).to_be_hidden()
    # A facet with nothing left to choose goes whole.
    playwright_api.expect(filters.locator("fieldset.facet-doctype")).to_be_hidden()


def test_on_a_phone_results_come_first_and_the_filters_fold_away(browser, site_url):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    tab = context.new_page()
    try:
        tab.goto(site_url[0] + "search/?q=ferry")
        first = tab.locator(".search-result").first
        first.wait_for()
        filters = tab.locator("#search-filters-box")
        assert filters.evaluate("box => box.open") is False
        assert first.bounding_box()["y"] < filters.bounding_box()["y"]
        assert first.bounding_box()["y"] < 844  # on the first screen
        tab.get_by_text("Filters", exact=True).click()
        tab.get_by_role("group", name="Filters").get_by_role("checkbox", name="2016").check()
        playwright_api.expect(tab.locator("#search-chosen")).to_have_text("(1 chosen)")
        playwright_api.expect(tab.get_by_role("status")).to_contain_text("with these filters")
    finally:
        context.close()


def test_year_and_document_type_filters_narrow_the_results(page):
    _search(page, "trafficking")
    playwright_api.expect(page.get_by_role("status")).to_contain_text("results for")
    total = int(_status(page).split()[0])
    assert total > 20  # the first 20 are shown, with a button for more
    everything = _result_links(page)
    assert len(everything) == 20
    playwright_api.expect(page.get_by_role("button", name="Show more results")).to_be_visible()

    filters = page.get_by_role("group", name="Filters")
    filters.get_by_role("checkbox", name="2016").check()
    playwright_api.expect(page.get_by_role("status")).to_contain_text("with these filters")
    in_2016 = set(_result_links(page))
    assert {"/reports/ferry-companies/", "/documents/2436/"} <= in_2016
    assert "/documents/2427/" not in in_2016  # a 2010 study
    assert int(_status(page).split()[0]) < total

    filters.get_by_role("checkbox", name="Manual/Guidelines").check()
    page.wait_for_function(
        "document.querySelectorAll('#search-results h2 a').length > 0 && "
        "[...document.querySelectorAll('#search-results h2 a')].every("
        "a => a.pathname === '/documents/2436/')"
    )
    assert set(_result_links(page)) == {"/documents/2436/"}
    assert "doctype=Manual%2FGuidelines" in page.url and "year=2016" in page.url


def test_a_pdf_hit_survives_a_matching_year_filter_and_not_another(page, site_url):
    filters = page.get_by_role("group", name="Filters")
    filters.get_by_role("checkbox", name="2016").check()
    _search(page, PDF_ONLY)
    playwright_api.expect(page.get_by_role("status")).to_contain_text("result")
    assert "/reports/ferry-companies/" in _result_links(page)
    # 2015 has no match, so it is no longer offered; a shared address can still ask for it.
    playwright_api.expect(filters.get_by_role("checkbox", name="2015")).to_be_hidden()
    page.goto(site_url[0] + "search/?q=" + PDF_ONLY.replace(" ", "+") + "&year=2015")
    playwright_api.expect(page.get_by_role("status")).to_contain_text("No results")
    playwright_api.expect(filters.get_by_role("checkbox", name="2015")).to_be_checked()


def test_no_results_is_said_plainly_to_screen_readers(page):
    _search(page, "qwxzvbnm")
    status = page.get_by_role("status")
    playwright_api.expect(status).to_have_text(
        "No results for “qwxzvbnm”. Check the spelling, try other words, or remove a filter."
    )
    assert status.get_attribute("aria-live") == "polite"
    assert page.locator("#search-results li").count() == 0


def test_search_works_from_the_keyboard_and_from_a_shared_address(page, site_url):
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")
    page.locator("#search-input").focus()
    page.keyboard.type("ferry")
    page.keyboard.press("Enter")
    playwright_api.expect(page.get_by_role("status")).to_contain_text("results for “ferry”")
    shared = page.url
    assert "q=ferry" in shared
    page.goto(shared)
    playwright_api.expect(page.get_by_label("Words to find")).to_have_value("ferry")
    playwright_api.expect(page.get_by_role("status")).to_contain_text("results for “ferry”")


def test_the_header_search_of_any_page_opens_the_search_with_its_results(browser, site_url):
    context = browser.new_context()
    tab = context.new_page()
    try:
        tab.goto(site_url[0] + "documents/2427/")
        tab.get_by_label("Search the site").fill("ferry")
        tab.keyboard.press("Enter")
        tab.wait_for_url("**/search/?q=ferry")
        assert "/reports/ferry-companies/" in _result_links(tab)
        assert tab.get_by_label("Words to find").input_value() == "ferry"
    finally:
        context.close()


def test_the_lithuanian_search_page_searches_its_own_index_in_lithuanian(browser, site_url):
    """Words, facets and links in Lithuanian, over every item whatever its language, with
    the item's language as a facet; the plural of the count as Lithuanian has it."""
    context = browser.new_context()
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(site_url[0] + "lt/search/?q=trafficking")
    links = _result_links(tab)
    status = _status(tab)
    assert links and all(link.startswith("/lt/") for link in links)
    count = int(re.search(r"\d+", status)[0])
    lithuanian = load_interfaces(REPO / "locales", ["lt"], REPO / "layouts")[
        "lt"
    ]  # as the build reads it
    said = lithuanian.ngettext(
        "%(num)d result for “%(query)s”.", "%(num)d results for “%(query)s”.", count
    )
    assert status == said % {"num": count, "query": "trafficking"}  # the form CLDR's rule picks
    legends = tab.locator("#search-filters legend").all_inner_texts()
    assert "Content type" not in legends and "Language" not in legends, legends
    languages = tab.locator(".facet-language label").all_inner_texts()
    assert any(label.startswith("Anglų") for label in languages), languages  # English
    types = tab.locator(".facet-type label").all_inner_texts()
    assert any(label.startswith("Dokumentas") for label in types), types
    context.close()
    assert errors == [], errors
