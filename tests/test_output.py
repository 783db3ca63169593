"""The output folder is the generator's own: what it refuses to replace, how a new site
replaces the last in one step, and what two builds at once or a killed build leave."""

from __future__ import annotations

import fcntl
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from sitegen import pipeline
from sitegen.output import UnsafeOutput
from sitegen.pipeline import Builder, Project

from .conftest import REPO, build_py, copy_project, document

MARKER = ".sitegen-output"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and symlink under `folder` with a hash of its bytes or its target."""
    found = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[key] = "-> " + os.readlink(path)
        elif path.is_file():
            found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def site_files(folder: Path) -> dict[str, str]:
    return {k: v for k, v in snapshot(folder).items() if k != MARKER}


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    root = copy_project(tmp_path / "project")
    for n in (1, 2, 3):
        (root / "content/documents").mkdir(exist_ok=True)
        (root / f"content/documents/{n}.md").write_text(document(n, f"Study {n}"))
    monkeypatch.chdir(root)
    return root


def build(root: Path, *args: str) -> tuple[int, str, str]:
    return _run(root, "build", "--no-search", *args)


def _run(root: Path, *args: str) -> tuple[int, str, str]:
    finished = build_py(root, *args)
    return finished.returncode, finished.stdout, finished.stderr


REFUSED = {
    "the content folder": ("content", "is the content folder"),
    "the layouts folder": ("layouts", "is the layouts folder"),
    "the assets folder": ("assets", "is the assets folder"),
    "the project folder": (".", "is the project folder"),
    "a folder holding the project": ("..", "holds the project folder"),
    "a folder inside the content": ("content/site", "lies inside the content folder"),
    "the settings": ("site.yaml", "is the settings file"),
    "a file": ("notes/mine.txt", "is a file, not a folder"),
    "a folder of someone's own files": ("notes", "holds files sitegen did not make"),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_an_output_folder_that_is_not_the_generators_is_refused_untouched(project, case):
    target, says = REFUSED[case]
    (project / "notes").mkdir()
    (project / "notes/mine.txt").write_text("my own notes")
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    before = snapshot(project.parent)
    code, _, err = build(project, "--out", target)
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("error: --out "), err
    assert says in err
    assert "Traceback" not in err
    assert snapshot(project.parent) == before


def test_the_home_folder_and_the_file_system_root_are_refused(project, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    environment = {**os.environ, "HOME": str(home)}
    for target, says in ((str(home), "your home folder"), ("/", "the root of the file system")):
        finished = build_py(project, "--no-search", "--out", target, env=environment)
        assert finished.returncode == 2 and says in finished.stderr, finished.stderr
    assert list(home.iterdir()) == []


def test_a_new_an_empty_and_a_marked_folder_are_built_into(project, tmp_path):
    (tmp_path / "empty").mkdir()
    for target in (tmp_path / "new/site", tmp_path / "empty"):
        assert build(project, "--out", str(target))[0] == 0
        assert (target / MARKER).is_file() and (target / "index.html").is_file()
    assert build(project, "--out", str(tmp_path / "empty"))[0] == 0


def test_files_put_into_the_output_by_hand_are_gone_after_the_next_build(project):
    assert build(project)[0] == 0
    (project / "_site/stray.txt").write_text("left by hand")
    page = project / "content/documents/2.md"
    for edit in range(3):  # and they do not come back from the spare
        page.write_text(page.read_text() + f"\nEdit {edit}.\n")
        assert build(project)[0] == 0
        assert not (project / "_site/stray.txt").exists()


def test_the_preview_server_refuses_an_output_it_may_not_replace(project):
    code, _, err = _run(project, "serve", "--port", "0", "--out", "content")
    assert code == 2 and "error: --out content is" in err and "Traceback" not in err


def test_trees_left_by_a_killed_build_are_removed_by_the_next(project):
    assert build(project)[0] == 0
    workspace = project / "._site.sitegen"
    for name in ("stage-killed", "trash-killed"):
        (workspace / name / "documents").mkdir(parents=True)
        (workspace / name / "documents/index.html").write_text("half a site")
    assert build(project)[0] == 0
    assert not [p for p in workspace.iterdir() if p.name.startswith(("stage-", "trash-"))]


def test_a_swap_killed_halfway_is_completed_with_the_last_site(project):
    """Where the system cannot exchange two folders in one step, a swap is three renames;
    killed after the first, the output is missing until the next build puts it back."""
    assert build(project)[0] == 0
    before = snapshot(project / "_site")
    os.rename(project / "_site", project / "._site.sitegen/held")
    (project / "content/documents/9.md").write_text("---\ntitle: [broken\n---\n")
    assert build(project)[0] == 1  # fails on the content, after putting the site back
    assert snapshot(project / "_site") == before


def test_a_second_build_while_one_holds_the_output_stops_with_a_message(project):
    assert build(project)[0] == 0
    with open(project / "._site.sitegen/lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        code, _, err = build(project)
    assert code == 2
    assert err == (
        "error: another build is writing _site now; wait for it to finish, "
        "or build into another folder with --out\n"
    )
    assert build(project)[0] == 0


def test_two_builds_started_at_once_never_crash_or_mix(project):
    for n in range(4, 60):
        (project / f"content/documents/{n}.md").write_text(document(n, f"Study {n}"))
    command = [sys.executable, "build.py", "--no-search", "--no-cache"]
    runs = [
        subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    results = [(run.wait(timeout=120), run.stderr.read().decode()) for run in runs]
    for code, err in results:
        assert code in (0, 2) and "Traceback" not in err, err
        assert code == 0 or "another build is writing" in err
    assert 0 in {code for code, _ in results}
    finished = site_files(project / "_site")
    assert build(project, "--no-cache")[0] == 0
    assert site_files(project / "_site") == finished


def test_the_spare_is_the_previous_site_and_unchanged_files_are_shared(project):
    assert build(project)[0] == 0
    first = site_files(project / "_site")
    page = project / "content/documents/2.md"
    page.write_text(page.read_text() + "\nOne more line.\n")
    assert build(project)[0] == 0
    spare = project / "._site.sitegen/spare"
    assert site_files(spare) == first
    kept = project / "_site/documents/1/index.html"
    assert kept.stat().st_ino == (spare / "documents/1/index.html").stat().st_ino
    assert "One more line." in (project / "_site/documents/2/index.html").read_text()


def test_builds_killed_at_random_moments_leave_the_last_or_the_new_site(tmp_path):
    """Twenty rounds: edit a generated catalogue, start a build, kill it (SIGKILL, its
    workers too) at a random moment; the output is then the last complete site or the new
    one, never a mix, and the next build is right."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate

    root = copy_project(tmp_path / "project", "[en-GB, et]")
    os.rmdir(root / "content")
    generate(160, root)
    command = [sys.executable, "build.py", "--no-search", "--jobs", "2"]
    assert subprocess.run(command, cwd=root, capture_output=True).returncode == 0
    rng = random.Random(15)
    documents = sorted((root / "content/documents").glob("*.md"))
    durations = [0.5]
    outcomes = {"old": 0, "new": 0}
    for round_number in range(20):
        previous = site_files(root / "_site")
        for path in rng.sample(documents, rng.choice([1, 1, 3, 20])):
            text = path.read_text(encoding="utf-8")
            edit = text.replace("title: '", f"title: 'R{round_number} ", 1)
            path.write_text(edit if rng.random() < 0.5 else text + f"\nRound {round_number}.\n")
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=root, start_new_session=True)
        time.sleep(rng.uniform(0, 1.3 * max(durations)))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        if process.returncode == 0:
            durations.append(time.monotonic() - started)
        killed = site_files(root / "_site")
        assert subprocess.run(command, cwd=root, capture_output=True).returncode == 0
        new = site_files(root / "_site")
        assert killed in (previous, new), f"round {round_number}: a mix of two sites"
        outcomes["old" if killed == previous else "new"] += 1
        workspace = root / "._site.sitegen"
        assert not [p for p in workspace.iterdir() if p.name.startswith(("stage-", "trash-"))]
    clean = tmp_path / "clean"
    finished = subprocess.run([*command, "--no-cache", "--out", str(clean)], cwd=root)
    assert finished.returncode == 0
    assert site_files(root / "_site") == site_files(clean)
    assert outcomes["old"] and outcomes["new"], outcomes


