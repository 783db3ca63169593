"""The editor's preview: serve the output folder on loopback, rebuild on change, reload tabs.

This module knows nothing about building: it is handed a `rebuild` callable that returns a
summary line or raises `BuildFailed`. Pages get a small live-reload script (and, while the
content is invalid, an overlay listing the errors) as they are served, so the files on
disk stay exactly what `build` writes.
"""

from __future__ import annotations

import html
import mimetypes
import signal
import sys
import threading
import time
from collections.abc import Callable, Collection, Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .errors import BuildFailed, ContentError

EVENTS_PATH = "/__sitegen/events"
QUIET_SECONDS = 0.05  # a burst of file events ends after this long without another
LONGEST_BURST = 2.0  # rebuild at the latest this long after the first event of a burst
KEEPALIVE_SECONDS = 15.0
_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)
_TEXT_TYPES = {".html", ".css", ".js", ".json", ".xml", ".txt", ".svg", ".csv"}


class LiveState:
    """What browsers are told: a version that grows with every rebuild, and its errors."""

    def __init__(self) -> None:
        self.version = 0
        self.errors: tuple[ContentError, ...] = ()
        self.closing = False
        self._changed = threading.Condition()

    def publish(self, errors: Sequence[ContentError]) -> None:
        with self._changed:
            self.version += 1
            self.errors = tuple(errors)
            self._changed.notify_all()

    def close(self) -> None:
        with self._changed:
            self.closing = True
            self._changed.notify_all()

    def wait_past(self, version: int, timeout: float) -> int:
        """Block until the version is past `version` (or `timeout`); return the version."""
        with self._changed:
            self._changed.wait_for(lambda: self.version > version or self.closing, timeout)
            return self.version


def reload_script(version: int) -> str:
    return (
        "<script>(function(){var s=new EventSource("
        f'"{EVENTS_PATH}?since={version}");'
        's.addEventListener("reload",function(){s.close();location.reload();});})();</script>'
    )


def error_overlay(errors: Sequence[ContentError]) -> str:
    """A panel over the page, listing each error with its file and line."""
    entries = "".join(
        f"<li><code>{html.escape(e.path)}{f':{e.line}' if e.line else ''}</code> "
        f"{f'<strong>{html.escape(e.field)}</strong>: ' if e.field else ''}"
        f"{html.escape(e.message)}</li>"
        for e in errors
    )
    return (
        '<div id="sitegen-errors" role="alertdialog" aria-modal="true" '
        'aria-labelledby="sitegen-errors-title" style="position:fixed;inset:0;z-index:2147483647;'
        "overflow:auto;background:#fff8f6;color:#1a1a1a;padding:2rem;font:1rem/1.5 system-ui,"
        'sans-serif;border-top:6px solid #b3261e">'
        f'<h2 id="sitegen-errors-title" style="margin-top:0">The site could not be rebuilt: '
        f"{len(errors)} error(s)</h2>"
        "<p>Fix the file and save it; this page reloads by itself. Until then the server "
        "keeps the last good site.</p>"
        f'<ol style="padding-left:1.5rem">{entries}</ol></div>'
    )


def decorate(page: bytes, state: LiveState) -> bytes:
    """Add the reload script, and the error overlay while there are errors, to a page."""
    version, errors = state.version, state.errors
    extra = (error_overlay(errors) if errors else "") + reload_script(version)
    text = page.decode("utf-8", errors="replace")
    at = text.lower().rfind("</body>")
    text = text + extra if at < 0 else text[:at] + extra + text[at:]
    return text.encode("utf-8")


class BadRequest(ValueError):
    """A request no page of a site could answer: a path that climbs out, a broken query."""


def resolve_request(out_dir: Path, url_path: str, base_path: str) -> Path | str | None:
    """The file under `out_dir` a URL path names, a URL to redirect to (a folder without its
    final '/'), or None; BadRequest for nonsense. Nothing outside `out_dir` is ever
    returned, symlinks included."""
    path = unquote(url_path)
    if not path.startswith("/"):
        raise BadRequest(url_path)
    if not path.startswith(base_path):
        return None
    parts = [part for part in path[len(base_path) :].split("/") if part]
    if any(part in (".", "..") or "\\" in part or "\0" in part for part in parts):
        raise BadRequest(url_path)
    root = out_dir.resolve()
    candidate = root.joinpath(*parts)
    if candidate.is_dir():
        if not path.endswith("/"):
            return url_path + "/"
        candidate = candidate / "index.html"
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if root not in real.parents or not real.is_file():
        return None
    return real


def _read(found: Path | str | None) -> tuple[bytes, str]:
    """A file's bytes and type; a stand-in page when there is none, or when a rebuild
    swapped it away since it was found."""
    if isinstance(found, Path):
        try:
            return found.read_bytes(), content_type(found)
        except OSError:
            pass
    return b"<!doctype html><title>Not found</title><body></body>", "text/html"


def content_type(path: Path) -> str:
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if path.suffix.lower() in _TEXT_TYPES else guessed


