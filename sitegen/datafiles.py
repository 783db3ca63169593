"""Every file of the site that is not a page, each made only when what it is made of
changed: attachments, pictures, assets, feeds and exports, and the search index.

A file's stamp says what it is made of; a file whose stamp is the last build's is kept
without being made or read back. Each record's part of the feeds and exports
(`exports.Fragments`) is kept by a hash of its inputs, and a file made of parts is stamped
by a hash of their text: a rebuild after one edit formats one item, and joins the parts
only when that item's text in them changed. Search indexing is Pagefind's program, slow and
large, so it runs only when an item page or a PDF changed, and a preview indexes once.
"""

from __future__ import annotations

import datetime
import hashlib
import pickle
from collections.abc import Callable, Iterable, Mapping
from functools import partial

from . import exports, load, parallel, search, write
from .dependencies import PageBook
from .memo import DataMemo, Part, SearchMemo, Stamp
from .project import Project, Site
from .views import Views


class OtherFiles:
    """Writes the files that are not pages into `output`, keeping what is unchanged."""

    def __init__(self, output: write.Output, last: DataMemo, known: bool):
        self.output, self.last, self.known = output, last, known
        self.stamps: dict[str, Stamp] = {}

    def place(self, path: str, stamp: Stamp, make: Callable[[], bytes]) -> None:
        self.stamps[path] = stamp
        if self.known and self.last.stamps.get(path) == stamp:
            self.output.keep(path)
        else:
            self.output.write_bytes(path, make())

    def copy_files(self, site: Site, project: Project) -> None:
        """Attachments, gallery pictures and assets."""
        for source, path in site.plan.copies:
            stamp = (source, site.file_versions.get(source))
            self.place(path, stamp, (project.content_dir / source).read_bytes)
        for source, large, thumbnail in site.plan.pictures:
            picture, version = site.pictures[source], site.file_versions.get(source)
            self.place(large, (source, version, "large"), lambda p=picture: p.large)
            self.place(thumbnail, (source, version, "thumbnail"), lambda p=picture: p.thumbnail)
        for name, content in sorted(site.assets.items()):
            # Named by a hash of its bytes: the name is all that can change.
            self.place(site.plan.asset_urls[name], name, lambda c=content: c)

    def data_files(self, site: Site, views: Views, book: PageBook, project: Project) -> DataMemo:
        """Feeds, the sitemap and the exports; returns what to record of them. When only
        some items' files changed in the last build's catalog and plan (`book.changed`),
        only those items are looked at, and only the files that show one whose part or
        day changed are made or checked."""
        last, commit_days = self.last, self.last.commit_days
        head = load.git_head(project.content_dir)
        if commit_days is None or commit_days[0] != head:
            commit_days = (head, load.commit_days(project.content_dir))
        fast = book.changed is not None and commit_days == last.commit_days
        look_at = book.changed if fast else site.catalog.items.keys()
        parts = self._parts(site, views, book, look_at, project.jobs)
        # A file's time can change without its bytes: every item's day is looked at, or
        # when only some files were read since the last build (`Site.touched`), theirs.
        days = _days(site, commit_days[1], last.days if fast else None)
        only = None
        if fast:  # the items whose part's text or day changed
            only = {k for k in parts if parts[k].digest != last.parts[k].digest}
            if days != last.days:
                only |= {key for key, day in days.items() if day != last.days.get(key)}
            parts = {**last.parts, **parts}
        if only is None or only:
            digests = {key: part.digest for key, part in parts.items()}
            fragments = {key: part.fragments for key, part in parts.items()}
            made = exports.data_files(
                site.catalog, site.config, site.plan, days, digests, fragments, site.indexed, only
            )
            for path, stamp, make in made:
                self.place(path, stamp, make)
        if fast:
            self.output.keep_all(last.stamps.keys() - self.stamps.keys())
            self.stamps = {**last.stamps, **self.stamps}
        return DataMemo(parts, book.inputs.data_digests, days, self.stamps, commit_days)

    def _parts(
        self, site: Site, views: Views, book: PageBook, keys: Iterable[str], jobs: int
    ) -> dict[str, Part]:
        """These items' parts of the data files, if they are records: the last build's
        where its inputs are the same, the others made in worker processes, as a cold
        build makes them all."""
        items, last = site.catalog.items, self.last.parts
        parts, todo = {}, []
        for key in keys:
            if items[key].kind in exports.RECORD_KINDS:
                made_of = book.inputs.data_digest(key)
                if key in last and last[key].made_of == made_of:
                    parts[key] = last[key]
                else:
                    todo.append(key)
        summaries = {key: views.summary(key) for key in todo}
        make = partial(exports.fragments, site.catalog, summaries, site.config, site.plan)
        for made in parallel.run_chunks(make, todo, parallel.usable_jobs(jobs, len(todo))):
            for key, fragments in made:
                parts[key] = Part(book.inputs.data_digest(key), fragments, fragments.digest())
        return parts


