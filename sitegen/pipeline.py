"""The build: the stages in order, each redoing only what changed since the last build.

Only this module knows the order of the stages (`Builder._build`). Nothing is written
unless the whole site rendered, and what a build learnt is kept in a `Memo` (and, with a
cache folder, on disk) for the next one.
"""

from __future__ import annotations

import datetime
import gc
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path

import jinja2

from . import attachments, cache, output, parallel, plan, render, reuse, write
from .bodies import MemoryBodies, Store
from .cachefolder import CacheFolder
from .catalog import publishable
from .datafiles import OtherFiles, write_index
from .dependencies import PageBook, Readers
from .errors import BuildFailed, ContentError
from .memo import Indexed, Memo, OutputMemo, PageMemo
from .model import KINDS, Item, Markup, PlannedPage
from .project import BuildRecord, BuildSummary, Project, Site
from .views import Views

__all__ = ["BuildSummary", "Builder", "Project", "build"]


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
        self.environment: tuple[object, jinja2.Environment] | None = None  # (made of, it)
        self.readers: tuple[PageMemo | None, Readers | None] = (None, None)  # of a memo
        self.autosave = autosave  # write the cache after every build, or on `save()`
        self.cache = CacheFolder(project, index_once) if project.cache_dir else None
        if self.cache:
            self.bodies = self.cache.bodies()
        self._loaded = self.cache is None
        self._record: BuildRecord | None = None  # this build's, to be saved
        self._next_release: datetime.date | None = None  # the site changes then by itself
        self.front: reuse.Front | None = None  # the last build's, to patch (`patch_front`)

    def build(
        self,
        progress: Callable[[int, int], None] | None = None,
        changed: Collection[Path] | None = None,
    ) -> BuildSummary:
        """Build into `project.out_dir`, all or nothing; `progress(done, total)` per page.
        `changed`, from a file watcher, names every path changed since the last build of
        this builder: then the content folder is not walked."""
        started = time.perf_counter()
        today = self.today or datetime.date.today()
        # What the record is for: the next process's no-op check (a preview saves on exit).
        wanted = self.cache and (self.autosave or not self._loaded)
        signature = self.cache.signature() if wanted else None
        project = self.project  # a preview's (`index_once`) next build finds its spare ready
        claimed = output.claim(project.out_dir, project.root, project.inputs, self.index_once)
        with claimed as folder:
            if self.cache and not self._loaded:
                self._loaded = True
                unchanged = self.cache.unchanged(signature, today)
                if unchanged:  # the memo, the larger file, is not even read
                    warnings = (*self._cache_warnings(), *unchanged.warnings)
                    return replace(
                        unchanged, warnings=warnings, seconds=time.perf_counter() - started
                    )
                try:
                    with out_of_collection():
                        self.memo = self.cache.load(self.bodies) or Memo()
                except cache.Damaged as problem:
                    self._ignore_cache(problem)
                changed = None  # the memo may be older than the watcher's first event
            try:
                summary = self._build(today, changed, folder, progress)
            except cache.Damaged as problem:  # a body lost or altered: start again without
                self._ignore_cache(problem)
                summary = self._build(today, None, folder, progress)
            except BuildFailed:
                if self.autosave:
                    self.save()  # what was parsed and rendered is good for the next try
                raise
            finally:
                gc.unfreeze()  # see `out_of_collection`
        self._record = (  # a record only of this build: an older one would describe less
            BuildRecord(signature, self.memo.output.stats, summary, self._next_release)
            if signature
            else None
        )
        summary = replace(summary, warnings=(*self._cache_warnings(), *summary.warnings))
        if self.autosave:
            self.save()
        return replace(summary, seconds=time.perf_counter() - started)

    def save(self) -> None:
        """Write what this builder knows into the cache folder, if there is one."""
        if self.cache and self.memo.parse.sources:
            self.bodies = self.cache.save(self.memo, self.bodies, self._record)

    def _cache_warnings(self) -> list[str]:
        """What the cache had to say since it was last asked: said once, with a summary."""
        if not self.cache:
            return []
        said, self.cache.warnings = self.cache.warnings, []
        return said

    def _ignore_cache(self, problem: cache.Damaged) -> None:
        """Forget what was loaded and keep the bodies in memory until `save` rewrites them."""
        if self.cache:
            self.cache.ignored("bodies", problem)
        self.memo, self.bodies, self.front = Memo(), MemoryBodies(), None

    def check(self) -> Site:
        """Read, validate, index and plan, writing nothing (rendered bodies stay in
        memory, not in the cache); raise BuildFailed with every content error."""
        kept, self.bodies = self.bodies, MemoryBodies()
        try:
            return self._build(self.today or datetime.date.today(), None, None, None)
        finally:
            self.bodies = kept

    def _build(
        self,
        today: datetime.date,
        changed: Collection[Path] | None,
        folder: output.OutputFolder | None,
        progress: Callable[[int, int], None] | None,
    ) -> Site | BuildSummary:
        """The stages in order; without an output `folder`, only up to the plan (`check`).
        Each is given its record of the last build in the memo, and the next replaces it."""
        project, memo, timings = self.project, self.memo, {}
        step = partial(timed, timings)
        last, self.front = self.front, None  # kept again when this build ends well
        with out_of_collection():
            with step("read"):
                inputs = reuse.read_inputs(project, memo.parse, changed, last and last.inputs)
            with step("patch"):  # when told which files changed, and only their items did
                front = last and reuse.patch_front(last, inputs, today, memo, self.bodies, project)
            front = front or self._validate_and_index(inputs, today, step)
        site, self._next_release = front.site, front.published[2]
        if folder is None:
            return site
        with step("page counts"):
            page_counts, memo.catalog.page_counts = attachments.page_counts(
                site.catalog.items.values(),
                site.file_versions,
                memo.catalog.page_counts,
                lambda path: (project.content_dir / path).read_bytes(),
            )
        views = Views(site, self.bodies, page_counts)
        env, layout_prints, shared = self._environment(site)
        known, writer = _writer(folder, memo.output)
        try:
            with step("decide"):
                readers = self.readers[1] if self.readers[0] is memo.pages else None
                book = PageBook(
                    site, views, memo.pages, layout_prints, shared, known, memo.data, readers
                )
                todo = book.to_render(site.plan.pages, writer)
            with step("render"):
                jobs = parallel.usable_jobs(project.jobs, len(todo))
                rendered = book.render(todo, env, project.layouts_dir, jobs)
                fresh_html = _write_pages(rendered, writer, views.search, len(todo), progress)
            pages = (len(todo), writer.written, writer.unchanged)
            others = OtherFiles(writer, memo.data, known)
            with step("copy"):
                others.copy_files(site, project)
            with step("data"):
                data_memo = others.data_files(site, views, book, project)
            with step("search"):
                found, search_memo = write_index(
                    site, views, project, memo.search, book, fresh_html, writer, self.index_once
                )
            with step("swap"):
                writer.commit()
        except BaseException:
            writer.discard()
            if folder.swapped:  # the output is no longer what the memo says
                memo.output.stats = None
            raise
        stats = writer.stats(memo.output.stats or {})
        (memo.pages, readers), memo.data, memo.search = book.record(), data_memo, search_memo
        self.readers, self.front = (memo.pages, readers), front
        memo.output = OutputMemo(stats, output.identity(folder.path))
        return _summary(site, timings, pages, writer.written - pages[1], found, jobs)

    def _validate_and_index(
        self, inputs: reuse.Inputs, today: datetime.date, step: Callable
    ) -> reuse.Front:
        """The stages from validation to the plan, each given its record of the last build;
        raise BuildFailed with every content error."""
        project, memo = self.project, self.memo
        with step("validate"):
            valid = reuse.validate_sources(inputs, memo.validate)
            published = publishable(valid.items, today, project.drafts)
            items, held, _ = published
        with step("markdown"):
            markups = reuse.render_bodies(items, inputs, memo.bodies, self.bodies, project)
        with step("index"):
            indexed = reuse.index(valid, items, held, inputs, memo.catalog)
            warnings = list(inputs.warnings)
            if statement := inputs.config.accessibility:
                warnings += filter(None, [statement.review_warning(today)])
            errors = [*inputs.errors, *valid.errors, *indexed.errors]
            errors += _body_problems(indexed, markups, items, held, valid, project, warnings)
        with step("pictures"):
            pictures = reuse.pictures(indexed, project, inputs, memo.catalog, errors)
        if errors:
            raise BuildFailed(errors)
        site = reuse.site(inputs, items, held, indexed, markups, pictures, warnings, memo)
        return reuse.Front(inputs, valid, published, today, site)

    def _environment(self, site: Site) -> tuple[jinja2.Environment, dict[str, bytes], bytes]:
        """The Jinja environment, kept while the settings, asset names and layouts are the
        same; each layout's hash; and a hash of what the environment's globals read."""
        project = self.project
        layout_prints = render.layout_digests(
            project.layouts_dir, self.memo.pages.layout_references
        )
        assert site.interfaces is not None  # a site with a catalogue in error is not built
        shared = (site.config, sorted(site.plan.asset_urls.items()), render.has_search(site.plan))
        shared = repr(shared).encode() + site.interfaces.digest
        made_of = (shared, sorted(layout_prints.items()))
        if self.environment is None or self.environment[0] != made_of:
            env = render.make_environment(
                project.layouts_dir,
                site.config,
                site.plan,
                site.interfaces,
                self.cache and self.cache.layouts,
            )
            self.environment = (made_of, env)  # compiled layouts are kept with it
        return self.environment[1], layout_prints, shared


