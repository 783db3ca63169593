"""The stages before writing, each called only for what changed since the last build.

Every function here takes the stage's inputs and its record in the `Memo`, reuses what
the record holds for equal inputs, and calls the stage for the rest. The stages
themselves (`load`, `validate`, `markup`, `catalog`, `plan`, `images`) know nothing of it.
"""

from __future__ import annotations

import datetime
import hashlib
import posixpath
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from . import (
    catalog,
    config,
    images,
    load,
    locales,
    parallel,
    plan,
    references,
    render,
    search,
    validate,
)
from .bodies import Store
from .config import SiteConfig, SiteLines
from .errors import BuildFailed, ContentError, display_path
from .locales import Interfaces
from .memo import BodyMemo, CatalogMemo, Indexed, Memo, ParseMemo, ValidateMemo
from .model import FileReferences, Item, Markup, Picture, Source, digest
from .project import Project, Site


@dataclass(frozen=True)
class Inputs:
    """Everything a build reads: the settings, the layouts' names, the content and the
    assets, with the errors found reading them."""

    config: SiteConfig
    config_lines: SiteLines  # where site.yaml's settings are, for errors in content paths
    layouts: set[str]
    tree: load.ContentTree
    sources: dict[str, Source]  # by item key
    assets: dict[str, bytes]
    errors: list[ContentError]
    shown: str  # how messages name the content folder
    searchable: bool  # a search index is wanted and can be made
    warnings: tuple[str, ...]
    interfaces: Interfaces | None  # None when a catalogue is in error (see `errors`)
    touched: frozenset[str] | None = None  # keys of the items whose files a patch read

    @property
    def around(self) -> tuple:  # all but the content: a watcher's patch needs them the same
        kept = (self.config, self.config_lines, self.layouts, self.assets, self.shown)
        return (*kept, self.searchable, self.interfaces)


def read_inputs(
    project: Project, memo: ParseMemo, changed: Collection[Path] | None, last: Inputs | None
) -> Inputs:
    """Read the settings, layouts, content and assets; raise BuildFailed for settings
    that cannot be used, as nothing else can be checked without them. With a watcher's
    `changed` paths, the content is `last`'s patched where it can be (`load.patch_content`)."""
    site_config, config_lines = _load_config(project)
    shown = display_path(project.content_dir, Path.cwd())
    layouts = render.layout_names(project.layouts_dir)
    assets, errors = load.read_assets(
        project.assets_dir, display_path(project.assets_dir, Path.cwd())
    )
    searchable, warnings = project.search, ()
    if searchable and (reason := search.unavailable()):
        searchable, warnings = False, (f"no search index: {reason}; or build with --no-search",)
    languages = site_config.interface_languages
    interfaces = locales.load_interfaces(
        project.locales_dir, languages, project.layouts_dir, memo.layout_messages
    )
    errors = [*errors, *site_config.untranslated]
    if isinstance(interfaces, list):
        errors, interfaces = [*errors, *interfaces], None
    around = (site_config, config_lines, layouts, assets, shown, searchable, interfaces)
    patchable = last and changed is not None and not errors and memo.shown_prefix == shown
    if patchable and around == last.around:
        patch = load.patch_content(
            last.tree, project.content_dir, shown, memo.sources, memo.stats, changed
        )
        if patch:
            tree, read = patch
            memo.versions = dict(tree.file_versions)
            by_key = {_key(path): source for path, source in read.items()}
            sources = {**last.sources, **by_key}
            return replace(last, tree=tree, sources=sources, touched=frozenset(by_key))
    tree = read_content(project, shown, memo, changed)
    return Inputs(
        site_config, config_lines, layouts, tree, sources_by_key(tree), assets,
        [*tree.errors, *errors], shown, searchable, warnings, interfaces,
    )  # fmt: skip


def _load_config(project: Project) -> tuple[SiteConfig, SiteLines]:
    shown = display_path(project.config_path, Path.cwd())
    parsed = load.read_yaml_file(project.config_path, shown)
    if isinstance(parsed, list):
        raise BuildFailed(parsed)
    result = config.site_config(*parsed, shown, base_url=project.base_url)
    if isinstance(result, list):
        raise BuildFailed(result)
    return result, SiteLines(shown, parsed[1])


