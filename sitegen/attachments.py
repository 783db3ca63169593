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
from .languages import primary
from .locales import N_
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
    ".pdf": FileFormat(N_("PDF"), PDF, True),
    ".doc": FileFormat(N_("Word document"), "application/msword", True),
    ".docx": FileFormat(
        N_("Word document"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        True,
    ),
    ".odt": FileFormat(N_("OpenDocument text"), "application/vnd.oasis.opendocument.text", True),
    ".rtf": FileFormat(N_("Rich Text Format document"), "application/rtf", True),
    ".xls": FileFormat(N_("Excel spreadsheet"), "application/vnd.ms-excel", True),
    ".xlsx": FileFormat(
        N_("Excel spreadsheet"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        True,
    ),
    ".ods": FileFormat(
        N_("OpenDocument spreadsheet"), "application/vnd.oasis.opendocument.spreadsheet", True
    ),
    ".ppt": FileFormat(N_("PowerPoint presentation"), "application/vnd.ms-powerpoint", True),
    ".pptx": FileFormat(
        N_("PowerPoint presentation"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        True,
    ),
    ".odp": FileFormat(
        N_("OpenDocument presentation"), "application/vnd.oasis.opendocument.presentation", True
    ),
    ".epub": FileFormat(N_("EPUB e-book"), "application/epub+zip", True),
    ".csv": FileFormat(N_("CSV file"), "text/csv"),
    ".txt": FileFormat(N_("Plain text file"), "text/plain"),
    ".zip": FileFormat(N_("ZIP archive"), "application/zip"),
    ".html": FileFormat(N_("Web page"), "text/html"),
    ".htm": FileFormat(N_("Web page"), "text/html"),
}
# Of a file of another format, with its extension as `code` ("PNG image") or without.
_KINDS_OF_MEDIA = {
    "image": (N_("%(code)s image"), N_("Image")),
    "audio": (N_("%(code)s audio"), N_("Audio")),
    "video": (N_("%(code)s video"), N_("Video")),
}
_FILE = (N_("%(code)s file"), N_("File"))
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
        return FileFormat(N_("Web page"), "")
    known = media_type if media_type and media_type != "application/octet-stream" else ""
    code = extension.lstrip(".").upper()
    kind = _KINDS_OF_MEDIA.get(known.split("/")[0])
    if kind:
        return FileFormat(kind[0 if code else 1], known)
    return FileFormat(_FILE[0 if code else 1], known)


def format_code(name: str, external: bool = False, letters: int = 4) -> str:
    """The few letters a file's thumbnail shows: "PDF", "DOCX", "WEB" for a web page."""
    extension = posixpath.splitext(urlsplit(name).path if external else name)[1]
    if external and extension.lower() not in _FORMATS:
        return "WEB"
    return extension.lstrip(".").upper()[:letters] or "FILE"


def human_size(size: int, decimal: Callable[[float, int], str] = "{:.{}f}".format) -> str:
    """'824 B', '1.2 MB', '12 MB': three figures at most, as readers compare sizes;
    `decimal` writes a number with so many decimals, as the page's language does."""
    if size < 1024:
        return f"{size} B"
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            return f"{decimal(size, 0 if size >= 10 else 1)} {unit}"
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
    """One file as its item's page shows it, in words the layout translates; `url` is
    the link, `address` the file's full address for a request to name, `item_language`
    the language of the item."""
    external = bool(attachment.href)
    name = attachment.href or attachment.path
    shown_format = file_format(name, attachment.media_type, external)
    wants_request = statement and statement.contact and shown_format.document and not external
    return {
        "label": attachment.label,
        "url": url,
        "external": external,
        "host": (urlsplit(attachment.href).hostname or "") if external else "",
        "type": shown_format.name,  # a string of the catalogue, with %(code)s
        "type_code": format_code(name, external, 8),
        "media_type": shown_format.media_type,
        "format_code": format_code(name, external),
        "size": None if external else attachment.size or 0,
        "pages": pages,
        "lang": _other_language(attachment.lang, item_language),
        "request": (
            {
                "contact": statement.contact_href,
                "number": item.number or "",
                "kind": item.kind,
                "title": item.title,
                "label": attachment.label,
                "address": address,
            }
            if wants_request and statement
            else None
        ),
    }


def _other_language(file_language: str, item_language: str) -> str:
    """The file's language when a reader would call it another than the item's: `en-GB`
    beside `en` is the same language to them."""
    if not file_language:
        return ""
    return "" if primary(file_language) == primary(item_language) else file_language


REQUEST_SUBJECT = N_("Request an accessible format of document %(number)s: %(title)s")
REQUEST_SUBJECT_OTHER = {
    "report": N_("Request an accessible format of the report \u201c%(title)s\u201d"),
    "event": N_("Request an accessible format of the event \u201c%(title)s\u201d"),
    "page": N_("Request an accessible format of the page \u201c%(title)s\u201d"),
}
REQUEST_FILE = N_("File: %(label)s")
REQUEST_FORMAT = N_("The format I need (for example tagged PDF, large print, audio):")


def request_href(request: Mapping[str, str], gettext: Callable[[str], str]) -> str:
    """Where to ask for a file in an accessible format: a web contact as it is; an
    e-mail one with a subject naming the item (its number, for a document) and a body
    naming the file, in the reader's language, so the request says what it is for
    without the reader typing it."""
    contact = request["contact"]
    if not contact.startswith("mailto:"):
        return contact
    wording = REQUEST_SUBJECT if request["number"] else REQUEST_SUBJECT_OTHER[request["kind"]]
    subject = gettext(wording) % request
    body = (
        f"{gettext(REQUEST_FILE) % request}\r\n{request['address']}\r\n\r\n"
        f"{gettext(REQUEST_FORMAT)} "
    )
    return f"{contact}?subject={quote(subject, safe='')}&body={quote(body, safe='')}"
