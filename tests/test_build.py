"""What a build writes: pages, indexes, slugs, dates, links, and all-or-nothing output."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from sitegen import markup

from .conftest import document, event


def tree_digest(folder) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def small_site(site):
    site.write(
        "events/conference-2013.md",
        event(extra="tags: [Trafficking, Baltic Sea]\nkind: conference\n"),
    )
    site.write(
        "documents/2427.md", document(2427, extra="tags: [trafficking, national action plan]\n")
    )
    site.write(
        "documents/2428.md",
        document(2428, title="A law", extra="tags: [trafficking]\nrelated: [2427]\n"),
    )
    return site


def test_year_only_date_is_shown_as_the_year(site):
    small_site(site)
    assert site.run("build").code == 0
    page = site.page("documents/2427")
    assert '<time datetime="2010">2010</time>' in page
    assert "January" not in page


def test_month_and_day_precision_and_date_ranges_are_kept(site):
    site.write("events/forum.md", event(date="2014-05-20", extra="end: 2014-05-21\n"))
    site.write("events/month.md", event(title="Seminar", date="2014-09"))
    assert site.run("build").code == 0
    # CLDR's British English: thin spaces around the dash of a range
    assert '<time datetime="2014-05-20">20\u2009–\u200921 May 2014</time>' in site.page(
        "events/forum"
    )
    assert '<time datetime="2014-09">September 2014</time>' in site.page("events/month")


def test_two_builds_of_the_same_content_are_byte_identical(site, tmp_path):
    small_site(site)
    assert site.run("build").code == 0
    first = tree_digest(site.out)
    assert site.run("build").code == 0
    assert tree_digest(site.out) == first
    assert len(first) > 10


def test_failed_build_leaves_the_previous_site_in_place(site):
    small_site(site)
    assert site.run("build").code == 0
    before = tree_digest(site.out)
    site.write("events/broken.md", "---\ntitle: [oops\n---\n")
    run = site.run("build")
    assert run.code == 1
    assert "out/ was left as it was" in run.err
    assert tree_digest(site.out) == before
    workspace = site.out.parent / ".out.sitegen"
    assert not [p for p in workspace.iterdir() if p.name.startswith("stage-")]


def test_removed_content_disappears_from_the_site(site):
    small_site(site)
    assert site.run("build").code == 0
    assert (site.out / "documents/2428/index.html").exists()
    (site.content / "documents/2428.md").unlink()
    assert site.run("build").code == 0
    assert not (site.out / "documents/2428").exists()


def test_document_url_is_its_number_whatever_the_title(site):
    site.write("documents/some-file-name.md", document(77, title="Renamed many times"))
    assert site.run("build").code == 0
    assert "Renamed many times" in site.page("documents/77")


def test_tags_merge_case_insensitively_under_the_most_common_spelling(site):
    small_site(site)
    assert site.run("build").code == 0
    tags = site.page("tags")
    assert re.search(r'href="/tags/trafficking/">trafficking</a> <span class="count">\(3\)', tags)
    assert ">Trafficking</a>" not in tags
    assert "3 items" in site.page("tags/trafficking")


def test_tag_slugs_are_readable_ascii_in_every_language(site):
    terms = [
        "inimkaubandus",
        "prekyba žmonėmis",
        "cilvēku tirdzniecība",
        "menneskehandel",
        "торговля людьми",
    ]
    site.write("events/multi.md", event(extra=f"tags: [{', '.join(terms)}]\n"))
    assert site.run("build").code == 0
    for slug in [
        "inimkaubandus",
        "prekyba-zmonemis",
        "cilveku-tirdznieciba",
        "menneskehandel",
        "torgovlya-lyudmi",
    ]:
        assert (site.out / "tags" / slug / "index.html").exists(), slug
    assert 'href="/tags/torgovlya-lyudmi/">торговля людьми</a>' in site.page("tags")


def test_different_tags_sharing_a_slug_are_an_error_not_a_merge(site):
    site.write("events/a.md", event(extra="tags:\n  - Ærø\n"))
    site.write("events/b.md", event(title="B", extra="tags:\n  - aero\n"))
    run = site.run("build")
    assert run.code == 1
    assert (
        "are different tags that would share the page /tags/aero/; use one spelling for both"
        in run.err
    )
    assert re.search(r"content/events/[ab]\.md:5: tags:", run.err)


def test_indexes_by_type_year_and_document_type(site):
    small_site(site)
    site.write(
        "documents/2429.md", document(2429, date="2014-03", extra="doc_types: [Law/Legislation]\n")
    )
    assert site.run("build").code == 0
    year = site.page("years/2010")
    assert year.index("<h2") < year.index("A study")
    assert 'id="group-document"' in year
    assert "/years/2013/" in site.page("years")
    assert "A study" in site.page("documents")
    assert "No. 2429" in site.page("types/law-legislation")
    assert "Law/Legislation" in site.page("types")


def test_lists_are_paginated_newest_first(site):
    for year in range(1990, 2015):
        site.write(f"documents/{year}.md", document(year, title=f"Study of {year}", date=str(year)))
    assert site.run("build").code == 0
    first, second = site.page("documents"), site.page("documents/page/2")
    assert first.index("Study of 2014") < first.index("Study of 2013")
    assert "Study of 1995" in first and "Study of 1994" not in first  # 20 per page
    assert "Study of 1990" in second
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_long_lists_link_the_first_last_and_nearby_pages(site):
    for number in range(1, 202):  # 11 pages of 20
        site.write(f"documents/{number}.md", document(number, date=str(1800 + number)))
    assert site.run("build").code == 0
    page = site.page("documents/page/6")
    numbers = re.findall(r'<a href="/documents/(?:page/(\d+)/)?"[^>]*>(\d+)</a>', page)
    assert [int(shown) for _, shown in numbers] == [1, 4, 5, 6, 7, 8, 11]
    assert page.count('class="gap"') == 2
    assert 'aria-current="page">6<' in page


def test_related_items_are_shown_on_both_ends(site):
    small_site(site)
    assert site.run("build").code == 0
    assert 'href="/documents/2427/"' in site.page("documents/2428").split("Related documents")[1]
    assert 'href="/documents/2428/"' in site.page("documents/2427").split("Related documents")[1]


def test_similar_items_are_chosen_by_shared_tags(site):
    site.write("events/a.md", event(title="A", extra="tags: [ferries, trafficking]\n"))
    site.write("events/b.md", event(title="B", extra="tags: [ferries, trafficking]\n"))
    site.write("events/c.md", event(title="C", extra="tags: [children]\n"))
    assert site.run("build").code == 0
    similar = site.page("events/a").split("More on these topics")[1]
    assert 'href="/events/b/"' in similar
    assert 'href="/events/c/"' not in similar


def test_summary_falls_back_to_the_first_paragraph(site):
    site.write("events/a.md", event(body="First *paragraph* here.\n\nSecond one."))
    assert site.run("build").code == 0
    assert "First paragraph here." in site.page("events")
    assert "Second one." not in site.page("events")


def test_markdown_links_to_content_files_become_urls(site):
    small_site(site)
    site.write(
        "reports/ferries.md", "---\ntitle: Ferries\ndate: 2016\nslug: ferry-companies\n---\nText.\n"
    )
    site.write("events/linking.md", event(body="See [the report](../reports/ferries.md#part-2)."))
    assert site.run("build").code == 0
    assert '<a href="/reports/ferry-companies/#part-2">the report</a>' in site.page(
        "events/linking"
    )


def test_long_pages_get_a_table_of_contents_and_heading_anchors(site):
    body = "Intro.\n\n## One\n\nText.\n\n## Two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n## Three\n\nNote[^1].\n\n[^1]: A footnote."
    site.write("events/long.md", event(body=body))
    site.write("events/short.md", event(title="Short", body="Intro.\n\n## Only"))
    assert site.run("build").code == 0
    long_page = site.page("events/long")
    assert 'aria-labelledby="toc-heading"' in long_page
    assert (
        '<h2 id="two">' in long_page and "<table>" in long_page and 'class="footnote"' in long_page
    )
    assert 'aria-labelledby="toc-heading"' not in site.page("events/short")


def test_bodies_render_as_with_every_extension_loaded(monkeypatch):
    """Extensions are loaded only for bodies carrying their mark; the HTML must not show it."""
    bodies = [path.read_text() for path in sorted(Path("content").rglob("*.md"))]
    bodies += [
        "Plain text with a [link](https://example.org) and *emphasis*.\n\n- one\n- two",
        "A pipe | in prose, no table.\n\n~~~\ncode | with pipe\n~~~\n",
        "```python\nprint('x')\n```\n\n## Heading\n\nText[^a].\n\n[^a]: Note.",
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n[^not-a-note] and `[^code]`",
    ]

    def rendered() -> list:
        renderer = markup.MarkdownRenderer()
        return [renderer.render(body, "x.md", b"key") for body in bodies]

    lean = rendered()
    html = [body_html for _, (body_html, _) in lean[-3:]]
    assert "<pre><code>code | with pipe" in html[0]
    assert '<code class="language-python">' in html[1] and 'class="footnote"' in html[1]
    assert "<table>" in html[2]
    every = {name: ("",) for name in markup.OPTIONAL_EXTENSIONS}  # "" is in every body
    monkeypatch.setattr(markup, "OPTIONAL_EXTENSIONS", every)
    assert lean == rendered()


def test_report_files_show_size_and_type(site):
    (site.content / "reports/files").mkdir(parents=True)
    (site.content / "reports/files/study.pdf").write_bytes(b"%PDF-1.4\n" + b"x" * 3000)
    site.write(
        "reports/r.md",
        "---\ntitle: R\ndate: 2016\nfiles:\n  - {path: files/study.pdf, label: Full study}\n"
        "  - {href: 'https://example.org/r.pdf', label: Publisher copy}\n---\nText\n",
    )
    assert site.run("build").code == 0
    page = site.page("reports/r")
    assert 'href="/reports/r/study.pdf" type="application/pdf">Full study</a>' in page
    assert ">PDF, 2.9 KB</p>" in page  # no page count: the file is not a readable PDF
    assert ">PDF on example.org</p>" in page
    assert (site.out / "reports/r/study.pdf").read_bytes().startswith(b"%PDF")


def test_assets_get_content_hashed_names(site):
    small_site(site)
    assert site.run("build").code == 0
    css = list((site.out / "assets").glob("style.*.css"))
    assert len(css) == 1
    assert re.fullmatch(r"style\.[0-9a-f]{10}\.css", css[0].name)
    assert f'href="/assets/{css[0].name}"' in site.page("")


def test_base_url_prefixes_every_internal_link(site):
    small_site(site)
    assert site.run("build", "--base-url", "/centre/").code == 0
    home = site.page("")
    hrefs = re.findall(r'(?:href|src)="([^"#]+)', home)
    internal = [h for h in hrefs if not h.startswith("http")]
    assert internal and all(h.startswith("/centre/") for h in internal), internal


def test_drafts_are_left_out(site):
    small_site(site)
    site.write("events/secret.md", event(title="Not yet", extra="draft: true\n"))
    run = site.run("build")
    assert run.code == 0
    assert "; 1 draft skipped;" in run.out
    assert not (site.out / "events/secret").exists()
    assert "Not yet" not in site.page("events")


def test_an_item_can_choose_its_layout(site, tmp_path):
    small_site(site)
    site.write("pages/plain.md", "---\ntitle: Plain\ndate: 2015\nlayout: report\n---\nText\n")
    assert site.run("build").code == 0
    assert 'class="item item-page"' in site.page("plain")
    assert '<dl class="record">' in site.page("plain")  # report.html's record block
    site.write("pages/plain.md", "---\ntitle: Plain\ndate: 2015\nlayout: wide\n---\nText\n")
    assert "layouts/wide.html does not exist" in site.run("check").err


def test_other_language_items_are_marked(site):
    site.write("documents/1.md", document(1, title="Menneskehandel i dag", extra="lang: nb\n"))
    assert site.run("build").code == 0
    page = site.page("documents/1")  # its words marked, not the interface's around them
    assert '<h1 lang="nb">Menneskehandel i dag</h1>' in page
    assert '<div class="body" lang="nb">' in page
    assert '<article class="item item-document" data-pagefind-body>' in page
    assert "in Norwegian" in site.page("documents")


def test_templates_escape_content(site):
    site.write("events/x.md", event(title='"<script>alert(1)</script>"'))
    assert site.run("build").code == 0
    page = site.page("events/x")
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;" in page


def test_summary_line_counts_items_and_pages(site):
    small_site(site)
    run = site.run("build")
    assert re.fullmatch(
        r"Built 1 event, 0 reports, 2 documents, 1 page into out/: (\d+) pages written, "
        r"0 unchanged, (\d+) files copied; [\d.]+ s\.\n",
        run.out,
    )
    assert site.run("build", "-q").out == ""
