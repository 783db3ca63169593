"""The build: prepare, render the pages that changed, write every other file, index.

Only this module and `prepare` know the order of the stages. Nothing is written unless
the whole site rendered, and a `Builder` redoes only what changed since its last build.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import pickle
import time
import traceback
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import exports, load, render, search, write
from .errors import BuildFailed, ContentError, display_path
from .model import KINDS, PlannedPage
from .prepare import Memo, Project, Site, next_document_number, prepare, timed
from .views import Views, page_context

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


class Builder:
    """Builds a project again and again, redoing only what changed since its last build.

    The first build writes a whole new site; later ones re-render only the pages whose
    layouts or context changed and rewrite only files whose bytes changed. The result is
    always the same as a clean build of the same inputs.
    """

    def __init__(
        self, project: Project, today: datetime.date | None = None, index_once: bool = False
    ):
        self.project = project
        self.today = today
        self.index_once = index_once  # keep the first search index (a preview's rebuilds)
        self.memo = Memo()

    def build(self, progress: Callable[[int, int], None] | None = None) -> BuildSummary:
        """Build into `project.out_dir`, all or nothing; `progress(done, total)` per page."""
        started = time.perf_counter()
        timings: dict[str, float] = {}
        project, memo = self.project, self.memo
        site = prepare(project, memo, timings, self.today)
        sizes = {path: picture.thumbnail_size for path, picture in site.pictures.items()}
        views = Views(site.catalog, site.markups, site.plan, site.config, sizes)
        layout_prints = render.layout_digests(project.layouts_dir, memo.layout_references)
        shared = repr((site.config, sorted(site.plan.asset_urls.items()))).encode()
        env_inputs = (shared, sorted(layout_prints.items()))
        if memo.environment is None or memo.environment[0] != env_inputs:
            env = render.make_environment(project.layouts_dir, site.config, site.plan)
            memo.environment = (env_inputs, env)  # compiled layouts are kept with it
        env = memo.environment[1]
        known = memo.outputs is not None and project.out_dir.is_dir()
        previous = memo.outputs if known else frozenset()
        output = (
            write.PatchOutput(project.out_dir, previous)
            if known
            else write.StagedOutput(project.out_dir)
        )
        prints: dict[str, bytes] = {}
        stamps: dict[str, object] = {}  # every other file: what it was made from

        def place(path: str, stamp: object, make: Callable[[], bytes]) -> None:
            """Write a file that is not a page, unless the last build wrote it from the
            same inputs: then it is kept, without reading it back to compare."""
            stamps[path] = stamp
            if known and memo.stamps.get(path) == stamp:
                output.keep(path)
            else:
                output.write_bytes(path, make())

        fresh_html: dict[str, str] = {}  # item pages rendered this time, for the search index
        rendered = 0
        search_records = 0
        try:
            with timed(timings, "render"):
                total = len(site.plan.pages)
                for done, page in enumerate(site.plan.pages, 1):
                    template, context = page_context(views, page)
                    path = page.output_path
                    prints[path] = _fingerprint(shared, layout_prints.get(template), context)
                    if known and memo.page_prints.get(path) == prints[path]:
                        output.keep(path)
                    else:
                        html = _render(env, template, context, page, project)
                        output.write_text(path, html)
                        if page.view == "item":
                            fresh_html[path] = html
                        rendered += 1
                    if progress:
                        progress(done, total)
            pages_written, pages_unchanged = output.written, output.unchanged
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
                changed = _last_changes(site, project)
                summaries = {key: views.summary(key) for key in site.catalog.items}
                for path, content in exports.data_files(
                    site.catalog, summaries, site.config, site.plan, changed, memo.citations
                ).items():
                    digest = hashlib.blake2b(content, digest_size=16).digest()
                    place(path, digest, lambda c=content: c)
            if views.search:
                with timed(timings, "search"):
                    search_records = self._index(site, views, prints, fresh_html, output)
            output.commit()
        except BaseException:
            output.discard()
            raise
        memo.page_prints, memo.stamps = prints, stamps
        memo.outputs = frozenset(output.paths)
        counts = Counter(item.kind for item in site.catalog.items.values())
        held = Counter(site.held.values())
        return BuildSummary(
            items_by_kind={kind: counts[kind] for kind in KINDS},
            pages_rendered=rendered,
            pages_written=pages_written,
            pages_unchanged=pages_unchanged,
            files_copied=output.written - pages_written,
            drafts_skipped=held["draft"],
            scheduled_skipped=held["scheduled"],
            seconds=time.perf_counter() - started,
            timings=timings,
            search_records=search_records,
            warnings=site.warnings,
        )

    def _index(
        self,
        site: Site,
        views: Views,
        prints: Mapping[str, bytes],
        fresh_html: Mapping[str, str],
        output: write.PatchOutput | write.StagedOutput,
    ) -> int:
        """Write the search index, or keep the last one when no item page and no PDF
        changed, or always when indexing once (a preview's edits must not wait for it).
        Item pages not rendered this time are read back from the output."""
        project, memo = self.project, self.memo
        keep = memo.search is not None and isinstance(output, write.PatchOutput)
        if keep and self.index_once:
            return self._keep_index(output)
        items = [page for page in site.plan.pages if page.view == "item"]
        records = _pdf_records(site, views, project, memo)
        inputs = hashlib.blake2b(digest_size=16)
        for page in items:
            inputs.update(page.output_path.encode() + prints[page.output_path])
        inputs.update(pickle.dumps(records))
        if keep and memo.search[0] == inputs.digest():
            return self._keep_index(output)
        pages = [
            (
                site.config.base_path + page.url,
                fresh_html.get(page.output_path)
                or (project.out_dir / page.output_path).read_text(encoding="utf-8"),
            )
            for page in items
        ]
        files = search.build_index(pages, records, site.config.language)
        for path, content in files.items():
            output.write_bytes(f"{search.INDEX_FOLDER}/{path}", content)
        count = len(pages) + len(records)
        memo.search = (
            inputs.digest(),
            frozenset(f"{search.INDEX_FOLDER}/{p}" for p in files),
            count,
        )
        return count

    def _keep_index(self, output: write.PatchOutput) -> int:
        _, files, count = self.memo.search
        for path in files:
            output.keep(path)
        return count


def _pdf_records(site: Site, views: Views, project: Project, memo: Memo) -> list[search.Record]:
    """One search record per shipped PDF, under its item's URL and with its item's filters.
    Extracted text is kept by file version: reading PDFs is the slow part."""
    records = []
    kept: dict[tuple, str] = {}
    for key in sorted(site.catalog.items):
        item = site.catalog.items[key]
        for attachment in item.files:
            if attachment.media_type != "application/pdf" or not attachment.path:
                continue
            version = (attachment.path, site.file_versions.get(attachment.path))
            if version not in memo.pdf_texts:
                data = (project.content_dir / attachment.path).read_bytes()
                memo.pdf_texts[version] = search.pdf_text(data)
            kept[version] = text = memo.pdf_texts[version]
            if text:
                brief = views.brief(key)
                records.append(
                    search.Record(
                        url=site.config.base_path + site.plan.item_urls[key],
                        title=item.title,
                        text=text,
                        filters=views.search_filters(key),
                        meta={
                            "kind": brief["kind_label"],
                            "date": brief["dates"],
                            "file": attachment.label
                            if "pdf" in attachment.label.lower()
                            else f"{attachment.label} (PDF)",
                        },
                    )
                )
    memo.pdf_texts = kept
    return records


def _last_changes(site: Site, project: Project) -> dict[str, datetime.date]:
    """The day each item's file last changed, by item key."""
    sources = {f"{key}.md": key for key in site.catalog.items}
    changes = load.last_changes(project.content_dir, sources)
    return {key: changes[path] for path, key in sources.items()}


def build(project: Project, progress: Callable[[int, int], None] | None = None) -> BuildSummary:
    """Build the whole site into `project.out_dir`, all or nothing."""
    return Builder(project).build(progress)


def _fingerprint(shared: bytes, layout: bytes | None, context: dict) -> bytes:
    """A hash of everything a page's HTML is made from: its context, its layouts, and
    the settings and asset names the environment's globals read."""
    hasher = hashlib.blake2b(shared, digest_size=16)
    hasher.update(layout or b"missing")
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # no memo: equal contexts give equal bytes, however objects are shared
    pickler.dump(context)
    hasher.update(buffer.getbuffer())
    return hasher.digest()


def _render(
    env: jinja2.Environment, template: str, context: dict, page: PlannedPage, project: Project
) -> str:
    """Render one page; a broken layout becomes an error naming the layout file and line."""
    try:
        return env.get_template(template).render(context)
    except jinja2.TemplateNotFound as error:
        shown = display_path(project.layouts_dir / str(error.name), Path.cwd())
        message = "is missing; every content type and index needs its layout"
        raise BuildFailed([ContentError(shown, 0, "layout", message)]) from None
    except jinja2.TemplateSyntaxError as error:
        shown = display_path(Path(error.filename or project.layouts_dir), Path.cwd())
        raise BuildFailed(
            [ContentError(shown, error.lineno, "layout", str(error.message))]
        ) from None
    except Exception as error:  # a layout's mistake, reported as one; not swallowed
        path, line = _layout_frame(error, project.layouts_dir)
        message = f"failed while rendering /{page.url}: {type(error).__name__}: {error}"
        raise BuildFailed(
            [ContentError(display_path(path, Path.cwd()), line, "layout", message)]
        ) from error


def _layout_frame(error: BaseException, layouts_dir: Path) -> tuple[Path, int]:
    """The innermost layout file and line in a traceback (Jinja maps frames to templates)."""
    found = (layouts_dir, 0)
    for frame, line in traceback.walk_tb(error.__traceback__):
        filename = Path(frame.f_code.co_filename)
        if filename.suffix == ".html" and layouts_dir.resolve() in filename.resolve().parents:
            found = (filename, line)
    return found