def build(project: Project, progress: Callable[[int, int], None] | None = None) -> BuildSummary:
    """Build the whole site into `project.out_dir`, all or nothing."""
    return Builder(project).build(progress)


def _body_problems(
    indexed: Indexed,
    markups: Mapping[str, Markup],
    items: list[Item],
    held: Mapping[str, str],
    valid: reuse.Validated,
    project: Project,
    warnings: list[str],
) -> list[ContentError]:
    """Links in bodies to what is not published, and what the sanitiser refused: errors,
    or warnings (added to `warnings`) unless the build is strict."""
    urls = indexed.plan.item_urls
    errors = plan.content_link_errors(indexed.catalog, markups, urls, held, valid.invalid)
    for item in items:
        for finding in markups[item.key].findings:
            line = item.body_line + finding.line
            problem = ContentError(item.source_path, line, "body", finding.message)
            if finding.error or project.strict:
                errors.append(problem)
            else:
                warnings.append(problem.format())
    return errors


def _writer(
    folder: output.OutputFolder, last: OutputMemo
) -> tuple[bool, write.PatchOutput | write.StagedOutput]:
    """Whether the output is as the last build left it, and the writer that fits: one
    that patches what it knows, or one that writes a whole new tree."""
    known = last.stats is not None and last.identity == output.identity(folder.path)
    return known, write.PatchOutput(folder, last.stats) if known else write.StagedOutput(folder)


