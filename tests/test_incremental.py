"""A rebuild after any sequence of edits gives the same bytes as a clean build, and does
only the work the edit calls for."""

from __future__ import annotations

import datetime
import os
import random
import re
import shutil
import signal
import subprocess
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from sitegen import load
from sitegen.errors import BuildFailed
from sitegen.pipeline import Builder, Project

from .conftest import copy_project
from .test_serve import WAIT, start

TODAY = datetime.date(2026, 6, 15)
TAGS = ["trafficking", "inimkaubandus", "prekyba žmonėmis", "Baltic Sea", "торговля людьми"]


def make_project(tmp_path: Path, drafts: bool = False, languages: str = "") -> Project:
    """A small project; `languages` replaces the list of interface languages."""
    root = copy_project(tmp_path / "project", languages)
    content = root / "content"
    write(content, "pages/programme.md", "Programme", "2015", "menu: 1\n")
    write(content, "events/forum.md", "Forum", "2014-05-20", "reports: [reports/r0]\n")
    write(
        content, "reports/r0.md", "Report zero", "2014-06", "files: [{path: f.pdf, label: PDF}]\n"
    )
    (content / "reports/f.pdf").write_bytes(b"%PDF-1.4 zero")
    for n in range(1, 8):
        write(content, f"documents/{n}.md", f"Study {n}", f"{2008 + n}", f"number: {n}\n")
    return Project(
        root=root,
        content_dir=content,
        out_dir=tmp_path / "incremental",
        drafts=drafts,
        search=False,
    )


def write(content: Path, relative: str, title: str, date: str, extra: str = "", body: str = ""):
    path = content / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    tags = random.Random(relative).sample(TAGS, 2)
    path.write_text(
        f"---\ntitle: {title}\ndate: {date}\ntags: [{', '.join(tags)}]\n{extra}---\n"
        f"{body or 'First paragraph of ' + title + '.'}\n\n## Part\n\nMore text.\n",
        encoding="utf-8",
    )


