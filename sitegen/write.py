"""The only code that writes the output folder, and it writes all or nothing.

Every file goes into a tree in the output's workspace (`output.OutputFolder`), which
replaces the output in one step once every file is there. A first build writes a whole
new tree (`StagedOutput`); a rebuild that knows what the output holds patches the spare,
a copy of it made of hard links, with the files that changed (`PatchOutput`). Either
way a failed or killed build leaves the last good site as it was, and a file whose bytes
did not change is not rewritten: it keeps its modification time, and syncing deploys
skip it.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from pathlib import Path
from stat import S_ISREG

from .output import MARKER, OutputFolder, hard_link, plain_files, remove_file


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
    """Whether `path` is a plain file (never a link, which may lead anywhere) holding
    `content`."""
    try:
        stat = path.lstat()
        return (
            S_ISREG(stat.st_mode) and stat.st_size == len(content) and path.read_bytes() == content
        )
    except OSError:
        return False


def _place(root: Path, relative: str, patching: bool = False) -> Path:
    """Where `relative` goes under `root`, with its folders made. In a tree being patched
    the file there may be a hard link of the live one: it is removed, never written to."""
    target = root.joinpath(*_parts(relative))
    target.parent.mkdir(parents=True, exist_ok=True)
    if patching:
        target.unlink(missing_ok=True)
    return target


class _Output:
    """What both writers share: the output folder, the tree written and two counters."""

    def __init__(self, folder: OutputFolder):
        self.folder = folder
        self.out_dir = folder.path
        self.written = 0  # files whose bytes are new
        self.unchanged = 0  # files left as they were
        self.paths: set[str] = set()  # every file of the new site, written or kept
        self._tree: Path | None = None

    def discard(self) -> None:
        if self._tree is not None:
            self.folder.discard(self._tree)

    def keep(self, relative: str) -> None:
        raise NotImplementedError

    def keep_all(self, paths: Collection[str]) -> None:
        """Each of these files from the last build is still right."""
        for relative in paths:
            self.keep(relative)


class StagedOutput(_Output):
    """Write a whole site into a new tree; `commit()` swaps it in."""

    def __init__(self, folder: OutputFolder):
        super().__init__(folder)
        self._tree = folder.new_tree()
        self._new: set[str] = set()

    def write_bytes(self, relative: str, content: bytes) -> None:
        self.paths.add(relative)
        target = _place(self._tree, relative)
        previous = self.out_dir.joinpath(*_parts(relative))
        if _same_bytes(previous, content):
            hard_link(previous, target)
            self.unchanged += 1
        else:
            target.write_bytes(content)
            self._new.add(relative)
            self.written += 1

    def keep(self, relative: str) -> None:
        """The file from the last build is still right: linked into the new tree."""
        self.paths.add(relative)
        hard_link(self.out_dir.joinpath(*_parts(relative)), _place(self._tree, relative))
        self.unchanged += 1

    def stats(self, known: Mapping[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
        """Size and modification time of every file of the new site, once committed."""
        return file_stats(self.out_dir, self.paths)

    def commit(self) -> None:
        self.folder.swap_in(self._tree, self._new, self.paths)
        self._tree = None


class PatchOutput(_Output):
    """Update a site whose files are known: `previous` lists what the last build wrote.

    Changed files go into the spare, made equal to the output when the first is written;
    `commit()` removes there the files this build did not write or keep, and swaps it in.
    A build that changed nothing swaps nothing.
    """

    def __init__(self, folder: OutputFolder, previous: Collection[str]):
        super().__init__(folder)
        self.previous = previous
        self._moved: set[str] = set()  # files written, as opposed to kept

    def _spare(self) -> Path:
        if self._tree is None:
            self._tree = self.folder.spare_like_output(self.previous)
        return self._tree

    def write_bytes(self, relative: str, content: bytes) -> None:
        self.paths.add(relative)
        if _same_bytes(self.out_dir.joinpath(*_parts(relative)), content):
            self.unchanged += 1
            return
        _place(self._spare(), relative, patching=True).write_bytes(content)
        self._moved.add(relative)
        self.written += 1

    def keep(self, relative: str) -> None:
        """The file from the last build is still right."""
        if relative not in self.previous:  # checked when the last build wrote it
            _parts(relative)
        self.paths.add(relative)
        self.unchanged += 1

    def keep_all(self, paths: Collection[str]) -> None:
        """As `keep` for each, in set operations: a rebuild after one edit keeps nearly
        every file of the site."""
        for relative in set(paths).difference(self.previous):
            _parts(relative)
        self.paths.update(paths)
        self.unchanged += len(paths)

    def stats(self, known: Mapping[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
        """Size and modification time of every file of the site, once committed: `known`
        for the files kept, read again for the files written."""
        fresh = self._moved | (self.paths - known.keys())
        stats = dict(known)
        for gone in known.keys() - self.paths:
            del stats[gone]
        return stats | file_stats(self.out_dir, fresh)

    def commit(self) -> None:
        removed = set(self.previous) - self.paths
        if not self._moved and not removed:
            return
        spare = self._spare()
        for relative in sorted(removed):
            remove_file(spare, relative)  # checked when the last build wrote it
        self.folder.swap_in(spare, self._moved | removed, self.paths)
        self._tree = None


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


def holds_exactly(out_dir: Path, stats: Mapping[str, tuple[int, int]]) -> bool:
    """Whether the folder holds exactly the files listed (and the marker), each with the
    same size and modification time. A file added by hand is noticed too, so that a build
    replaces the folder whole instead of patching around it (a tenth of a second at
    10,000 items more than `untouched`, which a build that changes nothing is spared)."""
    try:
        found = plain_files(out_dir)
    except OSError:
        return False
    if found is None:
        return False
    found.pop(MARKER, None)
    return found == stats


Output = PatchOutput | StagedOutput
