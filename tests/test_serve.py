"""`build.py serve` as an editor uses it: the real server on a free loopback port, files
changed on disk, and what the server then answers over HTTP."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import copy_project, document, event

WAIT = 15.0  # seconds a change may take to show; generous for a loaded CI machine


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    content: Path
    output: list[str]

    def get(self, path: str) -> tuple[int, str, dict]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as r:
                return r.status, r.read().decode("utf-8"), dict(r.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8"), dict(error.headers)

    def raw_get(self, raw_path: str) -> http.client.HTTPResponse:
        """A request with the path exactly as given, unnormalised, as an attacker would send."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        connection.putrequest("GET", raw_path, skip_host=False, skip_accept_encoding=True)
        connection.endheaders()
        return connection.getresponse()

    def write(self, relative: str, text: str) -> None:
        path = self.content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def until(self, path: str, holds: Callable[[int, str], bool]) -> tuple[int, str]:
        """Poll `path` until `holds(status, body)`; fail with the last answer after WAIT."""
        deadline = time.monotonic() + WAIT
        while True:
            status, body, _ = self.get(path)
            if holds(status, body):
                return status, body
            if time.monotonic() > deadline:
                pytest.fail(f"{path} never matched; last {status}:\n{body[:2000]}\n{self.output}")
            time.sleep(0.05)


