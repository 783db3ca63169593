"""Promises about the project itself: documentation covers the schema, stages stay layered."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import re
import subprocess
import sys

import pytest

from sitegen.config import MADE, SiteConfig
from sitegen.schema import FIELDS

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
EDITING = (REPO / "docs" / "editing.md").read_text(encoding="utf-8")  # the field tables
SETTINGS = (REPO / "docs" / "settings.md").read_text(encoding="utf-8")  # site.yaml's keys
STAGES = {
    "load", "validate", "markup", "catalog", "plan", "render", "views", "pages", "images",
    "search", "exports", "write", "output", "scaffold", "converters", "list_fields",
}  # fmt: skip
# A page's context is made of the item views; the writers write into the output's trees;
# validation checks each field with the converters of one value and of lists.
BUILDS_ON = {
    "pages": {"views"},
    "write": {"output"},
    "validate": {"converters", "list_fields"},
    "list_fields": {"converters"},
}
FORMATS = {
    "attachments",
    "cite",
    "feeds",
    "sanitise",
    "yamltext",
    "references",
}  # pure rules over records and text, shared by stages
BOTTOM = {
    *("errors", "model", "schema", "text", "languages", "locales", "config", "accessibility"),
    "project",
}


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_the_editors_guide_documents_every_front_matter_field_with_an_example(field):
    rows = [line for line in EDITING.splitlines() if line.startswith(f"| `{field.name}` |")]
    assert rows, f"no row for {field.name} in a field table of docs/editing.md"
    assert f"{field.name}:" in EDITING, f"no example of {field.name} in docs/editing.md"


KEYS = [f.name for f in dataclasses.fields(SiteConfig) if f.name not in MADE]


@pytest.mark.parametrize("key", KEYS)
def test_the_settings_page_documents_every_site_setting(key):
    assert f"| `{key}` |" in SETTINGS or f"| `{key}`, " in SETTINGS, (
        f"no row for {key} in the table of docs/settings.md"
    )


def test_readme_starts_with_the_two_commands():
    first_block = README.split("```sh", 1)[1].split("```", 1)[0]
    assert "make build" in first_block and "make test" in first_block


def _sitegen_imports(module: str) -> set[str]:
    tree = ast.parse((REPO / "sitegen" / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {node.module} if node.module else {alias.name for alias in node.names}
    return found


# Above the stages: what runs them and remembers between builds, the pipeline, and the
# command line and server on top. Each layer imports only from itself and those before.
INCREMENTAL = {
    "memo", "cache", "cachefolder", "bodies", "parallel", "reuse", "dependencies", "datafiles",
    "explain",
}  # fmt: skip
LAYERS = [BOTTOM, FORMATS, STAGES, INCREMENTAL, {"pipeline"}, {"cli", "serve", "__init__"}]
MODULES = sorted(p.stem for p in (REPO / "sitegen").glob("*.py"))


@pytest.mark.parametrize("module", MODULES)
def test_every_module_has_one_layer_and_imports_nothing_above_it(module):
    (place,) = [n for n, layer in enumerate(LAYERS) if module in layer]
    assert _sitegen_imports(module) <= set().union(*LAYERS[: place + 1])


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_stages_import_only_records_errors_and_formats(stage):
    assert _sitegen_imports(stage) <= BOTTOM | FORMATS | BUILDS_ON.get(stage, set())


@pytest.mark.parametrize("module", sorted(FORMATS))
def test_formats_import_only_records(module):
    assert _sitegen_imports(module) <= BOTTOM


@pytest.mark.parametrize("module", sorted(BOTTOM))
def test_bottom_layer_imports_nothing_above_it(module):
    assert _sitegen_imports(module) <= BOTTOM


@pytest.mark.parametrize("module", MODULES)
def test_every_module_imports_on_its_own(module):
    code = f"import importlib; importlib.import_module('sitegen.{module}')"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_no_module_grows_past_about_400_lines():
    sizes = {p.name: len(p.read_text().splitlines()) for p in (REPO / "sitegen").glob("*.py")}
    assert max(sizes.values()) <= 420, sizes


def test_build_py_runs_as_a_script():
    result = subprocess.run(
        [sys.executable, "build.py", "--help"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0
    assert re.search(r"\{build,check,serve,new,explain\}", result.stdout)


def test_importlib_of_package_has_version():
    assert importlib.import_module("sitegen").__version__
