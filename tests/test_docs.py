"""The documentation is held to the code: every variable a layout is given is listed in
docs/layouts.md, and every relative link in the README and docs/ leads somewhere."""

from __future__ import annotations

import dataclasses
import re
import shutil
import unicodedata
from collections import defaultdict
from pathlib import Path

import jinja2
import pytest

from sitegen import render, search
from sitegen.cli import main

from .conftest import REPO, copy_project

LAYOUTS_DOC = REPO / "docs" / "layouts.md"
EVERY_LAYOUT = "Every layout"
GLOBALS = "Globals and filters"
SHAPES = "Shapes"
PICTURE = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"  # fmt: skip


# --- Reading docs/layouts.md -------------------------------------------------------------


def sections(text: str, level: int) -> dict[str, str]:
    """The text under each heading of exactly `level` '#'s, by the heading without
    backticks, up to the next heading of that level or above."""
    found: dict[str, str] = {}
    name = None
    for line in text.splitlines():
        heading = re.match(r"^(#+) (.*)$", line)
        if heading and len(heading[1]) <= level:
            name = heading[2].replace("`", "").strip() if len(heading[1]) == level else None
            if name is not None:
                found[name] = ""
            continue
        if name is not None:
            found[name] += line + "\n"
    return found


def table_rows(section: str) -> dict[str, str]:
    """Each name written as `name` in a table's first column, with the row's type column."""
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 2 or set(cells[0]) <= set("-: "):
            continue
        for name in re.findall(r"`([^`]+)`", cells[0]):
            rows[name] = cells[1]
    return rows


def github_anchor(heading: str) -> str:
    """The fragment GitHub gives a heading: lower case, punctuation dropped, spaces as '-'."""
    text = heading.strip().lower()
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LN")
    return kept.replace(" ", "-")


class LayoutsDoc:
    """docs/layouts.md as the test reads it: a section per layout, and the shapes."""

    def __init__(self, text: str):
        self.layouts = sections(text, 2)
        self.shapes = {}
        for name, section in sections(self.layouts.get(SHAPES, ""), 3).items():
            fields = {}
            for base in re.findall(r"every field of an? \[[^\]]+\]\(#([\w-]+)\)", section):
                fields.update(self.shapes[base])
            fields.update(table_rows(section))
            self.shapes[github_anchor(name)] = fields

    def variables(self, layout: str) -> dict[str, str]:
        """What the section of `layout` lists, with what every layout is given."""
        return {
            **table_rows(self.layouts.get(EVERY_LAYOUT, "")),
            **table_rows(self.layouts.get(layout, "")),
        }

    def shape_of(self, type_cell: str) -> str | None:
        """The shape a type column links to: `[entry](#entry)` -> 'entry'."""
        linked = [name for name in re.findall(r"\(#([\w-]+)\)", type_cell) if name in self.shapes]
        return linked[0] if linked else None

    def undocumented(self, value: object, type_cell: str, path: str) -> list[str]:
        """The fields of `value`, a variable documented with `type_cell`, that the shape
        its type names does not list, at any depth."""
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        if isinstance(value, list | tuple):
            return [
                problem
                for element in value
                for problem in self.undocumented(element, type_cell, f"{path}[]")
            ]
        if isinstance(value, dict):
            shape = self.shape_of(type_cell)
            if shape is None:
                return [f"{path}: a mapping, but its type names no shape of the Shapes section"]
            fields = self.shapes[shape]
            problems = []
            for key, field_value in value.items():
                if key not in fields:
                    problems.append(f"{path}.{key} (not in the shape {shape})")
                else:
                    problems += self.undocumented(field_value, fields[key], f"{path}.{key}")
            return problems
        return []  # text, numbers, true/false, none, the globals' functions


@pytest.fixture(scope="module")
def doc() -> LayoutsDoc:
    return LayoutsDoc(LAYOUTS_DOC.read_text(encoding="utf-8"))


# --- What layouts are given --------------------------------------------------------------