def edit(project: Project, rng: random.Random, step: int) -> str:
    """One random change an editor might make; returns what it did, for failure messages."""
    content = project.content_dir
    documents = sorted(content.glob("documents/*.md"))
    target = rng.choice(documents)
    text = target.read_text(encoding="utf-8")
    choice = rng.randrange(18)
    if choice == 16:  # the item's language: its canonical page and marks on lists change
        flipped = text.replace("---\ntitle", "---\nlang: et\ntitle", 1)
        target.write_text(text.replace("lang: et\n", "") if "lang: et" in text else flipped)
    elif choice == 17:  # a translator's edit: every Estonian page may change
        catalogue = project.locales_dir / "et/LC_MESSAGES/messages.po"
        po = catalogue.read_text(encoding="utf-8")
        catalogue.write_text(
            re.sub(r'(msgid "Keywords"\nmsgstr ")([^"]*)"', rf'\g<1>\g<2> {step}"', po),
            encoding="utf-8",
        )
    elif choice in (13, 14):  # a link to another document, or to one that is not there
        linked = rng.choice(documents).name if choice == 13 else "gone.md"
        target.write_text(text.replace("More text.", f"See [{step}]({linked})."), encoding="utf-8")
    elif choice == 15:  # the sanitiser removes it and warns
        target.write_text(text.replace("More text.", "<script>x</script>"), encoding="utf-8")
    elif choice == 0 and step % 2:
        target.write_text(text.replace("More text.", f"More text, edit {step}."), encoding="utf-8")
    elif choice == 0:  # the first paragraph: the summary on lists, in feeds and exports
        head, body = text.rsplit("---\n", 1)
        target.write_text(f"{head}---\nEdit {step}. {body}", encoding="utf-8")
    elif choice == 1:
        target.write_text(text.replace("title: ", "title: Revised "), encoding="utf-8")
    elif choice == 2:
        tags = ", ".join(rng.sample(TAGS, rng.randrange(0, 4)))
        lines = [
            f"tags: [{tags}]" if line.startswith("tags:") else line for line in text.split("\n")
        ]
        target.write_text("\n".join(lines), encoding="utf-8")
    elif choice == 3:
        year = rng.choice(["2003", "2019-02", "2027", "2026-06-16", "2026-06-15"])
        lines = [f"date: {year}" if line.startswith("date:") else line for line in text.split("\n")]
        target.write_text("\n".join(lines), encoding="utf-8")
    elif choice == 4:
        flipped = text.replace("---\ntitle", "---\ndraft: true\ntitle", 1)
        target.write_text(text.replace("draft: true\n", "") if "draft:" in text else flipped)
    elif choice == 5:
        number = 100 + step
        write(content, f"documents/{number}.md", f"New study {step}", "2012", f"number: {number}\n")
    elif choice == 6 and len(documents) > 2:
        target.unlink()
    elif choice == 7:
        target.rename(target.with_name(f"renamed-{step}.md"))
    elif choice == 8:
        other = rng.choice(documents).read_text(encoding="utf-8").split("number: ")[1].split()[0]
        target.write_text(text.replace("---\ntitle", f"---\nrelated: [{other}]\ntitle", 1))
    elif choice == 9:
        (content / "reports/f.pdf").write_bytes(b"%PDF-1.4 " + str(step).encode() * 50)
    elif choice == 10:
        layout = project.layouts_dir / rng.choice(["document.html", "_macros.html", "tag.html"])
        layout.write_text(layout.read_text() + f"{{# edit {step} #}}x\n", encoding="utf-8")
    elif choice == 11:
        stylesheet = project.assets_dir / "style.css"
        stylesheet.write_text(stylesheet.read_text() + f"/* edit {step} */\n", encoding="utf-8")
    else:
        config = project.config_path
        size = rng.choice([2, 3, 20])
        config.write_text(
            "\n".join(
                f"page_size: {size}" if line.startswith("page_size:") else line
                for line in config.read_text(encoding="utf-8").split("\n")
            ),
            encoding="utf-8",
        )
    return f"step {step}: change {choice} on {target.name}"


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def clean_build(
    project: Project, tmp_path: Path, today: datetime.date | None = TODAY
) -> dict[str, bytes] | tuple:
    out = tmp_path / "clean"
    shutil.rmtree(out, ignore_errors=True)
    clean = replace(project, out_dir=out, search=False, cache_dir=None)
    try:
        Builder(clean, today=today).build()
    except BuildFailed as failure:
        return failure.errors
    return tree(out)


def snapshot(folder: Path) -> dict[Path, tuple[int, int]]:
    return {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("seed", range(14))
def test_rebuilds_after_random_edits_equal_a_clean_build(tmp_path, seed):
    """Seeds 0-5 build as `build` does, 6-13 as the preview does: told which paths
    changed, as a file watcher tells it, so the content folder is not walked."""
    # All four interface languages in some runs, two in the others, which are quicker.
    languages = "" if seed in (0, 1, 6, 7) else "[en-GB, et]"
    project = make_project(tmp_path, drafts=seed % 2 == 1, languages=languages)
    if seed in (2, 3, 4, 5, 8, 9, 12, 13):  # rendered bodies in the cache's SQLite file
        project = replace(project, cache_dir=tmp_path / "cache")
    builder = Builder(project, today=TODAY)
    builder.build()
    rng = random.Random(seed)
    history = []
    for step in range(20):
        before = snapshot(project.root)
        history.append(edit(project, rng, step))
        after = snapshot(project.root)
        changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
        if seed in (4, 5):  # each build in a new process would: the memo and its changes read
            builder = Builder(project, today=TODAY)
        try:
            builder.build(changed=changed if seed >= 6 else None)
            incremental = tree(project.out_dir)
        except BuildFailed as failure:
            incremental = failure.errors
        expected = clean_build(project, tmp_path)
        assert incremental == expected, "\n".join(history)
    assert any(p.suffix == ".pdf" for p in project.out_dir.rglob("*"))


def test_edits_made_while_the_preview_server_runs_equal_a_clean_build(tmp_path):
    """The real `serve` with its file watcher: after each random edit, once the server
    has rebuilt, its output folder holds what a clean build of the same files gives."""
    project = replace(make_project(tmp_path, drafts=True), base_url="/")
    served = tmp_path / "served"
    process, output, _ = start(project.root, "--out", str(served), "--no-search")
    try:
        rng = random.Random(7)
        history = []
        for step in range(12):
            done = _rebuilds(output)
            history.append(edit(project, rng, step))
            deadline = time.monotonic() + WAIT
            while _rebuilds(output) == done and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(0.3)  # a second burst of events would be rebuilt by now
            expected = clean_build(project, tmp_path, today=None)
            if isinstance(expected, dict):  # else the server keeps the last good site
                assert tree(served) == expected, "\n".join([*history, *output[-3:]])
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=WAIT)


