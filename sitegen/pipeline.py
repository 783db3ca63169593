"""The build: prepare, render the pages that changed, write every other file, index.

Only this module and `prepare` know the order of the stages. Nothing is written unless
the whole site rendered, and a `Builder` redoes only what changed since its last build.
"""

from __future__ import annotations

import datetime
import gc
import hashlib
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import cache, datafiles, indexing, load, output, parallel, render, write
from .bodies import DiskBodies, MemoryBodies, Store
from .errors import BuildFailed, display_path
from .model import KINDS, PlannedPage
from .pages import PageInputs, context_fingerprint, page_context
from .prepare import Memo, Project, next_document_number, out_of_collection, prepare, timed
from .views import Views

__all__ = ["BuildSummary", "Builder", "Project", "build", "next_document_number", "prepare"]


@dataclass(frozen=True)
class BuildSummary:
    items_by_kind: Mapping[str, int]
    pages_rendered: int  # pages whose context or layouts changed since the last build
    pages_written: int  # of those, pages whose bytes changed
    pages_unchanged: int
    files_copied: int
    drafts_skipped: int
    scheduled_skipped: int
    seconds: float
    timings: Mapping[str, float] = field(default_factory=dict)
    search_records: int = 0  # pages and PDFs in the search index; 0 when it was not built
    warnings: tuple[str, ...] = ()
    jobs: int = 1  # processes that rendered the pages


@dataclass(frozen=True)
class BuildRecord:
    """What a build leaves in the cache to tell the next process that nothing changed."""

    signature: bytes  # of every input file, the options and the commit (see `_signature`)
    output_stats: Mapping[str, tuple[int, int]]  # each file written: size, mtime
    summary: BuildSummary
    next_release: datetime.date | None  # the site changes on this day without an edit


