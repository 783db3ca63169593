"""`site.yaml` into a typed, frozen `SiteConfig`; unknown keys and wrong types are errors."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields
from urllib.parse import urlsplit

from .accessibility import Statement, statement
from .errors import ContentError
from .languages import language_tag
from .text import did_you_mean


@dataclass(frozen=True)
class SiteConfig:
    title: str
    """The site's name, in the header, the window title and feeds."""
    description: str = ""
    """One or two sentences about the site, for search engines and the home page."""
    language: str = "en"
    """The default language of items (BCP 47), in `<html lang>`."""
    base_url: str = "https://example.org/"
    """The full URL the site is published at; links use its path, feeds and citations all of it."""
    page_size: int = 20
    """Items per page on type lists and tag pages."""
    home_latest: int = 5
    """How many of the newest events, reports and documents the home page shows."""
    home_intro: str = ""
    """Content path of the page whose summary opens the home page (`pages/programme`)."""
    toc_min_headings: int = 3
    """Pages with at least this many headings get a table of contents."""
    event_kinds: tuple[str, ...] = ()
    """The values allowed in an event's `kind`."""
    doc_types: tuple[str, ...] = ()
    """The values allowed in a document's `doc_types`."""
    feed_size: int = 50
    """How many of the newest items each Atom feed lists."""
    accessibility: Statement | None = None
    """The accessibility statement, a block of its own (see `accessibility.statement`)."""
    logo: str = ""
    """An image in assets/ shown in the header beside the title (`assets/logo.svg`)."""

    @property
    def logo_asset(self) -> str:
        """The logo's name inside assets/, as `asset()` in a layout takes it; '' for none."""
        return self.logo.removeprefix("assets/")

    @property
    def base_path(self) -> str:
        """The path prefix of every internal link, always with leading and trailing '/'."""
        return url_path(self.base_url)

    @property
    def site_url(self) -> str:
        """The site's root as a full URL, ending in '/'."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}{self.base_path}"

    def absolute(self, path: str = "") -> str:
        """A path relative to the site root as a full URL."""
        return self.site_url + path.lstrip("/")


@dataclass(frozen=True)
class SiteLines:
    """Where site.yaml is, as messages name it, and the line of each of its keys: for the
    settings that can only be checked once the content is read (content paths)."""

    shown: str
    lines: Mapping[str, int]

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


def url_path(base_url: str) -> str:
    """`https://example.org/docs` -> `/docs/`; `/` stays `/`."""
    path = urlsplit(base_url).path.strip("/")
    return f"/{path}/" if path else "/"


def site_config(
    values: Mapping[str, object],
    key_lines: Mapping[str, int],
    shown: str,
    base_url: str | None = None,
) -> SiteConfig | list[ContentError]:
    """Check every key of site.yaml against `SiteConfig`; `base_url` overrides the file's."""
    known = {f.name: f for f in fields(SiteConfig)}
    errors: list[ContentError] = []
    accepted: dict[str, object] = {}
    for key, value in values.items():
        line = key_lines.get(key, 1)
        if key not in known:
            hint = did_you_mean(key, list(known)) or f" Known keys: {', '.join(known)}."
            errors.append(ContentError(shown, line, key, f"is not a site setting.{hint}"))
            continue
        if key == "accessibility":
            checked = statement(value, shown, line)
            errors += checked if isinstance(checked, list) else []
            accepted[key] = None if isinstance(checked, list) else checked
            continue
        expected = known[key].type
        if (
            expected == "str"
            and isinstance(value, str | int | float)
            and not isinstance(value, bool)
        ):
            accepted[key] = str(value)
        elif (
            expected == "int"
            and isinstance(value, int)
            and not isinstance(value, bool)
            and value > 0
        ):
            accepted[key] = value
        elif (
            expected == "tuple[str, ...]"
            and isinstance(value, list)
            and all(isinstance(v, str) for v in value)
        ):
            accepted[key] = tuple(value)
        else:
            wanted = {
                "str": "text",
                "int": "a whole number above 0",
                "tuple[str, ...]": "a list of text",
            }
            errors.append(ContentError(shown, line, key, f"must be {wanted[expected]}"))
    if "language" in accepted:
        try:
            accepted["language"] = language_tag(str(accepted["language"]))
        except ValueError as problem:
            errors.append(
                ContentError(shown, key_lines.get("language", 1), "language", str(problem))
            )
    if accepted.get("logo") and (problem := _logo_problem(str(accepted["logo"]))):
        errors.append(ContentError(shown, key_lines.get("logo", 1), "logo", problem))
    if "title" not in values:
        errors.append(ContentError(shown, 1, "title", "is missing; add 'title: Name of the site'"))
    base = str(accepted.get("base_url", ""))
    if not FULL_URL.match(base):
        errors.append(
            ContentError(
                shown,
                key_lines.get("base_url", 1),
                "base_url",
                "must be the full URL the site is published at, such as "
                "https://example.org/centre/; feeds, the sitemap and citations need it",
            )
        )
    elif base_url is not None:
        accepted["base_url"] = _override(base, base_url)
    if errors:
        return errors
    return SiteConfig(**accepted)  # type: ignore[arg-type]


FULL_URL = re.compile(r"^https?://[^/\s?#]+(/[^\s?#]*)?$")
PATH_ONLY = re.compile(r"^/?[^\s?#:]*$")
LOGO_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif", ".avif")  # what <img> shows


def _logo_problem(logo: str) -> str:
    """What is wrong with the form of `logo`, which must name an image inside assets/ (the
    only files a build publishes besides content); '' when nothing is."""
    folder, _, name = logo.partition("/")
    if folder != "assets" or any(part in ("", ".", "..") for part in name.split("/")):
        return (
            f"must be the path of an image inside the assets folder, such as "
            f"assets/logo.svg; {logo} is not inside it"
        )
    if not name.lower().endswith(LOGO_SUFFIXES):
        return f"must be an image file ({', '.join(LOGO_SUFFIXES)}); {logo} is not one"
    return ""


def logo_errors(
    config: SiteConfig, where: SiteLines, assets: Collection[str]
) -> list[ContentError]:
    """A `logo` that names no file of assets/: only known once the assets are read."""
    if not config.logo or config.logo_asset in assets:
        return []
    images = [name for name in sorted(assets) if name.lower().endswith(LOGO_SUFFIXES)]
    message = (
        f"{config.logo} does not exist: there is no {config.logo_asset} in the assets folder; "
        f"put the image there or correct the path.{did_you_mean(config.logo_asset, images)}"
    )
    return [ContentError(where.shown, where.line_of("logo"), "logo", message)]


def _override(configured: str, given: str) -> str:
    """`--base-url`: a full URL replaces the setting; a path keeps the setting's host."""
    if FULL_URL.match(given):
        return given
    parts = urlsplit(configured)
    return f"{parts.scheme}://{parts.netloc}{url_path(given)}"
