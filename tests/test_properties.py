"""Property: whatever an editor (or an attacker) writes, a build either refuses it with
errors naming file and line and leaves the last site untouched, or makes a site whose
pages parse as HTML, whose feeds and sitemap parse as XML, and which holds no script
from content. Hypothesis writes the content: any Unicode, any YAML shape, hostile HTML."""

from __future__ import annotations

import contextlib
import functools
import io
import json
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import html5lib
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sitegen.catalog import SIMILAR_TAGS, build_catalog
from sitegen.cli import main
from sitegen.config import SiteConfig
from sitegen.model import Item, PartialDate, Reference
from sitegen.schema import FIELDS
from sitegen.text import term_key

from .conftest import copy_project

REMOVED = [  # markup the sanitiser removes, with a warning
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
    "<<script>script>alert(1)<</script>/script>",
    "<!-- <script>alert(1)</script> -->",
    "<style>@import 'https://evil.example/x.css';</style>",
    "<meta http-equiv='refresh' content='0;url=javascript:alert(1)'>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<details open ontoggle=alert(1)><summary>s</summary>x</details>",
    "<a href=x onmouseover=alert(1)>x</a>",
]
REFUSED = [  # URLs that are errors
    "[x](javascript:alert(1))",
    "<a href='jav&#x0A;ascript:alert(1)'>x</a>",
    '<a href="&#106;avascript:alert(1)">x</a>',
    "<form><button formaction=javascript:alert(1)>x</button></form>",
    "<base href='javascript:/'>",
    "<a href='content:nowhere.md'>x</a>",
]
MARKDOWN = [
    "# Heading",
    "## Part\n\nText.",
    "| a | b |\n|---|--:|\n| 1 | 2 |",
    "Note[^1].\n\n[^1]: The note.",
    "```\n<script>alert(1)</script>\n```",
    "- one\n- two\n  - three",
    "> quoted **bold** _em_",
    "[a link](../pages/base.md)",
    "![pic](x.png)",
    "<abbr title='t'>A</abbr> H<sub>2</sub>O",
]
fields = [f.name for f in FIELDS]
scalars = st.one_of(
    st.text(max_size=30),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.none(),
    st.sampled_from(
        ["2014", "2014-05-20", "2010-02-30", "javascript:alert(1)", "1", "files/a.pdf"]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["path", "href", "label", "alt", "x"]), inner, max_size=3)
    ),
    max_leaves=10,
)
printable = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)


def valid_front_matter(folder: str) -> st.SearchStrategy[str]:
    """Front matter that passes validation, so the body is what is put to the test."""
    required = {"title": printable.filter(str.strip), "date": st.sampled_from(["2014", "2020-02"])}
    if folder == "documents":
        required["number"] = st.integers(1, 5)
    optional = {"tags": st.lists(printable.filter(str.strip), max_size=4), "summary": printable}
    return st.fixed_dictionaries(required, optional=optional).map(
        lambda d: yaml.safe_dump(d, allow_unicode=True)
    )


any_front_matter = st.one_of(
    st.fixed_dictionaries(
        {"title": st.text(min_size=1, max_size=40), "date": st.sampled_from(["2014", "2020-02"])},
        optional={name: values for name in fields if name not in ("title", "date")},
    ).map(lambda d: yaml.safe_dump(d, allow_unicode=True)),
    st.text(max_size=80),  # anything at all, YAML or not
    st.sampled_from(
        ["a: &x [1]\nb: *x\n", "title:\t x\n", "? [a]\n: b\n", "title: !!binary aGk=\n"]
    ),
)
bodies = st.lists(
    st.one_of(
        printable,
        st.sampled_from(REMOVED),
        st.sampled_from(REMOVED),
        st.sampled_from(MARKDOWN),
        st.one_of(st.text(max_size=20), st.sampled_from(REFUSED)),  # mostly errors
    ),
    max_size=6,
).map("\n\n".join)


@st.composite
def content_file(draw: st.DrawFn) -> tuple[str, str, str, str]:
    folder = draw(st.sampled_from(["events", "reports", "documents", "pages"]))
    name = draw(st.from_regex(r"[a-z0-9][a-z0-9-]{0,10}", fullmatch=True))
    valid = valid_front_matter(folder)
    front = draw(st.one_of(valid, valid, valid, any_front_matter))
    return folder, name, front, draw(bodies)


files = st.lists(content_file(), min_size=1, max_size=3)
ERROR_LINE = re.compile(r"^\S*(/content/[^:]+|site\.yaml)(:\d+)?: ")  # file, line, message
SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "srcdoc", "data", "xlink:href")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@functools.cache
def two_languages() -> Path:
    """The project with two interface languages, not four: each example's pages are
    then made twice, in the first language and in another, and the run takes half as long."""
    return copy_project(Path(tempfile.mkdtemp(prefix="sitegen-properties-")), "[en-GB, et]")


