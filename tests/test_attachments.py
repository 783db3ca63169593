"""The attachment block of report and document pages: each file's format, size and pages,
its language when not the item's, and a link to ask for an accessible format."""

from __future__ import annotations

import io
import re
import shutil
from html import unescape
from urllib.parse import parse_qs, urlsplit

from pypdf import PdfReader, PdfWriter

from sitegen import attachments
from sitegen.cli import main

from .conftest import REPO, copy_project, document, errors_of

SAMPLE_PDF = REPO / "content" / "documents" / "files" / "2427.pdf"
TITLE = "Trafficking in the Baltic Sea region"


def pdf_of(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    data = io.BytesIO()
    writer.write(data)
    return data.getvalue()


def attachment_blocks(html: str) -> list[str]:
    """Each file's `<li>` of the page's attachment list, as HTML."""
    found = re.search(r'<ul class="files attachments">(.*?)</ul>', html, re.S)
    assert found, "no attachment list on the page"
    return re.findall(r'<li class="attachment">(.*?)</li>', found[1], re.S)


def meta_line(block: str) -> str:
    return unescape(re.search(r'<p class="attachment-meta[^"]*"[^>]*>(.*?)</p>', block, re.S)[1])


def request_link(block: str) -> tuple[str, str] | None:
    """The request link's address and text, None when the file has none."""
    found = re.search(r'<p class="attachment-request"[^>]*><a href="([^"]*)">(.*?)</a>', block)
    return (unescape(found[1]), unescape(found[2])) if found else None


def write_document(site, number: int, entries: str, extra: str = "") -> None:
    site.write(
        f"documents/{number}.md",
        document(number, title=TITLE, extra=f"{extra}availability:\n{entries}"),
    )


def test_a_sample_pdf_shows_its_format_size_and_the_pages_pypdf_counts(site):
    (site.content / "documents/files").mkdir(parents=True)
    shutil.copy(SAMPLE_PDF, site.content / "documents/files/2427.pdf")
    (site.content / "documents/files/long.pdf").write_bytes(pdf_of(24))
    write_document(
        site,
        2427,
        "  - {path: files/2427.pdf, label: Full text}\n  - {path: files/long.pdf, label: Annexes}\n",
    )
    assert site.run("build").code == 0
    sample, long = attachment_blocks(site.page("documents/2427/"))
    pages = len(PdfReader(SAMPLE_PDF).pages)
    size = SAMPLE_PDF.stat().st_size
    expected = f"PDF, {size / 1024:.1f} KB, {pages} page{'s' if pages != 1 else ''}"
    assert meta_line(sample) == expected
    assert 'href="/documents/2427/2427.pdf" type="application/pdf">Full text</a>' in sample
    assert re.fullmatch(r"PDF, \d\.\d KB, 24 pages", meta_line(long))


def test_a_file_in_another_language_than_the_item_says_so_and_marks_its_link(site):
    (site.content / "documents/files").mkdir(parents=True)
    (site.content / "documents/files/et.pdf").write_bytes(pdf_of(2))
    write_document(
        site,
        7,
        "  - {path: files/et.pdf, label: Aruanne, lang: ET}\n"
        "  - {href: 'https://example.org/en', label: Summary, lang: en-GB}\n",
    )
    assert site.run("build").code == 0
    estonian, english = attachment_blocks(site.page("documents/7/"))
    assert 'hreflang="et" lang="et">Aruanne</a>' in estonian
    assert "In Estonian</p>" in estonian
    assert "hreflang" not in english and "attachment-language" not in english


def test_a_file_in_the_language_of_its_item_shows_no_language(site):
    (site.content / "documents/files").mkdir(parents=True)
    (site.content / "documents/files/et.pdf").write_bytes(pdf_of(2))
    write_document(site, 8, "  - {path: files/et.pdf, label: Aruanne, lang: et}\n", "lang: et\n")
    assert site.run("build").code == 0
    (block,) = attachment_blocks(site.page("documents/8/"))
    assert "attachment-language" not in block and "hreflang" not in block


def test_the_request_link_mails_a_subject_naming_the_document_number_and_title(site):
    (site.content / "documents/files").mkdir(parents=True)
    (site.content / "documents/files/2427.pdf").write_bytes(pdf_of(3))
    write_document(site, 2427, "  - {path: files/2427.pdf, label: Full text}\n")
    assert site.run("build").code == 0
    (block,) = attachment_blocks(site.page("documents/2427/"))
    address, text = request_link(block)
    assert text == "Request an accessible format of document 2427"
    parts = urlsplit(address)
    assert (parts.scheme, parts.path) == ("mailto", "accessibility@documentation.example.org")
    query = parse_qs(parts.query)
    assert query["subject"] == [f"Request an accessible format of document 2427: {TITLE}"]
    assert "/documents/2427/2427.pdf" in query["body"][0]


def test_a_report_asks_for_the_report_by_its_title(site):
    site.write(
        "reports/r.md",
        "---\ntitle: Ferries\ndate: 2016\nfiles: [{path: r.pdf, label: Report}]\n---\nText.\n",
    )
    (site.content / "reports/r.pdf").write_bytes(pdf_of(1))
    assert site.run("build").code == 0
    (block,) = attachment_blocks(site.page("reports/r/"))
    address, text = request_link(block)
    assert text == "Request an accessible format of this report"
    assert parse_qs(urlsplit(address).query)["subject"] == [
        "Request an accessible format of the report \u201cFerries\u201d"
    ]


def test_a_link_to_another_site_has_no_request_link(site):
    write_document(
        site,
        9,
        "  - {href: 'https://example.org/study.pdf', label: On the publisher's site}\n"
        "  - {href: 'https://example.org/about', label: About}\n",
    )
    assert site.run("build").code == 0
    pdf, page = attachment_blocks(site.page("documents/9/"))
    assert request_link(pdf) is None and request_link(page) is None
    assert meta_line(pdf) == "PDF on example.org"
    assert meta_line(page) == "Web page on example.org"


def test_a_broken_pdf_has_no_page_count_and_breaks_nothing(site):
    (site.content / "documents/files").mkdir(parents=True)
    (site.content / "documents/files/broken.pdf").write_bytes(b"%PDF-1.4 not really")
    (site.content / "documents/files/locked.pdf").write_bytes(_locked_pdf())
    write_document(
        site,
        10,
        "  - {path: files/broken.pdf, label: Broken}\n  - {path: files/locked.pdf, label: Locked}\n",
    )
    run = site.run("build")
    assert run.code == 0, run.err
    assert "Traceback" not in run.err and "pypdf" not in run.err
    broken, locked = attachment_blocks(site.page("documents/10/"))
    assert meta_line(broken) == "PDF, 19 B"
    assert "page" not in meta_line(locked)
    assert request_link(broken) is not None  # a reader may still ask for a readable copy


def _locked_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("secret", algorithm="RC4-128")
    data = io.BytesIO()
    writer.write(data)
    return data.getvalue()


def test_a_bad_file_language_fails_check_at_its_line(site):
    (site.content / "documents/files").mkdir(parents=True)
    (site.content / "documents/files/x.pdf").write_bytes(pdf_of(1))
    write_document(
        site,
        5,
        "  - path: files/x.pdf\n    label: PDF\n    lang: English\n",
    )
    assert (
        'content/documents/5.md:8: availability: availability[0].lang "English" is not a '
        "language code; write a BCP 47 code such as en"
    ) in errors_of(site).splitlines()


def test_page_counts_are_kept_by_file_version_between_builds(site, monkeypatch):
    (site.content / "documents/files").mkdir(parents=True)
    pdf = site.content / "documents/files/x.pdf"
    pdf.write_bytes(pdf_of(2))
    write_document(site, 11, "  - {path: files/x.pdf, label: PDF}\n")
    assert site.run("build").code == 0
    read = []
    counting = attachments.page_count
    monkeypatch.setattr(attachments, "page_count", lambda data: read.append(1) or counting(data))
    site.write("documents/12.md", document(12))  # another file: the PDF is not read again
    assert site.run("build").code == 0
    assert read == [] and "2 pages" in meta_line(attachment_blocks(site.page("documents/11/"))[0])
    pdf.write_bytes(pdf_of(5))  # a new version is
    assert site.run("build").code == 0
    assert read == [1] and "5 pages" in meta_line(attachment_blocks(site.page("documents/11/"))[0])


def test_a_web_contact_is_linked_as_it_is_and_no_statement_means_no_link(tmp_path, capsys):
    root = copy_project(tmp_path / "project")
    (root / "content/documents/files").mkdir(parents=True)
    (root / "content/documents/files/x.pdf").write_bytes(pdf_of(1))
    (root / "content/documents/3.md").write_text(
        document(3, extra="availability: [{path: files/x.pdf, label: PDF}]\n"), encoding="utf-8"
    )
    settings = root / "site.yaml"
    text = settings.read_text(encoding="utf-8")
    contact = "https://documentation.example.org/contact/"
    settings.write_text(re.sub(r"(?m)^  contact: .*$", f"  contact: {contact}", text), "utf-8")
    out = root / "_site"

    def first_block() -> str:
        code = main(["build", "--no-search", "--no-cache", "--out", str(out)], root=root)
        assert code == 0, capsys.readouterr().err
        page = (out / "documents/3/index.html").read_text(encoding="utf-8")
        return attachment_blocks(page)[0]

    assert request_link(first_block()) == (contact, "Request an accessible format of document 3")
    without = re.sub(r"(?ms)^accessibility:\n(?:  .*\n|\s*#.*\n)*", "", text)
    assert "accessibility:" not in without
    settings.write_text(without, encoding="utf-8")
    assert request_link(first_block()) is None
