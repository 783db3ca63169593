"""What editors point at, as item keys: `related`, `translations` and `reports` in front
matter, and the content paths in site.yaml.

A pointer to nothing is an error at its line, with the nearest item of the kind wanted
(never the item itself). A pointer into a file with errors of its own, or one that could
not be read, is left out: that file's errors are shown already.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from .config import SiteConfig, SiteLines
from .errors import ContentError
from .model import FileReferences, Item, Reference
from .text import did_you_mean

NOUN = {"event": "an event", "report": "a report", "document": "a document", "page": "a page"}
WANTED_KIND = {"reports": "report"}  # what a field may point at; any item when not here


class Resolver:
    """Turns what an editor wrote (2427, reports/ferry-companies, ../x.md) into item keys.

    `unpublished` holds keys and numbers (as text) of items held back or invalid;
    `numbers_unknown` says a document could not be read, so any number may be its."""

    def __init__(
        self,
        by_key: Mapping[str, Item],
        numbers: Mapping[int, str],
        unpublished: Collection[str],
        numbers_unknown: bool = False,
    ):
        self.by_key, self.numbers, self.unpublished = by_key, numbers, unpublished
        self.numbers_unknown = numbers_unknown

    def all(
        self,
        referrer: str,
        shown: str,
        field: str,
        refs: Iterable[Reference],
        errors: list[ContentError],
    ) -> list[str]:
        """The keys `refs` of the item `referrer` (named `shown`) point at, once each; an
        error in `errors` for each that points at nothing usable."""
        keys: list[str] = []
        for ref in refs:
            key, problem = self.one(ref.target, WANTED_KIND.get(field), referrer)
            if not problem and key == referrer:
                problem = f"{ref.target} is this item itself; remove it"
            if problem:
                errors.append(ContentError(shown, ref.line, field, problem))
            elif key and key not in keys:
                keys.append(key)
        return keys

    def one(self, target: str, kind: str | None, referrer: str = "") -> tuple[str | None, str]:
        """The key `target` names and "", or None and what is wrong ("" when the target is
        unpublished: not an error here)."""
        if target.isdigit():
            key = self.numbers.get(int(target))
            if key is None and (str(int(target)) in self.unpublished or self.numbers_unknown):
                return None, ""
            if key is None:
                return None, f"no document has number {target}; check the number"
        else:
            key = content_key(target)
            if key in self.unpublished:
                return None, ""
            if key not in self.by_key:
                others = [
                    other
                    for other, item in self.by_key.items()
                    if other != referrer and kind in (None, item.kind)
                ]
                hint = did_you_mean(key, others)
                return (
                    None,
                    f"{target} does not exist; give a content path such as "
                    f"reports/ferry-companies.{hint}",
                )
        found = self.by_key[key]
        if kind and found.kind != kind:
            return None, f"{target} is {NOUN[found.kind]}, not {NOUN[kind]}"
        return key, ""


def content_key(target: str) -> str:
    """`./content/reports/x.md` and `reports/x` -> `reports/x`, the item key."""
    return target.strip().lstrip("./").removeprefix("content/").removesuffix(".md")


def file_reference_errors(files: Iterable[FileReferences], resolve: Resolver) -> list[ContentError]:
    """The references of files that failed validation that point at nothing."""
    errors: list[ContentError] = []
    for file in files:
        for field, refs in file.fields:
            resolve.all(file.key, file.source_path, field, refs, errors)
    return errors


# The settings in site.yaml that name content, and what a reader would miss without it.
CONTENT_SETTINGS = {"home_intro": "the home page would open without its introduction"}


def setting_errors(
    config: SiteConfig,
    where: SiteLines,
    items: Mapping[str, Item],
    held: Collection[str],
    invalid: Collection[str],
) -> list[ContentError]:
    """Content paths in site.yaml that name nothing published; one whose file has errors
    of its own is not reported again, nor one in a site with no content yet (a new one)."""
    errors = []
    for setting, loss in CONTENT_SETTINGS.items():
        target = str(getattr(config, setting))
        key = content_key(target)
        if not target or key in items or key in invalid or not (items or held or invalid):
            continue
        if key in held:
            problem = (
                f"{target} is not published (a draft, or dated in the future), so {loss}; "
                "publish it or name another page"
            )
        else:
            pages = sorted(other for other, item in items.items() if item.kind == "page")
            close = did_you_mean(key, pages)
            example = f", e.g. {setting}: {pages[0]}" if pages else " in content/pages"
            hint = f".{close}" if close else example
            problem = f"{target} does not exist, so {loss}; give the content path of a page{hint}"
        errors.append(ContentError(where.shown, where.line_of(setting), setting, problem))
    return errors
