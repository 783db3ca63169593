"""The search index of a build: written by Pagefind, or kept from the last build.

Indexing a catalogue takes long and much memory (it is Pagefind's program, not ours), so
it runs only when an item page or a PDF changed, and a preview indexes once only.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Mapping

from . import search, write
from .prepare import Memo, Project, Site
from .views import Views


def write_index(
    site: Site,
    views: Views,
    project: Project,
    memo: Memo,
    prints: Mapping[str, bytes],
    fresh_html: Mapping[str, str],
    output: write.PatchOutput | write.StagedOutput,
    index_once: bool,
) -> int:
    """Write the search index, or keep the last one when no item page and no PDF
    changed, or always when indexing once (a preview's edits must not wait for it).
    Item pages not rendered this time are read back from the output. Returns how many
    records the index holds."""
    keep = memo.search is not None and isinstance(output, write.PatchOutput)
    if keep and index_once:
        return _keep_index(memo, output)
    items = [page for page in site.plan.pages if page.view == "item"]
    records = _pdf_records(site, views, project, memo)
    inputs = hashlib.blake2b(digest_size=16)
    for page in items:
        inputs.update(page.output_path.encode() + prints[page.output_path])
    inputs.update(pickle.dumps(records))
    if keep and memo.search[0] == inputs.digest():
        return _keep_index(memo, output)
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


def _keep_index(memo: Memo, output: write.PatchOutput) -> int:
    _, files, count = memo.search
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
