"""Sources into Items, or into every error an editor can act on.

`validate_source` looks at one file alone (so its result can be cached by content);
problems that need the whole site (duplicate numbers, dangling references, URL clashes)
are found by `catalog` and `plan`.
"""

from __future__ import annotations

import calendar
import mimetypes
import posixpath
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from .config import SiteConfig
from .errors import ContentError
from .model import Attachment, Image, Item, PartialDate, Reference, Source
from .schema import FIELDS, fields_for
from .text import MAX_SLUG, did_you_mean, shortened, slugify

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_URL = re.compile(r"^(https?://[^\s/]+\S*|mailto:\S+@\S+)$")
_KIND_FOLDERS = {"event": "events", "report": "reports", "document": "documents", "page": "pages"}


class Invalid(Exception):
    """One field's problem, raised by a converter and caught per field."""

    def __init__(self, message: str, line_key: str = ""):
        super().__init__(message)
        self.message = message
        self.line_key = line_key


@dataclass(frozen=True)
class Context:
    """What a converter may consult besides the value: the site's vocabularies and files."""

    source: Source
    config: SiteConfig
    file_sizes: Mapping[str, int]
    layouts: Collection[str]


def validate_source(
    source: Source, config: SiteConfig, file_sizes: Mapping[str, int], layouts: Collection[str]
) -> Item | list[ContentError]:
    """Check every field of one file against its type's schema and build the Item."""
    schema = fields_for(source.kind)
    context = Context(source, config, file_sizes, layouts)
    errors: list[ContentError] = []
    values: dict[str, object] = {}

    def error(field: str, message: str, line_key: str = "") -> None:
        errors.append(
            ContentError(source.shown_path, source.line_of(line_key or field), field, message)
        )

    for key, raw in source.front_matter.items():
        key = str(key)
        if key not in schema:
            error(key, _unknown_field_message(key, source.kind, list(schema)))
            continue
        if raw is None:
            if schema[key].required:
                error(key, f"is empty; give a value, e.g. {key}: {schema[key].example}")
            continue
        try:
            values[key] = CONVERTERS[schema[key].type](raw, key, context)
        except Invalid as problem:
            error(key, problem.message, problem.line_key)
    for field in schema.values():
        if field.required and field.name not in source.front_matter:
            errors.append(
                ContentError(
                    source.shown_path,
                    1,
                    field.name,
                    f"is missing; add a line '{field.name}: {field.example}' to the front matter",
                )
            )
    start, end = values.get("date"), values.get("end")
    if isinstance(start, PartialDate) and isinstance(end, PartialDate) and _before(end, start):
        error(
            "end", f"{end.iso} is before the start date {start.iso}; the end must be on or after it"
        )
    stem = slugify(posixpath.splitext(posixpath.basename(source.path))[0])
    if source.kind != "document" and "slug" not in values and len(stem) > MAX_SLUG:
        hint = f"rename the file or give a shorter slug, e.g. slug: {shortened(stem, 60)}"
        error("slug", f"the file name makes a {len(stem)}-character address; {hint}")
    if errors:
        return errors
    return _item(source, values)


def _item(source: Source, values: dict) -> Item:
    stem = posixpath.splitext(posixpath.basename(source.path))[0]
    tags = values.get("tags", ())
    return Item(
        key=posixpath.splitext(source.path)[0],
        kind=source.kind,
        source_path=source.shown_path,
        title=values["title"],
        date=values["date"],
        slug=values.get("slug") or slugify(stem) or "item",
        body_digest=source.body_digest,
        body_line=source.body_line,
        tags=tags,
        lines=source.key_lines,
        summary=values.get("summary", ""),
        lang=values.get("lang", ""),
        draft=values.get("draft", False),
        layout=values.get("layout", ""),
        related=values.get("related", ()),
        translations=values.get("translations", ()),
        end=values.get("end"),
        location=values.get("location", ""),
        organiser=values.get("organiser", ""),
        event_kind=values.get("kind", ""),
        reports=values.get("reports", ()),
        images=values.get("images", ()),
        authors=values.get("authors", ()),
        publisher=values.get("publisher", ""),
        files=values.get("files", ()) or values.get("availability", ()),
        number=values.get("number"),
        doc_types=values.get("doc_types", ()),
        menu=values.get("menu"),
    )


