"""Read the content folder: Markdown files into `Source`s, other files into a size table.

This is one of the two stages that touch the file system (with `write`). Everything it
reads is returned as data; every problem becomes a `ContentError` naming file and line.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import re
import subprocess
import time
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from stat import S_ISDIR, S_ISLNK, S_ISREG

import frontmatter

from . import yamltext
from .errors import ContentError
from .model import FOLDERS, Source

_NAME_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # tabs and line breaks too, in a name
_IGNORED = re.compile(r"(^\.|~$|\.swp$|\.swx$|^#.*#$)")

_SPLITTER = frontmatter.YAMLHandler()


@dataclass(frozen=True)
class ContentTree:
    """What is in the content folder: Markdown sources by path, and every other file's size."""

    sources: tuple[Source, ...]
    file_sizes: Mapping[str, int]
    errors: tuple[ContentError, ...]
    digests: Mapping[str, bytes] = field(default_factory=dict)  # Markdown path -> hash of bytes
    # Every file's size and modification time, Markdown or not.
    file_versions: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    # Markdown files that could not be parsed, with the document number each names.
    unparsed: Mapping[str, int | None] = field(default_factory=dict)


ParseMemo = MutableMapping[str, tuple[bytes, Source | list[ContentError]]]
StatMemo = MutableMapping[str, tuple[int, int, bytes]]  # path -> size, mtime, hash of bytes
RACY_NS = 2_000_000_000  # a file changed this recently may change again unseen by its time


def read_content(
    content_dir: Path,
    shown_prefix: str,
    parsed: ParseMemo | None = None,
    stats: StatMemo | None = None,
    known: Mapping[str, tuple[int, int] | None] | None = None,
) -> ContentTree:
    """Read every file below `content_dir`; `shown_prefix` is how messages name that folder.

    `parsed` maps a path to the hash of its bytes and what parsing them gave; a file whose
    bytes are unchanged is not parsed again. `stats` remembers the hash by size and
    modification time, so an unchanged file is not even read. Both are updated in place.
    `known`, from `listing_after`, names the files instead of a walk of the folder, with
    the size and time of each that is known unchanged (None: look).
    """
    memo = {} if parsed is None else parsed
    stats = {} if stats is None else stats
    sources: list[Source] = []
    errors: list[ContentError] = []
    file_sizes: dict[str, int] = {}
    file_versions: dict[str, tuple[int, int]] = {}
    digests: dict[str, bytes] = {}
    unparsed: dict[str, int | None] = {}
    prefix = len(os.path.join(content_dir, ""))  # _walk's paths all start with it
    for path in _walk(content_dir) if known is None else known:
        relative = path[prefix:].replace(os.sep, "/")
        shown = f"{shown_prefix}/{relative}" if shown_prefix else relative
        if _NAME_CONTROL.search(relative):
            message = "has a control character in its name; rename the file"
            visible = _NAME_CONTROL.sub(lambda found: f"\\x{ord(found[0]):02x}", shown)
            errors.append(ContentError(visible, 0, "", message))
            continue
        version = known.get(path) if known else None
        if version is None:
            stat = os.lstat(path)
            if S_ISLNK(stat.st_mode):
                if problem := _link_problem(path, content_dir, "content"):
                    errors.append(ContentError(shown, 0, "", problem))
                    continue
                stat = os.stat(path)
            version = (stat.st_size, stat.st_mtime_ns)
        file_versions[relative] = version
        if not relative.lower().endswith(".md"):
            file_sizes[relative] = version[0]
            continue
        folder = relative.split("/", 1)[0] if "/" in relative else ""
        if folder not in FOLDERS:
            folders = ", ".join(f"{name}/" for name in FOLDERS)
            errors.append(
                ContentError(
                    shown, 1, "", f"is outside the content folders; move it into one of {folders}"
                )
            )
            continue
        digests[relative], result = _read_source(path, relative, shown, version, memo, stats)
        if isinstance(result, Source):
            sources.append(result)
        else:
            errors.extend(result)
            raw = Path(path).read_bytes() if folder == "documents" else b""
            unparsed[relative] = yamltext.salvaged_number(raw.decode("utf-8", "replace"))
    for gone in memo.keys() - digests.keys():
        del memo[gone]
    for gone in stats.keys() - digests.keys():
        del stats[gone]
    return ContentTree(tuple(sources), file_sizes, tuple(errors), digests, file_versions, unparsed)


def _read_source(
    path: str,
    relative: str,
    shown: str,
    version: tuple[int, int],
    parsed: ParseMemo,
    stats: StatMemo,
) -> tuple[bytes, Source | list[ContentError]]:
    """A Markdown file's hash and what parsing it gave, from `parsed` when its hash is
    known there: by its size and time (`stats`) when those are old enough to trust."""
    raw, last = None, stats.get(relative)
    if last and last[:2] == version and relative in parsed:
        digest = last[2]
    else:
        raw = Path(path).read_bytes()
        digest = hashlib.blake2b(raw, digest_size=16).digest()
        if version[1] < time.time_ns() - RACY_NS:
            stats[relative] = (*version, digest)
        else:
            stats.pop(relative, None)
    before = parsed.get(relative)
    if before is not None and before[0] == digest:
        return digest, before[1]
    raw = Path(path).read_bytes() if raw is None else raw
    result = parse_source(relative, shown, FOLDERS[relative.split("/", 1)[0]], raw)
    parsed[relative] = (digest, result)
    return digest, result


