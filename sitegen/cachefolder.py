"""What a builder keeps in the cache folder for the next process: the memo, the rendered
bodies, the compiled layouts and the record that lets a build that changes nothing
return at once. Anything damaged is ignored with a warning, never trusted.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import replace
from pathlib import Path

from . import cache, load, output, write
from .bodies import DiskBodies, MemoryBodies, Store
from .errors import display_path
from .memo import Memo
from .project import BuildRecord, BuildSummary, Project


class CacheFolder:
    """One project's files in `project.cache_dir`, named by what is built, not where:
    a preview writes to a new folder each time, and what the memo knows of an output
    folder is checked against it on loading."""

    def __init__(self, project: Project, index_once: bool):
        self.project, self.index_once = project, index_once
        assert project.cache_dir is not None
        options = (project.base_url, project.drafts, project.search)
        name = repr((project.content_dir.resolve(), *options))
        stem = hashlib.blake2b(name.encode(), digest_size=8).hexdigest()
        self.folder, self.stem = project.cache_dir, stem
        self.memo_file = cache.Journal(self.path("memo"))
        self.layouts = cache.CompiledLayouts(self.path("layouts"))
        self.warnings: list[str] = []  # said with the next summary

    def path(self, suffix: str) -> Path:
        return self.folder / f"{self.stem}.{suffix}"

    def bodies(self) -> DiskBodies:
        return DiskBodies(self.path("bodies"))

    def signature(self) -> bytes:
        """Everything a build reads, by file times, with the options and the commit."""
        project = self.project
        files = load.tree_signature(
            [project.content_dir, project.layouts_dir, project.assets_dir, project.locales_dir],
            [project.config_path],
        )
        options = (project.base_url, project.drafts, project.search, project.strict)
        options = repr((*options, self.index_once))
        head = load.git_head(project.content_dir)
        return hashlib.blake2b(files + options.encode() + head.encode()).digest()

    def unchanged(self, signature: bytes | None, today: datetime.date) -> BuildSummary | None:
        """The last summary, when no input changed, no scheduled item has come out since,
        and the output is as that build left it."""
        record = self._read("record", lambda: cache.read(self.path("record")))
        if not (isinstance(record, BuildRecord) and signature == record.signature):
            return None
        if record.next_release and today >= record.next_release:
            return None
        if not write.untouched(self.project.out_dir, record.output_stats):
            return None
        last = record.summary
        return replace(
            last,
            pages_rendered=0,
            pages_written=0,
            pages_unchanged=last.pages_written + last.pages_unchanged,
            files_copied=0,
            timings={},
        )

    def load(self, bodies: Store) -> Memo | None:
        """What the last process left; an output that was touched since is marked unknown,
        to be rewritten comparing bytes. Raises cache.Damaged when `bodies` are not all
        there, or cannot be read."""
        memo = self._read("memo", self.memo_file.read)
        if not isinstance(memo, Memo):
            return None
        if bodies.count() < len(memo.bodies.markups):
            raise cache.Damaged("has lost rendered bodies")
        stats, out_dir = memo.output.stats, self.project.out_dir
        if stats is not None and not (
            memo.output.identity == output.identity(out_dir) and write.holds_exactly(out_dir, stats)
        ):
            memo.output.stats = None
        return memo

    def save(self, memo: Memo, bodies: Store, record: BuildRecord | None) -> Store:
        """Write the memo, the bodies (when they were kept in memory) and the record;
        returns where the bodies are now. A full disk is a warning, not a failure."""
        parse = replace(memo.parse, sources=load.without_bodies(memo.parse.sources))
        try:
            if isinstance(bodies, MemoryBodies):  # the file was ignored: write it anew
                disk = self.bodies()
                disk.clear()
                disk.add(bodies.rows())
                bodies = disk
            self.memo_file.write(replace(memo, parse=parse))
            if record:
                cache.write(self.path("record"), record)
            else:  # no record describes what the memo now holds
                self.path("record").unlink(missing_ok=True)
        except (OSError, cache.Damaged) as error:
            reason = error.strerror if isinstance(error, OSError) else str(error)
            self.warnings.append(f"could not write the build cache: {reason}")
        return bodies

    def ignored(self, suffix: str, problem: cache.Damaged) -> None:
        shown = display_path(self.path(suffix), Path.cwd())
        self.warnings.append(f"ignored the build cache {shown}: it {problem}")

    def _read(self, suffix: str, read):
        try:
            return read()
        except cache.Damaged as problem:
            self.ignored(suffix, problem)
            return None
