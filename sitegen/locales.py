"""The interface in each of the site's languages: gettext catalogues read with Babel,
and dates, numbers and language names from CLDR.

The layouts are written in English. Each other interface language has a catalogue,
`locales/<language>/LC_MESSAGES/messages.po`, which a translator edits with ordinary
tools (`make messages` adds new strings to it). A build knows which strings the layouts
and the package use by extracting them as `pybabel extract` does, so a string a
catalogue lacks is an error before any page is rendered, not an English word on a page.
"""

from __future__ import annotations

import datetime
import functools
import gettext
import hashlib
import html
import io
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.core import get_global
from babel.dates import format_date, format_interval, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal

from .errors import ContentError, display_path
from .languages import primary

SOURCE_LANGUAGE = "en"  # the language the layouts' strings are written in
CATALOGUE = "LC_MESSAGES/messages.po"  # inside locales/<language>/, as pybabel writes it
# What marks a string for translation in a layout: gettext's names, as Jinja's i18n has them.
LAYOUT_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "plurals": (1, 2)}
JINJA_OPTIONS = {"trimmed": "true"}  # {% trans %} blocks as the environment reads them


MARKED: dict[str, str] = {}  # what the package marks with N_, by string: its module


def N_(message: str) -> str:
    """Mark `message` as interface text that a layout translates (gettext's convention).
    Call it at a module's top level only, where importing the module registers the
    string for `wanted_messages`; `pybabel extract -k N_` finds it too."""
    MARKED.setdefault(message, sys._getframe(1).f_globals.get("__name__", "sitegen"))
    return message


@dataclass(frozen=True)
class Wanted:
    """One string the interface shows, and the first place that asks for it."""

    message: str | tuple[str, str]  # a plural's is (singular, plural)
    where: str  # "layouts/_macros.html line 12"


LayoutMessages = dict[bytes, tuple]  # a layout's text hash -> its strings, by line


def wanted_messages(layouts_dir: Path, known: LayoutMessages | None = None) -> list[Wanted]:
    """Every string the layouts and the package mark for translation, once each.
    `known` has what the last build found in each layout, by its text, and is left
    holding what this one found: parsing every layout costs a fresh process a quarter
    of a second."""
    found: dict[object, Wanted] = {}
    now: LayoutMessages = {}
    for path in sorted(layouts_dir.glob("*.html")):
        shown, text = display_path(path, Path.cwd()), path.read_bytes()
        text_hash = hashlib.blake2b(text, digest_size=16).digest()
        messages = (known or {}).get(text_hash) or _layout_messages(text)
        now[text_hash] = messages
        for line, message in messages:
            found.setdefault(message, Wanted(message, f"{shown} line {line}"))
    if known is not None:
        known.clear()
        known.update(now)
    for message, module in MARKED.items():
        found.setdefault(message, Wanted(message, module.replace(".", "/") + ".py"))
    return list(found.values())


@functools.lru_cache(maxsize=256)
def _layout_messages(text: bytes) -> tuple[tuple[int, str | tuple[str, str]], ...]:
    """The strings one layout marks, by line: kept by text, as a rebuild reads the same
    layouts again and parsing them all would cost more than a small rebuild."""
    from jinja2.ext import babel_extract

    found = babel_extract(io.BytesIO(text), LAYOUT_KEYWORDS, [], JINJA_OPTIONS)
    literal = []
    for line, function, message, _ in found:  # `_(file.type)` names none: the package does
        strings = (message,) if isinstance(message, str | None) else tuple(message)
        wanted = strings[:2] if LAYOUT_KEYWORDS[function] else strings[:1]
        if all(isinstance(text, str) for text in wanted):  # literal strings, not variables
            literal.append((line, wanted[0] if len(wanted) == 1 else (wanted[0], wanted[1])))
    return tuple(literal)


# The titles Python-Markdown gives heading anchors and footnote back-links. A body is
# rendered once, in English, for every interface language: `localise_titles` puts the
# reader's in, marked with its `lang` inside a body in another.
PERMALINK_TITLE = N_("Link to this section")
BACKLINK_TITLE = N_("Back to the text of note %(number)s")
_NOTE_NUMBER = re.escape(BACKLINK_TITLE).replace(re.escape("%(number)s"), r"(\d+)")
_TITLES = re.compile(f' title="(?:({re.escape(PERMALINK_TITLE)})|{_NOTE_NUMBER})"')


def localise_titles(body: str, gettext, lang: str = "") -> str:
    marked = f' lang="{html.escape(lang)}"' if lang else ""

    def title(match: re.Match) -> str:
        text = gettext(PERMALINK_TITLE) if match[1] else gettext(BACKLINK_TITLE)
        text = text % {"number": match[2]} if match[2] else text
        return f' title="{html.escape(text)}"{marked}'

    return _TITLES.sub(title, body)