def patch_content(
    last: ContentTree,
    content_dir: Path,
    shown_prefix: str,
    parsed: ParseMemo,
    stats: StatMemo,
    changed: Iterable[Path],
) -> tuple[ContentTree, dict[str, Source]] | None:
    """`last`, the folder as read without errors, with the `changed` paths in it read
    again, and their sources; None unless each of them was and still is a Markdown file
    that parses (a file came, went or broke: read the folder)."""
    root = os.path.join(content_dir, "")
    digests, versions, sources = dict(last.digests), dict(last.file_versions), {}
    for path in {p for p in map(str, changed) if p.startswith(root)}:
        relative = path[len(root) :].replace(os.sep, "/")
        if relative not in digests:
            if relative in versions or os.path.lexists(path):
                return None
            continue  # came and went, as an editor's test file does
        try:
            stat = os.lstat(path)  # a link is checked where the folder is walked
        except OSError:
            return None
        if not S_ISREG(stat.st_mode):
            return None
        versions[relative] = version = (stat.st_size, stat.st_mtime_ns)
        shown = f"{shown_prefix}/{relative}" if shown_prefix else relative
        digests[relative], result = _read_source(path, relative, shown, version, parsed, stats)
        if not isinstance(result, Source):
            return None
        sources[relative] = result
    whole = tuple(sources.get(source.path, source) for source in last.sources)
    return replace(last, sources=whole, digests=digests, file_versions=versions), sources


def _walk(root: Path) -> list[str]:
    """Every file below `root` but hidden ones and editors' temporary files, in order;
    symbolic links to folders too, which are not followed (see `_link_problem`)."""
    found: list[str] = []
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        linked = [d for d in subdirs if os.path.islink(os.path.join(directory, d))]
        for name in [*files, *linked]:
            if not _IGNORED.search(name):
                found.append(os.path.join(directory, name))
    return sorted(found)


def listing_after(
    content_dir: Path, versions: Mapping[str, tuple[int, int]], changed: Iterable[Path]
) -> dict[str, tuple[int, int] | None] | None:
    """The files `_walk` would find after the files of `versions` (by path in the content
    folder) saw the `changed` paths change, appear or go: for a preview, whose watcher
    says what changed, to read without walking a catalogue. None when a folder changed."""
    root = os.path.join(content_dir, "")
    known: dict[str, tuple[int, int] | None] = {root + p: v for p, v in versions.items()}
    for path in map(str, changed):
        if not path.startswith(root):
            continue
        parts = path[len(root) :].split(os.sep)
        known.pop(path, None)
        inside = os.path.join(path, "")
        if os.path.isdir(path) or any(p.startswith(inside) for p in known):
            return None  # a folder came, went or moved: what it holds is not named
        hidden = any(p.startswith(".") for p in parts[:-1]) or _IGNORED.search(parts[-1])
        if os.path.lexists(path) and not hidden:
            known[path] = None
    return dict(sorted(known.items()))


def _link_problem(path: str, root: Path, folder: str) -> str:
    """Why a symbolic link below `root` may not be read, or '' when it names a file
    inside `root`: a link is how a file of the build machine (/etc/passwd, a key) would
    reach the published site."""
    target = os.path.realpath(path)
    inside = os.path.realpath(root)
    if not os.path.exists(target):
        return (
            f"is a symbolic link to {os.readlink(path)}, which does not exist; remove the "
            "link or put the file there"
        )
    if os.path.commonpath([target, inside]) != inside:
        return (
            f"is a symbolic link to a file outside the {folder} folder, which would publish "
            "it; copy the file in instead"
        )
    if os.path.isdir(target):
        return "is a symbolic link to a folder, which is not followed; move the folder in"
    return ""


