"""The build cache and parallel rendering, through `build.py` in fresh processes: whatever a
build finds in `.cache/`, and however many processes render, the site is byte for byte
what a clean serial build makes; a cache that cannot be trusted is ignored."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from sitegen import cache

from .conftest import REPO, copy_project, document

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate

AN_HOUR_AGO = time.time() - 3600


def build(root: Path, *options: str, out: str = "_site") -> dict:
    """`build.py build` in a fresh process; its summary, or a failure with its stderr."""
    result = subprocess.run(
        [sys.executable, "build.py", "build", "--no-search", "--json", "--out", out, *options],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    summary["stderr"] = result.stderr
    return summary


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def settle(root: Path) -> None:
    """Date every input an hour back, as files an editor saved a while ago: then they are
    known by their times, which is what a no-op build checks (recent ones by their bytes)."""
    for path in root.rglob("*"):
        if path.is_file() and ".cache" not in path.parts and "_site" not in path.parts:
            os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))


def touch_later(path: Path, step: int) -> None:
    """An edit's new modification time, later than every settled file."""
    os.utime(path, (AN_HOUR_AGO + step, AN_HOUR_AGO + step))


def built_small_catalogue(tmp_path: Path) -> Path:
    """A project of 30 generated items, settled and built once, its cache in `.cache/`."""
    root = copy_project(tmp_path)
    generate(30, root)
    settle(root)
    build(root)
    return root


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory) -> Path:
    """A generated catalogue large enough (80 items, about 170 pages) to be rendered in
    parallel, in a project of its own."""
    root = copy_project(tmp_path_factory.mktemp("catalogue"), "[en-GB, et]")
    generate(80, root)
    settle(root)
    return root


@pytest.fixture(scope="module")
def clean(catalogue: Path) -> dict[str, bytes]:
    summary = build(catalogue, "--jobs", "1", "--no-cache", out="_clean")
    assert summary["jobs"] == 1
    return tree(catalogue / "_clean")


def test_a_parallel_build_is_byte_identical_to_a_serial_one(catalogue, clean):
    summary = build(catalogue, "--jobs", "2", "--no-cache", out="_parallel")
    assert summary["jobs"] == 2
    assert tree(catalogue / "_parallel") == clean


def test_cached_builds_after_each_kind_of_edit_equal_a_clean_serial_build(tmp_path, clean):
    root = copy_project(tmp_path / "project", "[en-GB, et]")  # as `catalogue`
    generate(80, root)
    settle(root)
    first = build(root, "--jobs", "2")
    assert tree(root / "_site") == clean
    assert first["pages_written"] > 100

    again = build(root, "--jobs", "2")
    assert again["pages_written"] == again["pages_rendered"] == 0
    assert tree(root / "_site") == clean

    def edited(step: int, path: Path, change) -> None:
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
        touch_later(path, step)
        summary = build(root, "--jobs", "2")
        build(root, "--jobs", "1", "--no-cache", out=f"_clean{step}")
        assert summary["pages_rendered"] > 0
        assert tree(root / "_site") == tree(root / f"_clean{step}"), path.name

    documents = sorted((root / "content/documents").glob("*.md"))
    edited(1, documents[0], lambda text: text + "\nA new closing line.\n")
    edited(2, documents[1], lambda text: text.replace("tags: [", "tags: ['new tag', ", 1))
    edited(3, documents[2], lambda text: text.replace("title: ", "title: Retitled ", 1))
    edited(4, root / "layouts/document.html", lambda text: text + "{# edited #}x\n")
    edited(5, root / "layouts/base.html", lambda text: text.replace("</body>", "<!-- x --></body>"))
    edited(6, root / "assets/style.css", lambda text: text + "\n/* edited */\n")
    edited(7, root / "site.yaml", lambda text: text.replace("page_size:", "page_size: 7 #", 1))
    new = root / "content/documents/99999.md"
    new.write_text(documents[3].read_text().replace("number: ", "number: 9999"), encoding="utf-8")
    touch_later(new, 8)
    assert build(root)["items_by_kind"]["document"] == 61
    new.unlink()
    summary = build(root)
    assert summary["items_by_kind"]["document"] == 60
    build(root, "--jobs", "1", "--no-cache", out="_clean9")
    assert tree(root / "_site") == tree(root / "_clean9")


def test_a_build_that_changes_nothing_keeps_every_file_and_returns_early(tmp_path):
    root = built_small_catalogue(tmp_path)
    times = {p: p.stat().st_mtime_ns for p in (root / "_site").rglob("*") if p.is_file()}
    summary = build(root)
    assert summary["pages_written"] == summary["pages_rendered"] == 0
    assert summary["timings"] == {}  # nothing was loaded, validated or rendered
    assert {p: p.stat().st_mtime_ns for p in times} == times


