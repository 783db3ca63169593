"""Everything a build knows before it writes: inputs loaded, validated, indexed, planned.

`prepare` collects every content error before giving up. The `Memo` it fills lets the
next build in the same process skip whatever did not change; the stages it calls stay
pure functions of their arguments.
"""

from __future__ import annotations

import datetime
import gc
import hashlib
import os
import posixpath
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from . import catalog, config, images, load, parallel, plan, render, search, validate
from .bodies import MemoryBodies, Store
from .errors import BuildFailed, ContentError, display_path
from .model import Catalog, Item, Markup, SitePlan, Source, digest


@dataclass(frozen=True)
class Project:
    """Where the inputs are, where the site goes, and what it includes."""

    root: Path
    content_dir: Path
    out_dir: Path
    base_url: str | None = None
    drafts: bool = False  # include drafts and scheduled items, marked as such
    search: bool = True  # write the search index (needs Pagefind)
    cache_dir: Path | None = None  # keep what a build learnt here for the next process
    jobs: int = 1  # processes that render Markdown and pages
    strict: bool = False  # what would be a warning about content is an error

    @property
    def layouts_dir(self) -> Path:
        return self.root / "layouts"

    @property
    def assets_dir(self) -> Path:
        return self.root / "assets"

    @property
    def config_path(self) -> Path:
        return self.root / "site.yaml"

    @property
    def inputs(self) -> dict[str, Path]:
        """What a build reads besides the project folder, by name: never its output."""
        cache = {"the build cache": self.cache_dir} if self.cache_dir else {}
        return {
            "the content folder": self.content_dir,
            "the layouts folder": self.layouts_dir,
            "the assets folder": self.assets_dir,
            "the settings file": self.config_path,
            **cache,
        }


@dataclass(frozen=True)
class Site:
    """Everything known about the site once the content is valid, before anything is written."""

    config: config.SiteConfig
    catalog: Catalog
    markups: Mapping[str, Markup]
    plan: SitePlan
    held: Mapping[str, str]  # items left out: key -> "draft" or "scheduled"
    assets: Mapping[str, bytes]
    file_versions: Mapping[str, tuple[int, int]]  # content path -> (size, mtime)
    pictures: Mapping[str, images.Picture]  # gallery pictures by content path
    warnings: tuple[str, ...] = ()  # worth saying, not worth failing for
    next_release: datetime.date | None = None  # when the first scheduled item comes out
    item_digests: Mapping[str, bytes] = field(default_factory=dict)  # all an Item is made of
    source_paths: Mapping[str, str] = field(default_factory=dict)  # item key -> content path
    indexed: bytes = b""  # names the catalog and plan: another name, another catalog or plan


@dataclass
class Indexed:
    """A build's catalog and plan with what they were made of, for the next build to
    reuse (see `_index`), and the errors found making them."""

    items: Mapping[str, Item]
    inputs: tuple  # everything else they were made of
    catalog: Catalog
    plan: SitePlan
    errors: list[ContentError]
    made: bytes = field(default_factory=lambda: os.urandom(16))  # new when they are made


@dataclass
class Memo:
    """What a build keeps for the next one in the same process, so that unchanged inputs
    are not parsed, validated or rendered again. Every entry is keyed on what produced it,
    and replaced, never changed in place: the build cache writes the entries that changed
    (see `cache.Journal`)."""

    parsed: load.ParseMemo = field(default_factory=dict)
    content_stats: load.StatMemo = field(default_factory=dict)
    validated: dict[str, tuple[bytes, Item | list[ContentError]]] = field(default_factory=dict)
    validation_digest: bytes = b""  # of what every validation reads besides its file
    shown_prefix: str = ""  # how the content folder was named in messages
    markups: dict[bytes, Markup] = field(default_factory=dict)  # by `Markup.body_key`
    page_prints: dict[str, bytes] = field(default_factory=dict)  # output path -> fingerprint
    page_reads: dict[str, tuple] = field(default_factory=dict)  # item page -> views it read
    briefs: dict[str, bytes] = field(default_factory=dict)  # what entries were made of
    view_digests: dict[tuple[str, str], bytes] = field(default_factory=dict)  # item pages read
    page_settings: tuple | None = None  # what every page was rendered with
    structure: tuple | None = None  # the catalog and plan they had, and the pictures' sizes
    outlines: dict[str, tuple] = field(default_factory=dict)  # list page -> what it shows
    stamps: dict[str, object] = field(default_factory=dict)  # non-page file -> its inputs
    layout_references: dict[bytes, set[str]] = field(default_factory=dict)
    similar: dict = field(default_factory=dict)  # the catalog's similar items, by inputs
    indexed: Indexed | None = None  # the last catalog and plan
    pictures: dict[tuple, images.Picture] = field(default_factory=dict)  # by file version
    pdf_texts: dict[tuple, str] = field(default_factory=dict)  # by file version
    data: dict = field(default_factory=dict)  # each item's part of feeds and exports
    data_digests: dict[str, bytes] = field(default_factory=dict)  # what each part is made of
    commit_days: tuple[str, dict] | None = None  # (commit, day of each file's last commit)
    search: tuple[bytes, frozenset[str], int] | None = None  # (inputs, files, records)
    output_stats: dict[str, tuple[int, int]] | None = None  # every file the last build
    # left in the output, with its size and modification time; None: the output is unknown
    output_identity: tuple | None = None  # the site it left them in (`output.identity`)
    environment: tuple[object, jinja2.Environment] | None = None  # (what made it, it)