def parse_source(relative: str, shown: str, kind: str, raw: bytes) -> Source | list[ContentError]:
    """Decode, split and parse one Markdown file; pure, so a cache can key it on `raw`."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start]
        return [
            ContentError(
                shown,
                line,
                "",
                f"is not UTF-8 (byte 0x{byte:02X}); save the file with UTF-8 encoding",
            )
        ]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if yamltext.CONTROL.search(text):
        return yamltext.control_characters(text, shown)
    if not _SPLITTER.detect(text):
        return [
            ContentError(
                shown,
                1,
                "",
                "has no front matter; start the file with a line '---', the YAML "
                "fields (title, date, …), and another '---'",
            )
        ]
    try:
        front, body = _SPLITTER.split(text)
    except ValueError:
        return [
            ContentError(
                shown, 1, "", "front matter is not closed; add a line '---' after the last field"
            )
        ]
    front_line = text[: text.index(front)].count("\n") if front else 1
    body_line = text.count("\n") - body.count("\n") + 1
    parsed = yamltext.parse(front, front_line, shown)
    if isinstance(parsed, list):
        return parsed
    values, key_lines = parsed
    body_digest = hashlib.blake2b(body.encode(), digest_size=16).digest()
    return Source(relative, shown, kind, values, key_lines, body, body_line, body_digest)


def without_bodies(memo: ParseMemo) -> ParseMemo:
    """`memo` for the build cache: the sources without their bodies (see `with_body`)."""
    return {
        path: (entry[0], replace(entry[1], body=None)) if _has_body(entry[1]) else entry
        for path, entry in memo.items()
    }


def _has_body(result: Source | list[ContentError]) -> bool:
    return isinstance(result, Source) and result.body is not None


def with_body(content_dir: Path, source: Source) -> Source:
    """`source` with its body, read again when the cache kept it without. The file may
    have changed since: then the body and its digest are the new ones."""
    if source.body is not None:
        return source
    raw = (content_dir / source.path).read_bytes()
    again = parse_source(source.path, source.shown_path, source.kind, raw)
    return again if isinstance(again, Source) else replace(source, body="", body_digest=b"")


def read_yaml_file(path: Path, shown: str) -> tuple[dict, dict[str, int]] | list[ContentError]:
    """A YAML settings file (site.yaml) with the line of every key, or its errors."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        return [
            ContentError(
                shown, 0, "", "does not exist; create it (docs/settings.md lists its keys)"
            )
        ]
    except UnicodeDecodeError:
        return [ContentError(shown, 1, "", "is not UTF-8; save the file with UTF-8 encoding")]
    return yamltext.parse(text, 0, shown, "the file")


def read_assets(assets_dir: Path, shown: str) -> tuple[dict[str, bytes], list[ContentError]]:
    """Every file under assets/, by its path there, for copying under a content-hashed
    name; a symbolic link leaving the folder is an error, as in the content."""
    assets: dict[str, bytes] = {}
    errors = []
    for path in _walk(assets_dir) if assets_dir.is_dir() else []:
        relative = Path(path).relative_to(assets_dir).as_posix()
        if os.path.islink(path) and (problem := _link_problem(path, assets_dir, "assets")):
            errors.append(ContentError(f"{shown}/{relative}", 0, "", problem))
            continue
        assets[relative] = Path(path).read_bytes()
    return assets, errors


def commit_days(content_dir: Path) -> dict[str, datetime.date]:
    """The day of each content file's last commit, when the folder is in git (a checkout's
    file times are only when it was checked out). It reads the whole history, a second or
    more for a catalogue, so callers keep it by `git_head`."""
    try:
        log = subprocess.run(
            ["git", "log", "--format=%x00%cs", "--name-only", "--relative", "--", "."],
            cwd=content_dir,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        log = ""
    days: dict[str, datetime.date] = {}
    day = None
    for line in log.splitlines():
        if line.startswith("\0"):
            day = datetime.date.fromisoformat(line[1:])
        elif line and day and line not in days:
            days[line] = day
    return days


def last_changes(
    committed: Mapping[str, datetime.date], mtimes: Mapping[str, int]
) -> dict[str, datetime.date]:
    """The day each content file last changed: its last commit (`commit_days`), else its
    modification time, given in nanoseconds as `read_content` found it."""
    epoch, days, changes = datetime.date(1970, 1, 1), {}, {}
    for path, mtime in mtimes.items():
        day = committed.get(path)
        if day is None:
            number = mtime // 86_400_000_000_000  # whole days since 1970, in UTC
            if number not in days:
                days[number] = epoch + datetime.timedelta(number)
            day = days[number]
        changes[path] = day
    return changes


def tree_signature(folders: Iterable[Path], files: Iterable[Path]) -> bytes:
    """A hash of the path, size and modification time of every file under `folders` and
    of `files`: equal signatures mean nothing was edited, added, moved or deleted.

    A file changed in the last two seconds is hashed by its bytes instead, as a second
    edit within the file system's clock tick would leave the same time and size (git's
    "racy clean" problem); once it is older, its entry reads differently, so a signature
    taken meanwhile never matches a later one by chance."""
    hasher = hashlib.blake2b(digest_size=16)
    recent = time.time_ns() - RACY_NS
    for path in [*(f for folder in folders for f in _walk(folder)), *map(str, files)]:
        try:
            stat = os.stat(path)
            if stat.st_mtime_ns > recent and not S_ISDIR(stat.st_mode):
                with open(path, "rb") as file:
                    content = hashlib.file_digest(file, "blake2b").hexdigest()
                hasher.update(f"{path}\0bytes\0{content}\n".encode())
                continue
        except OSError:  # gone, or a link to nothing: the build will say which
            hasher.update(f"{path}\0missing\n".encode())
            continue
        hasher.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return hasher.digest()


def git_head(folder: Path) -> str:
    """The commit checked out in `folder`'s repository, or "" outside git."""
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
