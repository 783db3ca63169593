"""Fixture sites in temporary folders, built with the real command line."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from sitegen.cli import main

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    code: int
    out: str
    err: str


@dataclass
class FixtureSite:
    """A content folder and an output folder; `run` calls the CLI with the repo's layouts."""

    content: Path
    out: Path
    capsys: pytest.CaptureFixture

    def write(self, relative: str, text: str) -> Path:
        path = self.content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def run(self, *args: str, search: bool = False) -> Run:
        """Run a command on this site; the search index only when asked, as it is slower
        and its files are not byte-for-byte reproducible (see test_search)."""
        self.capsys.readouterr()
        options = ["--content", str(self.content), "--out", str(self.out)]
        if args[:1] != ("new",):
            options += ["--cache-dir", str(self.content.parent / ".cache")]
        if not search and args[:1] != ("new",):
            options.append("--no-search")
        code = main([*args, *options], root=REPO)
        captured = self.capsys.readouterr()
        return Run(code, captured.out, captured.err)

    def page(self, url: str) -> str:
        return (self.out / url.strip("/") / "index.html").read_text(encoding="utf-8")


@pytest.fixture
def site(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> FixtureSite:
    monkeypatch.chdir(tmp_path)
    fixture = FixtureSite(tmp_path / "content", tmp_path / "out", capsys)
    fixture.write(
        "pages/programme.md",
        """
        ---
        title: The programme
        date: 2015
        menu: 1
        ---
        The programme works against trafficking in human beings.
        """,
    )
    return fixture


def errors_of(site: FixtureSite, command: str = "check") -> str:
    """What a command that must fail on content errors printed: errors, never a traceback."""
    run = site.run(command)
    assert run.code == 1, run.out + run.err
    assert "Traceback" not in run.err
    return run.err


def event(
    title: str = "Conference", date: str = "2013-05-20", extra: str = "", body: str = "Body."
) -> str:
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\n{body}\n"


def document(number: int, title: str = "A study", date: str = "2010", extra: str = "") -> str:
    return (
        f"---\ntitle: {title}\nnumber: {number}\ndate: {date}\n{extra}---\nSummary of the study.\n"
    )


def build_py(root: Path, *args: str, **options) -> subprocess.CompletedProcess:
    """`python build.py ARGS` in `root`, in a process of its own, its output as text."""
    command = [sys.executable, "build.py", *args]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, **options)


def copy_project(root: Path, languages: str = "") -> Path:
    """A project of its own (layouts, assets, locales, site.yaml, build.py) with an empty content
    folder, so a test may edit layouts and settings without touching the repository.
    Its site.yaml has no `home_intro`, which would name a page the content lacks;
    `languages` replaces its list of interface languages ("[en-GB, et]")."""
    for folder in ("layouts", "assets", "locales"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "build.py", root / "build.py")
    settings = (REPO / "site.yaml").read_text(encoding="utf-8")
    settings = re.sub(r"(?m)^home_intro:.*\n", "", settings)
    if languages:  # fewer interface languages, for tests that build many times
        settings = settings.replace("languages: [en-GB, et, lv, lt]", f"languages: {languages}")
    (root / "site.yaml").write_text(settings, encoding="utf-8")
    (root / "content").mkdir()
    return root
