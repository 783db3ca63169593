"""Which pages a build must render: a page is made of what it read, and is as the last
build left it when all that hashes as it did then.

A page reads its context through `Views.recording`, which notes each view asked for: an
item page's own record, URL, links and files, the list entries and tags it shows. The
page's fingerprint hashes those views' values (`Views.value`) with its layouts and the
site's settings; a rebuild compares fingerprints without building contexts, which at
catalogue scale costs more than the rest of a small rebuild. A list page (of a type,
tag, year...) is known by its outline, its context with each entry reduced to its key,
which costs little as no entry is made, and by those entries' views.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import jinja2

from . import parallel, render, write
from .memo import DataMemo, PageMemo, PageReads
from .model import PlannedPage, digest
from .pages import page_context
from .project import Site
from .views import RELATIONS, Views

Task = tuple[PlannedPage, bytes | None]  # a page and its fingerprint, when known
Readers = Mapping[tuple[str, str], tuple[str, ...]]  # view -> output paths of pages reading it
ITEM_VIEWS = ("source", "url", "links", "files", "brief", "version")  # keyed by an item
VIEW_WORDS = {
    "source": "record", "url": "address", "links": "links", "files": "files",
    "brief": "list entry", "version": "language versions", "tag": "tag",
}  # fmt: skip
NEW_OUTPUT = "no build had written this output folder, or it was changed since"


class PageInputs:
    """What each view a page can read hashes to now, computed once per view and build."""

    def __init__(self, views: Views, shared: bytes):
        self.views = views
        site_feed = views.feeds["feed.xml"].title  # the one feed an item page links to
        self.shared = digest((shared, views.nav, views.search, site_feed))
        self.digests: dict[tuple[str, str], bytes] = {}
        self.data_digests: dict[str, bytes] = {}  # by item key: see `data_digest`
        self.briefs: dict[str, bytes] = {}  # what each list entry is made of

    def fingerprint(
        self, page: PlannedPage, layout: bytes | None, read: Iterable, outline: bytes = b""
    ) -> bytes:
        parts = [self.shared, layout or b"missing", outline, repr(page).encode()]
        for view, key in sorted(read):
            parts.append(f"{view}\0{key}\0".encode())
            parts.append(self.digests.get((view, key)) or self.digest(view, key))
        return hashlib.blake2b(b"".join(parts), digest_size=16).digest()

    def outline(self, page: PlannedPage) -> tuple[str, bytes, PageReads]:
        """A list page's layout name, a hash of its outline, and the entries it shows."""
        page_views = self.views.recording(outline=True)
        template, context = page_context(page_views, page)
        return template, digest(context), tuple(sorted(page_views.read or ()))

    def data_digest(self, key: str) -> bytes:
        """All an item's entries in feeds and exports are made of: what its page reads of
        itself and the addresses of the items it names."""
        if key not in self.data_digests:
            urls, links = self.views.plan.canonical_urls, self.views.links(key)
            named = [urls.get(k) for r in RELATIONS for k in links[r]]
            own = [self.digest(view, key) for view in ("source", "url", "links", "files")]
            self.data_digests[key] = digest((own, named))
        return self.data_digests[key]

    def keep(self, site: Site, last: PageMemo, data_before: Mapping[str, bytes]) -> set[str]:
        """Take the last build's hashes of views and data entries, but for the items whose
        file changed, which it returns. Sound only when the catalog and plan are the last
        build's, in the same settings and with the same pictures: then each of these is
        made of one item's file and of what those hold."""
        urls, briefs, made = self.views.plan.item_urls, dict(last.briefs), site.item_digests
        keys = made if site.touched is None else site.touched  # the others are as they were
        changed = {key for key in keys if briefs.get(key, b"")[:16] != made[key]}
        self.digests, self.data_digests = dict(last.view_digests), dict(data_before)
        for key in changed:
            briefs[key] = site.item_digests[key] + urls[key].encode()
            self.data_digests.pop(key, None)
            for view in ITEM_VIEWS:
                self.digests.pop((view, key), None)
        self.briefs = briefs
        return changed

    def hash_briefs(self, site: Site, last: PageMemo) -> None:
        """Hash every item's list entry, once, before the pages are shared out. An item
        whose file and address are what the last build made its entry of keeps that
        build's hash. `briefs` keeps what each entry is made of now, for the next build."""
        made_of: dict[str, bytes] = {}
        for key in self.views.catalog.items:
            made_of[key] = site.item_digests[key] + self.views.plan.item_urls[key].encode()
            hashed = last.view_digests.get(("brief", key))
            if hashed is None or last.briefs.get(key) != made_of[key]:
                hashed = digest(self.views.brief(key))
            self.digests["brief", key] = hashed
        self.briefs = made_of

    def digest(self, view: str, key: str) -> bytes:
        if (view, key) not in self.digests:
            try:
                value = self.views.value(view, key)
            except KeyError:  # an item or tag that is gone
                value = None
            self.digests[view, key] = digest(value)
        return self.digests[view, key]