def prepare(
    project: Project,
    memo: Memo | None = None,
    timings: dict[str, float] | None = None,
    today: datetime.date | None = None,
    bodies: Store | None = None,
) -> Site:
    """Load, validate, index and plan; raise BuildFailed with every error found. Rendered
    bodies go into `bodies`, where the site's `Markup`s point."""
    memo = Memo() if memo is None else memo
    bodies = MemoryBodies() if bodies is None else bodies
    timings = {} if timings is None else timings
    today = today or datetime.date.today()
    cwd = Path.cwd()
    site_config = _load_config(project, cwd)
    layouts = render.layout_names(project.layouts_dir)
    with timed(timings, "load"):
        shown = display_path(project.content_dir, cwd)
        if memo.shown_prefix != shown:  # parsed sources name their files this way
            memo.parsed.clear()
            memo.shown_prefix = shown
        tree = load.read_content(project.content_dir, shown, memo.parsed, memo.content_stats)
        assets, asset_errors = load.read_assets(
            project.assets_dir, display_path(project.assets_dir, cwd)
        )
    errors: list[ContentError] = [*tree.errors, *asset_errors]
    items: list[Item] = []
    invalid: set[str] = set()  # references to these are not errors: their own errors are shown
    with timed(timings, "validate"):
        # What every validation reads besides its file; messages name files by `shown`.
        inputs = digest((site_config, sorted(layouts), sorted(tree.file_sizes.items()), shown))
        if memo.validation_digest != inputs:
            memo.validated.clear()
            memo.validation_digest = inputs
        for source in tree.sources:
            result = _validated(source, tree, site_config, layouts, memo)
            if isinstance(result, Item):
                items.append(result)
            else:
                errors.extend(result)
                invalid |= {source.path.removesuffix(".md"), str(source.front_matter.get("number"))}
        for gone in memo.validated.keys() - tree.digests.keys():
            del memo.validated[gone]
    shown_items, held, next_release = _publishable(items, today, project.drafts)
    held_refs = {*held, *(str(i.number) for i in items if i.key in held and i.number)}
    sources = {posixpath.splitext(s.path)[0]: s for s in tree.sources}
    with timed(timings, "markdown"):
        markups = _markups(shown_items, sources, memo, bodies, project)
    warnings = []
    searchable = project.search
    if searchable and (reason := search.unavailable()):
        warnings.append(f"no search index: {reason}; or build with --no-search")
        searchable = False
    unpublished = frozenset({*held_refs, *invalid})
    inputs = (unpublished, site_config, assets, tuple(held), frozenset(invalid), searchable)
    indexed = _index(shown_items, inputs, memo, timings)
    site_catalog, site_plan = indexed.catalog, indexed.plan
    errors += indexed.errors
    errors += plan.content_link_errors(site_catalog, markups, site_plan.item_urls, held, invalid)
    for item in shown_items:
        for finding in markups[item.key].findings:
            problem = ContentError(
                item.source_path, item.body_line + finding.line, "body", finding.message
            )
            if finding.error or project.strict:
                errors.append(problem)
            else:
                warnings.append(problem.format())
    with timed(timings, "pictures"):
        pictures = _pictures(site_plan, site_catalog, project, tree.file_versions, memo, errors)
    if errors:
        raise BuildFailed(errors)
    return Site(
        site_config,
        site_catalog,
        markups,
        site_plan,
        held,
        assets,
        tree.file_versions,
        pictures,
        tuple(warnings),
        next_release,
        _item_digests(shown_items, sources, tree.digests, memo.validation_digest),
        {key: source.path for key, source in sources.items()},
        indexed.made,
    )


def _index(items: list[Item], inputs: tuple, memo: Memo, timings: dict[str, float]) -> Indexed:
    """The catalog and plan of `items`: the last build's when every item is as it was but
    for its body, which neither reads, and the other inputs are equal."""
    by_key = {item.key: item for item in items}
    last = memo.indexed
    unpublished, site_config, assets, held, invalid, searchable = inputs
    with timed(timings, "catalog"):
        if last and last.inputs == inputs and _same_but_bodies(last.items, by_key):
            # The memo keeps `last`, unchanged, for the build cache to see that it is.
            kept = replace(last.catalog, items={key: by_key[key] for key in last.catalog.items})
            return replace(last, items=by_key, catalog=kept)
        site_catalog, errors = catalog.build_catalog(items, unpublished, site_config, memo.similar)
    with timed(timings, "plan"):
        site_plan, plan_errors = plan.plan_site(
            site_catalog, site_config, assets, held, invalid, searchable
        )
    memo.indexed = Indexed(by_key, inputs, site_catalog, site_plan, errors + plan_errors)
    return memo.indexed