def test_the_pipeline_refuses_too_not_only_the_command_line(project):
    layouts = snapshot(project / "layouts")
    target = Project(project, project / "content", project / "layouts", search=False)
    with pytest.raises(UnsafeOutput, match="layouts"):
        pipeline.build(target)
    assert snapshot(project / "layouts") == layouts


def test_builders_taking_turns_at_one_output_each_build_their_own_site(project, tmp_path):
    """A preview keeps its memo between builds; another build swapping the output out and
    back (a folder alternates with the spare) must not make it patch a site it did not
    leave there."""
    content = project / "content"
    builders = [
        Builder(Project(project, content, project / "_site", base_url=base, search=False))
        for base in ("/one/", "/two/")
    ]
    page = content / "documents/2.md"
    for turn, which in enumerate([0, 1, 1, 0, 0, 1, 0]):  # each twice running: a patch
        page.write_text(page.read_text() + f"\nTurn {turn}.\n")
        builder = builders[which]
        builder.build()
        clean = tmp_path / f"clean-{turn}"
        pipeline.build(replace(builder.project, out_dir=clean))
        assert site_files(project / "_site") == site_files(clean), f"turn {turn}"


def test_files_that_appear_in_an_empty_output_during_the_build_are_kept(project, tmp_path):
    target = tmp_path / "mine"
    target.mkdir()

    def meanwhile(done: int, total: int) -> None:
        (target / "thesis.txt").write_text("written while the site was built")

    with pytest.raises(UnsafeOutput, match="files appeared"):
        pipeline.build(Project(project, project / "content", target, search=False), meanwhile)
    assert snapshot(target) == {
        "thesis.txt": hashlib.sha256(b"written while the site was built").hexdigest()
    }
    workspace = tmp_path / ".mine.sitegen"
    assert not [p for p in workspace.iterdir() if p.name.startswith(("stage-", "trash-"))]


def test_a_link_put_into_the_output_never_leads_a_build_outside(project, tmp_path):
    assert build(project)[0] == 0
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "1").mkdir(parents=True)
    (elsewhere / "1/index.html").write_text("precious")
    shutil.rmtree(project / "_site/documents")
    os.symlink(elsewhere, project / "_site/documents")
    os.symlink(elsewhere, project / "_site/media")
    before = snapshot(elsewhere)
    page = project / "content/documents/1.md"
    for edit in range(3):
        page.write_text(page.read_text() + f"\nEdit {edit}.\n")
        assert build(project)[0] == 0
        assert snapshot(elsewhere) == before
        assert not (project / "_site/media").exists()
        assert not (project / "_site/documents").is_symlink()
