"""The two records at either end of the stages: what a build is asked to do (`Project`),
and all it knows of the site once the content is valid, before anything is written."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .config import SiteConfig
from .locales import Interfaces
from .model import Catalog, Markup, Picture, SitePlan


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
    def locales_dir(self) -> Path:
        return self.root / "locales"

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
            "the locales folder": self.locales_dir,
            **cache,
        }


@dataclass(frozen=True)
class Site:
    """Everything known about the site once the content is valid, before anything is written."""

    config: SiteConfig
    catalog: Catalog
    markups: Mapping[str, Markup]
    plan: SitePlan
    held: Mapping[str, str]  # items left out: key -> "draft" or "scheduled"
    assets: Mapping[str, bytes]
    file_versions: Mapping[str, tuple[int, int]]  # content path -> (size, mtime)
    pictures: Mapping[str, Picture]  # gallery pictures by content path
    warnings: tuple[str, ...] = ()  # worth saying, not worth failing for
    item_digests: Mapping[str, bytes] = field(default_factory=dict)  # all an Item is made of
    source_paths: Mapping[str, str] = field(default_factory=dict)  # item key -> content path
    indexed: bytes = b""  # names the catalog and plan but for the items: `Indexed.made`
    # Keys of the items whose files were read since the last build, if only those were.
    touched: frozenset[str] | None = None
    interfaces: Interfaces | None = None  # the interface languages, with their catalogues

    @property
    def thumbnail_sizes(self) -> dict[str, tuple[int, int]]:
        return {path: picture.thumbnail_size for path, picture in self.pictures.items()}


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
    search_records: int = 0  # item pages in the search index; 0 when it was not built
    warnings: tuple[str, ...] = ()
    jobs: int = 1  # processes that rendered the pages


@dataclass(frozen=True)
class BuildRecord:
    """What a build leaves in the cache to tell the next process that nothing changed."""

    signature: bytes  # of every input file, the options and the commit (see `_signature`)
    output_stats: Mapping[str, tuple[int, int]]  # each file written: size, mtime
    summary: BuildSummary
    next_release: datetime.date | None  # the site changes on this day without an edit