def read_content(
    project: Project, shown: str, memo: ParseMemo, changed: Collection[Path] | None
) -> load.ContentTree:
    """The content folder, parsing only files whose bytes changed; with `changed` (a
    watcher's paths), without walking the folder or looking at files not named."""
    if memo.shown_prefix != shown:  # parsed sources name their files this way
        memo.sources.clear()
        memo.shown_prefix = shown
    known = None
    if changed is not None and memo.versions is not None:
        known = load.listing_after(project.content_dir, memo.versions, changed)
    tree = load.read_content(project.content_dir, shown, memo.sources, memo.stats, known)
    # A file in error may be one a walk names otherwise: the next build walks again.
    memo.versions = None if tree.errors else dict(tree.file_versions)
    return tree


@dataclass(frozen=True)
class Validated:
    items: list[Item]
    errors: list[ContentError]
    invalid: set[str]  # references to these are not errors: their own errors are shown
    # The references of files with errors, checked all the same (`catalog.build_catalog`).
    unchecked: tuple[FileReferences, ...] = ()
    numbers_unknown: bool = False  # a document could not be read: any number may be its


def validate_sources(read: Inputs, memo: ValidateMemo) -> Validated:
    """Each source's item or errors, validating only sources whose bytes or whose
    surroundings (settings, layouts, other files' sizes) changed."""
    tree, site_config, layouts = read.tree, read.config, read.layouts
    inputs = digest((site_config, sorted(layouts), sorted(tree.file_sizes.items()), read.shown))
    if memo.inputs != inputs:
        memo.results.clear()
        memo.inputs = inputs
    items, errors, invalid, unchecked = [], [], set(), []
    for source in tree.sources:
        file_digest = tree.digests[source.path]
        known = memo.results.get(source.path)
        if known is not None and known[0] == file_digest:
            result = known[1]
        else:
            result = validate.validate_source(source, site_config, tree.file_sizes, layouts)
            memo.results[source.path] = (file_digest, result)
        if isinstance(result, Item):
            items.append(result)
        else:
            errors.extend(result)
            invalid |= {source.path.removesuffix(".md"), str(source.front_matter.get("number"))}
            unchecked.append(validate.references_of(source))
    for gone in memo.results.keys() - tree.digests.keys():
        del memo.results[gone]
    for path, number in tree.unparsed.items():  # a file that could not be read
        invalid |= {path.removesuffix(".md"), *([str(number)] if number else [])}
    numbers_unknown = any(
        number is None and path.startswith("documents/") for path, number in tree.unparsed.items()
    )
    return Validated(items, errors, invalid, tuple(unchecked), numbers_unknown)


def render_bodies(
    items: list[Item],
    read: Inputs,
    memo: BodyMemo,
    bodies: Store,
    project: Project,
) -> dict[str, Markup]:
    """Each item's body rendered into `bodies`, unless it is there from an earlier build."""
    keys, rendered = _render_missing(items, read, memo, bodies, project)
    memo.markups = {key: memo.markups[key] for key in keys.values()}
    _retain(memo, bodies, rendered)
    return {key: memo.markups[body_key] for key, body_key in keys.items()}


def _render_missing(
    items: list[Item], read: Inputs, memo: BodyMemo, bodies: Store, project: Project
) -> tuple[dict[str, bytes], bool]:
    """Render the bodies of `items` not in `memo` into `bodies`; each item's body key,
    and whether any was rendered."""
    keys = {item.key: _body_key(item.key, item.body_digest) for item in items}
    tasks = []
    for item in items:
        if keys[item.key] not in memo.markups:
            source = load.with_body(project.content_dir, read.sources[item.key])
            keys[item.key] = key = _body_key(item.key, source.body_digest)
            tasks.append((source.body, source.path, key))
    for chunk in parallel.markups(tasks, project.jobs):  # the HTML is not kept here
        bodies.add((markup.body_key, body) for markup, body in chunk)
        memo.markups.update((markup.body_key, markup) for markup, _ in chunk)
    return keys, bool(tasks)