def start(root: Path, *args: str) -> tuple[subprocess.Popen, list[str], int]:
    process = subprocess.Popen(
        [sys.executable, "build.py", "serve", "--port", "0", *args],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    output: list[str] = []
    port_found = threading.Event()

    def read() -> None:
        for line in process.stdout:
            output.append(line)
            if line.startswith("Serving http://127.0.0.1:"):
                port_found.set()

    threading.Thread(target=read, daemon=True).start()
    if not port_found.wait(WAIT):
        process.kill()
        pytest.fail(f"the server did not start: {output} {process.stderr.read()}")
    port = int(re.search(r":(\d+)/", next(line for line in output if "Serving" in line))[1])
    return process, output, port


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    root = copy_project(tmp_path_factory.mktemp("serve"))
    content = root / "content"
    (content / "pages").mkdir()
    (content / "pages/about.md").write_text("---\ntitle: About\ndate: 2015\n---\nAbout us.\n")
    for n in (1, 2, 3):
        extra = "tags: [Baltic Sea, trafficking]\n" if n != 3 else "tags: [trafficking]\n"
        (content / "documents").mkdir(exist_ok=True)
        (content / f"documents/{n}.md").write_text(document(n, f"Study {n}", extra=extra))
    process, output, port = start(root)
    yield Server(process, port, content, output)
    process.send_signal(signal.SIGINT)
    process.wait(timeout=WAIT)


def test_pages_are_served_with_the_reload_script_which_build_never_writes(server):
    status, body, headers = server.get("/documents/1/")
    assert status == 200 and "Study 1" in body
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "/__sitegen/events" in body
    built = server.content.parent / "_site"
    assert not built.exists(), "serve must not write the published folder"


def test_an_edited_page_is_served_after_the_change(server):
    server.write("documents/1.md", document(1, "Study 1, second edition"))
    server.until("/documents/1/", lambda s, b: "Study 1, second edition" in b)


def test_an_added_page_appears_and_its_lists_show_it(server):
    server.write("events/forum.md", event("Knowledge forum", extra="tags: [Baltic Sea]\n"))
    server.until("/events/forum/", lambda s, b: s == 200 and "Knowledge forum" in b)
    server.until("/tags/baltic-sea/", lambda s, b: "Knowledge forum" in b)


def test_a_renamed_file_moves_its_page(server):
    server.write("events/seminar.md", event("Seminar"))
    server.until("/events/seminar/", lambda s, b: s == 200)
    (server.content / "events/seminar.md").rename(server.content / "events/workshop.md")
    server.until("/events/workshop/", lambda s, b: s == 200 and "Seminar" in b)
    _status, body = server.until("/events/seminar/", lambda s, b: s == 404)
    assert "/__sitegen/events" in body  # the site's own 404 page, live


def test_a_deleted_item_is_gone_from_its_page_and_its_tag(server):
    server.until("/tags/baltic-sea/", lambda s, b: "Study 2" in b)
    (server.content / "documents/2.md").unlink()
    server.until("/documents/2/", lambda s, b: s == 404)
    server.until("/tags/baltic-sea/", lambda s, b: s == 200 and "Study 2" not in b)


def test_a_broken_file_shows_an_overlay_until_it_is_fixed(server):
    good = document(3, "Study 3", extra="tags: [trafficking]\n")
    server.write("documents/3.md", good.replace("date: 2010", "date: 2010-13-45"))
    status, body = server.until("/documents/3/", lambda s, b: "sitegen-errors" in b)
    assert status == 200 and "Study 3" in body  # the last good page, under the overlay
    overlay = body[body.index('id="sitegen-errors"') :]
    assert "content/documents/3.md:4" in overlay and "date" in overlay
    deadline = time.monotonic() + WAIT  # the terminal's lines arrive through a pipe
    while not any("still serving the last good site" in line for line in server.output):
        assert time.monotonic() < deadline, server.output
        time.sleep(0.05)
    server.write("documents/3.md", good.replace("Study 3", "Study 3 fixed"))
    # The fixed page is on disk a moment before the errors are cleared; a browser reloads
    # only when told, after both, so the page is polled until the overlay is gone.
    server.until("/documents/3/", lambda s, b: "Study 3 fixed" in b and "sitegen-errors" not in b)


def test_drafts_are_shown_with_a_mark(server):
    server.write("documents/9.md", document(9, "Work in progress", extra="draft: true\n"))
    _status, body = server.until("/documents/9/", lambda s, b: s == 200)
    assert '<strong class="status">Draft</strong>' in body


def test_an_event_stream_client_is_told_to_reload(server):
    received: list[str] = []
    connected = threading.Event()
    _, page, _ = server.get("/")
    since = re.search(r"since=(\d+)", page)[1]

    def listen() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
        connection.request("GET", f"/__sitegen/events?since={since}")
        response = connection.getresponse()
        assert response.headers["Content-Type"] == "text/event-stream"
        connected.set()
        for line in response:
            received.append(line.decode())
            if line.startswith(b"data:"):
                return

    listener = threading.Thread(target=listen)
    listener.start()
    assert connected.wait(WAIT)
    server.write("pages/about.md", "---\ntitle: About the programme\ndate: 2015\n---\nAbout.\n")
    listener.join(WAIT)
    assert "event: reload\n" in received


def test_nothing_outside_the_output_folder_is_served(server, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not serve")
    site = Path(
        server.content.parent,
        next(line for line in server.output if "into" in line).split(" into ")[1].split("/:")[0],
    )
    for raw in ("/../site.yaml", "/%2e%2e/%2e%2e/site.yaml", "/..%2fbuild.py", "/assets/../../x"):
        response = server.raw_get(raw)
        assert response.status in (400, 404), raw
        body = response.read()
        assert b"do not serve" not in body and b"title:" not in body
    assert (site / "index.html").is_file()
    os.symlink(secret, site / "leak.txt")
    os.symlink(tmp_path, site / "leak")
    assert server.get("/leak.txt")[0] == 404
    assert server.get("/leak/secret.txt")[0] == 404
    assert server.get("/leak/")[0] == 404


def test_folders_redirect_to_their_slash_and_files_have_their_types(server):
    response = server.raw_get("/documents")
    assert response.status == 301 and response.headers["Location"] == "/documents/"
    _, home, _ = server.get("/")
    stylesheet = re.search(r'href="(/assets/style\.[0-9a-f]+\.css)"', home)[1]
    status, _, headers = server.get(stylesheet)
    assert status == 200 and headers["Content-Type"] == "text/css; charset=utf-8"


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_stops_the_server_cleanly(tmp_path, stop):
    root = copy_project(tmp_path)
    (root / "content/pages").mkdir()
    (root / "content/pages/about.md").write_text("---\ntitle: About\ndate: 2015\n---\nText.\n")
    process, output, _port = start(root)
    process.send_signal(stop)
    assert process.wait(timeout=WAIT) == 0
    errors = process.stderr.read()
    assert "Traceback" not in errors, errors
    assert output[-1].strip() == "Stopped."


def test_the_server_binds_to_loopback_only(server):
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # no packet is sent; this picks the outward address
        address = probe.getsockname()[0]
    except OSError:
        address = "127.0.0.1"
    finally:
        probe.close()
    if address.startswith("127."):
        pytest.skip("this machine has no address but loopback to try")
    with pytest.raises(OSError):
        socket.create_connection((address, server.port), timeout=2)


def test_a_burst_of_changes_is_one_rebuild(server):
    """A `git checkout` writes many files at once; the server rebuilds once or twice, not
    once per file."""
    server.until("/", lambda s, b: s == 200)
    time.sleep(0.3)
    before = sum(line.startswith("Built") for line in server.output)
    for n in range(40):
        server.write(f"documents/{100 + n}.md", document(100 + n, f"Burst {n}"))
    server.until("/documents/139/", lambda s, b: s == 200)
    time.sleep(0.5)
    rebuilds = sum(line.startswith("Built") for line in server.output) - before
    assert 1 <= rebuilds <= 3, server.output[-5:]


def test_rude_clients_and_nonsense_get_answers_never_a_traceback(tmp_path):
    """Browsers that hang up mid-page, malformed request lines and query values, paths
    that climb out: each gets an answer or nothing, and the server goes on serving."""
    root = copy_project(tmp_path)
    (root / "content/pages").mkdir()
    (root / "content/pages/about.md").write_text("---\ntitle: About\ndate: 2015\n---\nText.\n")
    process, output, port = start(root)
    server = Server(process, port, root / "content", output)
    try:
        for _ in range(30):  # ask for a page, then hang up before reading it
            with socket.create_connection(("127.0.0.1", port)) as rude:
                rude.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
                rude.sendall(b"GET /about/ HTTP/1.1\r\nHost: x\r\n\r\n")
        for raw in ("/__sitegen/events?since=abc", "/__sitegen/events?since=%C2%B2",
                    "/__sitegen/events?since=-1", f"/__sitegen/events?since={'9' * 40}",
                    "/../site.yaml", "/%00", "/about/%2e%2e/%2e%2e/x", "*"):  # fmt: skip
            response = server.raw_get(raw)
            assert response.status == 400, raw
            response.read()
        for line, code in (
            (b"GARBAGE", b"400"),
            (b"GET /%zz%ff HTTP/1.1", b"404"),
            (b"\xff", b"400"),
        ):
            with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
                client.sendall(line + b"\r\n\r\n")
                assert code in client.recv(1000), line  # HTTP/0.9 nonsense has no status line
        status, body, _ = server.get("/about/")
        assert status == 200 and "Text." in body
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=WAIT)
    errors = process.stderr.read()
    assert "Traceback" not in errors and "Traceback" not in "".join(output), errors
