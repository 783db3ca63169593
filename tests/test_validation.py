"""Every kind of content error: named with file, line, field and fix; all at once; nothing written."""

from __future__ import annotations

import pytest

from .conftest import document, errors_of, event


def test_valid_content_passes_check_and_writes_nothing(site):
    site.write("events/conference-2013.md", event())
    run = site.run("check")
    assert run.code == 0, run.err
    assert "Content is valid" in run.out
    assert not site.out.exists()


def test_broken_yaml_names_the_line_and_the_fix(site):
    site.write("events/bad.md", "---\ntitle: Forum: the second\ndate: 2014\n---\nBody\n")
    err = errors_of(site)
    assert "content/events/bad.md:2:" in err
    assert "not valid YAML" in err
    assert "quotes" in err


def test_missing_required_field_says_what_to_add(site):
    site.write("events/no-date.md", "---\ntitle: Forum\n---\nBody\n")
    assert "content/events/no-date.md:1: date: is missing; add a line 'date: " in errors_of(site)


def test_unknown_field_suggests_the_right_name(site):
    site.write("events/typo.md", "---\ntittle: Forum\ntitle: Forum\ndate: 2014\n---\nBody\n")
    assert (
        'content/events/typo.md:2: tittle: is not a field of events. Did you mean "title"?'
        in errors_of(site)
    )


def test_field_of_another_type_is_explained(site):
    site.write("events/number.md", event(extra="number: 12\n"))
    assert "number: is a field of documents, not of events" in errors_of(site)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("tags: 12\n", None),  # a single value is a one-entry list
        ("draft: maybe\n", "draft: is 'maybe'; write draft: true or draft: false"),
        ("location: [a, b]\n", "location: is a list, not text"),
        ("title: yes\n", 'put the value in quotes, e.g. title: "Yes"'),
    ],
)
def test_wrong_type_is_reported_with_an_example(site, line, expected):
    text = "---\ntitle: Forum\ndate: 2014\n" + line + "---\nBody\n"
    if line.startswith("title"):
        text = "---\n" + line + "date: 2014\n---\nBody\n"
    site.write("events/typed.md", text)
    if expected is None:
        assert site.run("check").code == 0
    else:
        assert expected in errors_of(site)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2010-02-30", "2010-02-30 is not a date: February 2010 has 28 days"),
        ("2014-13", "there is no month 13"),
        ("12.05.2014", "write YYYY, YYYY-MM or YYYY-MM-DD, e.g. date: 2014-05-12"),
    ],
)
def test_impossible_or_misspelt_date_is_explained(site, value, expected):
    site.write("events/when.md", event(date=value))
    err = errors_of(site)
    assert "content/events/when.md:3: date:" in err
    assert expected in err


def test_end_before_start_is_an_error(site):
    site.write("events/backwards.md", event(date="2014-05-20", extra="end: 2014-05-19\n"))
    assert (
        "content/events/backwards.md:4: end: 2014-05-19 is before the start date 2014-05-20"
        in errors_of(site)
    )


def test_end_at_coarser_precision_is_not_before_start(site):
    site.write("events/may.md", event(date="2014-05-20", extra="end: 2014-05\n"))
    assert site.run("check").code == 0


def test_duplicate_document_number_names_both_files_and_a_free_number(site):
    site.write("documents/a.md", document(2427))
    site.write("documents/b.md", document(2427, title="Another"))
    err = errors_of(site)
    assert (
        "content/documents/b.md:3: number: 2427 is already the number of content/documents/a.md"
        in err
    )
    assert "number: 2428" in err
    assert "1 error(s)" in err  # not reported a second time as a URL clash


def test_two_items_writing_the_same_url_is_an_error(site):
    site.write("events/a.md", event(extra="slug: same\n"))
    site.write("events/b.md", event(title="Other", extra="slug: same\n"))
    err = errors_of(site)
    assert "content/events/b.md" in err
    assert (
        "content/events/b.md:4: slug: would write /events/same/index.html, which content/events/a.md already writes"
        in err
    )


def test_page_slug_may_not_take_a_site_folder(site):
    site.write("pages/tags.md", "---\ntitle: Tags\ndate: 2015\n---\nText\n")
    assert "slug: 'tags' is kept for the site's own pages" in errors_of(site)