def _retain(memo: BodyMemo, bodies: Store, rendered: bool) -> None:
    """Drop the stored bodies no item has, once they are a fifth of the store."""
    if rendered and bodies.count() > len(memo.markups) * 5 // 4:
        bodies.retain(memo.markups.keys())


def _body_key(item_key: str, body_digest: bytes) -> bytes:
    """What an item's rendered body is kept by: its HTML depends on the body and the
    file's place (content links are relative to it)."""
    return hashlib.blake2b(item_key.encode() + body_digest, digest_size=16).digest()


def index(
    valid: Validated,
    items: list[Item],
    held: Mapping[str, str],
    read: Inputs,
    memo: CatalogMemo,
) -> Indexed:
    """The catalog and plan of the published `items`: the last build's when every item is
    as it was but for its body, which neither reads, and the other inputs are equal; or
    new, named as the last (`Indexed.made`) when they differ from it only in records.
    References to items `held` back or invalid are not errors of their own."""
    by_key = {item.key: item for item in items}
    numbers = {str(i.number) for i in valid.items if i.key in held and i.number}
    unpublished = frozenset({*held, *numbers, *valid.invalid})
    invalid = frozenset(valid.invalid)
    site_config, assets, searchable = read.config, read.assets, read.searchable
    inputs = (
        unpublished, site_config, assets, tuple(held), invalid, searchable, read.config_lines,
        valid.unchecked, valid.numbers_unknown,
    )  # fmt: skip
    last = memo.indexed
    if last and last.inputs == inputs and _same_but_bodies(last.items, by_key):
        # The memo keeps `last`, unchanged, for the build cache to see that it is.
        kept = replace(last.catalog, items={key: by_key[key] for key in last.catalog.items})
        return replace(last, items=by_key, catalog=kept)
    site_catalog, errors = catalog.build_catalog(
        items, unpublished, site_config, memo.similar, valid.unchecked, valid.numbers_unknown
    )
    errors += references.setting_errors(
        site_config, read.config_lines, site_catalog.items, held, invalid
    )
    errors += config.logo_errors(site_config, read.config_lines, assets)
    site_plan, plan_errors = plan.plan_site(
        site_catalog, site_config, assets, held, invalid, searchable
    )
    memo.indexed = Indexed(by_key, inputs, site_catalog, site_plan, errors + plan_errors)
    if last and last.inputs == inputs and _same_shape(last, memo.indexed):
        memo.indexed.made = last.made  # as after a body edit: only records changed
    return memo.indexed


def _same_shape(last: Indexed, now: Indexed) -> bool:
    """Whether the catalog and plan are the last ones but for the items' own records, as
    when an edit changed a title or an author: then the pages, lists, tags and links
    are the same, and only what shows the changed records can differ."""
    if last.errors or now.errors or last.items.keys() != now.items.keys():
        return False
    return replace(now.catalog, items=last.catalog.items) == last.catalog and now.plan == last.plan


def _same_but_bodies(before: Mapping[str, Item], now: Mapping[str, Item]) -> bool:
    """Whether the same items are there, each as it was or with only another body."""
    if before.keys() != now.keys():
        return False
    for key, item in now.items():
        last = before[key]
        if item is not last and replace(item, body_digest=last.body_digest) != last:
            return False
    return True


def pictures(
    indexed: Indexed,
    project: Project,
    read: Inputs,
    memo: CatalogMemo,
    errors: list[ContentError],
) -> dict[str, Picture]:
    """Resize every gallery picture, keeping results by file version between builds."""
    site_catalog, versions = indexed.catalog, read.tree.file_versions
    wanted = {path for path, _, _ in indexed.plan.pictures}
    kept: dict[tuple, Picture] = {}
    found = {}
    for item in site_catalog.items.values():
        for image in item.images:
            if image.path not in wanted or image.path in found:
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
            found[image.path] = kept[version] = memo.pictures[version]
    memo.pictures = kept
    return found