@dataclass(frozen=True, eq=False)
class Interface:
    """One interface language: its tag, its folder on the site and its translations."""

    language: str  # BCP 47: "en-GB", "et"
    prefix: str  # "" for the first language, at the site's root; "et/" for the others
    translations: gettext.NullTranslations
    digest: bytes  # of the catalogue, so pages are rendered again when it changes

    @functools.cached_property
    def locale(self) -> Locale:
        return Locale.parse(self.language, sep="-")

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.translations.ngettext(singular, plural, count)

    def plurals(self, singular: str, plural: str) -> dict[str, str]:
        """A plural's translation in each of the language's CLDR categories (one, few,
        other…), for a script to choose from with `Intl.PluralRules`."""
        rule, forms = self.locale.plural_form, {}
        for number in range(200):  # every category has a number below 200
            forms.setdefault(rule(number), self.ngettext(singular, plural, number))
        return forms

    def autonym(self) -> str:
        """The language's name in itself, as a switcher offers it: 'English', 'Eesti'."""
        return capital(self.locale.get_language_name(self.locale) or self.language)

    def language_name(self, code: str) -> str:
        """A language's name in this one, as a sentence uses it: 'Estonian', 'eesti'."""
        return self.locale.languages.get(primary(code)) or code

    def date(self, iso: str) -> str:
        """'2014', 'May 2014', '20 May 2014' in this language: never more precise than
        the source."""
        day, skeleton = _parsed(iso)
        if skeleton == "y":
            return str(day.year)
        if skeleton == "yMMMM":
            if pattern := MONTH_PATTERNS.get(self.locale.language):
                return format_date(day, pattern, locale=self.locale)
            return format_skeleton(skeleton, day, locale=self.locale)
        return format_date(day, "long", locale=self.locale)

    def date_range(self, start: str, end: str = "") -> str:
        """'20–21 May 2014', '2014–2015': the same precision at both ends as written."""
        if not end or end == start:
            return self.date(start)
        (first, precision), (last, end_precision) = _parsed(start), _parsed(end)
        if precision != end_precision:
            return f"{self.date(start)} \u2013 {self.date(end)}"
        formats = self.locale.interval_formats
        if precision == "yMMMMd" and precision not in formats and "yMMMd" in formats:
            # CLDR's nearest has abbreviated months: widened, as UTS #35 asks of a match
            differ = "y" if first.year != last.year else "M" if first.month != last.month else "d"
            parts = formats["yMMMd"].get(differ)
            if parts:
                return "".join(
                    format_date(day, _widened(part), locale=self.locale)
                    for day, part in zip((first, last), parts, strict=True)
                )
        return format_interval(first, last, precision, locale=self.locale)

    def decimal(self, number: float, digits: int) -> str:
        return format_decimal(round(number, digits), f"#,##0.{'0' * digits}", locale=self.locale)


# Where CLDR's month-and-year pattern is wrong. Latvian's has a full stop after the word
# "gada" ("2014. gada. maijs"), which only its abbreviation "g." takes; CLDR's own
# ranges of months write "2014. gada maijs – jūnijs".
MONTH_PATTERNS = {"lv": "y. 'gada' MMMM"}


def _widened(pattern: str) -> str:
    """A date pattern with abbreviated months made whole ('d MMM y' -> 'd MMMM y'), but
    for quoted literals."""
    pieces = pattern.split("'")
    for n in range(0, len(pieces), 2):  # the even pieces are outside quotes
        pieces[n] = re.sub(r"(?<![ML])(MMM|LLL)(?![ML])", lambda m: m[1] + m[1][0], pieces[n])
    return "'".join(pieces)


def capital(text: str) -> str:
    """'eesti keeles' -> 'Eesti keeles', for a text that starts a sentence or a label."""
    return text[:1].upper() + text[1:]


def _parsed(iso: str) -> tuple[datetime.date, str]:
    """'2014-05' -> (1 May 2014, the skeleton of a month's precision)."""
    parts = [int(part) for part in iso.split("-")]
    skeleton = ("y", "yMMMM", "yMMMMd")[len(parts) - 1]
    return datetime.date(*parts, *[1] * (3 - len(parts))), skeleton


@dataclass(frozen=True, eq=False)
class Interfaces:
    """Every interface language of the site, the first being the default."""

    by_language: Mapping[str, Interface]

    @property
    def default(self) -> Interface:
        return next(iter(self.by_language.values()))

    def __iter__(self):
        return iter(self.by_language.values())

    def __getitem__(self, language: str) -> Interface:
        return self.by_language[language]

    @property
    def digest(self) -> bytes:
        return b"".join(i.language.encode() + i.digest for i in self)

    def __eq__(self, other: object) -> bool:  # the same catalogues, read again or not
        return isinstance(other, Interfaces) and other.digest == self.digest

    __hash__ = None  # type: ignore[assignment]


