"""One-value fields of front matter: the raw YAML value into checked text, a date, a
number, a slug, a language tag, a layout or a word of site.yaml's vocabularies; or
`Invalid`, saying what is wrong and what to write instead.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from .config import SiteConfig
from .languages import language_tag
from .model import PartialDate, Source
from .text import MAX_SLUG, did_you_mean, shortened, slugify

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


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


def as_text(value: object, key: str, context: Context) -> str:
    """One line of text: a line break in it would split an RIS record, for one."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Invalid(wrong_type(value, "text", key))
    text = " ".join(str(value).split())
    if not text:
        raise Invalid("is empty; give a value or remove the line")
    return text


def as_date(value: object, key: str, context: Context) -> PartialDate:
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


def as_bool(value: object, key: str, context: Context) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"is {value!r}; write {key}: true or {key}: false")
    return value


def as_number(value: object, key: str, context: Context) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise Invalid(f"is {value!r}; write a whole number above 0, e.g. {key}: 2427")
    return value


def as_slug(value: object, key: str, context: Context) -> str:
    text = as_text(value, key, context)
    if not _SLUG.match(text):
        raise Invalid(
            f"is {text!r}; use lowercase letters, digits and hyphens, e.g. {key}: {slugify(text) or 'my-page'}"
        )
    if len(text) > MAX_SLUG:
        raise Invalid(
            f"is {len(text)} characters long; keep it to {MAX_SLUG}, e.g. {key}: {shortened(text, 60)}"
        )
    return text


def as_language(value: object, key: str, context: Context) -> str:
    try:
        return language_tag(as_text(value, key, context))
    except ValueError as problem:
        raise Invalid(str(problem)) from None


def as_layout(value: object, key: str, context: Context) -> str:
    text = as_text(value, key, context)
    if text not in context.layouts:
        hint = did_you_mean(text, sorted(context.layouts))
        raise Invalid(f"layouts/{text}.html does not exist; create it or remove the line.{hint}")
    return text


def choice(value: str, key: str, allowed: tuple[str, ...], line_key: str) -> str:
    by_key = {choice.casefold(): choice for choice in allowed}
    if value.casefold() in by_key:
        return by_key[value.casefold()]
    hint = did_you_mean(value, list(allowed)) or f" Allowed: {', '.join(allowed)}."
    raise Invalid(f"{value!r} is not one of the values in site.yaml ({key}).{hint}", line_key)


def as_event_kind(value: object, key: str, context: Context) -> str:
    return choice(as_text(value, key, context), "event_kinds", context.config.event_kinds, key)


def wrong_type(value: object, wanted: str, key: str) -> str:
    if isinstance(value, bool):
        return f'is {value}, not {wanted}; put the value in quotes, e.g. {key}: "{"Yes" if value else "No"}"'
    return f"is a {type(value).__name__}, not {wanted}; write {key}: some text"