def test_files_saved_a_moment_ago_are_known_by_their_bytes(tmp_path):
    root = copy_project(tmp_path)
    generate(20, root)  # just written: their times alone could miss a second edit
    assert build(root)["pages_written"] > 0
    assert build(root)["pages_written"] == 0
    path = next((root / "content/documents").glob("*.md"))
    path.write_text(path.read_text(encoding="utf-8").replace("title: '", "title: 'X", 1))
    summary = build(root)
    assert summary["pages_written"] > 0
    assert "X" in (root / f"_site/documents/{path.stem}/index.html").read_text()


def test_a_touched_output_folder_is_repaired_not_trusted(tmp_path):
    root = built_small_catalogue(tmp_path)
    expected = tree(root / "_site")
    (root / "_site/index.html").unlink()
    (root / "_site/tags/index.html").write_text("changed by hand")
    summary = build(root)
    assert summary["pages_written"] == 2
    assert tree(root / "_site") == expected


def test_other_options_do_not_reuse_the_last_build(tmp_path):
    root = built_small_catalogue(tmp_path)
    build(root, "--base-url", "/centre/")
    assert 'href="/centre/' in (root / "_site/index.html").read_text()
    build(root)
    assert 'href="/centre/' not in (root / "_site/index.html").read_text()


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # a half-written file
        lambda data: data[:-10] + bytes(10),  # altered bytes
        lambda data: b"not a cache at all",
    ],
    ids=["truncated", "altered", "garbage"],
)
def test_a_damaged_cache_file_is_ignored_and_replaced(tmp_path, damage):
    root = built_small_catalogue(tmp_path)
    expected = tree(root / "_site")
    for path in (root / ".cache/sitegen").rglob("*"):  # compiled layouts too
        if path.is_file():
            path.write_bytes(damage(path.read_bytes()))
    summary = build(root)
    assert "warning: ignored the build cache .cache/sitegen/" in summary["stderr"]
    assert summary["pages_rendered"] > 0  # nothing was taken from it
    assert tree(root / "_site") == expected
    assert "warning" not in build(root)["stderr"]  # replaced by a good one


def test_a_cache_from_another_version_is_ignored_quietly(tmp_path):
    root = built_small_catalogue(tmp_path)
    for path in (root / ".cache/sitegen").rglob("*"):
        if path.is_dir():
            continue
        if path.suffix == ".bodies":  # an SQLite file: its version is a row
            with contextlib.closing(sqlite3.connect(path)) as db, db:
                db.execute("UPDATE meta SET version = x'00'")
            continue
        data = bytearray(path.read_bytes())
        data[len(b"sitegen build cache\n")] ^= 0xFF  # the version digest, as a release changes it
        path.write_bytes(bytes(data))
    summary = build(root)
    assert summary["pages_rendered"] > 0
    assert "warning" not in summary["stderr"]


def test_an_altered_rendered_body_is_never_shown(tmp_path):
    """Bodies are read only for the pages being rendered, late in a build: one that was
    altered in the cache is found then, and the build starts again without the cache."""
    root = built_small_catalogue(tmp_path)
    (bodies,) = (root / ".cache/sitegen").glob("*.bodies")
    with contextlib.closing(sqlite3.connect(bodies)) as db, db:
        db.execute("UPDATE bodies SET html = CAST('<p>Altered</p>' AS BLOB)")
    base = root / "layouts/base.html"
    base.write_text(base.read_text().replace("</body>", "<!-- edited --></body>"))
    summary = build(root)
    assert ".bodies: it is incomplete or altered" in summary["stderr"]
    site = tree(root / "_site")
    assert not any(b"Altered" in content for content in site.values())
    (root / ".cache").rename(root / "old-cache")
    build(root, "--out", "_clean", "--jobs", "1")
    assert site == tree(root / "_clean")
    assert "warning" not in build(root)["stderr"]


def test_a_lost_file_of_rendered_bodies_is_noticed_before_the_build(tmp_path):
    root = built_small_catalogue(tmp_path)
    expected = tree(root / "_site")
    (bodies,) = (root / ".cache/sitegen").glob("*.bodies")
    bodies.unlink()
    base = root / "layouts/base.html"
    base.write_text(base.read_text())  # a new time: the build is not a no-op
    summary = build(root)
    assert "it has lost rendered bodies" in summary["stderr"]
    assert tree(root / "_site") == expected


