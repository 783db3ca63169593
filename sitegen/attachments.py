"""What a reader is told of an attached file before opening it, in the manner of GOV.UK's
attachment component: its format in words, its size and pages, its language when it is
not the item's, and where to ask for it in an accessible format.

Pure but for `page_counts`, which is handed the function that reads a file.
"""

from __future__ import annotations

import io
import logging
import posixpath
import struct
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from .accessibility import Statement
from .languages import language_name
from .model import Attachment, Item

PDF = "application/pdf"
FileVersion = tuple[str, object]  # (content path, its (size, mtime) in `Site.file_versions`)


@dataclass(frozen=True)
class FileFormat:
    name: str  # as readers say it: "PDF", "Word document"
    media_type: str  # for the link's `type`; "" when not known
    document: bool = False  # a document one may ask for in an accessible format


# By extension, not by `mimetypes`, whose answers depend on the build machine's own list.
_FORMATS = {
    ".pdf": FileFormat("PDF", PDF, True),
    ".doc": FileFormat("Word document", "application/msword", True),
    ".docx": FileFormat(
        "Word document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        True,
    ),
    ".odt": FileFormat("OpenDocument text", "application/vnd.oasis.opendocument.text", True),
    ".rtf": FileFormat("Rich Text Format document", "application/rtf", True),
    ".xls": FileFormat("Excel spreadsheet", "application/vnd.ms-excel", True),
    ".xlsx": FileFormat(
        "Excel spreadsheet",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        True,
    ),
    ".ods": FileFormat(
        "OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet", True
    ),
    ".ppt": FileFormat("PowerPoint presentation", "application/vnd.ms-powerpoint", True),
    ".pptx": FileFormat(
        "PowerPoint presentation",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        True,
    ),
    ".odp": FileFormat(
        "OpenDocument presentation", "application/vnd.oasis.opendocument.presentation", True
    ),
    ".epub": FileFormat("EPUB e-book", "application/epub+zip", True),
    ".csv": FileFormat("CSV file", "text/csv"),
    ".txt": FileFormat("Plain text file", "text/plain"),
    ".zip": FileFormat("ZIP archive", "application/zip"),
    ".html": FileFormat("Web page", "text/html"),
    ".htm": FileFormat("Web page", "text/html"),
}
_KINDS_OF_MEDIA = {"image": "image", "audio": "audio", "video": "video"}
# How pypdf fails on a file it cannot read besides its own errors (`PyPdfError`): a few
# from deeper down. The search's text reader catches the same.
UNREADABLE = (
    LookupError,
    ValueError,
    TypeError,
    AttributeError,
    RecursionError,
    zlib.error,
    struct.error,
)


def file_format(name: str, media_type: str = "", external: bool = False) -> FileFormat:
    """The format of the file at `name` (a content path or an address): a link elsewhere
    to no file we know is a web page."""
    extension = posixpath.splitext(urlsplit(name).path if external else name)[1].lower()
    if extension in _FORMATS:
        return _FORMATS[extension]
    if external:
        return FileFormat("Web page", "")
    known = media_type if media_type and media_type != "application/octet-stream" else ""
    code = extension.lstrip(".").upper()
    kind = _KINDS_OF_MEDIA.get(known.split("/")[0])
    if kind:
        return FileFormat(f"{code} {kind}" if code else kind.capitalize(), known)
    return FileFormat(f"{code} file" if code else "File", known)


def format_code(name: str, external: bool = False) -> str:
    """The few letters a file's thumbnail shows: "PDF", "DOCX", "WEB" for a web page."""
    extension = posixpath.splitext(urlsplit(name).path if external else name)[1]
    if external and extension.lower() not in _FORMATS:
        return "WEB"
    return extension.lstrip(".").upper()[:4] or "FILE"


