"""The search index: Pagefind over the rendered pages, plus the text of attached PDFs.

The index is built from exactly the HTML this build made, before anything is written.
A PDF's text becomes a record of its own that leads to the report or document page the
PDF belongs to, with that page's filters, so a reader who filters by year or type still
finds words that are only inside it.
"""

from __future__ import annotations

import io
import logging
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

INDEX_FOLDER = "pagefind"
RECORDS_FOLDER = "_records"  # inside the scratch site only; never written to the output
# Pagefind's own search interfaces; the site has its own page, which uses pagefind.js.
_UNUSED = ("pagefind-ui", "pagefind-modular-ui", "pagefind-component-ui", "pagefind-highlight")


@dataclass(frozen=True)
class Record:
    """Text that is not a page of its own: a PDF's words, found under its item's URL."""

    url: str  # the page it leads to, as links on the site write it: /centre/documents/2427/
    title: str
    text: str
    filters: Mapping[str, list[str]] = field(default_factory=dict)
    meta: Mapping[str, str] = field(default_factory=dict)


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


def pdf_text(data: bytes) -> str:
    """The words of a PDF, page by page; '' for a scan with no text layer or a broken file."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # it warns about harmless quirks
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError):
        return ""
    return " ".join(" ".join(pages).split())


def build_index(
    pages: Iterable[tuple[str, str]], records: Iterable[Record], language: str
) -> dict[str, bytes]:
    """Index (site path, HTML) pages and extra records; return the index's files by path.

    Pages and records are written to a scratch folder and indexed by one run of the
    Pagefind program (its Python API answers one request per tenth of a second, too slow
    for a catalogue). A record becomes a small page whose `target` says where it leads.
    Everything is indexed in the site's language, so one index answers a query in any
    language; each item's own language is a filter instead.
    """
    from pagefind.service import get_executable

    code = language.split("-")[0]
    with tempfile.TemporaryDirectory(prefix="sitegen-search-") as folder:
        root = Path(folder) / "site"
        for path, html in pages:
            target = root / path.strip("/") / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
        for number, record in enumerate(records):
            target = root / RECORDS_FOLDER / f"{number}.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(_record_page(record, code), encoding="utf-8")
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


def _record_page(record: Record, language: str) -> str:
    head = [f'<meta data-pagefind-meta="target[content]" content="{escape(record.url)}">']
    head += [
        f'<meta data-pagefind-meta="{escape(name)}[content]" content="{escape(value)}">'
        for name, value in record.meta.items()
    ]
    head += [
        f'<meta data-pagefind-filter="{escape(name)}[content]" content="{escape(value)}">'
        for name, values in record.filters.items()
        for value in values
    ]
    return (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{escape(record.title)}</title>{''.join(head)}</head>"
        f"<body data-pagefind-body><h1>{escape(record.title)}</h1>"
        f"<p>{escape(record.text)}</p></body></html>"
    )
