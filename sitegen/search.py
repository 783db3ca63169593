"""The search index: Pagefind over the rendered item pages and the text of their PDFs.

The index is built from exactly the HTML this build made, before anything is written,
but from a copy made for the indexer (`index_copy`): heading anchors are dropped, block
ends get a space so that a record's values never run together, and each PDF the item
ships is appended page by page under headings of its own. Pagefind then gives one result
per item, with the PDF pages that match as its sub-results, under the item's filters.
"""

from __future__ import annotations

import io
import logging
import re
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from .locales import N_

INDEX_FOLDER = "pagefind"
# Pagefind's own search interfaces; the site has its own page, which uses pagefind.js.
_UNUSED = ("pagefind-ui", "pagefind-modular-ui", "pagefind-component-ui", "pagefind-highlight")
# A sub-result's anchor that names a PDF page: #pdf-<file>-<page>, both counted from 1.
PDF_ANCHOR = "pdf-{file}-{page}"
RECORD_ANCHOR = "record"  # the sub-result of the record's values
PDF_PAGE_HEADING = N_("%(label)s, page %(page)s")  # a PDF page's sub-result, translated


@dataclass(frozen=True)
class FileText:
    """The words of one PDF an item ships, page by page, and where the file is."""

    url: str  # as links on the site write it: /centre/reports/ferry-companies/report.pdf
    label: str  # as the item's page names the file: "Full report (PDF)"
    pages: tuple[str, ...]


def unavailable() -> str:
    """Why the index cannot be built here, or '' when it can."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return "the pagefind package is not installed (pip install 'pagefind[bin]')"
    program = get_executable()
    if program is None or not program.is_file():
        return "the Pagefind program was not found (pip install 'pagefind[bin]')"
    return ""


def pdf_pages(data: bytes) -> tuple[str, ...]:
    """The words of a PDF, one string per page; () for a broken file, and empty pages
    for a scan with no text layer."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    from .attachments import UNREADABLE

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # it warns about harmless quirks
    try:
        reader = PdfReader(io.BytesIO(data))
        return tuple(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    except (PyPdfError, *UNREADABLE):
        return ()


def build_index(
    pages: Iterable[tuple[str, str]],
    files: Mapping[str, Sequence[FileText]],
    language: str,
    page_heading: str = PDF_PAGE_HEADING,
) -> dict[str, bytes]:
    """Index (site path, HTML) item pages with the PDFs `files` lists by site path;
    return the index's files by path.

    The copies are written to a scratch folder and indexed by one run of the Pagefind
    program (its Python API answers one request per tenth of a second, too slow for a
    catalogue). Everything is indexed in one `language`, the pages' interface language,
    so one index answers a query in any language; each item's own language is a filter
    instead. `page_heading` names a PDF page: "%(label)s, page %(page)s" in that language.
    """
    from pagefind.service import get_executable

    code = language.split("-")[0]
    with tempfile.TemporaryDirectory(prefix="sitegen-search-") as folder:
        root = Path(folder) / "site"
        for path, html in pages:
            target = root / path.strip("/") / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            copy = index_copy(html, files.get(path, ()), page_heading)
            target.write_text(copy, encoding="utf-8")
        bundle = Path(folder) / "bundle"
        command = [str(get_executable()), "--site", str(root), "--output-path", str(bundle)]
        command += ["--force-language", code, "--silent"]
        finished = subprocess.run(command, capture_output=True, text=True, check=False)
        if finished.returncode != 0:
            raise RuntimeError(f"Pagefind failed: {finished.stderr.strip() or finished.stdout}")
        return {
            path.relative_to(bundle).as_posix(): path.read_bytes()
            for path in sorted(bundle.rglob("*"))
            if path.is_file() and not path.name.startswith(_UNUSED)
        }


_HEADING_ANCHOR = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.DOTALL)
_BLOCK_END = re.compile(r"(</(?:p|li|dt|dd|h[1-6]|td|th|div|figcaption|blockquote)>)")


def index_copy(html: str, files: Sequence[FileText], page_heading: str = PDF_PAGE_HEADING) -> str:
    """The page as the indexer should read it: words only, none glued to the next
    block's, and the item's PDFs after its body, one heading per page with an anchor
    (`PDF_ANCHOR`) that the search page turns into a link to that page of the file."""
    html = _BLOCK_END.sub(r"\1 ", _record_last(_HEADING_ANCHOR.sub("", html)))
    if not files:
        return html
    where = "".join(
        f'<meta data-pagefind-meta="file{number}[content]" content="{escape(file.url)}">'
        for number, file in enumerate(files, 1)
    )
    pages = "".join(
        f'<section data-pagefind-body><h2 id="{PDF_ANCHOR.format(file=number, page=page)}">'
        f"{escape(page_heading % {'label': file.label, 'page': page})}</h2>"
        f"<p>{escape(text)}</p></section>"
        for number, file in enumerate(files, 1)
        for page, text in enumerate(file.pages, 1)
        if text
    )
    return _insert(_insert(html, "</head>", where), "</body>", pages)


def _record_last(html: str) -> str:
    """The record's values moved after the body, under a heading of their own
    (`RECORD_ANCHOR`): an excerpt then comes from the text, and a match among the values
    is told apart from one in the text."""
    start = html.find('<dl class="record')
    if start < 0:
        return html
    depth, end = 0, start
    for tag in _DL.finditer(html, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            end = html.find(">", tag.end()) + 1
            break
    else:
        return html
    heading = f'<h2 id="{RECORD_ANCHOR}">·</h2>'
    record = f"<div>{heading}{html[start:end]}</div>"
    close = html.rfind("</article>")
    if close < end:
        return html
    return html[:start] + html[end:close] + record + html[close:]


_DL = re.compile(r"<(/?)dl\b")


def _insert(html: str, before: str, text: str) -> str:
    at = html.rfind(before)
    return html[:at] + text + html[at:] if at >= 0 else html + text