def url_prefix(language: str, first: bool) -> str:
    return "" if first else f"{language.lower()}/"


def canonical_prefix(language: str, interface_languages: Sequence[str]) -> str:
    """The folder of the interface language a text in `language` is canonical in: its
    own when it is one ('en' matches 'en-GB'), else the first language's ("")."""
    for position, interface in enumerate(interface_languages):
        if primary(interface) == primary(language):
            return url_prefix(interface, position == 0)
    return ""


def og_locale(code: str) -> str:
    """'en-GB' -> 'en_GB', 'et' -> 'et_EE': Open Graph's language_TERRITORY, with the
    territory CLDR finds likely where the tag names none."""
    locale = Locale.parse(code.replace("-", "_"))
    if locale.territory is None:
        likely = get_global("likely_subtags").get(locale.language)
        locale = Locale.parse(likely) if likely else locale
    return f"{locale.language}_{locale.territory}" if locale.territory else locale.language


def catalogue_path(locales_dir: Path, language: str) -> Path:
    """locales/et/LC_MESSAGES/messages.po; a region is written as gettext writes it: en_GB."""
    return locales_dir / language.replace("-", "_") / CATALOGUE


def load_interfaces(
    locales_dir: Path,
    languages: Sequence[str],
    layouts_dir: Path,
    known: LayoutMessages | None = None,
) -> Interfaces | list[ContentError]:
    """Each language's catalogue, checked to translate every string the layouts in
    `layouts_dir` and the package ask for (`known`: see `wanted_messages`); an English
    interface needs none, as the layouts are written in it."""
    wanted = wanted_messages(layouts_dir, known)
    errors: list[ContentError] = []
    found: dict[str, Interface] = {}
    for position, language in enumerate(languages):
        path = catalogue_path(locales_dir, language)
        shown = display_path(path, Path.cwd())
        prefix = url_prefix(language, position == 0)
        if not path.is_file():
            if primary(language) == SOURCE_LANGUAGE:
                found[language] = Interface(language, prefix, gettext.NullTranslations(), b"")
                continue
            message = (
                f"does not exist, and {language} is an interface language in `languages`; "
                f"make it with `make messages LANGUAGE={language}` and translate its strings"
            )
            errors.append(ContentError(shown, 0, "", message))
            continue
        data = path.read_bytes()
        try:
            catalogue = read_po(
                io.BytesIO(data), locale=language.replace("-", "_"), abort_invalid=True
            )
        except (PoFileError, ValueError, UnicodeDecodeError) as problem:
            errors.append(ContentError(shown, 0, "", f"cannot be read: {problem}"))
            continue
        errors += untranslated(catalogue, wanted, shown, language)
        errors += [  # Babel's checks: placeholders and plural forms the pages can fill in
            ContentError(
                shown,
                message.lineno,
                "",
                f'"{_source(message.id)}": {problem} in its {language} translation; '
                "write it with the placeholders of the English",
            )
            for message, problems in catalogue.check()
            for problem in problems
        ]
        compiled = io.BytesIO()
        write_mo(compiled, catalogue)
        compiled.seek(0)
        digest = hashlib.blake2b(data, digest_size=16).digest()
        found[language] = Interface(language, prefix, gettext.GNUTranslations(compiled), digest)
    return errors or Interfaces(found)


def _source(message_id: str | tuple[str, ...]) -> str:
    """A message's English, its singular form if it has plurals."""
    return message_id if isinstance(message_id, str) else message_id[0]


def untranslated(
    catalogue, wanted: Iterable[Wanted], shown: str, language: str
) -> list[ContentError]:
    """An error for each string the interface shows that `catalogue` leaves untranslated:
    missing, empty (in any plural form) or marked fuzzy."""
    errors = []
    for entry in wanted:
        message = catalogue.get(entry.message)
        strings = () if message is None else message.string
        strings = (strings,) if isinstance(strings, str) else strings
        if message is not None and all(strings) and not message.fuzzy:
            continue
        text = _source(entry.message)
        state = (
            "is not in the catalogue"
            if message is None
            else "is marked fuzzy"
            if message.fuzzy and all(strings)
            else "has no translation"
        )
        errors.append(
            ContentError(
                shown,
                message.lineno if message is not None else 0,
                "",
                f'"{text}" ({entry.where}) {state}: translate it into {language}'
                + ("" if message is not None else " (`make messages` adds it)"),
            )
        )
    return errors
