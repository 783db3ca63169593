"""The build: the stages run in order, and what a build remembers for the next one.

Only this module knows the order of the stages. It collects every content error before
giving up, and writes nothing unless the whole site rendered. It owns the memo that lets a
`Builder` redo only what changed; the stages stay pure functions of their arguments.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import pickle
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from . import catalog, config, load, markup, plan, render, validate, write
from .errors import BuildFailed, ContentError, display_path
from .model import KINDS, Catalog, Item, Markup, PlannedPage, SitePlan, Source


@dataclass(frozen=True)
class Project:
    """Where the inputs are, where the site goes, and what it includes."""

    root: Path
    content_dir: Path
    out_dir: Path
    base_url: str | None = None
    drafts: bool = False  # include drafts and scheduled items, marked as such

    @property
    def layouts_dir(self) -> Path:
        return self.root / "layouts"

    @property
    def assets_dir(self) -> Path:
        return self.root / "assets"

    @property
    def config_path(self) -> Path:
        return self.root / "site.yaml"


@dataclass(frozen=True)
class Site:
    """Everything known about the site once the content is valid, before anything is written."""

    config: config.SiteConfig
    catalog: Catalog
    markups: Mapping[str, Markup]
    plan: SitePlan
    held: Mapping[str, str]  # items left out: key -> "draft" or "scheduled"
    assets: Mapping[str, bytes]
    file_versions: Mapping[str, tuple[int, int]]  # content path -> (size, mtime) of non-Markdown


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


@dataclass
class Memo:
    """What a build keeps for the next one in the same process, so that unchanged inputs
    are not parsed, validated or rendered again. Every entry is keyed on what produced it."""

    parsed: load.ParseMemo = field(default_factory=dict)
    validated: dict[str, tuple[bytes, Item | list[ContentError]]] = field(default_factory=dict)
    validation_inputs: object = None  # what every validation depends on beyond its file
    markups: dict[tuple[str, str], Markup] = field(default_factory=dict)
    page_prints: dict[str, bytes] = field(default_factory=dict)  # output path -> fingerprint
    copies: dict[str, tuple] = field(default_factory=dict)  # output path -> source version
    outputs: frozenset[str] | None = None  # every file the last build left in the output
    layout_references: dict[bytes, set[str]] = field(default_factory=dict)
    similar: dict = field(default_factory=dict)  # the catalog's similar items, by inputs
    environment: tuple[object, jinja2.Environment] | None = None  # (what made it, it)


def prepare(
    project: Project,
    memo: Memo | None = None,
    timings: dict[str, float] | None = None,
    today: datetime.date | None = None,
) -> Site:
    """Load, validate, index and plan; raise BuildFailed with every error found."""
    memo = Memo() if memo is None else memo
    timings = {} if timings is None else timings
    today = today or datetime.date.today()
    cwd = Path.cwd()
    site_config = _load_config(project, cwd)
    layouts = render.layout_names(project.layouts_dir)
    with _timed(timings, "load"):
        shown = display_path(project.content_dir, cwd)
        tree = load.read_content(project.content_dir, shown, memo.parsed)
        assets = load.read_assets(project.assets_dir)
    errors: list[ContentError] = list(tree.errors)
    items: list[Item] = []
    invalid: set[str] = set()  # references to these are not errors: their own errors are shown
    with _timed(timings, "validate"):
        inputs = (site_config, frozenset(layouts), tuple(sorted(tree.file_sizes.items())))
        if memo.validation_inputs != inputs:
            memo.validated.clear()
            memo.validation_inputs = inputs
        for source in tree.sources:
            result = _validated(source, tree, site_config, layouts, memo)
            if isinstance(result, Item):
                items.append(result)
            else:
                errors.extend(result)
                invalid |= {source.path.removesuffix(".md"), str(source.front_matter.get("number"))}
        for gone in memo.validated.keys() - tree.digests.keys():
            del memo.validated[gone]
    shown_items, held = _publishable(items, today, project.drafts)
    held_refs = {*held, *(str(i.number) for i in items if i.key in held and i.number)}
    with _timed(timings, "markdown"):
        markups = _markups(shown_items, memo)
    with _timed(timings, "catalog"):
        site_catalog, catalog_errors = catalog.build_catalog(
            shown_items, {*held_refs, *invalid}, site_config, memo.similar
        )
    with _timed(timings, "plan"):
        site_plan, plan_errors = plan.plan_site(
            site_catalog, markups, site_config, assets, tuple(held), invalid
        )
    errors += catalog_errors + plan_errors
    if errors:
        raise BuildFailed(errors)
    return Site(site_config, site_catalog, markups, site_plan, held, assets, tree.file_versions)


def _validated(
    source: Source,
    tree: load.ContentTree,
    site_config: config.SiteConfig,
    layouts: set[str],
    memo: Memo,
) -> Item | list[ContentError]:
    digest = tree.digests[source.path]
    known = memo.validated.get(source.path)
    if known is not None and known[0] == digest:
        return known[1]
    result = validate.validate_source(source, site_config, tree.file_sizes, layouts)
    memo.validated[source.path] = (digest, result)
    return result


def _publishable(
    items: list[Item], today: datetime.date, include_all: bool
) -> tuple[list[Item], dict[str, str]]:
    """Split off drafts and scheduled items, or keep them marked when `include_all`.

    An item is scheduled when its date starts after `today`. Events are the exception:
    their date is when they happen, and an upcoming event is announced before it.
    """
    shown: list[Item] = []
    held: dict[str, str] = {}
    for item in items:
        first_day = datetime.date(item.date.year, item.date.month or 1, item.date.day or 1)
        scheduled = item.kind != "event" and first_day > today
        if item.draft or scheduled:
            if not include_all:
                held[item.key] = "draft" if item.draft else "scheduled"
                continue
            item = replace(item, scheduled=scheduled)
        shown.append(item)
    return shown, held


def _markups(items: list[Item], memo: Memo) -> dict[str, Markup]:
    renderer = None
    markups: dict[str, Markup] = {}
    kept: dict[tuple[str, str], Markup] = {}
    for item in items:
        memo_key = (item.source_path, item.body)
        if memo_key not in memo.markups:
            renderer = renderer or markup.MarkdownRenderer()
            memo.markups[memo_key] = renderer.render(item.body, item.key + ".md")
        markups[item.key] = kept[memo_key] = memo.markups[memo_key]
    memo.markups = kept
    return markups


class Builder:
    """Builds a project again and again, redoing only what changed since its last build.

    The first build writes a whole new site; later ones re-render only the pages whose
    layouts or context changed and rewrite only files whose bytes changed. The result is
    always the same as a clean build of the same inputs.
    """

    def __init__(self, project: Project, today: datetime.date | None = None):
        self.project = project
        self.today = today
        self.memo = Memo()

    def build(self, progress: Callable[[int, int], None] | None = None) -> BuildSummary:
        """Build into `project.out_dir`, all or nothing; `progress(done, total)` per page."""
        started = time.perf_counter()
        timings: dict[str, float] = {}
        project, memo = self.project, self.memo
        site = prepare(project, memo, timings, self.today)
        views = render.Views(site.catalog, site.markups, site.plan, site.config)
        layout_prints = render.layout_digests(project.layouts_dir, memo.layout_references)
        shared = repr((site.config, sorted(site.plan.asset_urls.items()))).encode()
        env_inputs = (shared, sorted(layout_prints.items()))
        if memo.environment is None or memo.environment[0] != env_inputs:
            env = render.make_environment(project.layouts_dir, site.config, site.plan)
            memo.environment = (env_inputs, env)  # compiled layouts are kept with it
        env = memo.environment[1]
        known = memo.outputs is not None and project.out_dir.is_dir()
        output = (
            write.PatchOutput(project.out_dir, memo.outputs or ())
            if known
            else write.StagedOutput(project.out_dir)
        )
        prints: dict[str, bytes] = {}
        copies: dict[str, tuple] = {}
        rendered = 0
        try:
            with _timed(timings, "render"):
                total = len(site.plan.pages)
                for done, page in enumerate(site.plan.pages, 1):
                    template, context = render.page_context(views, page)
                    path = page.output_path
                    prints[path] = _fingerprint(shared, layout_prints.get(template), context)
                    if known and memo.page_prints.get(path) == prints[path]:
                        output.keep(path)
                    else:
                        output.write_text(path, _render(env, template, context, page, project))
                        rendered += 1
                    if progress:
                        progress(done, total)
            pages_written, pages_unchanged = output.written, output.unchanged
            with _timed(timings, "copy"):
                for source_path, output_path in site.plan.copies:
                    copies[output_path] = (source_path, site.file_versions.get(source_path))
                    if known and memo.copies.get(output_path) == copies[output_path]:
                        output.keep(output_path)
                    else:
                        output.copy_file(project.content_dir / source_path, output_path)
                for name, content in sorted(site.assets.items()):
                    url = site.plan.asset_urls[name]  # named by a hash of its bytes
                    if known and url in (memo.outputs or ()):
                        output.keep(url)
                    else:
                        output.write_bytes(url, content)
            output.commit()
        except BaseException:
            output.discard()
            raise
        memo.page_prints, memo.copies = prints, copies
        memo.outputs = frozenset(
            [*prints, *copies, *(site.plan.asset_urls[name] for name in site.assets)]
        )
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
        )


def build(project: Project, progress: Callable[[int, int], None] | None = None) -> BuildSummary:
    """Build the whole site into `project.out_dir`, all or nothing."""
    return Builder(project).build(progress)


def next_document_number(project: Project) -> int:
    """One above the highest document number in use, drafts and broken files included."""
    tree = load.read_content(project.content_dir, "")
    numbers = [
        number
        for source in tree.sources
        if source.kind == "document"
        and isinstance(number := source.front_matter.get("number"), int)
    ]
    documents = project.content_dir / "documents"
    stems = [int(p.stem) for p in documents.glob("*.md") if p.stem.isdigit()]
    return max([*numbers, *stems], default=0) + 1


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


def _load_config(project: Project, cwd: Path) -> config.SiteConfig:
    shown = display_path(project.config_path, cwd)
    parsed = load.read_yaml_file(project.config_path, shown)
    if isinstance(parsed, list):
        raise BuildFailed(parsed)
    result = config.site_config(*parsed, shown, base_url=project.base_url)
    if isinstance(result, list):
        raise BuildFailed(result)
    return result


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


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    """Add the seconds spent in `stage` to `timings`."""
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - started