def _rebuilds(output: list[str]) -> int:
    return sum(line.startswith("Built") or "still serving" in line for line in output)


def test_editing_one_body_renders_its_pages_and_keeps_other_files_untouched(tmp_path):
    project = make_project(tmp_path)
    builder = Builder(project, today=TODAY)
    first = builder.build()
    home = project.out_dir / "index.html"
    before = home.stat().st_mtime_ns
    path = project.content_dir / "documents/3.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("---\ntitle", "---\nsummary: Fixed.\ntitle", 1), encoding="utf-8")
    builder.build()  # the summary shows on lists, tags and years
    path.write_text(path.read_text(encoding="utf-8").replace("More text.", "Other text."))
    summary = builder.build()
    assert summary.pages_rendered == 4  # the document's page in each interface language
    assert summary.pages_written == 4
    assert summary.pages_unchanged == first.pages_written - 4
    assert "Other text." in (project.out_dir / "documents/3/index.html").read_text()
    assert home.stat().st_mtime_ns == before


def test_a_new_first_paragraph_is_the_new_summary_on_every_list_feed_and_export(tmp_path):
    """An item without a summary is summed up by its body's first paragraph: a body edit
    reaches every page and file that lists the item, edit after edit."""
    project = make_project(tmp_path)
    builder = Builder(project, today=TODAY)
    builder.build()
    path = project.content_dir / "documents/3.md"
    for opening in ("Opening words.", "Other opening words."):
        path.write_text(path.read_text(encoding="utf-8").replace("First", f"{opening} First"))
        builder.build()
        for shown in ("documents/index.html", "feed.xml", "catalogue.json", "catalogue.csv"):
            assert opening in (project.out_dir / shown).read_text(encoding="utf-8"), shown
        assert tree(project.out_dir) == clean_build(project, tmp_path)


def test_an_item_is_dated_by_its_last_commit_and_a_new_commit_moves_the_date(tmp_path):
    """In git, the sitemap dates an item by its file's last commit (a checkout's file times
    say only when it was checked out). The history is kept by commit: a rebuild after a
    new commit must read it again."""
    project = make_project(tmp_path)

    def commit(day: str) -> None:
        stamp = f"{day}T12:00:00+00:00"
        env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        for command in (["add", "-A"], ["commit", "-q", "-m", day]):
            subprocess.run(
                ["git", "-c", "user.name=Editor", "-c", "user.email=e@example.org", *command],
                cwd=project.root,
                env=env,
                check=True,
            )

    def dated() -> str:
        sitemap = ET.parse(project.out_dir / "sitemap.xml").getroot()
        space = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
        for entry in sitemap.findall("s:url", space):
            if entry.findtext("s:loc", namespaces=space).endswith("/documents/3/"):
                return entry.findtext("s:lastmod", namespaces=space)
        raise AssertionError("documents/3/ is not in the sitemap")

    subprocess.run(["git", "init", "-q"], cwd=project.root, check=True)
    commit("2020-01-02")
    builder = Builder(project, today=TODAY)
    builder.build()
    assert dated() == "2020-01-02"
    path = project.content_dir / "documents/3.md"
    path.write_text(path.read_text(encoding="utf-8").replace("More text.", "Other text."))
    commit("2021-03-04")
    builder.build()
    assert dated() == "2021-03-04"
    assert tree(project.out_dir) == clean_build(project, tmp_path)


