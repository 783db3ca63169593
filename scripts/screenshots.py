"""Take the docs' screenshots of the sample site: the search page and a document page on
a desktop screen, and the home, a document and the search page on a phone (390 px).

    .venv/bin/python scripts/screenshots.py    # writes docs/*.png

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

# An Estonian document on the Estonian interface, and a search on the Lithuanian one.
LANGUAGE_SHOTS = {"document-et": "et/documents/2432/", "search-lt": "lt/search/?q=trafficking"}
PHONE_SHOTS = {"home": "", "document": "documents/2427/", "search": "search/?q=ferry"}
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def take() -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "site"
        if main(["build", "-q", "--out", str(out)], root=REPO) != 0:
            raise SystemExit("the sample site did not build")
        handler = functools.partial(_QuietHandler, directory=str(out))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        site = f"http://127.0.0.1:{server.server_address[1]}/"
        (REPO / "docs").mkdir(exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"), args=FLAGS
            )
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto(site + "search/?q=ferry")
            expect(page.get_by_role("status")).to_contain_text("results")
            page.screenshot(path=REPO / "docs" / "search.png", full_page=False)
            page.goto(site + "documents/2436/")
            page.screenshot(path=REPO / "docs" / "document.png", full_page=True)
            for name, address in LANGUAGE_SHOTS.items():
                page.goto(site + address)
                if "?q=" in address:
                    page.wait_for_function("document.getElementById('search-status').textContent")
                page.screenshot(path=REPO / "docs" / f"{name}.png", full_page=False)
            phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
            for name, address in PHONE_SHOTS.items():
                phone.goto(site + address)
                if "?q=" in address:
                    expect(phone.get_by_role("status")).to_contain_text("results")
                phone.screenshot(path=REPO / "docs" / f"phone-{name}.png", full_page=False)
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    take()
