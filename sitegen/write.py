"""The only code that writes the output folder, and it writes all or nothing.

A first build goes into a sibling staging folder; only when every file is written is the
old output swapped out and the new one swapped in (`StagedOutput`). A rebuild that knows
what the folder holds stages only the files that changed and then moves them into place
one by one (`PatchOutput`), so a server reading the folder never sees a half-written file.
Either way a failed build leaves the last good site as it was, and a file whose bytes did
not change is not rewritten: it keeps its modification time, and syncing deploys skip it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Collection, Mapping
from pathlib import Path


class UnsafePath(ValueError):
    """An output path that would land outside the output folder."""


def _parts(relative: str) -> tuple[str, ...]:
    """The folders and name of an output path; anything that could leave the output
    folder, or that names it in two ways, is refused."""
    parts = tuple(relative.split("/"))
    if "\\" in relative or any(part in ("", ".", "..") for part in parts):
        raise UnsafePath(f"refusing to write {relative!r} outside the output folder")
    return parts


def _same_bytes(path: Path, content: bytes) -> bool:
    try:
        return path.stat().st_size == len(content) and path.read_bytes() == content
    except OSError:
        return False


class _Output:
    """What both writers share: a staging folder beside the output and two counters."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir.resolve()
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.stage = Path(
            tempfile.mkdtemp(prefix=f".{self.out_dir.name}.building-", dir=self.out_dir.parent)
        )
        self.written = 0  # files whose bytes are new
        self.unchanged = 0  # files left as they were
        self.paths: set[str] = set()  # every file of the new site, written or kept

    def _staged(self, relative: str) -> Path:
        target = self.stage.joinpath(*_parts(relative))
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def write_bytes(self, relative: str, content: bytes) -> None:
        raise NotImplementedError

    def discard(self) -> None:
        shutil.rmtree(self.stage, ignore_errors=True)


class StagedOutput(_Output):
    """Write a whole site into a staging folder; `commit()` swaps it in."""

    def write_bytes(self, relative: str, content: bytes) -> None:
        self.paths.add(relative)
        target = self._staged(relative)
        previous = self.out_dir.joinpath(*_parts(relative))
        if _same_bytes(previous, content):
            try:
                os.link(previous, target)  # the same file, modification time and all
            except OSError:
                shutil.copy2(previous, target)
            self.unchanged += 1
        else:
            target.write_bytes(content)
            self.written += 1

    def stats(self, known: Mapping[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
        """Size and modification time of every file of the new site, once committed."""
        return file_stats(self.out_dir, self.paths)

    def commit(self) -> None:
        """Swap the staged site in. The old one is renamed aside first, then removed."""
        os.chmod(self.stage, 0o755)
        old = None
        if self.out_dir.exists():
            old = Path(
                tempfile.mkdtemp(prefix=f".{self.out_dir.name}.old-", dir=self.out_dir.parent)
            )
            os.rename(self.out_dir, old / "site")
        os.rename(self.stage, self.out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


class PatchOutput(_Output):
    """Update a folder whose files are known: `previous` lists what the last build wrote.

    Files are staged first; `commit()` moves each into place and removes the files of the
    previous build that this one did not write or keep.
    """

    def __init__(self, out_dir: Path, previous: Collection[str]):
        super().__init__(out_dir)
        self.previous = set(previous)
        self._moved: list[str] = []  # files written, as opposed to kept

    def write_bytes(self, relative: str, content: bytes) -> None:
        self.paths.add(relative)
        if _same_bytes(self.out_dir.joinpath(*_parts(relative)), content):
            self.unchanged += 1
            return
        self._staged(relative).write_bytes(content)
        self._moved.append(relative)
        self.written += 1

    def keep(self, relative: str) -> None:
        """The file from the last build is still right."""
        if relative not in self.previous:  # checked when the last build wrote it
            _parts(relative)
        self.paths.add(relative)
        self.unchanged += 1

    def stats(self, known: Mapping[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
        """Size and modification time of every file of the site, once committed: `known`
        for the files kept, read again for the files written."""
        fresh = set(self._moved) | (self.paths - known.keys())
        return {path: known[path] for path in self.paths - fresh} | file_stats(self.out_dir, fresh)

    def commit(self) -> None:
        for relative in self._moved:
            target = self.out_dir.joinpath(*_parts(relative))
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.stage.joinpath(*_parts(relative)), target)
        for relative in sorted(self.previous - self.paths):
            target = self.out_dir.joinpath(*_parts(relative))
            target.unlink(missing_ok=True)
            _remove_empty_parents(target.parent, self.out_dir)
        self.discard()


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return  # not empty
        folder = folder.parent


def file_stats(out_dir: Path, paths: Collection[str]) -> dict[str, tuple[int, int]]:
    """Size and modification time of each file, to tell later whether it was touched.
    `paths` are the output's own, checked when written; plain strings are much faster
    than Path objects over tens of thousands of files."""
    root = str(out_dir)
    stats = {}
    for relative in paths:
        stat = os.stat(os.path.join(root, relative))
        stats[relative] = (stat.st_size, stat.st_mtime_ns)
    return stats


def untouched(out_dir: Path, stats: Mapping[str, tuple[int, int]]) -> bool:
    """Whether every file listed is still there with the same size and modification time."""
    root = str(out_dir)
    for relative, known in stats.items():
        try:
            stat = os.stat(os.path.join(root, relative))
        except OSError:
            return False
        if (stat.st_size, stat.st_mtime_ns) != known:
            return False
    return True
