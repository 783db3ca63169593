"""`new`, drafts and scheduled items, and the summary a build prints."""

from __future__ import annotations

import datetime
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sitegen.schema import fields_for

from .conftest import REPO, copy_project, document, event

TODAY = datetime.date.today()


def test_new_event_has_every_field_todays_date_and_builds_as_a_draft(site):
    run = site.run("new", "event", "Expert forum: Protection of Victims")
    assert run.code == 0, run.err
    path = site.content / "events/expert-forum-protection-of-victims.md"
    assert f"Created {path.relative_to(site.content.parent).as_posix()}" in run.out
    text = path.read_text(encoding="utf-8")
    front = text.split("---\n")[1]
    for name in fields_for("event"):
        assert re.search(rf"^(# )?{name}: ", front, re.M), name
    values = yaml.safe_load(front)
    assert values == {"title": "Expert forum: Protection of Victims", "date": TODAY, "draft": True}
    assert site.run("check").code == 0
    assert "1 draft skipped" in site.run("build").out
    assert site.run("build", "--drafts").code == 0
    assert "Expert forum: Protection of Victims" in site.page(
        "events/expert-forum-protection-of-victims"
    )


def test_new_document_takes_the_next_free_number(site):
    site.write("documents/2427.md", document(2427))
    site.write("documents/2500.md", document(2500, extra="draft: true\n"))
    assert site.run("new", "document", "Ny rapport om menneskehandel").code == 0
    text = (site.content / "documents/2501.md").read_text(encoding="utf-8")
    assert "\nnumber: 2501  #" in text and "\n# doc_types: " in text


def test_new_refuses_to_overwrite(site):
    assert site.run("new", "report", "Annual report").code == 0
    path = site.content / "reports/annual-report.md"
    path.write_text("edited by hand", encoding="utf-8")
    run = site.run("new", "report", "Annual report")
    assert run.code == 2 and "already exists" in run.err
    assert path.read_text(encoding="utf-8") == "edited by hand"


def test_items_dated_in_the_future_are_scheduled_except_events(site):
    site.write("documents/1.md", document(1, "Published study"))
    site.write("documents/2.md", document(2, "Coming study", date="2999-01"))
    site.write("events/conference.md", event("Upcoming conference", date="2999-05-20"))
    run = site.run("build")
    assert "; 1 scheduled item skipped;" in run.out
    assert not (site.out / "documents/2").exists()
    assert "Upcoming conference" in site.page("events")
    assert site.run("build", "--drafts").code == 0
    assert '<strong class="status">Scheduled</strong>' in site.page("documents/2")
    assert '<strong class="status">Scheduled</strong>' in site.page("documents")


def test_a_link_to_a_scheduled_item_says_why_it_would_break(site):
    site.write("documents/2.md", document(2, "Coming study", date="2999-01"))
    site.write("events/forum.md", event(body="See [the study](../documents/2.md)."))
    run = site.run("check")
    assert run.code == 1
    assert "events/forum.md:5: body: links to ../documents/2.md, which is not published" in run.err
    assert site.run("check", "--drafts").code == 0


def test_json_summary_is_for_machines(site):
    site.write("documents/1.md", document(1))
    site.write("documents/2.md", document(2, extra="draft: true\n"))
    run = site.run("build", "--json")
    summary = json.loads(run.out)
    assert summary["items_by_kind"] == {"event": 0, "report": 0, "document": 1, "page": 1}
    assert summary["drafts_skipped"] == 1
    assert summary["pages_written"] + summary["pages_unchanged"] > 5
    again = json.loads(site.run("build", "--json").out)
    assert again["pages_written"] == 0
    assert again["pages_unchanged"] == summary["pages_written"] + summary["pages_unchanged"]


def test_unchanged_pages_keep_their_modification_time(site):
    site.write("documents/1.md", document(1, extra="summary: Shown on lists.\n"))
    site.run("build")
    home = site.out / "index.html"
    before = home.stat().st_mtime_ns
    text = document(1, extra="summary: Shown on lists.\n")
    site.write("documents/1.md", text.replace("Summary of the study.", "New text."))
    assert "4 pages written" in site.run("build").out  # its page in each interface language
    assert home.stat().st_mtime_ns == before


