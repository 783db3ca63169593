"""How long one edit takes to show in `build.py serve`: from the moment an edited Markdown
file is written to the moment the server answers with the new page.

    python benchmarks/serve_latency.py                      # the sample site
    python benchmarks/serve_latency.py --generate 2000      # a generated 2,000-item site
    python benchmarks/serve_latency.py --edit title         # titles: lists and feeds change

Like a browser tab, it waits for the server's reload event and then loads the page. Prints
the median, fastest and slowest of `--runs` edits, each to a different document.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from bench import AS_INSTALLED  # noqa: E402
from generate import generate  # noqa: E402


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.read().decode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generate", type=int, metavar="N", help="a generated site of N items")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--edit", choices=["body", "title"], default="body")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="latency-"))
    try:
        if args.generate:
            generate(args.generate, scratch)
        else:
            shutil.copytree(REPO / "content", scratch / "content")
        content = scratch / "content"
        command = [sys.executable, str(REPO / "build.py"), "serve", "--port", "0"]
        folders = ["--out", str(scratch / "site"), "--cache-dir", str(scratch / ".cache")]
        server = subprocess.Popen(
            [*command, "--content", str(content), *folders],
            stdout=subprocess.PIPE,
            text=True,
            env=AS_INSTALLED,
        )
        lines: list[str] = []
        ready = threading.Event()

        def read() -> None:
            for line in server.stdout:
                lines.append(line)
                if line.startswith("Serving"):
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        started = time.monotonic()
        if not ready.wait(600):
            raise SystemExit(f"the server did not start: {lines}")
        print(f"first build and start: {time.monotonic() - started:.2f} s")
        base = re.search(r"(http://\S+/)", lines[-1])[1]
        documents = sorted(content.glob("documents/*.md"))[: args.runs]
        times = []
        for run, path in enumerate(documents):
            marker = f"Latency marker {run}"
            text = path.read_text(encoding="utf-8")
            url = f"{base}documents/{path.stem}/"
            time.sleep(0.3)  # let the last rebuild settle
            since = re.search(r"since=(\d+)", fetch(url))[1]
            events = urllib.request.urlopen(f"{base}__sitegen/events?since={since}", timeout=60)
            if args.edit == "title":
                edited = re.sub(r"^title: *", f"title: {marker} ", text, count=1, flags=re.M)
            else:
                edited = text + f"\n{marker}\n"
            path.write_text(edited, encoding="utf-8")
            written = time.perf_counter()
            while True:  # as a browser does: wait to be told, then load the page
                line = events.readline()
                if line.startswith(b"data:"):
                    page = fetch(url)
                    if marker in page:
                        break
                    since = re.search(r"since=(\d+)", page)[1]
                    events = urllib.request.urlopen(f"{base}__sitegen/events?since={since}")
            times.append(time.perf_counter() - written)
        server.terminate()
        server.wait(10)
        items = len(list(content.rglob("*.md")))
        print(
            f"{items} items, {len(times)} {args.edit} edits: median {statistics.median(times) * 1000:.0f} ms, "
            f"fastest {min(times) * 1000:.0f} ms, slowest {max(times) * 1000:.0f} ms"
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
