"""The data stage: every file that is not a page, each with a hash of what it is made of.

Each record's part of the data files (`exports.Fragments`) is kept between builds by a
hash of its inputs; the stale ones are made in worker processes, as a cold build makes
all of them. `exports` then joins them into feeds, the sitemap and the catalogue files.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Mapping
from functools import partial

from . import exports, load, parallel
from .pages import PageInputs
from .prepare import Memo, Project, Site
from .views import Views


def data_files(
    site: Site, views: Views, inputs: PageInputs, memo: Memo, project: Project
) -> Iterator[tuple[str, bytes, Callable[[], bytes]]]:
    """Each data file's path, a hash of its inputs, and how to make it (see `exports`)."""
    changed = _last_changes(site, project, memo)
    digests = {key: inputs.data_digest(key) for key in site.catalog.items}
    parts = _data_parts(site, views, digests, memo, project.jobs)
    yield from exports.data_files(site.catalog, site.config, site.plan, changed, digests, parts)


def _data_parts(
    site: Site, views: Views, digests: Mapping[str, bytes], memo: Memo, jobs: int
) -> dict[str, exports.Fragments]:
    """Every record's part of the data files: the last build's where its inputs are the
    same (`digests`), the others made in worker processes, as a cold build makes them all."""
    records = [key for key, item in site.catalog.items.items() if item.kind in exports.RECORD_KINDS]
    parts = {
        key: memo.data[key][1] for key in records if memo.data.get(key, (None,))[0] == digests[key]
    }
    todo = [key for key in records if key not in parts]
    summaries = {key: views.summary(key) for key in todo}
    make = partial(exports.fragments, site.catalog, summaries, site.config, site.plan)
    for made in parallel.run_chunks(make, todo, parallel.usable_jobs(jobs, len(todo))):
        parts.update(made)
    memo.data = {key: (digests[key], part) for key, part in parts.items()}
    return parts


def _last_changes(site: Site, project: Project, memo: Memo) -> dict[str, datetime.date]:
    """The day each item's file last changed, by item key. Commit days change only with
    the commit checked out, so they are kept by it."""
    head = load.git_head(project.content_dir)
    if memo.commit_days is None or memo.commit_days[0] != head:
        memo.commit_days = (head, load.commit_days(project.content_dir))
    paths = {key: site.source_paths[key] for key in site.catalog.items}
    mtimes = {path: site.file_versions[path][1] for path in paths.values()}
    changes = load.last_changes(memo.commit_days[1], mtimes)
    return {key: changes[path] for key, path in paths.items()}