def _days(
    site: Site, committed: Mapping[str, datetime.date], last: Mapping[str, datetime.date] | None
) -> dict[str, datetime.date]:
    """The day each item last changed: its file's last commit, else its modification
    time as the content folder was read (`load.last_changes`); `last`'s for the items
    whose files were not looked at since, when that is known."""
    patch = last is not None and site.touched is not None
    paths = {key: site.source_paths[key] for key in (site.touched if patch else site.catalog.items)}
    changes = load.last_changes(committed, {p: site.file_versions[p][1] for p in paths.values()})
    days = {key: changes[path] for key, path in paths.items()}
    return {**last, **days} if patch else days


def write_index(
    site: Site,
    views: Views,
    project: Project,
    last: SearchMemo,
    book: PageBook,
    fresh_html: Mapping[str, str],
    output: write.Output,
    index_once: bool,
) -> tuple[int, SearchMemo]:
    """Write the search index, or keep the last one when no item page and no PDF
    changed, or always when indexing once (a preview's edits must not wait for it).
    Item pages not rendered this time are read back from the output. Returns how many
    records the index holds (0 for a site without search), and what to record of it."""
    if not views.search:
        return 0, last
    keep = last.index is not None and isinstance(output, write.PatchOutput)
    if keep and index_once:
        return _keep_index(last, output), last
    pdf_texts: dict[tuple, tuple[str, ...]] = {}
    items = [page for page in site.plan.pages if page.view == "item"]
    files = _pdf_texts(site, project, last.pdf_texts, pdf_texts)
    inputs = hashlib.blake2b(digest_size=16)
    for page in items:
        inputs.update(page.output_path.encode() + book.prints[page.output_path])
    inputs.update(pickle.dumps(sorted(files.items())))
    if keep and last.index[0] == inputs.digest():
        return _keep_index(last, output), SearchMemo(last.index, pdf_texts)
    written: set[str] = set()
    assert site.interfaces is not None
    for interface in site.interfaces:  # an index per interface language, in its folder
        pages = [
            (
                site.config.base_path + page.url,
                fresh_html.get(page.output_path)
                or (project.out_dir / page.output_path).read_text(encoding="utf-8"),
            )
            for page in items
            if page.prefix == interface.prefix
        ]
        base = site.config.base_path
        texts = {base + interface.prefix + path.removeprefix(base): f for path, f in files.items()}
        heading = interface.gettext(search.PDF_PAGE_HEADING)
        index = search.build_index(pages, texts, interface.language, heading)
        for path, content in index.items():
            output.write_bytes(f"{interface.prefix}{search.INDEX_FOLDER}/{path}", content)
        written |= {f"{interface.prefix}{search.INDEX_FOLDER}/{p}" for p in index}
    written = frozenset(written)
    count = len(site.plan.item_urls)  # records in each language's index
    return count, SearchMemo((inputs.digest(), written, count), pdf_texts)


def _keep_index(last: SearchMemo, output: write.PatchOutput) -> int:
    _, files, count = last.index  # type: ignore[misc]
    for path in files:
        output.keep(path)
    return count


def _pdf_texts(
    site: Site, project: Project, known: Mapping[tuple, tuple[str, ...]], kept: dict
) -> dict[str, list[search.FileText]]:
    """The text of every shipped PDF, by the site path of its item's page. Extracted
    text is kept by file version (`known`, `kept`): reading PDFs is the slow part."""
    found: dict[str, list[search.FileText]] = {}
    for key in sorted(site.catalog.items):
        for attachment in site.catalog.items[key].files:
            if attachment.media_type != "application/pdf" or not attachment.path:
                continue
            version = (attachment.path, site.file_versions.get(attachment.path))
            if version not in known:
                data = (project.content_dir / attachment.path).read_bytes()
                kept[version] = search.pdf_pages(data)
            else:
                kept[version] = known[version]
            if any(kept[version]):
                page = site.config.base_path + site.plan.item_urls[key]
                url = site.config.base_path + site.plan.attachment_urls[attachment.path]
                found.setdefault(page, []).append(
                    search.FileText(url, attachment.label, kept[version])
                )
    return found
