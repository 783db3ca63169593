"""List fields of front matter: tags, authors, document types, references to other
items, attached files and pictures; each entry checked with the line it is on.

One value is a list of one, but text with commas is not: `tags: a, b` would otherwise
pass as the one tag `a, b` unseen.
"""

from __future__ import annotations

import json
import mimetypes
import posixpath
import re
from collections.abc import Callable

from . import yamltext
from .converters import Context, Invalid, as_language, choice
from .model import Attachment, Image, Reference, Source
from .text import did_you_mean

_URL = re.compile(r"^(https?://[^\s/]+\S*|mailto:\S+@\S+)$")

# How messages call an entry of each list field, and whether an entry may hold a comma.
_ENTRY_NOUNS = {
    "tags": ("tag", "tags", True),
    "authors": ("author", "authors", True),
    "doc_types": ("document type", "document types", False),
    "related": ("entry", "entries", False),
    "translations": ("translation", "translations", False),
    "reports": ("report", "reports", False),
}
_COUNTS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
IMAGE_TYPES = (".jpg", ".jpeg", ".png", ".webp", ".gif")


def _entries(value: object, key: str) -> list:
    """A list field's entries. One value is a one-entry list, but not text with commas:
    `tags: a, b` is one tag, not the two the editor meant, and would pass unseen."""
    if isinstance(value, list):
        return value
    if isinstance(value, str) and "," in value:
        raise Invalid(_comma_message(value, key))
    return [value]


def _comma_message(value: str, key: str) -> str:
    one, several, comma_allowed = _ENTRY_NOUNS.get(key, ("entry", "entries", True))
    parts = [part.strip() for part in value.split(",") if part.strip()]
    listed = yamltext.flow([int(p) if p.isdigit() else p for p in parts])
    quoted = json.dumps(value, ensure_ascii=False)
    if len(parts) < 2:
        return f"{quoted} has a comma but only one {one}; write {key}: {listed}"
    count = _COUNTS[len(parts)] if len(parts) < len(_COUNTS) else str(len(parts))
    message = f"{quoted} is one {one}; for {count} {several} write {key}: {listed}"
    if comma_allowed:
        message += f", or for one {one} with a comma, {key}: [{quoted}]"
    return message


def _line_key(value: object, key: str, index: int) -> str:
    """Where entry `index` of a list field is: its own line, or the field's for one value."""
    return f"{key}[{index}]" if isinstance(value, list) else key


def as_text_list(value: object, key: str, context: Context) -> tuple[str, ...]:
    result = []
    for index, entry in enumerate(_entries(value, key)):
        if (
            isinstance(entry, bool)
            or not isinstance(entry, str | int | float)
            or not str(entry).strip()
        ):
            raise Invalid(
                f"entry {index + 1} is {entry!r}; each entry must be text, e.g. {key}: [first, second]",
                _line_key(value, key, index),
            )
        result.append(" ".join(str(entry).split()))
    return tuple(result)


def as_refs(value: object, key: str, context: Context) -> tuple[Reference, ...]:
    return references_in(value, key, context.source)


def references_in(value: object, key: str, source: Source) -> tuple[Reference, ...]:
    """The references (`related`, `translations`, `reports`) that `value` of `source` gives;
    on its own, so a file with other errors can have its references checked too."""
    refs = []
    for index, entry in enumerate(_entries(value, key)):
        line_key = _line_key(value, key, index)
        if isinstance(entry, bool) or not isinstance(entry, str | int) or not str(entry).strip():
            raise Invalid(
                f"entry {index + 1} is {entry!r}; give a document number or a content path "
                "such as reports/ferry-companies",
                line_key,
            )
        refs.append(Reference(str(entry).strip(), source.line_of(line_key)))
    return tuple(refs)


def as_attachments(value: object, key: str, context: Context) -> tuple[Attachment, ...]:
    entries = _mapping_entries(value, key, "entries", _attachment_example)
    return tuple(_attachment(entry, line_key, context) for line_key, entry in entries)


def _attachment_example(text: str) -> dict:
    """The entry an editor meant by `text` (a path or a URL), in messages."""
    if _URL.match(text):
        return {"href": text, "label": "Online version"}
    return {"path": text or "files/report.pdf", "label": "Full text"}


def _mapping_entries(
    value: object, key: str, noun: str, example: Callable[[str], dict]
) -> list[tuple[str, object]]:
    """The entries of a list of mappings, each with where it is; one mapping is a list of
    one. Text such as `files/x.pdf` is refused at its line, with the list it should be."""
    if isinstance(value, list):
        return [(f"{key}[{index}]", entry) for index, entry in enumerate(value)]
    if isinstance(value, dict):
        return [(key, value)]
    shown = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)
    wanted = yamltext.flow([example(value.strip() if isinstance(value, str) else "")])
    raise Invalid(f"{shown} is not a list of {noun}; write {key}: {wanted}")


