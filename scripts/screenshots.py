"""Take the README's screenshots: the search page and a document page of the sample site.

    .venv/bin/python scripts/screenshots.py    # writes docs/search.png and docs/document.png

Needs Debian's chromium and the test extra (Playwright), as the browser tests do.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sitegen.cli import main  # noqa: E402

FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def take() -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "site"
        if main(["build", "-q", "--out", str(out)], root=REPO) != 0:
            raise SystemExit("the sample site did not build")
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
        handler.log_message = lambda *args: None  # type: ignore[method-assign]
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        site = f"http://127.0.0.1:{server.server_address[1]}/"
        (REPO / "docs").mkdir(exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"), args=FLAGS
            )
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto(site + "search/?q=trafficking&year=2016")
            expect(page.get_by_role("status")).to_contain_text("results")
            page.screenshot(path=REPO / "docs" / "search.png", full_page=False)
            page.goto(site + "documents/2436/")
            page.screenshot(path=REPO / "docs" / "document.png", full_page=True)
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    take()
