"""YAML as editors get it wrong: a list written as text, an unclosed quote or bracket, a
tab. Each is reported at the line to fix, in plain words, with what to write instead."""

from __future__ import annotations

import pytest

from .conftest import document, errors_of, event

YAML = "front matter is not valid YAML"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "tags: a, b, c\n",
            'tags: "a, b, c" is one tag; for three tags write tags: [a, b, c], '
            'or for one tag with a comma, tags: ["a, b, c"]',
        ),
        (
            'related: "2439, 2427"\n',
            'related: "2439, 2427" is one entry; for two entries write related: [2439, 2427]',
        ),
        (
            "translations: reports/a, reports/b\n",
            'translations: "reports/a, reports/b" is one translation; for two translations '
            "write translations: [reports/a, reports/b]",
        ),
        (
            "reports: reports/a,reports/b\n",
            'reports: "reports/a,reports/b" is one report; for two reports write '
            "reports: [reports/a, reports/b]",
        ),
    ],
)
def test_text_with_commas_in_a_list_field_shows_the_list(site, extra, expected):
    site.write("events/listed.md", event(extra=extra))
    assert f"content/events/listed.md:4: {expected}" in errors_of(site).splitlines()


def test_authors_and_document_types_with_commas_show_the_list(site):
    site.write("documents/1.md", document(1, extra="authors: Doe, Jane\ndoc_types: Report, News\n"))
    lines = errors_of(site).splitlines()
    assert (
        'content/documents/1.md:5: authors: "Doe, Jane" is one author; for two authors write '
        'authors: [Doe, Jane], or for one author with a comma, authors: ["Doe, Jane"]'
    ) in lines
    assert (
        'content/documents/1.md:6: doc_types: "Report, News" is one document type; for two '
        "document types write doc_types: [Report, News]"
    ) in lines


def test_one_value_without_commas_is_a_list_of_one(site):
    site.write("documents/1.md", document(1, extra="authors: Jane Doe\ndoc_types: Report\n"))
    site.write("events/one.md", event(extra="tags: trafficking\nrelated: 1\n"))
    assert site.run("check").code == 0


def test_a_quoted_entry_may_hold_a_comma(site):
    site.write("documents/1.md", document(1, extra='authors: ["Doe, Jane"]\n'))
    assert site.run("check").code == 0


def test_a_file_path_where_a_list_of_entries_is_wanted_is_reported_at_its_line(site):
    site.write("documents/5.md", document(5, extra="availability: files/x.pdf\n"))
    assert (
        'content/documents/5.md:5: availability: "files/x.pdf" is not a list of entries; '
        "write availability: [{path: files/x.pdf, label: Full text}]"
    ) in errors_of(site).splitlines()


def test_a_picture_path_where_a_gallery_is_wanted_is_reported_at_its_line(site):
    site.write("events/gallery.md", event(extra="images: images/hall.jpg\n"))
    assert (
        'content/events/gallery.md:4: images: "images/hall.jpg" is not a list of pictures; '
        "write images: [{path: images/hall.jpg, alt: what it shows}]"
    ) in errors_of(site).splitlines()


def test_unclosed_quote_is_reported_where_it_opens(site):
    site.write("events/quote.md", '---\ntitle: "Forum\ndate: 2014\nsummary: x\n---\nBody\n')
    assert (
        f'content/events/quote.md:2: {YAML}: the " at column 8 starts a quoted value that is '
        'never closed; add a closing " at the end of the value'
    ) in errors_of(site).splitlines()


def test_unclosed_list_is_reported_where_it_opens(site):
    front = "title: Forum\ndate: 2014\nsummary: x\nlocation: y\norganiser: z\nkind: seminar\n"
    site.write("events/list.md", f"---\n{front}tags: [a, b\n---\nBody\n")
    assert (
        f"content/events/list.md:8: {YAML}: the [ at column 7 starts a list that is never "
        "closed; add ] after its last entry: tags: [a, b]"
    ) in errors_of(site).splitlines()


def test_colon_in_a_value_shows_the_quoted_value(site):
    site.write("events/colon.md", "---\ntitle: Forum: the second\ndate: 2014\n---\nBody\n")
    assert (
        f"content/events/colon.md:2: {YAML}: the ': ' at column 13 is inside a value; put the "
        'value in quotes: title: "Forum: the second"'
    ) in errors_of(site).splitlines()


@pytest.mark.parametrize(
    "front",
    [
        "title: Forum\ndate: 2014\ntags:\n\t- a\n",  # a tab alone
        "title: Forum\ndate: 2014\ntags:\n  - a\n\t- b\n",  # after entries indented right
    ],
)
def test_tab_indentation_says_tab_and_what_to_do(site, front):
    site.write("events/tab.md", f"---\n{front}---\nBody\n")
    line = front.count("\n") + 1  # the last line of the front matter, after the '---'
    assert (
        f"content/events/tab.md:{line}: {YAML}: a tab at column 1: indent with spaces "
        "(YAML does not allow tabs in indentation)"
    ) in errors_of(site).splitlines()


def test_value_starting_with_a_reserved_character_shows_it_quoted(site):
    site.write("events/at.md", "---\ntitle: @home\ndate: 2014\n---\nBody\n")
    assert (
        f"content/events/at.md:2: {YAML}: a value cannot start with @ (column 8); put it in "
        'quotes: title: "@home"'
    ) in errors_of(site).splitlines()