def test_related_and_reports_pointing_at_nothing(site):
    site.write("documents/2427.md", document(2427, extra="related: [9999, reports/ferry]\n"))
    site.write("reports/ferry-companies.md", "---\ntitle: Ferries\ndate: 2016\n---\nText\n")
    site.write(
        "events/forum.md", event(extra="reports:\n  - reports/ferry-compnies\n  - documents/2427\n")
    )
    err = errors_of(site)
    assert "content/documents/2427.md:5: related: no document has number 9999" in err
    assert "content/documents/2427.md:5: related: reports/ferry does not exist" in err
    assert "content/events/forum.md:5: reports: reports/ferry-compnies does not exist" in err
    assert 'Did you mean "reports/ferry-companies"?' in err
    assert "content/events/forum.md:6: reports: documents/2427 is a document, not a report" in err


def test_markdown_link_to_missing_content_file(site):
    body = "Intro.\n\nSee [the report](../reports/missing.md) for more."
    site.write("events/linking.md", event(body=body))
    assert (
        "content/events/linking.md:7: body: links to ../reports/missing.md, and content/reports/missing.md does not exist"
        in errors_of(site)
    )


def test_missing_attached_file_is_named(site):
    site.write(
        "reports/r.md",
        "---\ntitle: R\ndate: 2016\nfiles:\n  - path: files/gone.pdf\n    label: PDF\n---\nText\n",
    )
    assert (
        "content/reports/r.md:5: files: files[0].path 'files/gone.pdf' does not exist"
        in errors_of(site)
    )


def test_attached_file_may_not_leave_the_content_folder(site):
    site.write(
        "reports/r.md", "---\ntitle: R\ndate: 2016\nfiles:\n  - path: ../../site.yaml\n---\nText\n"
    )
    assert "leaves the content folder" in errors_of(site)


def test_file_that_is_not_utf8_names_its_line(site):
    path = site.content / "events/latin1.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"---\ntitle: Caf\xe9\ndate: 2014\n---\n")
    assert (
        "content/events/latin1.md:2: is not UTF-8 (byte 0xE9); save the file with UTF-8 encoding"
        in errors_of(site)
    )


def test_unknown_event_kind_and_document_type_suggest_the_vocabulary(site):
    site.write("events/k.md", event(extra="kind: conferense\n"))
    site.write("documents/1.md", document(1, extra="doc_types: [Reserch/Study/Analysis]\n"))
    err = errors_of(site)
    assert (
        "kind: 'conferense' is not one of the values in site.yaml (event_kinds). Did you mean \"conference\"?"
        in err
    )
    assert "content/documents/1.md:5: doc_types:" in err


def test_every_error_of_every_file_is_reported_at_once(site):
    site.write("events/one.md", "---\ntittle: x\ndate: 2014-02-30\n---\n")
    site.write("events/two.md", "---\ntitle: [unclosed\n---\n")
    site.write("documents/1.md", "---\ntitle: D\ndate: 2010\n---\n")
    err = errors_of(site)
    assert err.count("content/events/one.md") == 3  # unknown field, bad date, missing title
    assert "content/events/two.md" in err
    assert "content/documents/1.md:1: number: is missing" in err
    assert "5 error(s) in 3 file(s)" in err


def test_a_failed_build_writes_nothing(site):
    site.write("events/bad.md", "---\ntitle: x\n---\n")
    assert site.run("build").code == 1
    assert not site.out.exists()
    assert sorted(p.name for p in (site.out.parent / ".out.sitegen").iterdir()) == [
        ".sitegen-workspace",
        "lock",
    ]


def test_github_format_prints_annotations(site):
    site.write("events/bad.md", "---\ntitle: x\n---\n")
    run = site.run("check", "--format", "github")
    assert run.code == 1
    assert "::error file=content/events/bad.md,line=1,title=date::is missing" in run.out


def test_markdown_file_outside_the_type_folders_is_an_error(site):
    site.write("stray.md", event())
    assert "content/stray.md:1: is outside the content folders" in errors_of(site)