def build(content: Path, out: Path) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(
            ["build", "--no-search", "--no-cache", "--jobs", "1", "--content", str(content),
             "--out", str(out)],
            root=two_languages(),
        )  # fmt: skip
    return code, err.getvalue()


def assert_no_script_from_content(page: Path) -> None:
    tree = html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue  # a comment
        if element.tag == "script":
            if element.get("type") == "application/ld+json":
                json.loads(element.text or "")  # data, and nothing that ends the element
            else:
                assert (element.get("src") or "").startswith("/assets/search."), page
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (page, name)
            if name in URL_ATTRIBUTES:
                scheme = SCHEME.match(re.sub(r"[\x00-\x20]", "", value).lower())
                assert not scheme or scheme[1] in ("http", "https", "mailto"), (page, value)
        if element.tag == "form":  # only the layout's own search field in the header
            assert element.get("class") == "header-search", page
            continue
        assert element.tag not in ("iframe", "object", "embed", "style", "base", "svg")


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI must not fail by chance
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(files)
def test_any_content_gives_errors_and_the_last_site_or_a_clean_new_site(files):
    with tempfile.TemporaryDirectory() as scratch:
        content, out = Path(scratch) / "content", Path(scratch) / "site"
        (content / "pages").mkdir(parents=True)
        (content / "pages/base.md").write_text("---\ntitle: Base\ndate: 2015\n---\nBase.\n")
        intro = "---\ntitle: Programme\ndate: 2015\n---\nThe page site.yaml's home_intro names.\n"
        (content / "pages/programme.md").write_text(intro)
        assert build(content, out)[0] == 0
        last = snapshot(out)
        for folder, name, front, body in files:
            path = content / folder / f"{name}.md"
            path.parent.mkdir(exist_ok=True)
            path.write_text(
                f"---\n{front}\n---\n{body}\n", encoding="utf-8", errors="surrogatepass"
            )
        code, err = build(content, out)
        assert code in (0, 1), err
        assert "Traceback" not in err
        event("refused" if code else "built")
        if code == 1:
            problems = [
                line for line in err.splitlines() if line and not line.startswith("warning")
            ]
            listed = problems[: problems.index(next(p for p in problems if "error(s) in" in p))]
            assert listed and all(ERROR_LINE.match(line) for line in listed), err
            assert snapshot(out) == last
            return
        for page in out.rglob("*.html"):
            html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page.read_bytes())
            assert_no_script_from_content(page)
        for feed in [*out.rglob("*.xml")]:
            ET.parse(feed)
        shutil.rmtree(out)


def brute_force_similar(catalog, items) -> dict[str, tuple[str, ...]]:
    """Similar items by definition: every other item scored, the five best kept."""
    ordered = sorted(items, key=lambda item: item.sort_key)
    terms = {item.key: {term_key(tag) for tag in item.tags} for item in ordered}
    counts = Counter(t for item in ordered if item.kind != "page" for t in terms[item.key])
    answer = {}
    for item in ordered:
        mine = sorted((t for t in terms[item.key] if t in counts), key=lambda t: (counts[t], t))
        mine = mine[:SIMILAR_TAGS]
        scored = []
        for place, other in enumerate(ordered):
            if other.key == item.key or other.kind == "page":
                continue
            if other.key in catalog.related[item.key]:
                continue
            shared = [t for t in mine if t in terms[other.key]]
            if shared:
                scored.append((-sum(1.0 + 1.0 / counts[t] for t in shared), place, other.key))
        answer[item.key] = tuple(key for _, _, key in sorted(scored)[:5])
    return answer


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(
    st.lists(
        st.tuples(
            st.lists(
                st.sampled_from(["a", "b", "c", "B", "d", "e", "f", "g", "h", "i"]), max_size=10
            ),
            st.booleans(),
            st.integers(1990, 1995),
            st.lists(st.integers(1, 30), max_size=2),
        ),
        max_size=30,
    )
)
def test_similar_items_are_the_best_scored_by_definition(specs):
    items = [
        Item(
            key=f"pages/p{n}" if page else f"documents/{n}",
            kind="page" if page else "document",
            source_path=f"content/documents/{n}.md",
            title=f"Item {n}",
            date=PartialDate(year),
            slug=f"p{n}",
            body_digest=b"",
            body_line=1,
            tags=tuple(tags),
            number=None if page else n,
            related=tuple(Reference(str(r), 1) for r in related if r != n),
        )
        for n, (tags, page, year, related) in enumerate(specs, start=1)
    ]
    catalog, _ = build_catalog(items, {str(n) for n in range(1, 31)}, SiteConfig(title="T"))
    assert dict(catalog.similar) == brute_force_similar(catalog, items)