def _add_content(content: Path) -> None:
    """What the sample site lacks but layouts can be given: a gallery, a translation."""
    (content / "events" / "images").mkdir(parents=True, exist_ok=True)
    (content / "events" / "images" / "hall.gif").write_bytes(PICTURE)
    (content / "events" / "documented-gallery.md").write_text(
        "---\ntitle: A forum with pictures\ndate: 2015-05-20\nend: 2015-05-21\n"
        "kind: seminar\nlocation: Vilnius\norganiser: The programme\n"
        "images: [{path: images/hall.gif, alt: The hall, caption: Opening}]\n"
        "---\nThe forum.\n",
        encoding="utf-8",
    )
    (content / "reports" / "ferry-companies-et.md").write_text(
        "---\ntitle: Praamiettevõtted\ndate: 2016-11\nlang: et\n"
        "translations: [reports/ferry-companies]\n---\nAruanne.\n",
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[dict[str, list[dict]], dict]:
    """Build the sample site, with drafts and a small page size (so lists have gaps in
    their page links), noting each layout and context the renderer is given."""
    root = copy_project(tmp_path_factory.mktemp("documented"))
    shutil.rmtree(root / "content")
    shutil.copytree(REPO / "content", root / "content")
    _add_content(root / "content")
    settings = root / "site.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(re.sub(r"(?m)^page_size: .*$", "page_size: 2", text), encoding="utf-8")
    contexts: dict[str, list[dict]] = defaultdict(list)
    environment: dict = {}
    real = render.render_page

    def recording(env, template, context, url, layouts_dir):
        contexts[template].append(context)
        environment["env"] = env
        return real(env, template, context, url, layouts_dir)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "render_page", recording)
        patch.setattr(search, "unavailable", lambda: "")  # the search page, without
        patch.setattr(search, "build_index", lambda *args, **kwargs: {})  # Pagefind's run
        code = main(
            ["build", "--drafts", "--jobs", "1", "--no-cache", "--out", str(root / "_site")],
            root=root,
        )
    assert code == 0
    return contexts, environment["env"]


def test_the_fixture_renders_every_page_layout(rendered):
    contexts, _ = rendered
    pages = {p.name for p in (REPO / "layouts").glob("*.html") if not p.name.startswith("_")}
    assert pages - {"base.html"} <= set(contexts)


def test_every_layout_file_has_a_section_in_layouts_md(doc):
    layouts = sorted(p.name for p in (REPO / "layouts").glob("*.html"))
    assert [name for name in layouts if name not in doc.layouts] == []


def test_every_variable_a_layout_is_given_is_documented(rendered, doc):
    contexts, _ = rendered
    missing = {}
    for template, given in sorted(contexts.items()):
        documented = doc.variables(template)
        names = {name for context in given for name in context}
        if absent := sorted(names - documented.keys()):
            missing[template] = absent
    assert missing == {}, "add these to their layout's section of docs/layouts.md"


def test_every_field_of_every_variable_is_documented(rendered, doc):
    contexts, _ = rendered
    problems = set()
    for template, given in sorted(contexts.items()):
        documented = doc.variables(template)
        for context in given:
            for name, value in context.items():
                cell = documented.get(name, "")
                problems.update(doc.undocumented(value, cell, f"{template}: {name}"))
    assert sorted(problems) == [], "add these fields to the Shapes of docs/layouts.md"


def test_every_global_and_filter_is_documented(rendered, doc):
    _, env = rendered
    defaults = jinja2.Environment()
    section = doc.layouts.get(GLOBALS, "")
    documented = table_rows(section)
    ours = {name: env.globals[name] for name in env.globals.keys() - defaults.globals.keys()}
    assert sorted(ours.keys() - documented.keys()) == []
    problems = [p for name, v in ours.items() for p in doc.undocumented(v, documented[name], name)]
    assert problems == []
    added = (env.filters.keys() - defaults.filters.keys()) | (
        env.tests.keys() - defaults.tests.keys()
    )
    assert sorted(name for name in added if f"`{name}`" not in section) == []


def test_the_check_of_layouts_md_fails_for_a_missing_variable(rendered):
    contexts, _ = rendered
    text = LAYOUTS_DOC.read_text(encoding="utf-8")
    without = LayoutsDoc(re.sub(r"(?m)^\| `total` \|.*\n", "", text))
    documented = without.variables("list.html")
    assert "total" in contexts["list.html"][0] and "total" not in documented
    entry = contexts["list.html"][0]["items"][0]
    nested = LayoutsDoc(re.sub(r"(?m)^\| `summary` \|.*\n", "", text))
    assert nested.undocumented(entry, "list of [entry](#entry)", "items") == [
        "items.summary (not in the shape entry)"
    ]


# --- Links -------------------------------------------------------------------------------

DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.DOTALL | re.MULTILINE)
_CODE = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def links(path: Path) -> list[str]:
    """Every link target in a Markdown file, outside code."""
    text = _CODE.sub("", _FENCE.sub("", path.read_text(encoding="utf-8")))
    return _LINK.findall(text)


def anchors(path: Path) -> set[str]:
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    return {github_anchor(m[1].replace("`", "")) for m in re.finditer(r"(?m)^#+ (.*)$", text)}


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_relative_link_leads_to_a_file_that_exists(document):
    broken = []
    for target in links(document):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):
            continue  # https:, mailto:: not this test's to follow
        address, _, fragment = target.partition("#")
        linked = (document.parent / address).resolve() if address else document
        if not linked.exists():
            broken.append(target)
        elif fragment and linked.suffix == ".md" and fragment not in anchors(linked):
            broken.append(f"{target} (no such heading)")
    assert broken == []
