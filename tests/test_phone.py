"""Pages on a phone, in Chromium: at 320 and 390 CSS pixels wide no kind of page scrolls
sideways."""

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
