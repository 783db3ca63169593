"""Content as a hostile contributor would write it, one fixture per kind of attack, built
with the real command line: no script reaches a page, no file of the build machine
reaches the site, and no input hangs or crashes a build."""

from __future__ import annotations

import csv
import io
import os
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
import rispy

from .conftest import REPO, build_py, copy_project, document, event
from .test_properties import assert_no_script_from_content
from .test_readers import parse_bibtex

RAW_HTML = {
    "a script": ("<script>alert(document.cookie)</script>", "<script> is not allowed"),
    "a style": ("<style>body{display:none}</style>", "<style> is not allowed"),
    "an event handler": ('<img src="x.png" onerror="alert(1)" alt="">', "the onerror attribute"),
    "a frame": ('<iframe src="https://example.org/"></iframe>', "<iframe> is not allowed"),
    "an object": ('<object data="x.swf"></object>', "<object> is not allowed"),
    "a form": ('<form action="https://example.org/"><input name="q"></form>', "<form>"),
    "an svg with a script": ("<svg><script>alert(1)</script></svg>", "<svg> is not allowed"),
}


@pytest.mark.parametrize("case", RAW_HTML, ids=list(RAW_HTML))
def test_raw_html_that_could_run_is_removed_and_the_editor_told_where(site, case):
    markup, said = RAW_HTML[case]
    site.write("events/e.md", event(body=f"First line.\n\n{markup}\n\nLast line."))
    run = site.run("build")
    assert run.code == 0, run.err
    assert f"warning: content/events/e.md:7: body: {said}" in run.err.replace("\n", " ")
    assert_no_script_from_content(site.out / "events/e/index.html")
    html = site.page("events/e")
    body = html.split("<article", 1)[1].split("</article>", 1)[0]  # the item, not the layout
    for gone in ("<style", "<iframe", "<object", "<form", "<input", "<svg", "alert("):
        assert gone not in body
    assert "First line." in html and "Last line." in html


def test_check_strict_makes_every_removal_an_error(site):
    site.write("events/e.md", event(body="Text.\n\n<script>alert(1)</script>\n"))
    assert site.run("check").code == 0
    run = site.run("check", "--strict")
    assert run.code == 1
    assert "content/events/e.md:7: body: <script> is not allowed" in run.err


BAD_URLS = {  # the body, and the line the error names
    "a Markdown link": ("[read](javascript:alert(1))", 7),
    "in capitals": ("[read](JavaScript:alert(1))", 7),
    "a reference link": ("[read][1]\n\n[1]: javascript:alert(1)", 9),
    "a picture of data": ("![chart](data:text/html;base64,PHNjcmlwdD4K)", 7),
    "an HTML link": ('<a href="vbscript:msgbox(1)">read</a>', 7),
    "a tab inside the scheme": ('<a href="java&#x09;script:alert(1)">read</a>', 7),
    "a frame's source": ('<iframe src="javascript:alert(1)"></iframe>', 7),
}


@pytest.mark.parametrize("case", BAD_URLS, ids=list(BAD_URLS))
def test_a_url_that_is_not_a_web_address_is_an_error_with_its_line(site, case):
    body, line = BAD_URLS[case]
    site.write("events/e.md", event(body=f"Intro.\n\n{body}\n"))
    run = site.run("build")
    assert run.code == 1, run.err
    where = rf"content/events/e\.md:{line}: body: <\w+ (href|src)>: '[^']+' is a"
    assert re.search(where, run.err), run.err
    assert "must be https://, http:// or mailto: addresses" in run.err
    assert not site.out.exists()


def test_web_mail_relative_and_fragment_links_are_kept(site):
    body = (
        "[a](https://example.org/) [b](http://example.org/) [c](mailto:info@example.org) "
        "[d](../documents/) [e](#part) [f](/search/?q=x)"
    )
    site.write("events/e.md", event(body=body))
    run = site.run("build")
    assert run.code == 0 and "warning" not in run.err, run.err
    html = site.page("events/e")
    for href in ("https://example.org/", "mailto:info@example.org", "../documents/", "#part"):
        assert f'href="{href}"' in html


def test_what_editors_write_is_kept(site):
    body = """
## Findings

A *study* with **results**, H<sub>2</sub>O and 10<sup>3</sup>, <abbr title="United Nations
Office on Drugs and Crime">UNODC</abbr>, a note[^1] and ![a chart](chart.png).

- one
- two

| Country | Cases |
|:--------|------:|
| Estonia | 12    |

<details><summary>Method</summary>Interviews in three countries.</details>

[^1]: The note.
"""
    site.write("events/e.md", event(body=body))
    run = site.run("build")
    assert run.code == 0 and "warning" not in run.err, run.err
    html = site.page("events/e")
    for kept in (
        '<h2 id="findings">',
        "<em>study</em>",
        "<strong>results</strong>",
        "<sub>2</sub>",
        "<sup>3</sup>",
        '<abbr title="United Nations',
        'class="footnote-ref" href="#fn:1"',
        '<img alt="a chart" src="chart.png">',
        "<li>one</li>",
        '<td style="text-align:right">12</td>',
        "<details><summary>Method</summary>",
    ):
        assert kept in html, kept