def site(
    read: Inputs,
    items: list[Item],
    held: Mapping[str, str],
    indexed: Indexed,
    markups: Mapping[str, Markup],
    pictures: Mapping[str, Picture],
    warnings: list[str],
    memo: Memo,
) -> Site:
    """All that is known of a valid site before writing, with a hash for each item of
    all it is made of: its file's bytes, what validation read besides (settings,
    layouts, other files' sizes) and whether it is scheduled."""
    return Site(
        read.config, indexed.catalog, markups, indexed.plan, held, read.assets,
        read.tree.file_versions, pictures, tuple(warnings), _item_digests(items, read, memo),
        {key: source.path for key, source in read.sources.items()}, indexed.made,
        interfaces=read.interfaces,
    )  # fmt: skip


def _item_digests(items: list[Item], read: Inputs, memo: Memo) -> dict[str, bytes]:
    files, validation = read.tree.digests, memo.validate.inputs
    return {
        item.key: hashlib.blake2b(
            files[read.sources[item.key].path] + validation + b"%d" % item.scheduled,
            digest_size=16,
        ).digest()
        for item in items
    }  # both hashes have a fixed length: joining them is unambiguous


@dataclass(frozen=True)
class Front:
    """What the stages before writing made in a build that ended them without an error:
    the next build, told which files changed, patches it (`patch_front`)."""

    inputs: Inputs
    valid: Validated
    published: tuple[list[Item], dict[str, str], datetime.date | None]  # `publishable`'s
    today: datetime.date
    site: Site


def patch_front(
    last: Front, read: Inputs, today: datetime.date, memo: Memo, bodies: Store, project: Project
) -> Front | None:
    """`last` with the items of the files `read` patched (`Inputs.touched`) validated and
    rendered again; None when that might not be what the stages would make, as when an
    item is no longer valid or published, or changed more than its body (the catalog and
    plan would change), or the last build warned of a body."""
    indexed, shown_items, held, release = memo.catalog.indexed, *last.published
    if read.touched is None or today != last.today or last.site.warnings != read.warnings:
        return None
    if not indexed or indexed.made != last.site.indexed:
        return None
    tree, valid_items, shown = read.tree, list(last.valid.items), list(shown_items)
    valid_at = {item.key: i for i, item in enumerate(valid_items)}
    shown_at = {item.key: i for i, item in enumerate(shown)}
    for key in read.touched:
        source = read.sources[key]
        item = validate.validate_source(source, read.config, tree.file_sizes, read.layouts)
        memo.validate.results[source.path] = (tree.digests[source.path], item)
        if not isinstance(item, Item) or key not in shown_at or shown[shown_at[key]].scheduled:
            return None
        valid_items[valid_at[key]] = item
        published, now_held, now_release = catalog.publishable([item], today, project.drafts)
        before = indexed.items[key]
        if (
            now_held
            or now_release
            or replace(published[0], body_digest=before.body_digest) != before
        ):
            return None
        shown[shown_at[key]] = published[0]
    edited = [shown[shown_at[key]] for key in read.touched]
    keys, rendered = _render_missing(edited, read, memo.bodies, bodies, project)
    markups = dict(last.site.markups)
    for key, body_key in keys.items():
        if markups[key].body_key != body_key:
            memo.bodies.markups.pop(markups[key].body_key, None)
        markups[key] = memo.bodies.markups[body_key]
    _retain(memo.bodies, bodies, rendered)
    by_key = {item.key: item for item in edited}
    site_catalog = replace(last.site.catalog, items={**last.site.catalog.items, **by_key})
    fresh = {key: markups[key] for key in keys}
    if any(markup.findings for markup in fresh.values()) or plan.content_link_errors(
        site_catalog, fresh, indexed.plan.item_urls, held, ()
    ):
        return None
    site = replace(
        last.site,
        catalog=site_catalog,
        markups=markups,
        item_digests={**last.site.item_digests, **_item_digests(edited, read, memo)},
        file_versions=tree.file_versions,
        touched=read.touched,
    )
    valid = Validated(valid_items, [], set())
    return Front(read, valid, (shown, held, release), today, site)


def sources_by_key(tree: load.ContentTree) -> dict[str, Source]:
    return {_key(source.path): source for source in tree.sources}


def _key(path: str) -> str:
    return posixpath.splitext(path)[0]