def _write_pages(
    rendered: Iterator[tuple[PlannedPage, bytes]],
    writer: write.PatchOutput | write.StagedOutput,
    search_wanted: bool,
    total: int,
    progress: Callable[[int, int], None] | None,
) -> dict[str, str]:
    """Write each page as it comes; returns the item pages' HTML, for the search index."""
    fresh_html = {}
    for done, (page, html) in enumerate(rendered, 1):
        writer.write_bytes(page.output_path, html)
        if page.view == "item" and search_wanted:
            fresh_html[page.output_path] = html.decode()
        if progress and (done % 64 == 0 or done == total):
            progress(done, total)
    return fresh_html


def _summary(
    site: Site,
    timings: dict[str, float],
    pages: tuple[int, int, int],
    files_copied: int,
    search_records: int,
    jobs: int,
) -> BuildSummary:
    counts = Counter(item.kind for item in site.catalog.items.values())
    held = Counter(site.held.values())
    rendered, written, unchanged = pages
    return BuildSummary(
        items_by_kind={kind: counts[kind] for kind in KINDS},
        pages_rendered=rendered,
        pages_written=written,
        pages_unchanged=unchanged,
        files_copied=files_copied,
        drafts_skipped=held["draft"],
        scheduled_skipped=held["scheduled"],
        seconds=0.0,  # set by `build`
        timings=timings,
        search_records=search_records,
        warnings=site.warnings,
        jobs=jobs,
    )


@contextmanager
def timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    """Add the seconds spent in `stage` to `timings`."""
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - started


@contextmanager
def out_of_collection() -> Iterator[None]:
    """Keep what the block makes out of the cyclic garbage collector until `build` ends:
    the memo and the site live that long anyway, the collector would walk their millions
    of objects again and again as they grow, and workers would copy the memory it
    touches. A cycle made there is collected after the build (`gc.unfreeze`)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