def test_the_file_of_rendered_bodies_does_not_grow_with_every_edit(tmp_path):
    root = built_small_catalogue(tmp_path)
    (bodies,) = (root / ".cache/sitegen").glob("*.bodies")
    (path, *_) = sorted((root / "content/documents").glob("*.md"))
    for step in range(1, 12):
        path.write_text(path.read_text() + f"\nEdit {step}.\n")
        touch_later(path, step)
        assert build(root)["pages_rendered"] >= 1
    with contextlib.closing(sqlite3.connect(bodies)) as db:
        (rows,) = db.execute("SELECT count(*) FROM bodies").fetchone()
    assert rows <= len(list((root / "content").rglob("*.md"))) * 5 // 4


def test_an_edit_writes_what_changed_beside_the_memo_and_a_new_catalog_a_new_memo(tmp_path):
    """The memo of a large catalogue takes about a second to write: an edited body adds
    a small file of changes beside it, read with it by the next process; an edit that
    changes the catalog (a title) writes a new memo."""
    root = built_small_catalogue(tmp_path)
    (memo,) = (root / ".cache/sitegen").glob("*.memo")
    changes = memo.with_name(memo.name + "-changes")
    written = memo.read_bytes()
    documents = sorted((root / "content/documents").glob("*.md"))

    def edited(step: int, path: Path, change) -> None:
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
        touch_later(path, step)
        assert build(root)["pages_rendered"] > 0
        build(root, "--no-cache", out=f"_clean{step}")
        assert tree(root / "_site") == tree(root / f"_clean{step}"), step

    edited(1, documents[0], lambda text: text + "\nEdit 1.\n")
    assert memo.read_bytes() == written
    assert 0 < changes.stat().st_size * cache.Journal.FOLD <= len(written)
    edited(2, documents[1], lambda text: text.replace("title: ", "title: Re ", 1))
    assert memo.read_bytes() != written and not changes.exists()
    edited(3, documents[2], lambda text: text + "\nEdit 3.\n")
    assert changes.exists()
    changes.write_bytes(changes.read_bytes()[:-10] + bytes(10))
    (root / "site.yaml").touch()  # not a no-op: the memo and its changes are read
    summary = build(root)
    assert ".memo: it is incomplete or altered (its file of changes)" in summary["stderr"]
    assert tree(root / "_site") == tree(root / "_clean3")
    assert "warning" not in build(root)["stderr"]


@dataclass
class Record:
    """A record kept as the memo is, with a dict field and another."""

    entries: dict
    name: str


def test_the_memo_is_read_back_as_it_was_last_written_changes_and_all(tmp_path):
    journal = cache.Journal(tmp_path / "x.memo")
    record = Record({"a": 1, "b": 2, "c": 3}, "base " * 1000)
    journal.write(record)
    record.entries["d"] = 4  # changed in place: what was written is compared with a copy
    record.entries["b"] = 20
    del record.entries["a"]
    journal.write(record)
    assert journal.changes_path.exists()
    assert cache.Journal(journal.path).read() == Record({"b": 20, "c": 3, "d": 4}, "base " * 1000)
    journal.write(replace(record, name="renamed"))  # a field that is not a dict, whole
    assert journal.changes_path.exists()
    assert cache.Journal(journal.path).read() == Record({"b": 20, "c": 3, "d": 4}, "renamed")
    reader = cache.Journal(journal.path)  # as the next process: read, change, write
    again = reader.read()
    again.entries["e"] = 5
    reader.write(again)
    assert reader.changes_path.exists()
    expected = Record({"b": 20, "c": 3, "d": 4, "e": 5}, "renamed")
    assert cache.Journal(journal.path).read() == expected


def test_changes_saved_against_another_memo_are_never_applied(tmp_path):
    """A file of changes left from before the memo was rewritten (a build stopped between
    the two writes) describes another base: it is ignored."""
    journal = cache.Journal(tmp_path / "x.memo")
    journal.write(Record({"a": 1, "b": 2}, "first" * 1000))
    journal.write(Record({"a": 1, "b": 3}, "first" * 1000))
    assert cache.Journal(journal.path).read() == Record({"a": 1, "b": 3}, "first" * 1000)
    stale = journal.changes_path.read_bytes()
    journal.write(Record({f"k{i}": i for i in range(500)}, "second"))  # too many: a new base
    assert not journal.changes_path.exists()
    journal.changes_path.write_bytes(stale)
    assert cache.Journal(journal.path).read() == Record({f"k{i}": i for i in range(500)}, "second")


def test_a_cached_file_is_named_as_seen_from_where_the_build_now_runs(site, monkeypatch):
    """Messages name files relative to the folder the build runs in; a file known from a
    build run elsewhere must not keep the name it had there."""
    site.write("documents/a.md", document(2427))
    assert site.run("build").code == 0  # from the project folder: content/documents/a.md
    monkeypatch.chdir(site.content)
    site.write("documents/b.md", document(2427, title="Another"))
    err = site.run("build").err
    assert "./documents/b.md:3: number: 2427 is already the number of ./documents/a.md" in err
