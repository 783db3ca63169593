"""Every page of the sample site under validators nobody here wrote: the Nu Html Checker
(vnu.jar, from the npm package vnu-jar, run by Java) with no error, and axe-core in
Chromium with no violation of the WCAG 2.2 A and AA rules on every kind of page.

Java comes from Debian and the npm packages from `make test` (npm ci); Chromium as for the
search tests. Each test skips, saying which of them is missing."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from sitegen.cli import main

from .browsing import CHROMIUM, FLAGS, served
from .conftest import REPO

VNU = REPO / "node_modules/vnu-jar/build/dist/vnu.jar"
AXE = REPO / "node_modules/axe-core/axe.min.js"
JAVA = shutil.which("java")
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# One page of every kind, with a search that finds something and one that finds nothing.
KINDS_OF_PAGE = {
    "home": "",
    "event list": "events/",
    "report list": "reports/",
    "document list": "documents/",
    "tags": "tags/",
    "tag": "tags/trafficking/",
    "years": "years/",
    "year": "years/2014/",
    "types": "types/",
    "type": "types/research-study-analysis/",
    "event": "events/conference-2013/",
    "report": "reports/exchange-of-information/",
    "document": "documents/2427/",
    "page": "programme/",
    "search": "search/",
    "search with results": "search/?q=trafficking",
    "search without results": "search/?q=zzyzxqq",
    "not found": "404.html",
    "data": "data/",
    "accessibility statement": "accessibility/",
}


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("validators") / "site"
    assert main(["build", "-q", "--no-cache", "--out", str(out)], root=REPO) == 0
    return out


@pytest.mark.skipif(
    JAVA is None, reason="the Nu Html Checker needs Java: apt-get install default-jre-headless"
)
@pytest.mark.skipif(not VNU.is_file(), reason="vnu.jar is not installed: run `make test` (npm ci)")
def test_the_nu_html_checker_finds_no_error_on_any_page(sample):
    pages = sorted(sample.rglob("*.html"))
    assert len(pages) > 70
    checked = subprocess.run(
        [JAVA, "-jar", VNU, "--format", "json", "--errors-only", *map(str, pages)],
        capture_output=True,
        text=True,
    )
    errors = [
        f"{Path(m['url']).relative_to(sample)}:{m.get('lastLine')}: {m['message']}"
        for m in json.loads(checked.stderr)["messages"]
    ]
    assert errors == [], "\n".join(errors[:20])


@pytest.mark.skipif(
    JAVA is None, reason="the Nu Html Checker needs Java: apt-get install default-jre-headless"
)
@pytest.mark.skipif(not VNU.is_file(), reason="vnu.jar is not installed: run `make test` (npm ci)")
def test_the_nu_html_checker_reports_an_invalid_page(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<!DOCTYPE html><html lang="en"><title>T</title><meta content="x">', "utf-8")
    checked = subprocess.run(
        [JAVA, "-jar", VNU, "--format", "json", "--errors-only", page],
        capture_output=True,
        text=True,
    )
    (message,) = json.loads(checked.stderr)["messages"]
    assert message["type"] == "error" and "meta" in message["message"]


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed"
    )
    if CHROMIUM is None:
        pytest.skip("no Chromium here: apt-get install chromium")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


def axe_violations(browser, address: str) -> list[str]:
    context = browser.new_context()
    tab = context.new_page()
    try:
        response = tab.goto(address)
        assert response is not None and response.ok, address
        if "?q=" in address:
            tab.wait_for_function("document.querySelector('#search-status').textContent !== ''")
        elif "search/" in address:  # the filters, which the script builds
            tab.wait_for_selector("#search-filters fieldset")
        tab.add_script_tag(path=str(AXE))
        found = tab.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_A_AA
        )
    finally:
        context.close()
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']}"
        for violation in found["violations"]
        for node in violation["nodes"]
    ]


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed: run `make test` (npm ci)")
def test_axe_finds_no_wcag_violation_on_any_kind_of_page(sample, browser):
    """Every kind of page in the first language, and in the others those whose words
    differ most (translations change lengths, line breaks and the language of parts
    of a page); the layouts are the same."""
    translated = ("home", "document list", "tag", "event", "document", "search with results")
    translated += ("data", "accessibility statement")
    addresses = {
        **KINDS_OF_PAGE,
        **{
            f"{kind} ({p})": f"{p}/{KINDS_OF_PAGE[kind]}"
            for p in ("et", "lv", "lt")
            for kind in translated
        },
    }
    with served(sample) as site:
        found = {kind: axe_violations(browser, site + path) for kind, path in addresses.items()}
    assert {kind: problems for kind, problems in found.items() if problems} == {}


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed: run `make test` (npm ci)")
def test_axe_reports_an_inaccessible_page(tmp_path, browser):
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><title>T</title><img src="x.png"><a href="/"></a>', "utf-8"
    )
    with served(tmp_path) as site:
        found = axe_violations(browser, site)
    assert {problem.split()[0] for problem in found} >= {"image-alt", "link-name"}