def test_a_front_matter_address_must_be_a_web_address(site):
    site.write(
        "reports/r.md",
        "---\ntitle: R\ndate: 2016\nfiles:\n  - {href: 'javascript:alert(1)', label: PDF}\n---\n",
    )
    run = site.run("build")
    assert run.code == 1
    assert "content/reports/r.md:5: files: files[0].href is 'javascript:alert(1)'" in run.err


def test_a_content_link_forged_in_raw_html_is_checked_like_any_link(site):
    site.write("events/e.md", event(body='<a href="content:../../etc/passwd">x</a>'))
    run = site.run("build")
    assert run.code == 1 and "Traceback" not in run.err
    assert "links to content:../../etc/passwd" in run.err


# Files that would bring the build machine's own files into the site.


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "outside" / "secret.txt"
    path.parent.mkdir()
    path.write_text("the build machine's secret")
    return path


def linked_report(site, link: str, target) -> None:
    (site.content / "reports/files").mkdir(parents=True, exist_ok=True)
    os.symlink(target, site.content / "reports" / link)
    site.write(
        "reports/r.md",
        f"---\ntitle: R\ndate: 2016\nfiles: [{{path: {link}, label: Report}}]\n---\n",
    )


def test_an_attachment_linked_to_a_file_outside_the_content_is_an_error(site, secret):
    linked_report(site, "files/report.pdf", secret)
    run = site.run("build")
    assert run.code == 1
    assert "content/reports/files/report.pdf: is a symbolic link to a file outside" in run.err
    assert not site.out.exists()


def test_a_markdown_file_linked_outside_the_content_is_an_error(site, secret):
    (site.content / "events").mkdir()
    os.symlink(secret, site.content / "events/stolen.md")
    run = site.run("build")
    assert run.code == 1 and "content/events/stolen.md: is a symbolic link" in run.err


def test_a_dangling_link_is_an_error_with_its_path(site, tmp_path):
    linked_report(site, "files/gone.pdf", tmp_path / "nowhere.pdf")
    run = site.run("build")
    assert run.code == 1 and "Traceback" not in run.err
    assert "content/reports/files/gone.pdf: is a symbolic link to" in run.err
    assert "which does not exist" in run.err


def test_a_linked_folder_is_an_error_not_silently_skipped(site, secret):
    (site.content / "events").mkdir()
    os.symlink(secret.parent, site.content / "events/more")
    run = site.run("build")
    assert run.code == 1 and "content/events/more: is a symbolic link" in run.err


def test_a_gallery_picture_linked_outside_is_an_error(site, secret):
    (site.content / "events").mkdir()
    os.symlink(secret, site.content / "events/hall.jpg")
    site.write("events/e.md", event(extra="images: [{path: hall.jpg, alt: The hall}]\n"))
    run = site.run("build")
    assert run.code == 1 and "content/events/hall.jpg: is a symbolic link" in run.err


def test_a_link_inside_the_content_is_followed(site):
    linked_report(site, "files/copy.pdf", "original.pdf")
    (site.content / "reports/files/original.pdf").write_bytes(b"%PDF-1.4 original")
    run = site.run("build")
    assert run.code == 0, run.err
    assert (site.out / "reports/r/copy.pdf").read_bytes() == b"%PDF-1.4 original"


def test_an_asset_linked_outside_is_an_error(tmp_path, secret):
    root = copy_project(tmp_path / "project")
    os.symlink(secret, root / "assets/logo.svg")
    finished = build_py(root, "--no-search")
    assert finished.returncode == 1
    assert "assets/logo.svg: is a symbolic link to a file outside the assets folder" in (
        finished.stderr
    )


# Inputs that once took exponential time, memory or a traceback.


def test_nested_yaml_aliases_are_refused_before_they_expand(site):
    laughs = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        laughs.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    site.write("events/e.md", "---\ntitle: E\ndate: 2014\n" + "\n".join(laughs) + "\n---\n")
    run = site.run("build")
    assert run.code == 1
    assert "content/events/e.md:5: uses the YAML alias *a" in run.err


def test_front_matter_nested_deeper_than_any_field_is_refused(site):
    site.write(
        "events/e.md", "---\ntitle: E\ndate: 2014\ntags: " + "[" * 500 + "]" * 500 + "\n---\n"
    )
    run = site.run("build")
    assert run.code == 1 and "Traceback" not in run.err
    assert "levels deep" in run.err