def test_broken_site_yaml_is_reported_not_raised(site, tmp_path, monkeypatch):
    root = tmp_path / "project"
    (root / "layouts").mkdir(parents=True)
    (root / "site.yaml").write_text("title: T\npage_sise: 3\n", encoding="utf-8")
    from sitegen.cli import main

    code = main(["check", "--content", str(site.content)], root=root)
    err = site.capsys.readouterr().err
    assert code == 1
    assert 'project/site.yaml:2: page_sise: is not a site setting. Did you mean "page_size"?' in err


def test_a_broken_layout_names_its_file_and_line(site, tmp_path):
    import shutil

    from sitegen.cli import main

    from .conftest import REPO

    root = tmp_path / "project"
    shutil.copytree(REPO / "layouts", root / "layouts")
    shutil.copytree(REPO / "locales", root / "locales")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    code = main(["build", "--content", str(site.content), "--out", str(site.out)], root=root)
    assert (
        "project/layouts/base.html:9: layout: failed while rendering /: TemplateRuntimeError: asset('style.css'): assets/style.css does not exist"
        in site.capsys.readouterr().err
    )
    shutil.copytree(REPO / "assets", root / "assets")
    page = root / "layouts/page.html"
    page.write_text(
        '{% extends "_item.html" %}\n{% block body %}\n{{ item.no_such_field.x }}\n{% endblock %}\n'
    )
    code = main(["build", "--content", str(site.content), "--out", str(site.out)], root=root)
    err = site.capsys.readouterr().err
    assert code == 1
    assert "project/layouts/page.html:3: layout: failed while rendering /programme/" in err
    assert "Traceback" not in err
    assert not site.out.exists()


def test_references_to_a_file_with_errors_are_not_reported_again(site):
    site.write("reports/broken.md", "---\ntitle: Broken\ndate: 2016-02-30\n---\nText\n")
    site.write(
        "events/forum.md",
        event(extra="reports: [reports/broken]\n", body="See [it](../reports/broken.md)."),
    )
    err = errors_of(site)
    assert "content/reports/broken.md:3: date:" in err
    assert "content/events/forum.md" not in err
    assert "1 error(s) in 1 file(s)" in err


def test_a_file_with_a_field_error_reports_its_dangling_references_too(site):
    site.write(
        "events/forum.md",
        event(extra="draft: maybe\nrelated: [9999, reports/ferry]\ntranslations: [events/gone]\n"),
    )
    lines = errors_of(site).splitlines()
    assert (
        "content/events/forum.md:4: draft: is 'maybe'; write draft: true or draft: false" in lines
    )
    assert "content/events/forum.md:5: related: no document has number 9999; check the number" in (
        lines
    )
    assert (
        "content/events/forum.md:5: related: reports/ferry does not exist; give a content path "
        "such as reports/ferry-companies."
    ) in lines
    assert (
        "content/events/forum.md:6: translations: events/gone does not exist; give a content "
        "path such as reports/ferry-companies."
    ) in lines
    assert "4 error(s) in 1 file(s)." in lines


def test_references_into_a_file_that_cannot_be_parsed_are_not_reported(site):
    site.write("documents/broken.md", "---\ntitle: [Broken\nnumber: 77\ndate: 2010\n---\nText\n")
    body = "See [the study](../documents/broken.md)."
    site.write("events/forum.md", event(extra="related: [77, documents/broken]\n", body=body))
    lines = errors_of(site).splitlines()
    assert lines[0].startswith("content/documents/broken.md:2: front matter is not valid YAML")
    assert "1 error(s) in 1 file(s)." in lines


def test_numbers_are_not_reported_while_a_document_number_cannot_be_read(site):
    site.write("documents/broken.md", "---\ntitle: Broken\nnumber: [77\ndate: 2010\n---\nText\n")
    site.write("events/forum.md", event(extra="related: [77, reports/gone]\n"))
    lines = errors_of(site).splitlines()
    assert not any("no document has number" in line for line in lines)
    assert (
        "content/events/forum.md:4: related: reports/gone does not exist; give a content path "
        "such as reports/ferry-companies."
    ) in lines
    assert "2 error(s) in 2 file(s)." in lines


