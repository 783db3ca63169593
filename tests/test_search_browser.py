"""The search page in real headless Chromium, over HTTP, on the built sample site.

Needs Debian's `chromium` (installed by .ci/run) and Playwright for Python, which drives
that browser rather than downloading its own. Skipped, saying why, where neither exists.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.cli import main

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
    return page.locator("#search-results a").evaluate_all("links => links.map(a => a.pathname)")


def test_the_phrase_exists_only_inside_the_ferry_pdf(site_url):
    out: Path = site_url[1]
    pages = [p for p in out.rglob("*.html") if "pagefind" not in p.parts]
    assert pages
    assert not [p for p in pages if PDF_ONLY in p.read_text(encoding="utf-8").lower()]


def test_words_only_in_a_pdf_lead_to_the_report_page(page):
    _search(page, PDF_ONLY)
    playwright_api.expect(page.get_by_role("status")).to_contain_text("result")
    assert "/reports/ferry-companies/" in _result_links(page)
    hit = page.locator(".search-result", has=page.locator('a[href="/reports/ferry-companies/"]'))
    playwright_api.expect(hit.first).to_contain_text("(PDF)")
    playwright_api.expect(hit.first.locator("mark").first).to_be_visible()
    page.locator('#search-results a[href="/reports/ferry-companies/"]').first.click()
    page.wait_for_url("**/reports/ferry-companies/")
    assert "Baltic Sea" in page.locator("h1").inner_text()


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
        "document.querySelectorAll('#search-results a').length > 0 && "
        "[...document.querySelectorAll('#search-results a')].every("
        "a => a.pathname === '/documents/2436/')"
    )
    assert set(_result_links(page)) == {"/documents/2436/"}
    assert "doctype=Manual%2FGuidelines" in page.url and "year=2016" in page.url


def test_a_pdf_hit_survives_a_matching_year_filter_and_not_another(page):
    filters = page.get_by_role("group", name="Filters")
    filters.get_by_role("checkbox", name="2016").check()
    _search(page, PDF_ONLY)
    playwright_api.expect(page.get_by_role("status")).to_contain_text("result")
    assert "/reports/ferry-companies/" in _result_links(page)
    filters.get_by_role("checkbox", name="2016").uncheck()
    filters.get_by_role("checkbox", name="2015").check()
    playwright_api.expect(page.get_by_role("status")).to_contain_text("No results")


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
