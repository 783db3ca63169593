"""Pages on a phone and on paper, in Chromium: at 320 and 390 CSS pixels wide no kind of
page scrolls sideways and every target is at least 24 px; printed, a page keeps its
record and citation and drops the navigation."""

from __future__ import annotations

import pytest

from .browsing import served
from .test_validators import KINDS_OF_PAGE, browser, sample  # noqa: F401 (fixtures)

WIDTHS = (320, 390)


def overflow(browser, address: str, width: int) -> list[str]:  # noqa: F811
    """The page's scroll width beyond the screen's, and the widest elements that cause it."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    tab = context.new_page()
    try:
        response = tab.goto(address)
        assert response is not None and response.ok, address
        tab.wait_for_load_state("networkidle")
        return tab.evaluate(
            """width => document.documentElement.scrollWidth <= width ? [] :
            [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > width + 1)
              .slice(-3)
              .map(e => `${e.tagName.toLowerCase()}.${e.className}: ` +
                        `${Math.round(e.getBoundingClientRect().right)} px`)""",
            width,
        )
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_no_kind_of_page_scrolls_sideways_on_a_phone(sample, browser, width):  # noqa: F811
    with served(sample) as site:
        found = {
            kind: overflow(browser, site + path, width) for kind, path in KINDS_OF_PAGE.items()
        }
    assert {kind: wide for kind, wide in found.items() if wide} == {}


def test_a_page_wider_than_the_phone_is_found(tmp_path, browser):  # noqa: F811
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><title>T</title><p style="width: 500px">wide</p>', "utf-8"
    )
    with served(tmp_path) as site:
        assert overflow(browser, site, 390) == ["p.: 508 px"]


# Links, buttons and fields smaller than 24 by 24 px, except links inside a sentence
# (WCAG 2.2, 2.5.8, "inline") and checkboxes, whose label is the target.
SMALL_TARGETS = """() => {
  const shown = (e) => e.getClientRects().length && getComputedStyle(e).visibility !== "hidden";
  const inSentence = (e) => {
    if (getComputedStyle(e).display !== "inline") return false;
    const block = e.closest("p, li, dd, td, figcaption, blockquote");
    return block !== null && block.textContent.trim().length > e.textContent.trim().length + 2;
  };
  return [...document.querySelectorAll("a[href], button, input, select, textarea, summary")]
    .filter((e) => shown(e) && !inSentence(e) && !["checkbox", "radio"].includes(e.type))
    .map((e) => [e, e.getBoundingClientRect()])
    .filter(([, box]) => box.height < 24 || box.width < 24)
    .map(([e, box]) => `${e.tagName.toLowerCase()} "${e.textContent.trim().slice(0, 24)}": ` +
                       `${Math.round(box.width)} x ${Math.round(box.height)} px`);
}"""


def small_targets(browser, address: str) -> list[str]:  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844})
    tab = context.new_page()
    try:
        tab.goto(address)
        tab.wait_for_load_state("networkidle")
        return tab.evaluate(SMALL_TARGETS)
    finally:
        context.close()


def test_every_target_on_every_kind_of_page_is_at_least_24_px(sample, browser):  # noqa: F811
    with served(sample) as site:
        found = {kind: small_targets(browser, site + path) for kind, path in KINDS_OF_PAGE.items()}
    assert {kind: small for kind, small in found.items() if small} == {}


def test_a_small_target_is_found_and_a_link_in_a_sentence_is_not(tmp_path, browser):  # noqa: F811
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><title>T</title><ul><li><a href="/">Home</a></li></ul>'
        '<p>Read <a href="/a">the report</a> first.</p>',
        "utf-8",
    )
    with served(tmp_path) as site:
        found = small_targets(browser, site)
    assert len(found) == 1 and found[0].startswith('a "Home": '), found


def test_a_printed_document_keeps_its_record_and_citation_without_navigation(sample, browser):  # noqa: F811
    context = browser.new_context()
    tab = context.new_page()
    try:
        with served(sample) as site:
            tab.goto(site + KINDS_OF_PAGE["document"])
            tab.emulate_media(media="print")
            for kept in ("h1", ".record", ".cite", ".summary-section"):
                assert tab.locator(kept).first.is_visible(), kept
            for dropped in (".site-nav", ".header-search", ".site-footer nav", ".skip-link"):
                assert tab.locator(dropped).first.is_hidden(), dropped
            # The citation's address is printed in full.
            assert "/documents/2427/" in tab.locator(".cite .reference").inner_text()
    finally:
        context.close()