def test_a_file_touched_on_another_day_moves_its_date_while_another_is_edited(tmp_path):
    """Without git, an item is dated by its file's time, which can change without its
    bytes: a rebuild after one body edit must still date the touched file anew."""
    project = make_project(tmp_path)
    builder = Builder(project, today=TODAY)
    builder.build()
    edited, touched = (project.content_dir / f"documents/{n}.md" for n in (2, 5))
    edited.write_text(edited.read_text(encoding="utf-8").replace("More text.", "Other text."))
    a_year_ago = time.time() - 365 * 86400
    os.utime(touched, (a_year_ago, a_year_ago))
    builder.build(changed={edited, touched})
    assert tree(project.out_dir) == clean_build(project, tmp_path)


def test_a_preview_rebuilding_on_its_watcher_thread_keeps_using_its_cache(tmp_path):
    """The preview builds first on one thread and rebuilds on its file watcher's."""
    project = replace(make_project(tmp_path), cache_dir=tmp_path / "cache")
    builder = Builder(project, today=TODAY, index_once=True, autosave=False)
    builder.build()
    path = project.content_dir / "documents/3.md"
    path.write_text(path.read_text(encoding="utf-8").replace("More text.", "Other text."))
    rebuilt = []
    watcher = threading.Thread(target=lambda: rebuilt.append(builder.build()))
    watcher.start()
    watcher.join()
    assert rebuilt[0].warnings == ()
    assert rebuilt[0].pages_rendered == 4  # one page, in each interface language
    builder.save()
    assert builder.cache.warnings == []  # the cache was written


def test_an_item_coming_out_in_a_later_process_is_rendered_from_its_file(tmp_path):
    """The cache keeps sources without their bodies: a scheduled item, held until its
    day, has never been rendered, and the process that shows it reads its file again."""
    project = replace(make_project(tmp_path), cache_dir=tmp_path / "cache")
    write(project.content_dir, "documents/8.md", "Study 8", "2026-07-01", "number: 8\n", "Later.")
    assert Builder(project, today=TODAY).build().scheduled_skipped == 1
    day = datetime.date(2026, 7, 1)
    summary = Builder(project, today=day).build()  # a new process: the memo from the cache
    assert summary.scheduled_skipped == 0
    assert "Later." in (project.out_dir / "documents/8/index.html").read_text(encoding="utf-8")
    cached = tree(project.out_dir)
    Builder(replace(project, out_dir=tmp_path / "clean", cache_dir=None), today=day).build()
    assert cached == tree(tmp_path / "clean")


def test_editing_a_partial_renders_the_pages_that_use_it(tmp_path):
    project = make_project(tmp_path)
    builder = Builder(project, today=TODAY)
    first = builder.build()
    layout = project.layouts_dir / "document.html"
    layout.write_text(layout.read_text() + "\n", encoding="utf-8")
    assert builder.build().pages_rendered == 7 * 4  # the seven documents' pages only
    partial = project.layouts_dir / "base.html"
    partial.write_text(partial.read_text() + "\n", encoding="utf-8")
    assert builder.build().pages_rendered == first.pages_rendered


def test_a_deleted_item_loses_its_page_and_its_folder(tmp_path):
    project = make_project(tmp_path)
    builder = Builder(project, today=TODAY)
    builder.build()
    (project.content_dir / "reports/r0.md").unlink()
    write(project.content_dir, "events/forum.md", "Forum", "2014-05-20")
    builder.build()
    assert not (project.out_dir / "reports/r0").exists()
    assert tree(project.out_dir) == clean_build(project, tmp_path)


def test_a_tag_renamed_by_other_items_is_renamed_on_every_page_that_shows_it(tmp_path):
    """A tag shows its most common spelling; edits elsewhere can change it on a page whose
    own file did not change."""
    project = make_project(tmp_path)
    content = project.content_dir
    write(content, "documents/1.md", "One", "2010", "number: 1\ntags: [baltic sea]\n")
    for n in (2, 3):
        write(content, f"documents/{n}.md", f"N{n}", "2011", f"number: {n}\ntags: [Baltic Sea]\n")
    for path in content.glob("documents/*.md"):  # one tags line per file
        text = path.read_text(encoding="utf-8").split("\n")
        tags = [i for i, line in enumerate(text) if line.startswith("tags:")]
        path.write_text("\n".join(t for i, t in enumerate(text) if i not in tags[:-1]))
    builder = Builder(project, today=TODAY)
    builder.build()
    assert ">Baltic Sea<" in (project.out_dir / "documents/1/index.html").read_text()
    for n in (2, 3):
        path = content / f"documents/{n}.md"
        path.write_text(path.read_text(encoding="utf-8").replace("Baltic Sea", "baltic sea"))
    builder.build()
    assert ">baltic sea<" in (project.out_dir / "documents/1/index.html").read_text()
    assert tree(project.out_dir) == clean_build(project, tmp_path)