def human_size(size: int) -> str:
    """'824 bytes', '1.2 MB', '12 MB': three figures at most, as readers compare sizes."""
    if size < 1024:
        return f"{size} bytes"
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if size >= 10 else f"{size:.1f} {unit}"
    raise AssertionError("unreachable")


def page_count(data: bytes) -> int | None:
    """How many pages a PDF has; None for one pypdf cannot read (broken, or locked with a
    password), whose page then just shows no count."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # it warns about harmless quirks
    try:
        return len(PdfReader(io.BytesIO(data)).pages) or None
    except (PyPdfError, *UNREADABLE):
        return None


def page_counts(
    items: Iterable[Item],
    versions: Mapping[str, object],
    known: Mapping[FileVersion, int | None],
    read: Callable[[str], bytes],
) -> tuple[dict[str, int], dict[FileVersion, int | None]]:
    """The page count of every shipped PDF by content path, and the counts to keep for
    the next build, by file version: reading a real report takes tens of milliseconds,
    too long to do for every file in every build."""
    counts: dict[str, int] = {}
    kept: dict[FileVersion, int | None] = {}
    for item in items:
        for attachment in item.files:
            if not attachment.path or file_format(attachment.path).media_type != PDF:
                continue
            version = (attachment.path, versions.get(attachment.path))
            if version not in kept:
                kept[version] = known[version] if version in known else _read_count(read, version)
            if count := kept[version]:
                counts[attachment.path] = count
    return counts, kept


def _read_count(read: Callable[[str], bytes], version: FileVersion) -> int | None:
    try:
        return page_count(read(version[0]))
    except OSError:  # gone since the folder was read: the next build sees it so
        return None


def file_view(
    attachment: Attachment,
    url: str,
    address: str,
    pages: int | None,
    item: Item,
    item_language: str,
    statement: Statement | None,
) -> dict:
    """One file as its item's page shows it; `url` is the link, `address` the file's
    full address for a request to name, `item_language` the language of the item."""
    external = bool(attachment.href)
    name = attachment.href or attachment.path
    shown_format = file_format(name, attachment.media_type, external)
    lang = _other_language(attachment.lang, item_language)
    return {
        "label": attachment.label,
        "url": url,
        "external": external,
        "host": (urlsplit(attachment.href).hostname or "") if external else "",
        "type": shown_format.name,
        "media_type": shown_format.media_type,
        "format_code": format_code(name, external),
        "size": "" if external else human_size(attachment.size or 0),
        "pages": pages,
        "lang": lang,
        "language": language_name(lang) if lang else "",
        "request": (
            accessible_format_request(statement.contact_href, item, attachment.label, address)
            if statement and statement.contact and shown_format.document and not external
            else None
        ),
    }


def _other_language(file_language: str, item_language: str) -> str:
    """The file's language when a reader would call it another than the item's: `en-GB`
    beside `en` is the same language to them."""
    if not file_language:
        return ""
    primary = file_language.split("-")[0].casefold()
    return "" if primary == item_language.split("-")[0].casefold() else file_language


def accessible_format_request(contact_href: str, item: Item, label: str, address: str) -> dict:
    """A link to ask for a file in an accessible format: to a web contact as it is, to an
    e-mail one with a subject naming the item (its number, for a document) and a body
    naming the file, so the request says what it is for without the reader typing it."""
    what = f"document {item.number}" if item.number else f"this {item.kind}"
    text = f"Request an accessible format of {what}"
    if not contact_href.startswith("mailto:"):
        return {"url": contact_href, "text": text}
    named = (
        f"document {item.number}: {item.title}"
        if item.number
        else f"the {item.kind} \u201c{item.title}\u201d"
    )
    subject = f"Request an accessible format of {named}"
    body = (
        f"File: {label}\r\n{address}\r\n\r\n"
        "The format I need (for example tagged PDF, large print, audio): "
    )
    query = f"subject={quote(subject, safe='')}&body={quote(body, safe='')}"
    return {"url": f"{contact_href}?{query}", "text": text}
