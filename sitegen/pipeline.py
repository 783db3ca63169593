"""The build, as one function that runs the stages in order.

Only this module knows the order of the stages. It collects every content error before
giving up, and writes nothing unless the whole site rendered.
"""

from __future__ import annotations

import time
import traceback
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import catalog, config, load, markup, plan, render, validate, write
from .errors import BuildFailed, ContentError, display_path
from .model import KINDS, Catalog, Item, Markup, PlannedPage, SitePlan


@dataclass(frozen=True)
class Project:
    """Where the inputs are and where the site goes; paths as the user gave them."""

    root: Path
    content_dir: Path
    out_dir: Path
    base_url: str | None = None

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
    drafts: tuple[str, ...]
    assets: Mapping[str, bytes]


@dataclass(frozen=True)
class BuildSummary:
    items_by_kind: Mapping[str, int]
    pages_written: int
    files_copied: int
    drafts_skipped: int
    seconds: float
    timings: Mapping[str, float] = field(default_factory=dict)


def prepare(project: Project, timings: dict[str, float] | None = None) -> Site:
    """Load, validate, index and plan; raise BuildFailed with every error found."""
    timings = {} if timings is None else timings
    cwd = Path.cwd()
    site_config = _load_config(project, cwd)
    layouts = render.layout_names(project.layouts_dir)
    with _timed(timings, "load"):
        tree = load.read_content(project.content_dir, display_path(project.content_dir, cwd))
        assets = load.read_assets(project.assets_dir)
    errors: list[ContentError] = list(tree.errors)
    items: list[Item] = []
    invalid: set[str] = set()  # references to these are not errors: their own errors are shown
    with _timed(timings, "validate"):
        for source in tree.sources:
            result = validate.validate_source(source, site_config, tree.file_sizes, layouts)
            if isinstance(result, Item):
                items.append(result)
            else:
                errors.extend(result)
                invalid |= {source.path.removesuffix(".md"), str(source.front_matter.get("number"))}
    published = [item for item in items if not item.draft]
    drafts = tuple(item.key for item in items if item.draft)
    with _timed(timings, "markdown"):
        renderer = markup.MarkdownRenderer()
        markups = {item.key: renderer.render(item.body, item.key + ".md") for item in published}
    with _timed(timings, "catalog"):
        site_catalog, catalog_errors = catalog.build_catalog(
            published, {*drafts, *invalid}, site_config
        )
    with _timed(timings, "plan"):
        site_plan, plan_errors = plan.plan_site(
            site_catalog, markups, site_config, assets, drafts, invalid
        )
    errors += catalog_errors + plan_errors
    if errors:
        raise BuildFailed(errors)
    return Site(site_config, site_catalog, markups, site_plan, drafts, assets)


def build(project: Project) -> BuildSummary:
    """Build the whole site into `project.out_dir`, all or nothing."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    site = prepare(project, timings)
    env = render.make_environment(project.layouts_dir, site.config, site.plan)
    views = render.Views(site.catalog, site.markups, site.plan, site.config)
    output = write.StagedOutput(project.out_dir)
    try:
        with _timed(timings, "render"):
            for page in site.plan.pages:
                output.write_text(page.output_path, _render(env, views, page, project))
        pages_written = output.written
        with _timed(timings, "copy"):
            for source_path, output_path in site.plan.copies:
                output.copy_file(project.content_dir / source_path, output_path)
            for name, content in sorted(site.assets.items()):
                output.write_bytes(site.plan.asset_urls[name], content)
        output.commit()
    except BaseException:
        output.discard()
        raise
    counts = Counter(item.kind for item in site.catalog.items.values())
    return BuildSummary(
        items_by_kind={kind: counts[kind] for kind in KINDS},
        pages_written=pages_written,
        files_copied=output.written - pages_written,
        drafts_skipped=len(site.drafts),
        seconds=time.perf_counter() - started,
        timings=timings,
    )


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
    env: jinja2.Environment, views: render.Views, page: PlannedPage, project: Project
) -> str:
    """Render one page; a broken layout becomes an error naming the layout file and line."""
    try:
        return render.render_page(env, views, page)
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
