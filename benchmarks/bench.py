"""Build times of a generated catalogue: cold, no-op, one edited item, one edited layout.

    python benchmarks/bench.py                       # N = 1,000 and 10,000, 3 runs each
    python benchmarks/bench.py --sizes 1000 --runs 5

Every figure is one `build.py build --no-search` in a fresh process, as CI and editors run
it: cold (no cache), no-op (nothing changed), after editing one item (the first patch of
a site, which links the spare the next builds patch), after editing it again, after
editing one layout; then a cold build with the search index, whose index step is given
on its own.
The table gives the median of `--runs` of wall seconds, CPU seconds (the process and its
children) and the peak memory of the largest process, and the seconds the swap took:
putting the finished site in place of the last one. Each run works on its own copy of the
project, so the layouts in the repository are never touched.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from generate import generate  # noqa: E402

SCENARIOS = (
    "cold",
    "no-op",
    "edit one item",
    "edit it again",
    "edit one layout",
    "cold, with search",
)
WITH_SEARCH = [sys.executable, "build.py", "build", "--json"]


# Runs one command as its only child, so the child's figures are that command's alone.
# ru_maxrss of RUSAGE_CHILDREN is the largest of the waited-for processes, not their sum.
_ONE_RUN = (
    "import json, resource, subprocess, sys\n"
    "out = subprocess.run(json.loads(sys.argv[1]), check=True, capture_output=True).stdout\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(usage.ru_utime + usage.ru_stime, usage.ru_maxrss)\n"
    "sys.stdout.write(out.decode())\n"
)
OUR_BUILD = [sys.executable, "build.py", "build", "--no-search", "--json"]
# Every tool runs as an installed one does: Python keeps the bytecode of what it imports,
# whatever the caller's environment says (compiling our sources again costs 0.25 s a run).
AS_INSTALLED = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure(project: Path, command: list[str] = OUR_BUILD) -> dict:
    """One run of `command` in `project`, in a fresh process: wall and CPU seconds (the
    process and its children), and the peak resident memory of the largest one in MiB.
    When the command prints a JSON summary (ours does), it is kept under "summary"."""
    started = time.perf_counter()
    finished = subprocess.run(
        [sys.executable, "-c", _ONE_RUN, json.dumps(command)],
        cwd=project,
        check=True,
        capture_output=True,
        text=True,
        env=AS_INSTALLED,
    )
    wall = time.perf_counter() - started
    figures, _, printed = finished.stdout.partition("\n")
    cpu, peak_kib = figures.split()
    result: dict = {"wall": wall, "cpu": float(cpu), "peak_mib": int(peak_kib) / 1024}
    with contextlib.suppress(ValueError):
        result["summary"] = json.loads(printed)
    return result


def run_size(n: int, runs: int, scratch: Path) -> dict[str, list[dict]]:
    generated = scratch / f"generated-{n}"
    generate(n, generated)
    results: dict[str, list[dict]] = {name: [] for name in SCENARIOS}
    for run in range(runs):
        project = scratch / f"project-{n}-{run}"
        for folder in ("layouts", "assets", "locales"):
            shutil.copytree(REPO / folder, project / folder)
        for name in ("site.yaml", "build.py"):
            shutil.copy(REPO / name, project / name)
        shutil.copytree(generated / "content", project / "content")
        settle(project)
        results["cold"].append(measure(project))
        results["no-op"].append(measure(project))
        item = sorted((project / "content" / "documents").glob("*.md"))[run]
        item.write_text(item.read_text(encoding="utf-8") + f"\nEdited in run {run}.\n")
        results["edit one item"].append(measure(project))
        item.write_text(item.read_text(encoding="utf-8") + "\nAnd again.\n")
        results["edit it again"].append(measure(project))
        layout = project / "layouts" / "document.html"
        layout.write_text(layout.read_text(encoding="utf-8") + f"{{# run {run} #}}\n")
        results["edit one layout"].append(measure(project))
        shutil.rmtree(project / ".cache")
        shutil.rmtree(project / "_site")
        results["cold, with search"].append(measure(project, WITH_SEARCH))
        shutil.rmtree(project)
    return results


def settle(project: Path) -> None:
    """Date every file an hour back, as a checkout's files are when an editor builds: a
    file changed in the last two seconds is never trusted by its time alone."""
    an_hour_ago = time.time() - 3600
    for path in project.rglob("*"):
        os.utime(path, (an_hour_ago, an_hour_ago))


def table(all_results: dict[int, dict[str, list[dict]]]) -> str:
    lines = [
        "| items | build | wall s | CPU s | peak MiB | pages rendered | swap s | search index s |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for n, results in all_results.items():
        for name in SCENARIOS:
            runs = results[name]
            median = {k: statistics.median(r[k] for r in runs) for k in ("wall", "cpu", "peak_mib")}
            summaries = [r.get("summary", {}) for r in runs]
            rendered = statistics.median(s.get("pages_rendered", 0) for s in summaries)
            search = statistics.median(s.get("timings", {}).get("search", 0) for s in summaries)
            swap = statistics.median(s.get("timings", {}).get("swap", 0) for s in summaries)
            lines.append(
                f"| {n:,} | {name} | {median['wall']:.2f} | {median['cpu']:.2f} "
                f"| {median['peak_mib']:.0f} | {rendered:,.0f} | {swap:.3f} | {search:.1f} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print every run as JSON too")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        results = {n: run_size(n, args.runs, scratch) for n in args.sizes}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(table(results))
    if args.json:
        print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
