"""Language tags (BCP 47): the one check of site.yaml's `language` and `languages` and of
every item's `lang`. The names readers see come from CLDR (`locales`); the names here
only help an editor who wrote `English` find the code.

A tag goes into `<html lang>`, feeds and citations, where `English` or `en_GB` means
nothing to a browser or a screen reader; so a tag must have RFC 5646's shape.
"""

from __future__ import annotations

import json
import re

LANGUAGE_NAMES = {  # in English, for `_suggestion`
    "da": "Danish", "de": "German", "en": "English", "et": "Estonian", "fi": "Finnish",
    "fr": "French", "is": "Icelandic", "lt": "Lithuanian", "lv": "Latvian", "nb": "Norwegian",
    "nn": "Norwegian", "no": "Norwegian", "pl": "Polish", "ru": "Russian", "sv": "Swedish",
}  # fmt: skip
# What editors write instead of a code, in English or in the language itself.
_CODE_OF_NAME = {
    **{name.casefold(): code for code, name in LANGUAGE_NAMES.items() if code not in ("nn", "no")},
    "dansk": "da", "deutsch": "de", "eesti": "et", "suomi": "fi", "français": "fr",
    "íslenska": "is", "lietuvių": "lt", "latviešu": "lv", "norsk": "nb", "bokmål": "nb",
    "nynorsk": "nn", "polski": "pl", "русский": "ru", "svenska": "sv",
}  # fmt: skip
# RFC 5646's shape: language[-extlang][-script][-region][-variant…][-extension…][-x-private].
# Language subtags of 4 to 8 letters are reserved or unused, so `English` is refused.
_TAG = re.compile(
    r"""
    (?P<language>[a-z]{2,3}) (?P<extlang>(?:-[a-z]{3}){0,3})
    (?:-(?P<script>[a-z]{4}))?
    (?:-(?P<region>[a-z]{2}|[0-9]{3}))?
    (?P<rest>(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*
        (?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*
        (?:-x(?:-[a-z0-9]{1,8})+)?)
    """,
    re.VERBOSE | re.IGNORECASE | re.ASCII,
)


def language_tag(text: str) -> str:
    """`text` as a BCP 47 tag in its usual letter case (`en`, `en-GB`, `sr-Latn-RS`), so
    that `EN` and `en` are one language; ValueError saying what to write when it is not."""
    match = _TAG.fullmatch(text.strip())
    if match is None:
        raise ValueError(
            f"{json.dumps(text, ensure_ascii=False)} is not a language code; write a BCP 47 "
            f"code such as {_suggestion(text)}"
        )
    script, region = match["script"] or "", match["region"] or ""
    return "".join(
        [
            match["language"].lower(),
            match["extlang"].lower(),
            f"-{script.title()}" if script else "",
            f"-{region.upper()}" if region else "",
            match["rest"].lower(),
        ]
    )


def _suggestion(text: str) -> str:
    """The code an editor most likely meant by `text`: `English` -> en, `en_GB` -> en-GB."""
    if code := _CODE_OF_NAME.get(text.strip().casefold()):
        return code
    dashed = re.sub(r"[_\s]+", "-", text.strip())
    if dashed != text and _TAG.fullmatch(dashed):
        return language_tag(dashed)
    return "en, et or sv-FI"


def known_locale(tag: str) -> str:
    """What is wrong with `tag` as an interface language: CLDR (Babel) must know it, to
    write its dates and names; '' when nothing is."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        return "is not a language CLDR knows, so its dates and names cannot be written"
    return ""


def primary(code: str) -> str:
    """'en-GB' -> 'en': a reader takes both for the same language."""
    return code.split("-")[0].lower()