def _same_but_bodies(before: Mapping[str, Item], now: Mapping[str, Item]) -> bool:
    """Whether the same items are there, each as it was or with only another body."""
    if before.keys() != now.keys():
        return False
    for key, item in now.items():
        last = before[key]
        if item is not last and replace(item, body_digest=last.body_digest) != last:
            return False
    return True


def _pictures(
    site_plan: SitePlan,
    site_catalog: Catalog,
    project: Project,
    versions: Mapping[str, tuple[int, int]],
    memo: Memo,
    errors: list[ContentError],
) -> dict[str, images.Picture]:
    """Resize every gallery picture, keeping results by file version between builds."""
    wanted = {path for path, _, _ in site_plan.pictures}
    kept: dict[tuple, images.Picture] = {}
    pictures = {}
    for item in site_catalog.items.values():
        for image in item.images:
            if image.path not in wanted or image.path in pictures:
                continue
            version = (image.path, versions.get(image.path))
            if version not in memo.pictures:
                try:
                    data = (project.content_dir / image.path).read_bytes()
                    memo.pictures[version] = images.derive(data)
                except (OSError, images.NotAPicture) as error:
                    message = f"content/{image.path} cannot be read as a picture ({error}); use a JPEG, PNG, WebP or GIF file"
                    errors.append(ContentError(item.source_path, image.line, "images", message))
                    continue
            pictures[image.path] = kept[version] = memo.pictures[version]
    memo.pictures = kept
    return pictures


def _item_digests(
    items: list[Item], sources: Mapping[str, Source], files: Mapping[str, bytes], validation: bytes
) -> dict[str, bytes]:
    """For each item, a hash of all it is made of: its file's bytes, what validation read
    besides (settings, layouts, other files' sizes) and whether it is scheduled. Both
    hashes have a fixed length, so joining them is unambiguous."""
    return {
        item.key: hashlib.blake2b(
            files[sources[item.key].path] + validation + b"%d" % item.scheduled, digest_size=16
        ).digest()
        for item in items
    }


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
) -> tuple[list[Item], dict[str, str], datetime.date | None]:
    """Split off drafts and scheduled items, or keep them marked when `include_all`; and
    say on which day the first scheduled item comes out (the site changes on that day).

    An item is scheduled when its date starts after `today`. Events are the exception:
    their date is when they happen, and an upcoming event is announced before it.
    """
    shown: list[Item] = []
    held: dict[str, str] = {}
    releases = []
    for item in items:
        first_day = datetime.date(item.date.year, item.date.month or 1, item.date.day or 1)
        scheduled = item.kind != "event" and first_day > today
        if scheduled:
            releases.append(first_day)
        if item.draft or scheduled:
            if not include_all:
                held[item.key] = "draft" if item.draft else "scheduled"
                continue
            item = replace(item, scheduled=scheduled)
        shown.append(item)
    return shown, held, min(releases, default=None)


def _markups(
    items: list[Item], sources: Mapping[str, Source], memo: Memo, bodies: Store, project: Project
) -> dict[str, Markup]:
    """Each item's body rendered into `bodies`, unless it is there from an earlier build."""
    keys = {item.key: _body_key(item.key, item.body_digest) for item in items}
    tasks = []
    for item in items:
        if keys[item.key] not in memo.markups:
            source = load.with_body(project.content_dir, sources[item.key])
            keys[item.key] = key = _body_key(item.key, source.body_digest)
            tasks.append((source.body, source.path, key))
    for chunk in parallel.markups(tasks, project.jobs):  # the HTML is not kept here
        bodies.add((markup.body_key, body) for markup, body in chunk)
        memo.markups.update((markup.body_key, markup) for markup, _ in chunk)
    memo.markups = {key: memo.markups[key] for key in keys.values()}
    if tasks and bodies.count() > len(memo.markups) * 5 // 4:  # a fifth is out of use
        bodies.retain(memo.markups.keys())
    return {key: memo.markups[body_key] for key, body_key in keys.items()}


def _body_key(item_key: str, body_digest: bytes) -> bytes:
    """What an item's rendered body is kept by: its HTML depends on the body and the
    file's place (content links are relative to it)."""
    return hashlib.blake2b(item_key.encode() + body_digest, digest_size=16).digest()


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


def _load_config(project: Project, cwd: Path) -> config.SiteConfig:
    shown = display_path(project.config_path, cwd)
    parsed = load.read_yaml_file(project.config_path, shown)
    if isinstance(parsed, list):
        raise BuildFailed(parsed)
    result = config.site_config(*parsed, shown, base_url=project.base_url)
    if isinstance(result, list):
        raise BuildFailed(result)
    return result


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
