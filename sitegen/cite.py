"""One bibliographic record per report and document, written in every format readers and
their tools use: Highwire and Dublin Core meta tags, schema.org JSON-LD, BibTeX and RIS.

`citation()` gathers the facts once; each writer below only formats them, so the formats
cannot disagree about a title, an author or a date.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .config import SiteConfig
from .model import Item, PartialDate, SitePlan

_ORGANISATION_WORDS = re.compile(
    r"\b(council|office|ministry|ministers?|nations|organi[sz]ation|agency|centre|center|"
    r"university|institute|association|foundation|union|commission|committee|department|"
    r"police|government|network|programme|program|secretariat|ngo|task force|parliament|"
    r"uudised|news|norden|strada|red cross|unodc|iom|osce|eu)\b",
    re.IGNORECASE,
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True)
class Name:
    """A person (family and given names) or a body, whose name is kept whole."""

    text: str
    family: str = ""
    given: str = ""

    @property
    def is_person(self) -> bool:
        return bool(self.family)

    @property
    def inverted(self) -> str:
        """'Doe, Jane' for people, the name as written for bodies."""
        return f"{self.family}, {self.given}" if self.given else self.family or self.text


def parse_name(text: str) -> Name:
    """'Doe, Jane' and 'Jane Doe' are people; a name with words such as 'Council' or
    'Office', a parenthesis, or more than four words is a body."""
    if "," in text:
        family, given = (part.strip() for part in text.split(",", 1))
        return Name(text, family, given)
    words = text.split()
    if (
        2 <= len(words) <= 4
        and not _ORGANISATION_WORDS.search(text)
        and all(w[:1].isupper() or w in ("van", "von", "de", "der", "af") for w in words)
        and not re.search(r"[()'’&\d]", text)
    ):
        return Name(text, words[-1], " ".join(words[:-1]))
    return Name(text)


@dataclass(frozen=True)
class Citation:
    key: str  # BibTeX key: doc2427, ferry-companies-2016
    kind: str  # report or document
    title: str
    names: tuple[Name, ...]  # authors, else the publisher as author
    date: PartialDate
    publisher: str
    url: str  # the item's page, absolute
    pdf_url: str  # the first PDF, absolute, or ""
    number: int | None
    doc_types: tuple[str, ...]
    keywords: tuple[str, ...]
    abstract: str
    language: str


def citation(item: Item, abstract: str, config: SiteConfig, plan: SitePlan) -> Citation:
    names = tuple(parse_name(a) for a in item.authors)
    return Citation(
        key=f"doc{item.number}" if item.number else f"{item.slug}-{item.date.year}",
        kind=item.kind,
        title=item.title,
        names=names or ((Name(item.publisher),) if item.publisher else ()),
        date=item.date,
        publisher=item.publisher,
        url=config.absolute(plan.canonical_urls[item.key]),
        pdf_url=_pdf_url(item, config, plan),
        number=item.number,
        doc_types=item.doc_types,
        keywords=item.tags,
        abstract=abstract,
        language=item.lang or config.language,
    )


def _pdf_url(item: Item, config: SiteConfig, plan: SitePlan) -> str:
    for attachment in item.files:
        if attachment.path and attachment.media_type == "application/pdf":
            return config.absolute(plan.attachment_urls[attachment.path])
        if attachment.href and attachment.href.lower().split("?")[0].endswith(".pdf"):
            return attachment.href
    return ""


def reference_text(cite: Citation) -> str:
    """A plain reference to copy: 'Doe, J.; UNODC (2010). Title. Publisher. Document no. 1. URL'."""
    authors = "; ".join(name.inverted for name in cite.names)
    parts = [
        f"{authors} ({cite.date.year})." if authors else f"({cite.date.year}).",
        f"{cite.title}.",
    ]
    if cite.publisher and cite.names != (Name(cite.publisher),):
        parts.append(f"{cite.publisher}.")
    if cite.number:
        parts.append(f"Document no. {cite.number}.")
    parts.append(cite.url)
    return " ".join(parts)


def meta_tags(cite: Citation) -> list[tuple[str, str]]:
    """Highwire Press tags (read by Google Scholar, Zotero and Mendeley), then Dublin Core."""
    tags = [("citation_title", cite.title)]
    tags += [("citation_author", name.inverted) for name in cite.names]
    tags.append(("citation_publication_date", cite.date.iso.replace("-", "/")))
    if cite.publisher:
        tags.append(("citation_publisher", cite.publisher))
        if cite.kind == "report":
            tags.append(("citation_technical_report_institution", cite.publisher))
    if cite.number:
        tags.append(("citation_technical_report_number", str(cite.number)))
    if cite.pdf_url:
        tags.append(("citation_pdf_url", cite.pdf_url))
    tags.append(("citation_abstract_html_url", cite.url))
    tags.append(("citation_language", cite.language))
    if cite.keywords:
        tags.append(("citation_keywords", "; ".join(cite.keywords)))
    tags += [("DC.title", cite.title)]
    tags += [("DC.creator", name.inverted) for name in cite.names]
    tags.append(("DC.date", cite.date.iso))
    if cite.publisher:
        tags.append(("DC.publisher", cite.publisher))
    tags += [("DC.type", t) for t in cite.doc_types or ("Report",)]
    tags.append(("DC.identifier", cite.url))
    tags.append(("DC.language", cite.language))
    tags += [("DC.subject", k) for k in cite.keywords]
    if cite.abstract:
        tags.append(("DC.description", cite.abstract))
    return tags


def json_ld(data: dict) -> str:
    """JSON for a `<script type="application/ld+json">`; '<' is escaped so no text in it
    can close the script element."""
    return json.dumps(data, ensure_ascii=False, indent=1).replace("<", "\\u003c")


def work_data(cite: Citation, site_name: str) -> dict:
    """schema.org: a `Report` for the programme's reports, a `CreativeWork` for documents."""
    data = {
        "@context": "https://schema.org",
        "@type": "Report" if cite.kind == "report" else "CreativeWork",
        "@id": cite.url,
        "url": cite.url,
        "name": cite.title,
        "headline": cite.title[:110],
        "datePublished": cite.date.iso,
        "inLanguage": cite.language,
        "author": [_agent(name) for name in cite.names],
        "isPartOf": {"@type": "WebSite", "name": site_name},
    }
    if cite.publisher:
        data["publisher"] = {"@type": "Organization", "name": cite.publisher}
    if cite.number:
        data["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "Document number",
            "value": str(cite.number),
        }
    if cite.doc_types:
        data["genre"] = list(cite.doc_types)
    if cite.keywords:
        data["keywords"] = list(cite.keywords)
    if cite.abstract:
        data["abstract"] = cite.abstract
    if cite.pdf_url:
        data["encoding"] = {
            "@type": "MediaObject",
            "contentUrl": cite.pdf_url,
            "encodingFormat": "application/pdf",
        }
    return data


