"""`site.yaml` into a typed, frozen `SiteConfig`; unknown keys and wrong types are errors."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields
from urllib.parse import urlsplit

from .accessibility import Statement, statement
from .errors import ContentError
from .languages import known_locale, language_tag, primary
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
    languages: tuple[str, ...] = ()
    """The interface languages (BCP 47), the first at the site's root; () for `language`."""
    labels: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    """Not a key of its own: by interface language, the title, the description and the
    label of each event kind and document type, as `title`, `description`, `event_kinds`
    and `doc_types` give them (see `_translated`)."""
    untranslated: tuple[ContentError, ...] = ()
    """Not a key of its own: the texts and labels an interface language lacks. They fail
    the build with the catalogues' and the content's errors, as none stops those checks."""

    @property
    def interface_languages(self) -> tuple[str, ...]:
        return self.languages or (self.language,)

    def text(self, language: str, key: str) -> str:
        """The title or description in an interface language."""
        return str(self.labels.get(language, {}).get(key, getattr(self, key)))

    def label(self, language: str, vocabulary: str, term: str) -> str:
        """An event kind's or a document type's label in an interface language."""
        labels = self.labels.get(language, {}).get(vocabulary, {})
        return labels.get(term, term)  # type: ignore[union-attr]

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
    known = {f.name: f for f in fields(SiteConfig) if f.name not in MADE}
    errors: list[ContentError] = []
    accepted: dict[str, object] = {}
    for key, value in values.items():
        line = key_lines.get(key, 1)
        if key not in known:
            hint = did_you_mean(key, list(known)) or f" Known keys: {', '.join(known)}."
            errors.append(ContentError(shown, line, key, f"is not a site setting.{hint}"))
            continue
        if key in TRANSLATED:
            continue  # read with the languages, below
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
    errors += _languages(values, key_lines, shown, accepted)
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
        return [*errors, *accepted.get("untranslated", ())]
    return SiteConfig(**accepted)  # type: ignore[arg-type]


FULL_URL = re.compile(r"^https?://[^/\s?#]+(/[^\s?#]*)?$")
PATH_ONLY = re.compile(r"^/?[^\s?#:]*$")
LOGO_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif", ".avif")  # what <img> shows


TRANSLATED = ("title", "description", "event_kinds", "doc_types")
MADE = ("labels", "untranslated")  # fields of SiteConfig that are not keys of site.yaml


def _languages(
    values: Mapping[str, object], key_lines: Mapping[str, int], shown: str, accepted: dict
) -> list[ContentError]:
    """Check `languages`, then read the settings readers see in each of them: a text in
    every language (`title: {en: …, et: …}`) and a label for each term in every one but
    the first, where the term is its own label (`conference: {et: konverents, …}`)."""
    errors: list[ContentError] = []
    languages: list[str] = []
    for written in accepted.get("languages", ()):
        try:
            tag = language_tag(written)
        except ValueError as problem:
            errors.append(
                ContentError(shown, key_lines.get("languages", 1), "languages", str(problem))
            )
            continue
        twice = [other for other in languages if primary(other) == primary(tag)]
        if problem := known_locale(tag) or (f"is listed twice (as {twice[0]})" if twice else ""):
            errors.append(
                ContentError(shown, key_lines.get("languages", 1), "languages", f"{tag} {problem}")
            )
        languages.append(tag)
    if errors:
        return errors
    if languages:
        accepted["languages"] = tuple(languages)
    interface = languages or [str(accepted.get("language", "en"))]
    labels: dict[str, dict[str, object]] = {language: {} for language in interface}
    untranslated: list[ContentError] = []
    for key in TRANSLATED:
        if key not in values:
            continue
        line, value = key_lines.get(key, 1), values[key]
        if key in ("title", "description"):
            texts = _texts(key, value, interface, shown, line, errors, untranslated)
            if texts:
                accepted[key] = texts[interface[0]]
                for language, text in texts.items():
                    labels[language][key] = text
        else:
            terms = _terms(key, value, interface, shown, line, errors, untranslated)
            accepted[key] = tuple(terms)
            for language in interface:
                labels[language][key] = {
                    term: own.get(language, term) for term, own in terms.items()
                }
    accepted["labels"] = labels if len(interface) > 1 else {}
    accepted["untranslated"] = tuple(untranslated)
    return errors


def _texts(key, value, languages, shown, line, errors, untranslated) -> dict[str, str]:
    """A setting readers see whole, as text in each interface language; one missing in
    a language but the first stands in for it until it is written."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        if len(languages) == 1:
            return {languages[0]: str(value)}
        value = {languages[0]: str(value)}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        errors.append(
            ContentError(shown, line, key, "must be text, or text by language: {en: …, et: …}")
        )
        return {}
    missing = [language for language in languages if not value.get(language)]
    for language in missing:
        (errors if language == languages[0] else untranslated).append(
            ContentError(
                shown,
                line,
                key,
                f"has no {language} text; add `{language}: …` under it, as each interface language needs one",
            )
        )
    # A text in a language not (or no longer) listed is kept for when it is again.
    if languages[0] in missing:
        return {}
    return {language: value.get(language) or value[languages[0]] for language in languages}


def _terms(key, value, languages, shown, line, errors, untranslated) -> dict[str, dict[str, str]]:
    """A vocabulary: its terms as editors write them, each with its labels by language."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = {term: {} for term in value}
    if not isinstance(value, dict) or not all(
        isinstance(labels, dict | None) and all(isinstance(v, str) for v in (labels or {}).values())
        for labels in value.values()
    ):
        errors.append(
            ContentError(
                shown,
                line,
                key,
                "must be a list of text, or each term with its labels: {conference: {et: konverents}}",
            )
        )
        return {}
    terms = {str(term): dict(labels or {}) for term, labels in value.items()}
    for term, labels in terms.items():
        missing = [language for language in languages[1:] if not labels.get(language)]
        if missing:
            untranslated.append(
                ContentError(
                    shown,
                    line,
                    key,
                    f"'{term}' has no label in {', '.join(missing)}; write it as `{term}: {{{', '.join(f'{m}: …' for m in missing)}}}`",
                )
            )
    return terms


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