class PageBook:
    """For one build: which pages are as the last build (`last`) left them, rendering
    the others, and what to record for the next build.

    When the catalog, plan and settings are the last build's, only the views of items
    whose files changed can differ: then only the pages that read those (`readers`, the
    reverse of the last build's reads) are looked at, and all else is carried over."""

    def __init__(
        self,
        site: Site,
        views: Views,
        last: PageMemo,
        layout_prints: Mapping[str, bytes],
        shared: bytes,
        known: bool,  # the output is as the last build left it
        last_data: DataMemo,
        readers: Readers | None = None,  # of `last`, when at hand
    ):
        self.views, self.last, self.layout_prints, self.known = views, last, layout_prints, known
        self.inputs = PageInputs(views, shared)
        self.outlines: dict[str, tuple[str, bytes, PageReads]] = {}  # list pages
        self.prints: dict[str, bytes] = {}
        self.reads: dict[str, tuple[str, PageReads]] = {}  # item pages: layout, reads
        self.rendered: list[str] = []
        self.reasons: dict[str, str] = {}  # why each page rendered now is (`_why`)
        # An item page is as it was when its settings and layout are, and all it read.
        self.settings = (self.inputs.shared, layout_prints)
        self.settled = known and last.settings == self.settings
        sizes = sorted(views.thumbnail_sizes.items())
        self.structure = (site.indexed, sizes)
        self.same_structure = self.settled and last.structure == self.structure
        self.changed: set[str] | None = None  # items whose file changed, when same_structure
        self.readers: Readers | None = None  # known, and of use, when same_structure
        if self.same_structure:
            self.changed = self.inputs.keep(site, last, last_data.part_digests)
            self.stale = {
                (view, key)
                for key in self.changed
                for view in ITEM_VIEWS
                if (view, key) in last.view_digests
                and self.inputs.digest(view, key) != last.view_digests[view, key]
            }
            self.prints, self.reads = dict(last.prints), dict(last.reads)
            self.outlines = dict(last.outlines)
            self.readers = readers_of(last) if readers is None else readers
        else:
            self.inputs.hash_briefs(site, last)
            digest_of, before = self.inputs.digest, last.view_digests if self.settled else {}
            self.stale = {key for key, hashed in before.items() if digest_of(*key) != hashed}
        self.briefs = self.inputs.briefs

    def known_print(
        self, page: PlannedPage, built: tuple[str, dict] | None = None
    ) -> tuple[bytes | None, tuple | None]:
        """A page's fingerprint as far as it is known without rendering the page, and
        what an item page read when it was last rendered; `built` is the page's layout
        and context, when they are at hand."""
        last, inputs = self.last, self.inputs
        if page.view == "item":
            read = last.reads.get(page.output_path) if self.known else None
            if not read:
                return None, None  # known once its context is built
            if self.settled and self.stale.isdisjoint(read[1]) and ("source", page.key) in read[1]:
                return last.prints.get(page.output_path), read  # as it was
            return inputs.fingerprint(page, self.layout_prints.get(read[0]), read[1]), read
        if page.view == "home":  # shows an item whole: hashed whole
            template, context = built or page_context(self.views, page)
            return digest((inputs.shared, self.layout_prints.get(template), context)), None
        outline = last.outlines.get(page.output_path) if self.same_structure else None
        self.outlines[page.output_path] = outline or inputs.outline(page)
        template, hashed, read = self.outlines[page.output_path]
        if outline and self.stale.isdisjoint(read):
            return last.prints.get(page.output_path), None  # as it was
        return inputs.fingerprint(page, self.layout_prints.get(template), read, hashed), None

    def to_render(self, pages: Sequence[PlannedPage], output: write.Output) -> list[Task]:
        """The pages whose fingerprint differs from the last build's; `output` is told
        to keep every other page."""
        if not self.known:
            self.reasons = dict.fromkeys((page.output_path for page in pages), NEW_OUTPUT)
            return [(page, None) for page in pages]
        if self.readers is not None:  # only pages that read a stale view can differ
            readers, last = self.readers, self.last
            affected = {path for view in self.stale for path in readers.get(view, ())}
            looked_at = [
                page
                for page in pages
                if page.view == "home"
                or page.output_path in affected
                or page.output_path not in last.prints
            ]
            kept = {page.output_path for page in pages} & last.prints.keys()
            output.keep_all(kept - {page.output_path for page in looked_at})
            pages = looked_at
        todo = []
        for page in pages:
            fingerprint, read = self.known_print(page)
            path = page.output_path
            if fingerprint is None or self.last.prints.get(path) != fingerprint:
                todo.append((page, fingerprint if page.view != "item" else None))
                self.reasons[path] = self._why(page, read)
                continue
            self.prints[path] = fingerprint
            if read:
                self.reads[path] = read
            output.keep(path)
        return todo

    def _why(self, page: PlannedPage, read: tuple | None) -> str:
        """Why `page` is rendered again, in words (`build.py explain`)."""
        path, last = page.output_path, self.last
        if path not in last.prints:
            return "it is a new page"
        if not self.settled:
            return "the settings, the navigation or a layout changed"
        if page.view == "item":
            reads = read[1] if read else ()
        elif page.view == "home":
            reads = ()
        else:
            outline, before = self.outlines[path], last.outlines.get(path)
            if before is None or before[1] != outline[1]:
                return "its list changed: entries came, went or moved"
            reads = outline[2]
        stale = sorted(self.stale.intersection(reads))
        if not stale:
            return "what it shows changed"
        named = ", ".join(f"{key}'s {VIEW_WORDS.get(view, view)}" for view, key in stale[:4])
        return f"{named}{' and more' if len(stale) > 4 else ''} changed"

    def render(
        self, todo: Sequence[Task], env: jinja2.Environment, layouts_dir: Path, jobs: int
    ) -> Iterator[tuple[PlannedPage, bytes]]:
        """Each page of `todo` with its HTML, in order, rendered in `jobs` processes."""
        waiting = (page for page, _ in todo)  # in the order the answers come in

        def render_chunk(tasks: Sequence[Task]) -> list[tuple]:
            """Runs in worker processes, on their copy of this book and its views."""
            answers = []
            for page, fingerprint in tasks:
                page_views = self.views.recording() if page.view == "item" else self.views
                template, context = page_context(page_views, page)
                if page.view == "item":
                    read = (template, tuple(sorted(page_views.read or ())))
                    layout = self.layout_prints.get(template)
                    fingerprint = self.inputs.fingerprint(page, layout, read[1])
                else:
                    if fingerprint is None:
                        fingerprint, _ = self.known_print(page, (template, context))
                    read = self.outlines.get(page.output_path)
                html = render.render_page(env, template, context, page.url, layouts_dir)
                answers.append((fingerprint, html.encode(), read))
            return answers

        for answers in parallel.run_chunks(render_chunk, todo, jobs):
            for (fingerprint, html, read), page in zip(answers, waiting, strict=False):
                self.prints[page.output_path] = fingerprint
                self.rendered.append(page.output_path)
                if read:
                    (self.reads if page.view == "item" else self.outlines)[page.output_path] = read
                yield page, html

    def record(self) -> tuple[PageMemo, Readers | None]:
        """What the next build needs to know these pages without rendering them, and
        which pages read each view, when it is known."""
        if self.changed is None:
            read = {view for _, reads in self.reads.values() for view in reads}
            read |= {("brief", key) for key in self.briefs}
            view_digests = {view: self.inputs.digest(*view) for view in read}
        else:  # the last build's, but for the views of changed items and new reads
            view_digests = dict(self.last.view_digests)
            for key in self.changed:
                for view in ITEM_VIEWS:
                    if (view, key) in view_digests:
                        view_digests[view, key] = self.inputs.digest(view, key)
            for path in self.rendered:
                for view in self._reads_of(path, self.reads, self.outlines):
                    if view not in view_digests:
                        view_digests[view] = self.inputs.digest(*view)
        memo = PageMemo(
            prints=self.prints,
            reads=self.reads,
            outlines=self.outlines,
            view_digests=view_digests,
            briefs=self.briefs,
            settings=self.settings,
            structure=self.structure,
            layout_references=self.last.layout_references,
            reasons=self.reasons,
        )
        return memo, self._readers_after()

    def _readers_after(self) -> Readers | None:
        """`readers` for the pages as this build leaves them: copied where a page
        rendered now reads other views than before, never changed in place."""
        if self.readers is None:
            return None
        readers: dict | None = None
        last = self.last
        for path in self.rendered:
            before = set(self._reads_of(path, last.reads, last.outlines))
            now = set(self._reads_of(path, self.reads, self.outlines))
            if before == now:
                continue
            readers = dict(self.readers) if readers is None else readers
            for view in before - now:
                readers[view] = tuple(p for p in readers[view] if p != path)
            for view in now - before:
                readers[view] = (*readers.get(view, ()), path)
        return self.readers if readers is None else readers

    @staticmethod
    def _reads_of(path: str, reads: Mapping, outlines: Mapping) -> PageReads:
        if path in reads:
            return reads[path][1]
        return outlines[path][2] if path in outlines else ()


def readers_of(memo: PageMemo) -> Readers:
    """Which pages read each view, by the last build's record of what each page read."""
    readers: dict[tuple[str, str], list[str]] = {}
    for path, (_, read) in memo.reads.items():
        for view in read:
            readers.setdefault(view, []).append(path)
    for path, (_, _, read) in memo.outlines.items():
        for view in read:
            readers.setdefault(view, []).append(path)
    return {view: tuple(paths) for view, paths in readers.items()}
