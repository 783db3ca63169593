"""Every front-matter field of every content type, declared once.

Validation reads this table to check files; docs/editing.md documents the same fields, and a
test holds the two together. Vocabularies (event kinds, document types) live in site.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL = ("event", "report", "document", "page")


@dataclass(frozen=True)
class Field:
    name: str
    kinds: tuple[str, ...]
    type: str  # text, date, bool, number, text-list, refs, attachments, slug, lang, layout
    help: str
    example: str
    required: bool = False
    # What the field means for one type where it differs from `help`, as (kind, help) pairs.
    help_by_kind: tuple[tuple[str, str], ...] = ()

    def help_for(self, kind: str) -> str:
        return dict(self.help_by_kind).get(kind, self.help)


FIELDS: tuple[Field, ...] = (
    Field("title", ALL, "text", "the title as readers see it", '"Exchange of Information"', True),
    Field(
        "date",
        ALL,
        "date",
        "YYYY, YYYY-MM or YYYY-MM-DD; shown at exactly that precision",
        "2014-05-20",
        True,
        (
            ("event", "the first day, as YYYY, YYYY-MM or YYYY-MM-DD"),
            ("report", "when it was published, as YYYY, YYYY-MM or YYYY-MM-DD"),
            ("document", "the document's date, as YYYY, YYYY-MM or YYYY-MM-DD"),
            ("page", "when it was written or last revised, as YYYY, YYYY-MM or YYYY-MM-DD"),
        ),
    ),
    Field("tags", ALL, "text-list", "keywords, in any language", "[trafficking, inimkaubandus]"),
    Field("summary", ALL, "text", "one or two sentences; else the body's first paragraph", '"…"'),
    Field("lang", ALL, "lang", "language of the item, a BCP 47 code; else the site's", "et"),
    Field("draft", ALL, "bool", "true keeps the item out of the published site", "true"),
    Field(
        "slug",
        ("event", "report", "page"),
        "slug",
        "the last part of the URL; else the file name",
        "ferry-report",
    ),
    Field(
        "related",
        ALL,
        "refs",
        "other items: a document number, or a content path such as reports/ferry-companies",
        "[2427, reports/ferry-companies]",
    ),
    Field(
        "translations",
        ALL,
        "refs",
        "the same item in other languages, as document numbers or content paths",
        "[reports/ferry-companies-et]",
    ),
    Field("layout", ALL, "layout", "a layout in layouts/ to use instead of the type's own", "page"),
    Field("end", ("event",), "date", "last day of a multi-day event", "2014-05-21"),
    Field("location", ("event",), "text", "city and venue", '"Tallinn, Estonia"'),
    Field("organiser", ("event",), "text", "who ran it", '"Nordic Council of Ministers"'),
    Field("kind", ("event",), "event-kind", "one of the event kinds in site.yaml", "conference"),
    Field(
        "reports",
        ("event",),
        "refs",
        "reports that came out of the event, as content paths",
        "[reports/exchange-of-information]",
    ),
    Field(
        "images",
        ("event",),
        "images",
        "a gallery: each a path to a picture beside the Markdown file, with alt text "
        "(required) and a caption",
        "[{path: images/hall.jpg, alt: Speakers on the stage, caption: Opening}]",
    ),
    Field("authors", ("report", "document"), "text-list", "people or bodies", "[Jane Doe]"),
    Field("publisher", ("report", "document"), "text", "who published it", '"UNODC"'),
    Field(
        "files",
        ("report",),
        "attachments",
        "each a path (a file beside the Markdown file, shipped in the repo) or an href, "
        "with a label",
        "[{path: files/report.pdf, label: Full report}]",
    ),
    Field(
        "number",
        ("document",),
        "number",
        "the permanent document number; the URL is /documents/<number>/",
        "2427",
        True,
    ),
    Field(
        "availability",
        ("document",),
        "attachments",
        "where to read it: a path or an href per entry, with a label",
        "[{href: 'https://example.org/study.pdf', label: PDF}]",
    ),
    Field(
        "doc_types",
        ("document",),
        "doc-types",
        "one or more of the document types in site.yaml",
        "[Research/Study/Analysis]",
    ),
    Field("menu", ("page",), "number", "position in the main navigation; else not in it", "2"),
)


def fields_for(kind: str) -> dict[str, Field]:
    return {f.name: f for f in FIELDS if kind in f.kinds}
