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

import frontmatter
import yaml

from .errors import ContentError
from .model import FOLDERS, Source

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_IGNORED = re.compile(r"(^\.|~$|\.swp$|\.swx$|^#.*#$)")


class FrontMatterLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe YAML (C-accelerated when available) that leaves dates as text.

    YAML would turn `2010-02-30` into an exception and `2010-05-01` into a datetime; the
    validator wants the text, to accept `2010` and `2010-05` too and to explain bad dates.
    """


FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

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


ParseMemo = MutableMapping[str, tuple[bytes, Source | list[ContentError]]]
StatMemo = MutableMapping[str, tuple[int, int, bytes]]  # path -> size, mtime, hash of bytes
RACY_NS = 2_000_000_000  # a file changed this recently may change again unseen by its time


def read_content(
    content_dir: Path,
    shown_prefix: str,
    memo: ParseMemo | None = None,
    stats: StatMemo | None = None,
) -> ContentTree:
    """Read every file below `content_dir`; `shown_prefix` is how messages name that folder.

    `memo` maps a path to the hash of its bytes and what parsing them gave; a file whose
    bytes are unchanged is not parsed again. `stats` remembers the hash by size and
    modification time, so an unchanged file is not even read. Both are updated in place.
    """
    memo = {} if memo is None else memo
    stats = {} if stats is None else stats
    sources: list[Source] = []
    errors: list[ContentError] = []
    file_sizes: dict[str, int] = {}
    file_versions: dict[str, tuple[int, int]] = {}
    digests: dict[str, bytes] = {}
    settled = time.time_ns() - RACY_NS
    prefix = len(os.path.join(content_dir, ""))  # _walk's paths all start with it
    for path in _walk(content_dir):
        relative = path[prefix:].replace(os.sep, "/")
        shown = f"{shown_prefix}/{relative}" if shown_prefix else relative
        stat = os.stat(path)
        file_versions[relative] = (stat.st_size, stat.st_mtime_ns)
        if not relative.lower().endswith(".md"):
            file_sizes[relative] = stat.st_size
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
        known, raw = stats.get(relative), None
        if known and known[:2] == (stat.st_size, stat.st_mtime_ns) and relative in memo:
            digest = known[2]
        else:
            raw = Path(path).read_bytes()
            digest = hashlib.blake2b(raw, digest_size=16).digest()
            if stat.st_mtime_ns < settled:
                stats[relative] = (stat.st_size, stat.st_mtime_ns, digest)
            else:
                stats.pop(relative, None)
        digests[relative] = digest
        parsed = memo.get(relative)
        if parsed is not None and parsed[0] == digest:
            result = parsed[1]
        else:
            raw = Path(path).read_bytes() if raw is None else raw
            result = parse_source(relative, shown, FOLDERS[folder], raw)
            memo[relative] = (digest, result)
        if isinstance(result, Source):
            sources.append(result)
        else:
            errors.extend(result)
    for gone in memo.keys() - digests.keys():
        del memo[gone]
    for gone in stats.keys() - digests.keys():
        del stats[gone]
    return ContentTree(tuple(sources), file_sizes, tuple(errors), digests, file_versions)


def _walk(root: Path) -> list[str]:
    """Every file below `root` but hidden ones and editors' temporary files, in order."""
    found: list[str] = []
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        found.extend(os.path.join(directory, name) for name in files if not _IGNORED.search(name))
    return sorted(found)


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
    parsed = _parse_yaml(front, front_line, shown)
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


def _parse_yaml(
    front: str, first_line: int, shown: str
) -> tuple[dict, dict[str, int]] | list[ContentError]:
    loader = FrontMatterLoader(front)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        if not isinstance(node, yaml.MappingNode):
            return [
                ContentError(
                    shown,
                    first_line + node.start_mark.line + 1,
                    "",
                    "front matter must be 'field: value' lines, one field per line",
                )
            ]
        duplicates = _duplicate_keys(node, first_line, shown)
        if duplicates:
            return duplicates
        values = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + (mark.line + 1 if mark else 1)
        return [ContentError(shown, line, "", f"front matter is not valid YAML: {_explain(error)}")]
    except yaml.YAMLError as error:
        return [ContentError(shown, first_line + 1, "", f"front matter is not valid YAML: {error}")]
    finally:
        loader.dispose()
    return values, _key_lines(node, first_line)


def _duplicate_keys(node: yaml.MappingNode, first_line: int, shown: str) -> list[ContentError]:
    seen: set[str] = set()
    errors = []
    for key_node, _ in node.value:
        key = str(key_node.value)
        if key in seen:
            line = first_line + key_node.start_mark.line + 1
            errors.append(ContentError(shown, line, key, "is given twice; keep one"))
        seen.add(key)
    return errors


def _key_lines(node: yaml.MappingNode, first_line: int) -> dict[str, int]:
    """The file line of each field, of each list entry (`tags[2]`) and of nested keys."""
    lines: dict[str, int] = {}

    def visit(prefix: str, value: yaml.Node) -> None:
        lines[prefix] = first_line + value.start_mark.line + 1
        if isinstance(value, yaml.SequenceNode):
            for index, entry in enumerate(value.value):
                visit(f"{prefix}[{index}]", entry)
        elif isinstance(value, yaml.MappingNode):
            for key_node, entry in value.value:
                visit(f"{prefix}.{key_node.value}", entry)

    for key_node, value_node in node.value:
        key = str(key_node.value)
        visit(key, value_node)
        lines[key] = first_line + key_node.start_mark.line + 1
    return lines


def _explain(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or str(error)
    if "mapping values are not allowed" in problem:
        return f"{problem}; put quotes around a value that contains ': '"
    if "found character '\\t'" in problem or "\\t" in problem:
        return f"{problem}; indent with spaces, not tabs"
    if "could not find expected ':'" in problem:
        return f"{problem}; every line needs 'field: value', or quote a long value"
    return problem


def read_yaml_file(path: Path, shown: str) -> tuple[dict, dict[str, int]] | list[ContentError]:
    """A YAML settings file (site.yaml) with the line of every key, or its errors."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        return [
            ContentError(shown, 0, "", "does not exist; create it (see the README for its keys)")
        ]
    except UnicodeDecodeError:
        return [ContentError(shown, 1, "", "is not UTF-8; save the file with UTF-8 encoding")]
    return _parse_yaml(text, 0, shown)


def read_assets(assets_dir: Path) -> dict[str, bytes]:
    """Every file under assets/, by its path there, for copying under a content-hashed name."""
    if not assets_dir.is_dir():
        return {}
    files = [Path(path) for path in _walk(assets_dir)]
    return {p.relative_to(assets_dir).as_posix(): p.read_bytes() for p in files}


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
    return {
        path: committed.get(path)
        or datetime.datetime.fromtimestamp(mtime / 1e9, datetime.UTC).date()
        for path, mtime in mtimes.items()
    }


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
            if stat.st_mtime_ns > recent:
                with open(path, "rb") as file:
                    content = hashlib.file_digest(file, "blake2b").hexdigest()
                hasher.update(f"{path}\0bytes\0{content}\n".encode())
                continue
        except FileNotFoundError:
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
