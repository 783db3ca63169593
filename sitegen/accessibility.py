"""The accessibility statement: `site.yaml`'s `accessibility:` block, checked, as a typed
record for the statement page, whose sections follow the model statement of Implementing
Decision (EU) 2018/1523 (compliance status, non-accessible content, how the statement was
prepared, feedback and contact, the enforcement procedure)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import ContentError
from .locales import N_

STATUSES = {
    "fully": N_("fully compliant"),
    "partially": N_("partially compliant"),
    "not": N_("not compliant"),
}
# The model statement's three reasons content may be inaccessible, in its order.
REASONS = {
    "non-compliance": N_("Non-compliance with the accessibility regulations"),
    "disproportionate burden": N_("Disproportionate burden"),
    "outside scope": N_("Content outside the scope of the applicable legislation"),
}
REVIEW_EVERY = datetime.timedelta(days=365)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_WEB = re.compile(r"^https?://\S+$")


@dataclass(frozen=True)
class Limitation:
    content: str
    """What is not accessible, as a reader meets it."""
    reason: str
    """One of REASONS."""
    alternative: str = ""
    """How to get the same information another way."""


@dataclass(frozen=True)
class Statement:
    organisation: str
    """Who is committed to the site's accessibility: the body the statement speaks for."""
    legislation: str
    """The law the site is accessible under, as the statement's opening names it."""
    standard: str
    """The standard compliance is measured against, e.g. WCAG 2.2 level AA."""
    status: str
    """One of STATUSES."""
    prepared: datetime.date
    reviewed: datetime.date
    method: str
    """How compliance was assessed: a self-assessment, or by whom."""
    contact: str
    """Where to report a problem or ask for an accessible format: an e-mail or web address."""
    enforcement_body: str
    enforcement_url: str
    reply_within: str = ""
    """How soon a request is answered, e.g. '10 working days'."""
    limitations: tuple[Limitation, ...] = ()
    where: str = ""
    """site.yaml and the block's line, as warnings name them."""

    def view(self) -> dict:
        """What the statement's layout shows: texts, dates as readers read them, and the
        limitations under the model statement's headings, in its order."""
        return {
            "organisation": self.organisation,
            "legislation": self.legislation,
            "standard": self.standard,
            "status": STATUSES[self.status],
            "method": self.method,
            "prepared": _date_view(self.prepared),
            "reviewed": _date_view(self.reviewed),
            "contact": self.contact,
            "contact_href": self.contact_href,
            "reply_within": self.reply_within,
            "enforcement": {"body": self.enforcement_body, "url": self.enforcement_url},
            "limitations": [
                {
                    "heading": heading,
                    "entries": [
                        {"content": limit.content, "alternative": limit.alternative}
                        for limit in self.limitations
                        if limit.reason == reason
                    ],
                }
                for reason, heading in REASONS.items()
                if any(limit.reason == reason for limit in self.limitations)
            ],
        }

    @property
    def contact_href(self) -> str:
        """The contact as a link: its web address, or a mailto: one for an e-mail address."""
        return self.contact if _WEB.match(self.contact) else f"mailto:{self.contact}"

    def review_warning(self, today: datetime.date) -> str | None:
        """The directive asks for a statement reviewed at least once a year."""
        if today - self.reviewed <= REVIEW_EVERY:
            return None
        return (
            f"{self.where}: accessibility.reviewed: the accessibility statement was last "
            f"reviewed on {self.reviewed.isoformat()}, more than a year ago; review it and "
            "set the date of the review"
        )


def _day(value: object) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _date_view(date: datetime.date) -> dict:
    return {"iso": date.isoformat()}


_TEXT_KEYS = ("organisation", "legislation", "standard", "method", "reply_within")
_REQUIRED = (
    "organisation", "legislation", "standard", "status", "prepared", "reviewed", "method",
    "contact", "enforcement",
)  # fmt: skip


def statement(values: object, shown: str, line: int) -> Statement | list[ContentError]:
    """The `accessibility:` block of site.yaml, or every problem with it (at its line)."""

    def problem(key: str, message: str) -> ContentError:
        return ContentError(
            shown, line, f"accessibility.{key}" if key else "accessibility", message
        )

    if not isinstance(values, Mapping):
        return [problem("", "must be a block of settings; see docs/settings.md")]
    errors = [
        problem(key, "is missing; the statement needs it (see docs/settings.md)")
        for key in _REQUIRED
        if key not in values
    ]
    known = {*_REQUIRED, *_TEXT_KEYS, "limitations"}
    errors += [
        problem(str(key), f"is not a setting of the statement; known: {', '.join(sorted(known))}")
        for key in values
        if key not in known
    ]
    for key in _TEXT_KEYS:
        if key in values and not (isinstance(values[key], str) and values[key].strip()):
            errors.append(problem(key, "must be text"))
    if "status" in values and values["status"] not in STATUSES:
        errors.append(problem("status", f"must be one of {', '.join(STATUSES)}"))
    dates = {key: _day(values[key]) for key in ("prepared", "reviewed") if key in values}
    for key, day in dates.items():
        if day is None:
            errors.append(problem(key, f"must be a date, YYYY-MM-DD, e.g. {key}: 2026-11-30"))
    prepared, reviewed = dates.get("prepared"), dates.get("reviewed")
    if prepared and reviewed and reviewed < prepared:
        errors.append(problem("reviewed", f"is before the statement was prepared ({prepared})"))
    contact = values.get("contact")
    if contact is not None and not (
        isinstance(contact, str) and (_EMAIL.match(contact) or _WEB.match(contact))
    ):
        errors.append(problem("contact", "must be an e-mail address or a https:// address"))
    enforcement = values.get("enforcement")
    if enforcement is not None and not (
        isinstance(enforcement, Mapping)
        and isinstance(enforcement.get("body"), str)
        and _WEB.match(str(enforcement.get("url", "")))
    ):
        errors.append(
            problem(
                "enforcement", "must give the body's name and web page: {body: …, url: https://…}"
            )
        )
    limitations, limit_errors = _limitations(values.get("limitations", []), problem)
    errors += limit_errors
    if errors:
        return errors
    return Statement(
        **{key: values[key].strip() for key in _TEXT_KEYS if key in values},
        status=values["status"],
        prepared=dates["prepared"],
        reviewed=dates["reviewed"],
        contact=contact,
        enforcement_body=enforcement["body"],
        enforcement_url=enforcement["url"],
        limitations=limitations,
        where=f"{shown}:{line}",
    )


def _limitations(entries: object, problem) -> tuple[tuple[Limitation, ...], list[ContentError]]:
    if not isinstance(entries, list):
        return (), [problem("limitations", "must be a list of {content: …, reason: …}")]
    found, errors = [], []
    for number, entry in enumerate(entries, 1):
        if (
            not isinstance(entry, Mapping)
            or not isinstance(entry.get("content"), str)
            or entry.get("reason") not in REASONS
            or not isinstance(entry.get("alternative", ""), str)
            or set(entry) - {"content", "reason", "alternative"}
        ):
            errors.append(
                problem(
                    "limitations",
                    f"entry {number} must be {{content: what is not accessible, reason: "
                    f"{' | '.join(REASONS)}, alternative: how to get it otherwise}}",
                )
            )
            continue
        found.append(Limitation(entry["content"], entry["reason"], entry.get("alternative", "")))
    return tuple(found), errors