def make_handler(out_dir: Path, state: LiveState, base_path: str) -> type[BaseHTTPRequestHandler]:
    class PreviewHandler(BaseHTTPRequestHandler):
        server_version = "sitegen-preview"

        def do_HEAD(self) -> None:
            self.do_GET(send_body=False)

        def do_GET(self, send_body: bool = True) -> None:
            try:
                self._answer(send_body)
            except BadRequest:
                self.send_error(HTTPStatus.BAD_REQUEST)
            except _GONE:
                pass  # the browser went away; nothing to tell it

        def _answer(self, send_body: bool) -> None:
            url = urlsplit(self.path)
            if url.path == EVENTS_PATH:
                since = parse_qs(url.query).get("since", ["0"])[0]
                if not (since.isascii() and since.isdigit() and len(since) < 19):
                    raise BadRequest(url.query)
                self._stream_events(int(since))
                return
            found = resolve_request(out_dir, url.path, base_path)
            if isinstance(found, str):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", found + (f"?{url.query}" if url.query else ""))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status = HTTPStatus.OK
            if found is None:
                status = HTTPStatus.NOT_FOUND
                found = resolve_request(out_dir, base_path + "404.html", base_path)
            body, kind = _read(found)
            if kind.startswith("text/html"):
                body, kind = decorate(body, state), "text/html; charset=utf-8"
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if send_body:
                self.wfile.write(body)

        def _stream_events(self, since: int) -> None:
            """Server-sent events: one `reload` as soon as the site is newer than `since`."""
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            try:
                while not state.closing:
                    version = state.wait_past(since, KEEPALIVE_SECONDS)
                    if version > since:
                        self.wfile.write(f"event: reload\ndata: {version}\n\n".encode())
                        self.wfile.flush()
                        return
                    self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
            except _GONE:
                return

        def log_message(self, format: str, *args: object) -> None:
            pass  # editors want rebuild lines in the terminal, not one line per request

    return PreviewHandler


class _Debouncer(FileSystemEventHandler):
    """Turns a burst of file events into one rebuild, run on its own thread, and hands
    it the paths that changed."""

    def __init__(
        self, relevant: Callable[[str], bool], rebuild: Callable[[Collection[Path]], None]
    ):
        self.relevant, self.rebuild = relevant, rebuild
        self.changed = threading.Event()
        self.paths: set[Path] = set()  # changed since the last rebuild began
        self.paths_lock = threading.Lock()
        self.last_event = 0.0
        self.stopping = False
        self.thread = threading.Thread(target=self._loop, name="rebuild", daemon=True)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return  # its entries changed: each has an event of its own
        paths = [str(p) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        relevant = [Path(path) for path in paths if self.relevant(path)]
        if relevant:
            with self.paths_lock:
                self.paths.update(relevant)
            self.last_event = time.monotonic()
            self.changed.set()

    def _loop(self) -> None:
        while not self.stopping:
            if not self.changed.wait(0.5):
                continue
            first = time.monotonic()
            while (quiet := time.monotonic() - self.last_event) < QUIET_SECONDS:
                if time.monotonic() - first > LONGEST_BURST:
                    break
                time.sleep(QUIET_SECONDS - quiet)
            self.changed.clear()
            with self.paths_lock:
                paths, self.paths = self.paths, set()
            if not self.stopping:
                self.rebuild(paths)


def watch_filter(watched: Sequence[Path], out_dir: Path) -> Callable[[str], bool]:
    """Which changed paths matter: under a watched folder or a watched file itself, not in
    the output, and not an editor's swap, backup or hidden file."""
    folders = [p.resolve() for p in watched if p.is_dir()]
    files = {p.resolve() for p in watched if not p.is_dir()}
    out = out_dir.resolve()

    def relevant(raw: str) -> bool:
        path = Path(raw).resolve()
        name = path.name
        if name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp")):
            return False
        if path == out or out in path.parents:
            return False
        return path in files or any(folder == path or folder in path.parents for folder in folders)

    return relevant


class _QuietServer(ThreadingHTTPServer):
    """A browser that closes a connection early is no error; anything else is one line."""

    say: Callable[[str], None] = print

    def handle_error(self, request: object, client_address: object) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, _GONE):
            self.say(f"error: answering {client_address}: {type(error).__name__}: {error}")


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(
    out_dir: Path,
    rebuild: Callable[[Collection[Path] | None], str],
    watched: Sequence[Path],
    host: str = "127.0.0.1",
    port: int = 8000,
    base_path: str = "/",
    say: Callable[[str], None] = print,
) -> None:
    """Build, serve and watch until Ctrl-C. `rebuild` is given the paths that changed
    since its last call (None the first time). A failed rebuild keeps the last good site
    and shows its errors in the terminal and over every page."""
    state = LiveState()
    lock = threading.Lock()

    def build_and_publish(changed: Collection[Path] | None = None) -> None:
        with lock:
            try:
                say(rebuild(changed))
                state.publish(())
            except BuildFailed as failure:
                say("\n".join(e.format() for e in failure.errors))
                say(f"{len(failure.errors)} error(s); still serving the last good site.")
                state.publish(failure.errors)
            except Exception as error:  # not a content mistake; keep serving, say what broke
                say(f"error: the rebuild stopped: {type(error).__name__}: {error}")
                state.publish([ContentError("(build)", 0, "", f"{type(error).__name__}: {error}")])

    out_dir.mkdir(parents=True, exist_ok=True)
    build_and_publish()
    server = _QuietServer((host, port), make_handler(out_dir, state, base_path))
    server.say = say
    server.daemon_threads = True
    debouncer = _Debouncer(watch_filter(watched, out_dir), build_and_publish)
    observer = Observer()
    for path in watched:
        if path.is_dir():
            observer.schedule(debouncer, str(path), recursive=True)
        elif path.parent.is_dir():
            observer.schedule(debouncer, str(path.parent), recursive=False)
    observer.start()
    debouncer.thread.start()
    shown_host = f"[{host}]" if ":" in host else host
    signal.signal(signal.SIGTERM, _stop)  # a process manager's stop is a Ctrl-C too
    try:  # from the "Serving" line on, a stop signal always ends in "Stopped."
        say(f"Serving http://{shown_host}:{server.server_address[1]}{base_path} (Ctrl-C to stop)")
        sys.stdout.flush()
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        debouncer.stopping = True
        state.close()
        observer.stop()
        server.server_close()
        observer.join(timeout=2)
    say("Stopped.")
