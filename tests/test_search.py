"""The search index as files: built from the item pages and PDFs, skipped on request or
when Pagefind is missing (the build still succeeds), kept when nothing it reads changed.
The browser tests (test_search_browser.py) check that searching it finds the right things."""

from __future__ import annotations

from sitegen.pipeline import Builder, Project

from .conftest import REPO, document


def _index_files(out) -> dict[str, int]:
    return {
        p.relative_to(out).as_posix(): p.stat().st_mtime_ns
        for p in (out / "pagefind").rglob("*")
        if p.is_file()
    }


def test_the_index_is_written_beside_a_search_page(site):
    site.write("documents/1.md", document(1, "Ferry study"))
    run = site.run("build", search=True)
    assert run.code == 0, run.err
    assert (site.out / "pagefind" / "pagefind.js").is_file()
    assert list((site.out / "pagefind" / "fragment").iterdir())
    assert "pagefind/" in site.page("search")
    assert '<a href="/search/"' in site.page("documents/1")
    assert not list(site.out.glob("pagefind/pagefind-ui*"))  # the site has its own page


def test_no_search_leaves_out_the_index_and_the_page(site):
    site.write("documents/1.md", document(1))
    assert site.run("build", "--no-search").code == 0
    assert not (site.out / "pagefind").exists()
    assert not (site.out / "search").exists()
    assert "/search/" not in site.page("documents/1")


def test_without_pagefind_the_build_succeeds_and_says_why(site, monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(site.content / "no-such-program"))
    site.write("documents/1.md", document(1))
    run = site.run("build", search=True)
    assert run.code == 0
    assert "warning: no search index: the Pagefind program was not found" in run.err
    assert "--no-search" in run.err
    assert not (site.out / "search").exists()


def test_an_unchanged_site_keeps_its_index_and_an_edit_rebuilds_it(site):
    site.write("documents/1.md", document(1, "Ferry study"))
    builder = Builder(Project(REPO, site.content, site.out))
    builder.build()
    first = _index_files(site.out)
    assert builder.build().search_records == 2  # the page and the programme page
    assert _index_files(site.out) == first
    site.write("documents/1.md", document(1, "Ferry study, revised"))
    builder.build()
    assert _index_files(site.out) != first
