"""Small text rules shared by stages: URL slugs and how tags are compared."""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata

from anyascii import anyascii

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# The longest slug, in ASCII characters: it becomes a folder name (file systems allow
# 255 bytes) and part of every address that shows it.
MAX_SLUG = 150


def slugify(text: str) -> str:
    """Readable ASCII for a URL: 'prekyba žmonėmis' -> 'prekyba-zmonemis', 'торговля людьми'
    -> 'torgovlya-lyudmi'. Apostrophes (soft signs, English possessives) vanish."""
    ascii_text = anyascii(unicodedata.normalize("NFC", text)).lower()
    ascii_text = ascii_text.replace("'", "").replace("\u2019", "")
    return _NOT_SLUG.sub("-", ascii_text).strip("-")


def shortened(slug: str, limit: int = MAX_SLUG) -> str:
    """`slug` cut to at most `limit` characters, at a hyphen where there is one."""
    if len(slug) <= limit:
        return slug
    cut = slug[: limit + 1].rsplit("-", 1)[0]
    return (cut if len(cut) >= limit // 2 else slug[:limit]).strip("-")


@functools.lru_cache(maxsize=1 << 16)  # a catalogue spells its tags again and again
def term_key(text: str) -> str:
    """What makes two spellings of a tag the same tag: case and Unicode form are ignored."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """' Did you mean "title"?' when a close choice exists, else ''."""
    matches = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f' Did you mean "{matches[0]}"?' if matches else ""