def test_a_wrong_content_path_never_suggests_the_item_itself(site):
    site.write("reports/ferry-companies.md", "---\ntitle: Ferries\ndate: 2016\n---\nText\n")
    site.write(
        "events/ferry-forum.md",
        event(
            extra="reports: [reports/ferry-forum]\nrelated: [events/ferry-forun]\n",
            body="See [the forum](ferry-forun.md).",
        ),
    )
    lines = errors_of(site).splitlines()
    assert (
        "content/events/ferry-forum.md:4: reports: reports/ferry-forum does not exist; give a "
        'content path such as reports/ferry-companies. Did you mean "reports/ferry-companies"?'
    ) in lines
    assert (
        "content/events/ferry-forum.md:5: related: events/ferry-forun does not exist; give a "
        "content path such as reports/ferry-companies."
    ) in lines
    assert (
        "content/events/ferry-forum.md:7: body: links to ferry-forun.md, and "
        "content/events/ferry-forun.md does not exist; correct the link."
    ) in lines


def check_with_settings(site, tmp_path, settings: str) -> tuple[int, str]:
    """`check` of the fixture content with a site.yaml of its own: exit code and errors."""
    from sitegen.cli import main

    root = tmp_path / "project"
    (root / "layouts").mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(settings, encoding="utf-8")
    code = main(["check", "--content", str(site.content)], root=root)
    err = site.capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


SETTINGS = "title: T\nbase_url: https://example.org/\n"


def test_home_intro_naming_a_missing_page_is_an_error_at_its_line(site, tmp_path):
    code, err = check_with_settings(site, tmp_path, SETTINGS + "home_intro: pages/programm\n")
    assert code == 1
    assert (
        "project/site.yaml:3: home_intro: pages/programm does not exist, so the home page would "
        'open without its introduction; give the content path of a page. Did you mean "pages/programme"?'
    ) in err.splitlines()


def test_home_intro_naming_a_draft_is_an_error(site, tmp_path):
    site.write("pages/intro.md", "---\ntitle: Intro\ndate: 2015\ndraft: true\n---\nText\n")
    code, err = check_with_settings(site, tmp_path, SETTINGS + "home_intro: pages/intro.md\n")
    assert code == 1
    assert (
        "project/site.yaml:3: home_intro: pages/intro.md is not published (a draft, or dated in "
        "the future), so the home page would open without its introduction; publish it or name "
        "another page"
    ) in err.splitlines()


def test_home_intro_naming_a_page_passes(site, tmp_path):
    code, err = check_with_settings(site, tmp_path, SETTINGS + "home_intro: pages/programme\n")
    assert code == 0, err


def test_site_language_that_is_not_a_code_suggests_the_code(site, tmp_path):
    code, err = check_with_settings(site, tmp_path, SETTINGS + "language: English\n")
    assert code == 1
    assert (
        'project/site.yaml:3: language: "English" is not a language code; write a BCP 47 code '
        "such as en"
    ) in err.splitlines()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Estonian", '"Estonian" is not a language code; write a BCP 47 code such as et'),
        ("en_GB", '"en_GB" is not a language code; write a BCP 47 code such as en-GB'),
        ("e", '"e" is not a language code; write a BCP 47 code such as en, et or sv-FI'),
    ],
)
def test_item_language_that_is_not_a_code_suggests_the_code(site, value, expected):
    site.write("events/lang.md", event(extra=f"lang: {value}\n"))
    assert f"content/events/lang.md:4: lang: {expected}" in errors_of(site).splitlines()


@pytest.mark.parametrize(
    ("written", "tag"),
    [("en", "en"), ("EN", "en"), ("sv-fi", "sv-FI"), ("sr-latn-rs", "sr-Latn-RS"),
     ("es-419", "es-419"), ("de-CH-1996", "de-CH-1996")],
)  # fmt: skip
def test_language_tags_are_written_in_their_usual_case(written, tag):
    from sitegen.languages import language_tag

    assert language_tag(written) == tag


def test_broken_site_yaml_names_the_line_where_a_quote_opens(site, tmp_path):
    code, err = check_with_settings(site, tmp_path, 'title: "T\nbase_url: https://example.org/\n')
    assert code == 1
    assert (
        'project/site.yaml:1: the file is not valid YAML: the " at column 8 starts a quoted '
        'value that is never closed; add a closing " at the end of the value'
    ) in err.splitlines()