def test_explain_says_why_a_page_was_rendered_and_which_pages_show_a_file(site):
    site.write("documents/1.md", document(1, "First study", extra="tags: [asylum]\n"))
    site.write("documents/2.md", document(2, "Second study", extra="related: [1]\n"))
    assert site.run("build").code == 0
    first = site.run("explain", "documents/1/")
    assert first.code == 0
    assert "rendered, because no build had written this output folder" in first.out
    edited = site.content / "documents/1.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    assert site.run("build").code == 0
    page = site.run("explain", "/documents/1/index.html").out
    assert "an item page, made with the layout document.html" in page
    assert "rendered, because documents/1's record changed" in page
    assert "documents/1: record, address, links, files" in page
    assert "kept, as nothing it shows had changed" in site.run("explain", "tags/").out
    shown = site.run("explain", str(edited)).out
    assert shown.startswith("content/documents/1.md: shown on ")
    assert "  documents/2/index.html: " in shown  # as a related document
    unknown = site.run("explain", "documents/3/")
    assert unknown.code == 2 and "made no page documents/3/index.html. Did you mean" in unknown.err


def test_explain_before_any_build_says_to_build_first(site):
    run = site.run("explain", "documents/1/")
    assert run.code == 2
    assert "no build is recorded in the build cache; run a build first" in run.err


def test_check_prints_json_errors_on_standard_output(site):
    site.write("events/bad.md", "---\ntitle: x\n---\n")
    site.write("documents/1.md", document(1, extra="doc_types: [Novel]\n"))
    run = site.run("check", "--format", "json")
    assert run.code == 1
    errors = json.loads(run.out)
    assert {(e["path"], e["line"], e["field"]) for e in errors} == {
        ("content/events/bad.md", 1, "date"),
        ("content/documents/1.md", 5, "doc_types"),
    }
    (site.content / "events/bad.md").unlink()
    site.write("documents/1.md", document(1))
    valid = site.run("check", "--format", "json")
    assert valid.code == 0 and json.loads(valid.out) == []


@pytest.mark.parametrize("kind", ["event", "report", "document", "page"])
def test_new_files_explain_each_field_for_their_type(site, kind):
    run = site.run("new", kind, "Title of the new one")
    assert run.code == 0, run.err
    path = site.content.parent / run.out.split()[1].rstrip(",")
    text = path.read_text(encoding="utf-8")
    date_help = text.split("\ndate: ", 1)[1].split("\n", 1)[0]
    assert ("first day" in date_help) == (kind == "event"), date_help
    layout = re.search(r"^# layout: (\S+)", text, re.M).group(1)
    assert (REPO / "layouts" / f"{layout}.html").exists(), layout
    path.write_text(text.replace("draft: true", ""), encoding="utf-8")
    assert site.run("check").code == 0


def test_build_py_run_without_the_libraries_says_what_to_run(tmp_path):
    project = copy_project(tmp_path)
    shutil.copytree(REPO / "sitegen", project / "sitegen")
    run = subprocess.run(
        [sys.executable, "-S", "build.py", "check"], cwd=project, capture_output=True, text=True
    )
    assert run.returncode == 2
    assert run.stderr.splitlines() == [
        "error: this Python lacks jinja2, which the build needs; run `make build` once, "
        "then `.venv/bin/sitegen` or `python3 build.py` again"
    ]


def test_build_py_run_by_another_python_uses_the_projects_venv(tmp_path):
    project = copy_project(tmp_path)
    (project / ".venv").symlink_to(Path(sys.prefix))
    other_python = Path(sys.base_prefix) / "bin" / "python3"
    run = subprocess.run(
        [other_python, "-S", "build.py", "check"], cwd=project, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Content is valid: 0 items")


def test_the_sitegen_command_finds_its_project_from_a_subfolder(tmp_path):
    project = copy_project(tmp_path)
    (project / "content/documents").mkdir()
    (project / "content/documents/1.md").write_text(document(1), encoding="utf-8")
    sitegen = Path(sys.executable).parent / "sitegen"
    run = subprocess.run(
        [sitegen, "build", "-q"], cwd=project / "content/documents", capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert (project / "_site/documents/1/index.html").is_file()