def event_data(
    item: Item, url: str, description: str, images: list[str], site_language: str
) -> dict:
    """schema.org `Event`: name, dates at their precision, place and organiser."""
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": url,
        "url": url,
        "name": item.title,
        "startDate": item.date.iso,
        "endDate": (item.end or item.date).iso,
        "eventStatus": "https://schema.org/EventScheduled",
        "inLanguage": item.lang or site_language,
    }
    if item.location:
        data["location"] = {"@type": "Place", "name": item.location, "address": item.location}
    if item.organiser:
        data["organizer"] = {"@type": "Organization", "name": item.organiser}
    if description:
        data["description"] = description
    if item.tags:
        data["keywords"] = list(item.tags)
    if images:
        data["image"] = images
    return data


def _agent(name: Name) -> dict:
    if name.is_person:
        return {
            "@type": "Person",
            "name": f"{name.given} {name.family}".strip(),
            "familyName": name.family,
            "givenName": name.given,
        }
    return {"@type": "Organization", "name": name.text}


def bibtex(cite: Citation) -> str:
    """A BibTeX entry in UTF-8 (biblatex and BibTeX with a UTF-8 setup read it as is)."""
    entry_type = {"report": "techreport", "manual": "manual"}.get(_genre(cite), "misc")
    text: list[tuple[str, str]] = []  # plain values, escaped below
    if cite.publisher:
        text.append(("institution" if entry_type == "techreport" else "publisher", cite.publisher))
    if cite.number:
        text += [("number", str(cite.number)), ("note", f"Document no. {cite.number}")]
    if cite.doc_types:
        text.append(("type", ", ".join(cite.doc_types)))
    text += [("url", cite.url), ("file", cite.pdf_url), ("language", cite.language)]
    text += [("keywords", ", ".join(cite.keywords)), ("abstract", cite.abstract)]
    fields = [("title", "{{" + _braced(cite.title) + "}}")]  # inner braces keep capitals
    if cite.names:
        fields.append(("author", "{" + " and ".join(_bibtex_name(n) for n in cite.names) + "}"))
    fields.append(("year", str(cite.date.year)))
    if cite.date.month:
        fields.append(("month", _MONTHS[cite.date.month - 1]))  # a macro, not in braces
    fields.append(("date", "{" + cite.date.iso + "}"))
    fields += [(name, "{" + _braced(value) + "}") for name, value in text if value]
    body = "".join(f"  {name} = {value},\n" for name, value in fields)
    return f"@{entry_type}{{{cite.key},\n{body}}}\n"