def _attachment(entry: object, line_key: str, context: Context) -> Attachment:
    example = "{path: files/report.pdf, label: Full report} or {href: 'https://…', label: …}"
    if not isinstance(entry, dict):
        raise Invalid(
            f"{line_key} is {entry!r}; each entry must be a mapping such as {example}", line_key
        )
    _only_keys(entry, ["path", "href", "label", "lang"], "path or href, label and lang", line_key)
    if ("path" in entry) == ("href" in entry):
        raise Invalid(
            f"{line_key} needs exactly one of path (a file in the repo) or href (a URL)", line_key
        )
    label = entry.get("label")
    if label is not None and (not isinstance(label, str) or not label.strip()):
        raise Invalid(f"{line_key}.label must be text", f"{line_key}.label")
    lang = _file_language(entry, line_key, context)
    if "href" in entry:
        href = str(entry["href"]).strip()
        if not _URL.match(href):
            raise Invalid(
                f"{line_key}.href is {href!r}; give a full URL starting with https://",
                f"{line_key}.href",
            )
        return Attachment(label=(label or "Online version").strip(), href=href, lang=lang)
    resolved = _shipped_file(entry["path"], line_key, context)
    media_type = mimetypes.guess_type(resolved)[0] or "application/octet-stream"
    return Attachment(
        label=(label or posixpath.basename(resolved)).strip(),
        path=resolved,
        size=context.file_sizes[resolved],
        media_type=media_type,
        lang=lang,
    )


def _file_language(entry: dict, line_key: str, context: Context) -> str:
    """An entry's `lang`, checked as an item's is; "" without one."""
    if "lang" not in entry:
        return ""
    try:
        return as_language(entry["lang"], "lang", context)
    except Invalid as problem:
        raise Invalid(f"{line_key}.lang {problem.message}", f"{line_key}.lang") from None


def _only_keys(entry: dict, allowed: list[str], usage: str, line_key: str) -> None:
    unknown = sorted(map(str, set(entry) - set(allowed)))
    if unknown:
        hint = did_you_mean(unknown[0], allowed)
        raise Invalid(f"{line_key} has an unknown key '{unknown[0]}'; use {usage}.{hint}", line_key)


def _shipped_file(value: object, line_key: str, context: Context) -> str:
    """A `path:` beside the Markdown file, as a content path; it must exist in the content."""
    path = str(value).strip()
    folder = posixpath.dirname(context.source.path)
    resolved = posixpath.normpath(posixpath.join(folder, path))
    if path.startswith("/") or resolved.startswith("../") or resolved == "..":
        raise Invalid(
            f"{line_key}.path {path!r} leaves the content folder; keep files inside it",
            f"{line_key}.path",
        )
    if resolved not in context.file_sizes:
        nearby = [
            p for p in context.file_sizes if posixpath.dirname(p) == posixpath.dirname(resolved)
        ]
        hint = did_you_mean(
            posixpath.relpath(resolved, folder), [posixpath.relpath(p, folder) for p in nearby]
        )
        raise Invalid(
            f"{line_key}.path {path!r} does not exist (looked for content/{resolved}); "
            f"add the file or correct the path.{hint}",
            f"{line_key}.path",
        )
    return resolved


def as_images(value: object, key: str, context: Context) -> tuple[Image, ...]:
    images = []
    example = "{path: images/hall.jpg, alt: Speakers on the stage, caption: Opening}"
    for line_key, entry in _mapping_entries(value, key, "pictures", _picture_example):
        if not isinstance(entry, dict):
            raise Invalid(
                f"{line_key} is {entry!r}; each entry must be a mapping such as {example}", line_key
            )
        _only_keys(entry, ["path", "alt", "caption"], "path, alt and caption", line_key)
        if "path" not in entry:
            raise Invalid(f"{line_key} needs a path to the picture, e.g. {example}", line_key)
        alt = entry.get("alt")
        if not isinstance(alt, str) or not alt.strip():
            raise Invalid(
                f"{line_key} needs alt text: say in a few words what the picture shows, for readers "
                "who cannot see it, e.g. alt: Speakers on the stage",
                line_key,
            )
        caption = entry.get("caption", "")
        if not isinstance(caption, str):
            raise Invalid(f"{line_key}.caption must be text", f"{line_key}.caption")
        resolved = _shipped_file(entry["path"], line_key, context)
        if not resolved.lower().endswith(IMAGE_TYPES):
            raise Invalid(
                f"{line_key}.path {resolved!r} is not a picture; use a JPEG, PNG, WebP or GIF file",
                f"{line_key}.path",
            )
        images.append(
            Image(
                resolved,
                " ".join(alt.split()),
                " ".join(caption.split()),
                context.source.line_of(line_key),
            )
        )
    return tuple(images)


def _picture_example(path: str) -> dict:
    """The gallery entry an editor meant by a picture's path, in messages."""
    return {"path": path or "images/hall.jpg", "alt": "what it shows"}


def as_doc_types(value: object, key: str, context: Context) -> tuple[str, ...]:
    allowed = context.config.doc_types
    one_type = isinstance(value, str) and value.strip().casefold() in map(str.casefold, allowed)
    names = as_text_list([value] if one_type else value, key, context)  # a name with a comma
    return tuple(
        choice(name, "doc_types", allowed, _line_key(value, key, i)) for i, name in enumerate(names)
    )