class Builder:
    """Builds a project again and again, redoing only what changed since its last build.

    The first build writes a whole new site; later ones re-render only the pages whose
    layouts or context changed and rewrite only files whose bytes changed. The result is
    always the same as a clean build of the same inputs. With `project.cache_dir`, what
    a build learnt is kept there, so the next process starts where this one stopped; a
    build that would change nothing returns as soon as it has checked the file times.
    """

    def __init__(
        self,
        project: Project,
        today: datetime.date | None = None,
        index_once: bool = False,
        autosave: bool = True,
    ):
        self.project = project
        self.today = today
        self.index_once = index_once  # keep the first search index (a preview's rebuilds)
        self.memo = Memo()
        self.bodies: Store = MemoryBodies()
        self.layouts: cache.CompiledLayouts | None = None  # compiled, kept with a cache folder
        self.autosave = autosave  # write the cache after every build, or on `save()`
        self.warnings: list[str] = []  # about the cache, said with the next summary
        self._record: BuildRecord | None = None  # this build's, to be saved
        self._loaded = project.cache_dir is None
        # Named by what is built, not where: a preview writes to a new folder each time,
        # and what the memo knows of an output folder is checked against it on loading.
        options = (project.base_url, project.drafts, project.search)
        name = repr((project.content_dir.resolve(), *options))
        self._cache_file = hashlib.blake2b(name.encode(), digest_size=8).hexdigest()
        if project.cache_dir is not None:
            self._memo_file = cache.Journal(self._cache_path("memo"))
            self.bodies = DiskBodies(self._cache_path("bodies"))
            self.layouts = cache.CompiledLayouts(self._cache_path("layouts"))

    def build(self, progress: Callable[[int, int], None] | None = None) -> BuildSummary:
        """Build into `project.out_dir`, all or nothing; `progress(done, total)` per page."""
        started = time.perf_counter()
        today = self.today or datetime.date.today()
        # What the record is for: the next process's no-op check (a preview saves on exit).
        wanted = self.project.cache_dir and (self.autosave or not self._loaded)
        signature = self._signature() if wanted else None
        project = self.project  # a preview's (`index_once`) next build finds its spare ready
        claimed = output.claim(project.out_dir, project.root, project.inputs, self.index_once)
        with claimed as folder:
            if not self._loaded:
                unchanged = self._unchanged(signature, today)
                if unchanged:  # the memo, the larger file, is not even read
                    return replace(unchanged, seconds=time.perf_counter() - started)
                with out_of_collection():
                    self._load()
            try:
                summary = self._build(signature, today, progress, folder)
            except cache.Damaged as problem:  # a body lost or altered: start again without
                self._ignore_cache(problem)
                summary = self._build(signature, today, progress, folder)
            finally:
                gc.unfreeze()  # see `out_of_collection`
        return replace(summary, seconds=time.perf_counter() - started)

    def _build(
        self,
        signature: bytes | None,
        today: datetime.date,
        progress: Callable[[int, int], None] | None,
        folder: output.OutputFolder,
    ) -> BuildSummary:
        timings: dict[str, float] = {}
        project, memo = self.project, self.memo
        try:
            with out_of_collection():
                site = prepare(project, memo, timings, today, self.bodies)
        except BuildFailed:
            if self.autosave:
                self.save()  # what was parsed and rendered is good for the next try
            raise
        sizes = {path: picture.thumbnail_size for path, picture in site.pictures.items()}
        views = Views(site.catalog, site.markups, self.bodies, site.plan, site.config, sizes)
        layout_prints = render.layout_digests(project.layouts_dir, memo.layout_references)
        shared = repr((site.config, sorted(site.plan.asset_urls.items()))).encode()
        env_inputs = (shared, sorted(layout_prints.items()))
        if memo.environment is None or memo.environment[0] != env_inputs:
            env = render.make_environment(project.layouts_dir, site.config, site.plan, self.layouts)
            memo.environment = (env_inputs, env)  # compiled layouts are kept with it
        env = memo.environment[1]
        now = output.identity(folder.path)  # the output is known if the last build left it
        known = memo.output_stats is not None and memo.output_identity == now
        writer = (
            write.PatchOutput(folder, memo.output_stats) if known else write.StagedOutput(folder)
        )
        prints: dict[str, bytes] = {}
        stamps: dict[str, object] = {}  # every other file: what it was made from

        def place(path: str, stamp: object, make: Callable[[], bytes]) -> None:
            """Write a file that is not a page, unless the last build wrote it from the
            same inputs: then it is kept, without reading it back to compare."""
            stamps[path] = stamp
            if known and memo.stamps.get(path) == stamp:
                writer.keep(path)
            else:
                writer.write_bytes(path, make())

        fresh_html: dict[str, str] = {}  # item pages rendered this time, for the search index
        rendered = 0
        search_records = 0

        inputs = PageInputs(views, site.item_digests, shared)
        briefs = inputs.hash_briefs(memo.briefs, memo.view_digests)
        reads: dict[str, tuple] = {}  # item page -> its layout and the views it read
        outlines: dict[str, tuple] = {}  # list page -> its layout, outline and entries

        def known_print(
            page: PlannedPage, built: tuple[str, dict] | None = None
        ) -> tuple[bytes | None, tuple | None]:
            """A page's fingerprint as far as it is known without rendering the page, and
            what an item page read when it was last rendered; `built` is the page's
            layout and context, when they are at hand."""
            if page.view == "item":
                last = memo.page_reads.get(page.output_path) if known else None
                if not last:
                    return None, None  # known once its context is built
                if settled and stale.isdisjoint(last[1]) and ("item", page.key) in last[1]:
                    return memo.page_prints.get(page.output_path), last  # as it was
                return inputs.fingerprint(page, layout_prints.get(last[0]), last[1]), last
            if page.view == "home":  # shows an item whole: hashed whole
                template, context = built or page_context(views, page)
                return context_fingerprint(shared, layout_prints.get(template), context), None
            last = memo.outlines.get(page.output_path) if same_structure else None
            outlines[page.output_path] = last or inputs.outline(page)
            template, outline, read = outlines[page.output_path]
            if last and stale.isdisjoint(read):
                return memo.page_prints.get(page.output_path), None  # as it was
            return inputs.fingerprint(page, layout_prints.get(template), read, outline), None

        def render_pages(tasks: Sequence[tuple[PlannedPage, bytes | None]]) -> list[tuple]:
            """Each page's fingerprint (given when known), its HTML, and what an item page
            read or a list page's outline. Runs in worker processes, on their copy of the
            above."""
            answers = []
            for page, fingerprint in tasks:
                views.read = set() if page.view == "item" else None
                template, context = page_context(views, page)
                read, views.read = views.read, None
                if read is None:
                    if fingerprint is None:
                        fingerprint, _ = known_print(page, (template, context))
                    last = outlines.get(page.output_path)
                else:
                    last = (template, tuple(sorted(read)))
                    fingerprint = inputs.fingerprint(page, layout_prints.get(template), last[1])
                html = render.render_page(env, template, context, page.url, project.layouts_dir)
                answers.append((fingerprint, html.encode(), last))
            return answers

        try:
            with timed(timings, "render"):
                # An item page is as it was when its settings and layout are, and all it read.
                settings = (inputs.shared, layout_prints)
                settled = known and memo.page_settings == settings
                # With the last catalog, plan and pictures too, only the views of items
                # whose files changed can have changed, and list pages keep their outline.
                structure = (site.indexed, sorted(sizes.items()))
                same_structure = settled and memo.structure == structure
                if same_structure:
                    changed = {key for key, made in briefs.items() if memo.briefs.get(key) != made}
                    inputs.keep(memo.view_digests, memo.data_digests, changed)
                stale = inputs.changed_views(memo.view_digests) if settled else set()
                pages, total = site.plan.pages, len(site.plan.pages)
                todo: list[tuple[PlannedPage, bytes | None]] = [(page, None) for page in pages]
                if known:  # most pages are as the last build left them: see which, here
                    todo = []
                    for page in pages:
                        fingerprint, last = known_print(page)
                        path = page.output_path
                        if fingerprint is None or memo.page_prints.get(path) != fingerprint:
                            todo.append((page, fingerprint if page.view != "item" else None))
                            continue
                        prints[path] = fingerprint
                        if last:
                            reads[path] = last
                        writer.keep(path)
                done = total - len(todo)
                jobs = parallel.usable_jobs(project.jobs, len(todo))
                waiting = (page for page, _ in todo)  # in the order the answers come in
                for answers in parallel.run_chunks(render_pages, todo, jobs):
                    for (fingerprint, html, last), page in zip(answers, waiting, strict=False):
                        path = page.output_path
                        prints[path] = fingerprint
                        if last:
                            (reads if page.view == "item" else outlines)[path] = last
                        writer.write_bytes(path, html)
                        if page.view == "item" and views.search:
                            fresh_html[path] = html.decode()
                        rendered += 1
                    done += len(answers)
                    if progress:
                        progress(done, total)
            pages_written, pages_unchanged = writer.written, writer.unchanged
            with timed(timings, "copy"):
                for source, path in site.plan.copies:
                    source_file = project.content_dir / source
                    stamp = (source, site.file_versions.get(source))
                    place(path, stamp, source_file.read_bytes)
                for source, large, thumbnail in site.plan.pictures:
                    picture, version = site.pictures[source], site.file_versions.get(source)
                    place(large, (source, version, "large"), lambda p=picture: p.large)
                    place(thumbnail, (source, version, "thumbnail"), lambda p=picture: p.thumbnail)
                for name, content in sorted(site.assets.items()):
                    # Named by a hash of its bytes: the name is all that can change.
                    place(site.plan.asset_urls[name], name, lambda c=content: c)
            with timed(timings, "data"):
                for path, made_of, make in datafiles.data_files(site, views, inputs, memo, project):
                    place(path, made_of, make)
            if views.search:
                with timed(timings, "search"):
                    search_records = indexing.write_index(
                        site, views, project, memo, prints, fresh_html, writer, self.index_once
                    )
            with timed(timings, "swap"):
                writer.commit()
        except BaseException:
            writer.discard()
            if folder.swapped:  # the output is no longer what the memo says
                memo.output_stats = None
            raise
        read = set().union(*(r for _, r in reads.values()), (("brief", k) for k in briefs))
        view_digests = inputs.view_digests(read)
        # Saved together, in one statement: a hash is reused only with what it was made of.
        (
            memo.page_prints, memo.page_reads, memo.stamps, memo.view_digests, memo.briefs,
            memo.outlines, memo.data_digests, memo.page_settings, memo.structure,
        ) = (
            prints, reads, stamps, view_digests, briefs,
            outlines, inputs.data_digests, settings, structure,
        )  # fmt: skip
        memo.output_stats = writer.stats(memo.output_stats or {})
        memo.output_identity = output.identity(folder.path)
        counts = Counter(item.kind for item in site.catalog.items.values())
        held = Counter(site.held.values())
        summary = BuildSummary(
            items_by_kind={kind: counts[kind] for kind in KINDS},
            pages_rendered=rendered,
            pages_written=pages_written,
            pages_unchanged=pages_unchanged,
            files_copied=writer.written - pages_written,
            drafts_skipped=held["draft"],
            scheduled_skipped=held["scheduled"],
            seconds=0.0,  # set by `build`
            timings=timings,
            search_records=search_records,
            warnings=(*self.warnings, *site.warnings),
            jobs=jobs,
        )
        self.warnings = []
        said = replace(summary, warnings=site.warnings)  # not the cache's own
        self._record = (  # a record only of this build: an older one would describe less
            BuildRecord(signature, memo.output_stats, said, site.next_release)
            if signature
            else None
        )
        if self.autosave:
            self.save()
        return summary

    def _cache_path(self, suffix: str) -> Path:
        return self.project.cache_dir / f"{self._cache_file}.{suffix}"  # type: ignore[operator]

    def _load(self) -> None:
        """Take up what the last process left: the memo, unless its output was touched or
        its rendered bodies are not all there."""
        self._loaded = True
        memo = self._read("memo", self._memo_file.read)
        if not isinstance(memo, Memo):
            return
        try:
            if self.bodies.count() < len(memo.markups):
                raise cache.Damaged("has lost rendered bodies")
        except cache.Damaged as problem:
            self._ignore_cache(problem)
            return
        self.memo = memo
        stats = memo.output_stats
        out_dir = self.project.out_dir
        if stats is not None and not (
            memo.output_identity == output.identity(out_dir) and write.holds_exactly(out_dir, stats)
        ):
            memo.output_stats = None  # rewrite it all, comparing bytes

    def _read(self, suffix: str, read: Callable[[], object | None]) -> object | None:
        try:
            return read()
        except cache.Damaged as problem:
            self._warn_ignored(suffix, problem)
            return None

    def _warn_ignored(self, suffix: str, problem: cache.Damaged) -> None:
        shown = display_path(self._cache_path(suffix), Path.cwd())
        self.warnings.append(f"ignored the build cache {shown}: it {problem}")

    def _ignore_cache(self, problem: cache.Damaged) -> None:
        """Forget what was loaded and keep the bodies in memory until `save` rewrites them."""
        self._warn_ignored("bodies", problem)
        self.memo, self.bodies = Memo(), MemoryBodies()

    def _unchanged(self, signature: bytes | None, today: datetime.date) -> BuildSummary | None:
        """The last summary, when no input changed, no scheduled item has come out since,
        and the output is as that build left it."""
        record = self._read("record", lambda: cache.read(self._cache_path("record")))
        if not (isinstance(record, BuildRecord) and signature == record.signature):
            return None
        if record.next_release and today >= record.next_release:
            return None
        if not write.untouched(self.project.out_dir, record.output_stats):
            return None
        last, warnings = record.summary, self.warnings
        self.warnings = []
        kept = last.pages_written + last.pages_unchanged
        return replace(
            last,
            pages_rendered=0,
            pages_written=0,
            pages_unchanged=kept,
            files_copied=0,
            timings={},
            warnings=(*warnings, *last.warnings),
        )

    def _signature(self) -> bytes:
        """Everything a build reads, by file times, with the options and the commit."""
        project = self.project
        files = load.tree_signature(
            [project.content_dir, project.layouts_dir, project.assets_dir],
            [project.config_path],
        )
        options = (project.base_url, project.drafts, project.search, project.strict)
        options = repr((*options, self.index_once))
        head = load.git_head(project.content_dir)
        return hashlib.blake2b(files + options.encode() + head.encode()).digest()

    def save(self) -> None:
        """Write what this builder knows into the cache folder, if there is one."""
        if self.project.cache_dir is None or not self.memo.parsed:
            return
        memo = replace(self.memo, environment=None, parsed=load.without_bodies(self.memo.parsed))
        try:
            if isinstance(self.bodies, MemoryBodies):  # the file was ignored: write it anew
                disk = DiskBodies(self._cache_path("bodies"))
                disk.clear()
                disk.add(self.bodies.rows())
                self.bodies = disk
            self._memo_file.write(memo)
            if self._record:
                cache.write(self._cache_path("record"), self._record)
            else:  # no record describes what the memo now holds
                self._cache_path("record").unlink(missing_ok=True)
        except (OSError, cache.Damaged) as error:  # a full disk must not fail a build
            reason = error.strerror if isinstance(error, OSError) else str(error)
            self.warnings.append(f"could not write the build cache: {reason}")


def build(project: Project, progress: Callable[[int, int], None] | None = None) -> BuildSummary:
    """Build the whole site into `project.out_dir`, all or nothing."""
    return Builder(project).build(progress)