def _unknown_field_message(key: str, kind: str, known: list[str]) -> str:
    others = sorted({_KIND_FOLDERS[k] for f in FIELDS if f.name == key for k in f.kinds})
    if others:
        return f"is a field of {' and '.join(others)}, not of {_KIND_FOLDERS[kind]}; remove it"
    hint = did_you_mean(key, known)
    return f"is not a field of {_KIND_FOLDERS[kind]}.{hint or ' Known fields: ' + ', '.join(known) + '.'}"


def _before(end: PartialDate, start: PartialDate) -> bool:
    """Compare at the precision both dates have: 2014-05 does not end before 2014-05-20."""
    depth = min(len(end.iso.split("-")), len(start.iso.split("-")))
    as_tuple = lambda d: (d.year, d.month, d.day)[:depth]  # noqa: E731
    return as_tuple(end) < as_tuple(start)


# Converters: raw YAML value -> checked value, or raise Invalid with the fix.


def _text(value: object, key: str, context: Context) -> str:
    """One line of text: a line break in it would split an RIS record, for one."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Invalid(_wrong_type(value, "text", key))
    text = " ".join(str(value).split())
    if not text:
        raise Invalid("is empty; give a value or remove the line")
    return text


def _date(value: object, key: str, context: Context) -> PartialDate:
    text = (
        str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
    )
    match = _DATE.match(text)
    if not match:
        dmy = _DMY.match(text)
        hint = f"{dmy[3]}-{int(dmy[2]):02d}-{int(dmy[1]):02d}" if dmy else "2014-05-20"
        raise Invalid(f"is {value!r}; write YYYY, YYYY-MM or YYYY-MM-DD, e.g. {key}: {hint}")
    year, month, day = int(match[1]), int(match[2] or 0), int(match[3] or 0)
    if match[2] and not 1 <= month <= 12:
        raise Invalid(f"{text} is not a date: there is no month {month}; months run 01 to 12")
    if match[3]:
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            raise Invalid(
                f"{text} is not a date: {calendar.month_name[month]} {year} has {days} days"
            )
    return PartialDate(year, month, day)


def _bool(value: object, key: str, context: Context) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"is {value!r}; write {key}: true or {key}: false")
    return value


def _number(value: object, key: str, context: Context) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise Invalid(f"is {value!r}; write a whole number above 0, e.g. {key}: 2427")
    return value


def _text_list(value: object, key: str, context: Context) -> tuple[str, ...]:
    entries = value if isinstance(value, list) else [value]
    result = []
    for index, entry in enumerate(entries):
        if (
            isinstance(entry, bool)
            or not isinstance(entry, str | int | float)
            or not str(entry).strip()
        ):
            raise Invalid(
                f"entry {index + 1} is {entry!r}; each entry must be text, e.g. {key}: [first, second]",
                f"{key}[{index}]",
            )
        result.append(" ".join(str(entry).split()))
    return tuple(result)


def _refs(value: object, key: str, context: Context) -> tuple[Reference, ...]:
    entries = value if isinstance(value, list) else [value]
    refs = []
    for index, entry in enumerate(entries):
        line_key = f"{key}[{index}]" if isinstance(value, list) else key
        if isinstance(entry, bool) or not isinstance(entry, str | int) or not str(entry).strip():
            raise Invalid(
                f"entry {index + 1} is {entry!r}; give a document number or a content path "
                "such as reports/ferry-companies",
                line_key,
            )
        refs.append(Reference(str(entry).strip(), context.source.line_of(line_key)))
    return tuple(refs)


def _attachments(value: object, key: str, context: Context) -> tuple[Attachment, ...]:
    entries = value if isinstance(value, list) else [value]
    return tuple(_attachment(entry, f"{key}[{i}]", context) for i, entry in enumerate(entries))


def _attachment(entry: object, line_key: str, context: Context) -> Attachment:
    example = "{path: files/report.pdf, label: Full report} or {href: 'https://…', label: …}"
    if not isinstance(entry, dict):
        raise Invalid(
            f"{line_key} is {entry!r}; each entry must be a mapping such as {example}", line_key
        )
    _only_keys(entry, ["path", "href", "label"], "path or href, and label", line_key)
    if ("path" in entry) == ("href" in entry):
        raise Invalid(
            f"{line_key} needs exactly one of path (a file in the repo) or href (a URL)", line_key
        )
    label = entry.get("label")
    if label is not None and (not isinstance(label, str) or not label.strip()):
        raise Invalid(f"{line_key}.label must be text", f"{line_key}.label")
    if "href" in entry:
        href = str(entry["href"]).strip()
        if not _URL.match(href):
            raise Invalid(
                f"{line_key}.href is {href!r}; give a full URL starting with https://",
                f"{line_key}.href",
            )
        return Attachment(label=(label or "Online version").strip(), href=href)
    resolved = _shipped_file(entry["path"], line_key, context)
    media_type = mimetypes.guess_type(resolved)[0] or "application/octet-stream"
    return Attachment(
        label=(label or posixpath.basename(resolved)).strip(),
        path=resolved,
        size=context.file_sizes[resolved],
        media_type=media_type,
    )


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


IMAGE_TYPES = (".jpg", ".jpeg", ".png", ".webp", ".gif")


def _images(value: object, key: str, context: Context) -> tuple[Image, ...]:
    entries = value if isinstance(value, list) else [value]
    images = []
    example = "{path: images/hall.jpg, alt: Speakers on the stage, caption: Opening}"
    for index, entry in enumerate(entries):
        line_key = f"{key}[{index}]"
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


def _slug(value: object, key: str, context: Context) -> str:
    text = _text(value, key, context)
    if not _SLUG.match(text):
        raise Invalid(
            f"is {text!r}; use lowercase letters, digits and hyphens, e.g. {key}: {slugify(text) or 'my-page'}"
        )
    if len(text) > MAX_SLUG:
        raise Invalid(
            f"is {len(text)} characters long; keep it to {MAX_SLUG}, e.g. {key}: {shortened(text, 60)}"
        )
    return text


def _lang(value: object, key: str, context: Context) -> str:
    text = _text(value, key, context)
    if not _LANG.match(text):
        raise Invalid(f"is {text!r}; use a language code such as en, et, lt, lv, nb, ru or sv")
    return text


def _layout(value: object, key: str, context: Context) -> str:
    text = _text(value, key, context)
    if text not in context.layouts:
        hint = did_you_mean(text, sorted(context.layouts))
        raise Invalid(f"layouts/{text}.html does not exist; create it or remove the line.{hint}")
    return text


def _choice(value: str, key: str, allowed: tuple[str, ...], line_key: str) -> str:
    by_key = {choice.casefold(): choice for choice in allowed}
    if value.casefold() in by_key:
        return by_key[value.casefold()]
    hint = did_you_mean(value, list(allowed)) or f" Allowed: {', '.join(allowed)}."
    raise Invalid(f"{value!r} is not one of the values in site.yaml ({key}).{hint}", line_key)


def _event_kind(value: object, key: str, context: Context) -> str:
    return _choice(_text(value, key, context), "event_kinds", context.config.event_kinds, key)


def _doc_types(value: object, key: str, context: Context) -> tuple[str, ...]:
    names = _text_list(value, key, context)
    return tuple(
        _choice(
            name,
            "doc_types",
            context.config.doc_types,
            f"{key}[{i}]" if isinstance(value, list) else key,
        )
        for i, name in enumerate(names)
    )


def _wrong_type(value: object, wanted: str, key: str) -> str:
    if isinstance(value, bool):
        return f'is {value}, not {wanted}; put the value in quotes, e.g. {key}: "{"Yes" if value else "No"}"'
    return f"is a {type(value).__name__}, not {wanted}; write {key}: some text"


CONVERTERS: dict[str, Callable[[object, str, Context], object]] = {
    "text": _text,
    "date": _date,
    "bool": _bool,
    "number": _number,
    "text-list": _text_list,
    "refs": _refs,
    "attachments": _attachments,
    "images": _images,
    "slug": _slug,
    "lang": _lang,
    "layout": _layout,
    "event-kind": _event_kind,
    "doc-types": _doc_types,
}