def test_a_key_given_twice_at_any_depth_is_an_error(site):
    site.write(
        "reports/r.md",
        "---\ntitle: R\ndate: 2016\nfiles:\n  - {href: 'https://a.org/', href: 'https://b.org/'}\n---\n",
    )
    run = site.run("build")
    assert run.code == 1
    assert "content/reports/r.md:5: files[0].href: is given twice" in run.err


def test_a_number_too_long_to_read_is_an_error(site):
    site.write("documents/1.md", document(1, extra=f"related: [{'9' * 5000}]\n"))
    run = site.run("build")
    assert run.code == 1 and "Traceback" not in run.err


def test_an_item_with_many_tags_builds(site):
    """Similar items were once scored over every subset of an item's tags (30 tags
    exhausted memory); the time limit is a hang detector, not a benchmark."""
    tags = ", ".join(f"tag {n}" for n in range(40))
    for number in (1, 2, 3):
        site.write(f"documents/{number}.md", document(number, extra=f"tags: [{tags}]\n"))
    where = ["--content", str(site.content), "--out", str(site.out)]
    finished = build_py(REPO, "--no-search", *where, timeout=120)
    assert finished.returncode == 0, finished.stderr
    assert 'href="/documents/2/"' in site.page("documents/1")


def test_a_tag_too_long_for_a_file_name_is_an_error_with_its_line(site):
    site.write("events/e.md", event(extra=f"tags: [short, {'very long words ' * 20}]\n"))
    run = site.run("build")
    assert run.code == 1 and "Traceback" not in run.err
    assert "content/events/e.md:4: tags: 'very long words" in run.err
    assert "too long for the tag's address" in run.err


def test_a_file_name_too_long_for_an_address_is_an_error(site):
    site.write(f"events/{'a-long-name-' * 15}.md", event())
    run = site.run("build")
    assert run.code == 1 and "Traceback" not in run.err
    assert "-character address; rename the file or give a shorter slug" in run.err


def test_new_with_a_very_long_title_makes_a_file(site):
    run = site.run("new", "event", "A very long title " * 30)
    assert run.code == 0, run.err
    (made,) = (site.content / "events").glob("*.md")
    assert len(made.name) < 100
    assert site.run("build", "--drafts").code == 0


# Text that would break the files machines read.


def test_control_characters_are_refused_with_their_line(site):
    site.write("events/a.md", event(title='"Escaped \\0 NUL and \\a bell"'))
    site.write("events/b.md", event(body="Fine line.\nA form feed \x0c here.\n"))
    run = site.run("build")
    assert run.code == 1
    assert "content/events/a.md:2: title: holds the control character U+0000" in run.err
    assert "content/events/b.md:6: holds the control character U+000C" in run.err


def test_a_control_character_in_a_file_name_is_an_error(site):
    (site.content / "reports/files").mkdir(parents=True)
    (site.content / "reports/files/two\nlines.pdf").write_bytes(b"%PDF-1.4")
    run = site.run("build")
    assert run.code == 1
    assert "content/reports/files/two\\x0alines.pdf: has a control character in its name" in run.err


def test_a_line_break_in_a_title_cannot_split_a_record(site):
    site.write(
        "reports/r.md",
        "---\ntitle: |\n  First line\n  ER  - \n  TY  - JOUR\ndate: 2016\n---\nText.\n",
    )
    run = site.run("build")
    assert run.code == 0, run.err
    with (site.out / "catalogue.ris").open(encoding="utf-8") as file:
        (record,) = rispy.load(file)
    assert record["title"] == "First line ER - TY - JOUR"
    feed = feedparser.parse((site.out / "feed.xml").read_bytes())
    assert not feed.bozo and feed.entries[0].title == "First line ER - TY - JOUR"
    raw = (site.out / "catalogue.csv").read_text(encoding="utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(raw, newline=""))
    assert row["title"] == "First line ER - TY - JOUR"
    (entry,) = parse_bibtex((site.out / "catalogue.bib").read_text(encoding="utf-8"))
    assert entry["title"].strip("{}") == "First line ER - TY - JOUR"


def test_any_unicode_in_a_title_gives_feeds_that_parse(site):
    title = "Ünïcödé ‮ right-to-left \u2028 line separator 🚢 \U0001f9d1\u200d\U0001f91d 𝔘"
    site.write("events/e.md", event(title=f'"{title} & <b>"'))
    run = site.run("build")
    assert run.code == 0, run.err
    for feed in site.out.rglob("*.xml"):
        ET.parse(feed)
    assert not feedparser.parse((site.out / "feed.xml").read_bytes()).bozo