def test_a_link_in_a_body_follows_the_url_of_the_item_it_names(tmp_path):
    """A document's address is its number: renumbering it moves every link to it, in
    bodies of files that did not change."""
    project = make_project(tmp_path)
    content = project.content_dir
    about = "---\ntitle: About\ndate: 2015\n---\nSee [the study](../documents/3.md).\n"
    (content / "pages/about.md").write_text(about, encoding="utf-8")  # no tags: no similar
    builder = Builder(project, today=TODAY)
    builder.build()
    assert 'href="/documents/3/"' in (project.out_dir / "about/index.html").read_text()
    path = content / "documents/3.md"
    path.write_text(path.read_text(encoding="utf-8").replace("number: 3", "number: 33"))
    builder.build()
    assert 'href="/documents/33/"' in (project.out_dir / "about/index.html").read_text()
    assert tree(project.out_dir) == clean_build(project, tmp_path)


def test_a_preview_told_what_changed_reads_only_those_files(tmp_path, monkeypatch):
    """A watcher names the changed paths: the rebuild neither walks the content folder
    nor looks at the files not named, and still sees an edit, an addition and a deletion."""
    project = make_project(tmp_path)
    builder = Builder(project, today=TODAY)
    builder.build()
    edited, added = project.content_dir / "documents/2.md", project.content_dir / "documents/9.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("More text.", "Edited."))
    write(project.content_dir, "documents/9.md", "Study nine", "2019", "number: 9\n")
    gone = project.content_dir / "documents/5.md"
    gone.unlink()
    looked_at = []
    real_lstat, real_walk = os.lstat, load._walk

    def walk(root):
        assert Path(root) != project.content_dir, "walked the content folder"
        return real_walk(root)  # the assets: a few files

    monkeypatch.setattr("sitegen.load._walk", walk)
    monkeypatch.setattr("sitegen.load.os.lstat", lambda p: looked_at.append(p) or real_lstat(p))
    builder.build(changed={edited, added, gone})
    in_content = {str(p) for p in looked_at if str(p).startswith(f"{project.content_dir}/")}
    assert {str(edited), str(added)} <= in_content <= {str(edited), str(added), str(gone)}
    assert "Edited." in (project.out_dir / "documents/2/index.html").read_text()
    assert (project.out_dir / "documents/9/index.html").exists()
    assert not (project.out_dir / "documents/5").exists()


def test_a_preview_patches_an_edited_body_without_going_over_every_item(tmp_path):
    """Told that only bodies changed, a rebuild validates and renders those items alone
    (no stage-by-stage validation), and the site is what a clean build makes; an edit
    that breaks a link or trips the sanitiser goes through every stage again."""
    project = make_project(tmp_path)
    builder = Builder(project, today=TODAY)
    builder.build()
    edits = [
        ("2.md", "See [the third](3.md).", True),
        ("2.md", "See [nothing](gone.md).", False),  # an error: the site stays as it was
        ("2.md", "Mended.", False),  # the first build after a failure reads everything
        ("4.md", "Plain again.", True),
        ("6.md", "<script>x</script>", False),  # a warning: every stage says it again
        ("6.md", "Calm.", False),  # the last build warned: its warnings are not known apart
        ("6.md", "Calm, twice.", True),
    ]
    for name, body, patched in edits:
        path = project.content_dir / "documents" / name
        text = path.read_text(encoding="utf-8")
        path.write_text(text.rsplit("## Part", 1)[0] + f"## Part\n\n{body}\n", encoding="utf-8")
        try:
            summary = builder.build(changed={path})
        except BuildFailed as failure:
            assert not patched and "gone.md" in failure.errors[0].message, failure.errors
            continue
        assert ("validate" not in summary.timings) == patched, (name, body)
        assert tree(project.out_dir) == clean_build(project, tmp_path), (name, body)