def _genre(cite: Citation) -> str:
    """report, manual, law, article or other: what BibTeX and RIS each have a type for."""
    if cite.kind == "report":
        return "report"
    lowered = " ".join(cite.doc_types).casefold()
    for genre, words in (
        ("manual", ("manual", "guideline")),
        ("report", ("report", "research", "study")),
        ("law", ("law",)),
        ("article", ("article",)),
    ):
        if any(word in lowered for word in words):
            return genre
    return "other"


def _bibtex_name(name: Name) -> str:
    return _braced(name.inverted) if name.is_person else "{" + _braced(name.text) + "}"


def _braced(text: str) -> str:
    """Balance braces so a stray one cannot end the field; escape what TeX treats as code."""
    if "{" in text or "}" in text:
        depth = 0
        kept = []
        for char in text:
            if char == "}" and depth == 0:
                continue
            depth += {"{": 1, "}": -1}.get(char, 0)
            kept.append(char)
        text = "".join(kept) + "}" * depth
    text = text.replace("\\", "\\textbackslash{}")
    for char in "&%$#_":
        text = text.replace(char, "\\" + char)
    return text.replace("~", "\\textasciitilde{}").replace("^", "\\textasciicircum{}")


def ris(cite: Citation) -> str:
    """An RIS record (EndNote, Zotero, Mendeley, RefWorks), CRLF line ends as the format says."""
    kind = {"report": "RPRT", "law": "STAT", "article": "JOUR"}.get(_genre(cite), "GEN")
    lines = [("TY", kind), ("TI", cite.title)]
    lines += [("AU", name.inverted) for name in cite.names]
    lines.append(("PY", str(cite.date.year)))
    lines.append(("DA", _ris_date(cite.date)))
    if cite.publisher:
        lines.append(("PB", cite.publisher))
    if cite.number:
        lines.append(("AN", str(cite.number)))
        lines.append(("M1", f"Document no. {cite.number}"))
    lines.append(("UR", cite.url))
    if cite.pdf_url:
        lines.append(("L1", cite.pdf_url))
    lines.append(("LA", cite.language))
    lines += [("KW", keyword) for keyword in cite.keywords]
    if cite.abstract:
        lines.append(("AB", " ".join(cite.abstract.split())))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines)


def _ris_date(date: PartialDate) -> str:
    """RIS dates are YYYY/MM/DD/ with unknown parts left empty: 2014/05//."""
    month = f"{date.month:02d}" if date.month else ""
    day = f"{date.day:02d}" if date.day else ""
    return f"{date.year:04d}/{month}/{day}/"
