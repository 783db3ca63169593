"""The accessibility statement from site.yaml: its page, its checks, and the warning that
asks for a yearly review."""

from __future__ import annotations

import datetime

import yaml

from .conftest import build_py, copy_project, document

STATEMENT = {
    "organisation": "The Office",
    "legislation": "Directive (EU) 2016/2102",
    "standard": "WCAG 2.2 level AA",
    "status": "fully",
    "prepared": "2026-01-05",
    "reviewed": "2026-01-05",
    "method": "a self-assessment",
    "contact": "https://example.org/contact",
    "enforcement": {"body": "The Authority", "url": "https://example.org/authority"},
}


def project_with(tmp_path, statement: dict | None):
    root = copy_project(tmp_path)
    settings = yaml.safe_load((root / "site.yaml").read_text(encoding="utf-8"))
    settings.pop("accessibility", None)
    settings.pop("home_intro", None)
    if statement is not None:
        settings["accessibility"] = statement
    (root / "site.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True), "utf-8")
    (root / "content/documents").mkdir()
    (root / "content/documents/1.md").write_text(document(1), encoding="utf-8")
    return root


def test_a_statement_without_limitations_says_the_site_is_fully_compliant(tmp_path):
    root = project_with(tmp_path, STATEMENT)
    run = build_py(root, "--no-search")
    assert run.returncode == 0, run.stderr
    page = (root / "_site/accessibility/index.html").read_text(encoding="utf-8")
    assert "This website is <strong>fully compliant</strong> with WCAG 2.2 level AA." in page
    assert "Non-accessible content" not in page
    assert '<a href="https://example.org/contact">' in page
    assert '<time datetime="2026-01-05">5 January 2026</time>' in page
    assert "/accessibility/" in (root / "_site/documents/1/index.html").read_text("utf-8")


def test_a_statement_reviewed_more_than_a_year_ago_is_a_warning(tmp_path):
    old = (datetime.date.today() - datetime.timedelta(days=400)).isoformat()
    root = project_with(tmp_path, {**STATEMENT, "prepared": old, "reviewed": old})
    run = build_py(root, "--no-search")
    assert run.returncode == 0, run.stderr
    lines = (root / "site.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("accessibility:"))
    assert (
        f"warning: site.yaml:{line}: accessibility.reviewed: the accessibility statement was "
        f"last reviewed on {old}, more than a year ago"
    ) in run.stderr
    assert "more than a year ago" in build_py(root, "check").stderr


def test_a_wrong_statement_is_an_error_naming_each_setting(tmp_path):
    wrong = {**STATEMENT, "status": "mostly", "contact": "the office", "reviewd": "2026-01-05"}
    wrong["reviewed"] = "2025-12-31"
    del wrong["enforcement"]
    root = project_with(tmp_path, wrong)
    run = build_py(root, "check")
    assert run.returncode == 1
    for expected in (
        "accessibility.enforcement: is missing",
        "accessibility.reviewd: is not a setting of the statement",
        "accessibility.status: must be one of fully, partially, not",
        "accessibility.contact: must be an e-mail address or a https:// address",
        "accessibility.reviewed: is before the statement was prepared (2026-01-05)",
    ):
        assert expected in run.stderr
    assert "Traceback" not in run.stderr


def test_without_a_statement_there_is_no_page_and_no_link(tmp_path):
    root = project_with(tmp_path, None)
    assert build_py(root, "--no-search").returncode == 0
    assert not (root / "_site/accessibility").exists()
    assert "accessibility/" not in (root / "_site/documents/1/index.html").read_text("utf-8")
