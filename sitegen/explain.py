"""`build.py explain`: what a page of the last build was made of and why it was rendered,
or which pages show a content file, told from what the build recorded in its cache."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from . import cache
from .cachefolder import CacheFolder
from .dependencies import VIEW_WORDS, readers_of
from .memo import Memo, PageMemo
from .project import Project
from .text import did_you_mean

SHOWN = 12  # lines of a list before "and N more"


class Unknown(Exception):
    """Nothing recorded answers the question; the message says what to do."""


def explain(project: Project, target: str) -> list[str]:
    """Lines that answer for `target`: a content file, or a page by URL or output path."""
    memo = recorded(project)
    content = _content_key(project, target)
    if content is not None:
        return _content_file(memo.pages, content)
    return _page(memo.pages, _output_path(project, target))


def recorded(project: Project) -> Memo:
    """The memo the last build left in the cache folder, with or without drafts and
    search (a preview's or a build's): the options need not be repeated."""
    if project.cache_dir is None:
        raise Unknown("explain reads what the last build recorded in the cache; drop --no-cache")
    options = [replace(project, drafts=d, search=s) for d in (False, True) for s in (True, False)]
    folders = [CacheFolder(other, index_once=False) for other in options]
    made = [f for f in folders if f.memo_file.path.exists()]
    if not made:
        raise Unknown("no build is recorded in the build cache; run a build first")
    folder = max(made, key=lambda f: f.memo_file.path.stat().st_mtime_ns)
    try:
        memo = folder.load(folder.bodies())
    except cache.Damaged as problem:
        raise Unknown(f"the build cache {problem}; run a build first") from None
    if memo is None or not memo.pages.prints:
        raise Unknown("no build is recorded in the build cache; run a build first")
    return memo


def _content_key(project: Project, target: str) -> str | None:
    """The item key of a Markdown file named as a path, in or relative to the content folder."""
    if not target.endswith(".md"):
        return None
    path = Path(target).resolve()
    content = project.content_dir.resolve()
    relative = path.relative_to(content) if path.is_relative_to(content) else Path(target)
    return relative.as_posix().removesuffix(".md")


def _output_path(project: Project, target: str) -> str:
    """`documents/2427/`, `/documents/2427/`, `_site/documents/2427/index.html`: one path."""
    path = Path(target).resolve()
    out = project.out_dir.resolve()
    relative = path.relative_to(out).as_posix() if path.is_relative_to(out) else target
    relative = relative.strip("/")
    if not posixpath.splitext(relative)[1]:
        relative = f"{relative}/index.html" if relative else "index.html"
    return relative


def _page(pages: PageMemo, path: str) -> list[str]:
    if path not in pages.prints:
        hint = did_you_mean(path, list(pages.prints))
        raise Unknown(f"the last build made no page {path}.{hint}")
    reason = pages.reasons.get(path)
    done = f"rendered, because {reason}" if reason else "kept, as nothing it shows had changed"
    if path in pages.reads:
        layout, read = pages.reads[path]
        kind = "an item page"
    elif path in pages.outlines:
        layout, _, read = pages.outlines[path]
        kind = "a list page"
    else:
        return [path, "  the home page: looked at in every build, as it shows whole items",
                f"  last build: {done}"]  # fmt: skip
    lines = [path, f"  {kind}, made with the layout {layout}", f"  last build: {done}"]
    if not read:
        return [*lines, "  it shows no item: it changes with the catalog's tags, years or types"]
    lines.append("  it shows, besides the settings and the navigation:")
    by_key: dict[str, list[str]] = {}
    for view, key in sorted(read, key=_in_order):
        by_key.setdefault(key, []).append(VIEW_WORDS.get(view, view))
    return lines + _capped(f"    {key}: {', '.join(words)}" for key, words in by_key.items())


def _content_file(pages: PageMemo, key: str) -> list[str]:
    shown_by: dict[str, list[str]] = {}
    readers = readers_of(pages)
    for view, of in sorted(readers, key=_in_order):
        if of == key and view != "tag":
            for path in readers[view, of]:
                shown_by.setdefault(path, []).append(VIEW_WORDS[view])
    if not shown_by:
        raise Unknown(f"no page of the last build shows {key}; is content/{key}.md published?")
    lines = [f"content/{key}.md: shown on {len(shown_by)} page(s)"]
    return lines + _capped(f"  {path}: {', '.join(w)}" for path, w in sorted(shown_by.items()))


def _in_order(view: tuple[str, str]) -> tuple[int, str]:
    return list(VIEW_WORDS).index(view[0]), view[1]


def _capped(lines: Iterable[str]) -> list[str]:
    shown = list(lines)
    if len(shown) <= SHOWN:
        return shown
    return [*shown[:SHOWN], f"  … and {len(shown) - SHOWN} more"]
