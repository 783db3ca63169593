"""Sources into Items, or into every error an editor can act on.

`validate_source` looks at one file alone (so its result can be cached by content);
problems that need the whole site (duplicate numbers, dangling references, URL clashes)
are found by `catalog` and `plan`. How each field's value is checked is in `converters`
(one value) and `list_fields` (lists).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Collection, Mapping

from . import converters, list_fields
from .config import SiteConfig
from .converters import Context, Invalid
from .errors import ContentError
from .model import FileReferences, Item, PartialDate, Source
from .schema import FIELDS, fields_for
from .text import MAX_SLUG, did_you_mean, shortened, slugify

_KIND_FOLDERS = {"event": "events", "report": "reports", "document": "documents", "page": "pages"}


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


def references_of(source: Source) -> FileReferences:
    """The references a file gives that can be read, for a file that failed validation:
    checked all the same, so that a dangling one is not reported only after a fix."""
    schema = fields_for(source.kind)
    found = []
    for key, raw in source.front_matter.items():
        if key in schema and schema[key].type == "refs" and raw is not None:
            try:
                found.append((key, list_fields.references_in(raw, key, source)))
            except Invalid:
                continue  # the field's own error is reported by `validate_source`
    return FileReferences(posixpath.splitext(source.path)[0], source.shown_path, tuple(found))


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


CONVERTERS: dict[str, Callable[[object, str, Context], object]] = {
    "text": converters.as_text,
    "date": converters.as_date,
    "bool": converters.as_bool,
    "number": converters.as_number,
    "text-list": list_fields.as_text_list,
    "refs": list_fields.as_refs,
    "attachments": list_fields.as_attachments,
    "images": list_fields.as_images,
    "slug": converters.as_slug,
    "lang": converters.as_language,
    "layout": converters.as_layout,
    "event-kind": converters.as_event_kind,
    "doc-types": list_fields.as_doc_types,
}
