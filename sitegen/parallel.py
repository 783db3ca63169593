"""Work spread over processes: Markdown bodies, and the pages of a site.

Workers are forked once the parent holds everything they need, so the catalog, the
views and the compiled layouts reach them as a copy of the parent's memory, not through
a pipe; only the work's answers travel back. The answers are what the serial loop would
give, in the same order, so the output is the same byte for byte.

Forking is only safe in a process with one thread, and only where the system has it
(Linux and the BSDs, not Windows): elsewhere, and for small jobs, the work runs here.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from . import markup
from .model import Body, Markup

Task = TypeVar("Task")
Answer = TypeVar("Answer")
SMALLEST_PARALLEL = 64  # fewer tasks than this run here: starting workers costs more
LARGEST_CHUNK = 64  # tasks sent to a worker at once
_work: Callable | None = None  # what forked workers call; set just before they start


def usable_jobs(jobs: int, tasks: int) -> int:
    """How many processes to use for `tasks` tasks: 1 when forking is not worth it or not
    safe (another thread could hold a lock the child would inherit, taken)."""
    if jobs <= 1 or tasks < SMALLEST_PARALLEL or threading.active_count() > 1:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(jobs, os.cpu_count() or 1, tasks // (SMALLEST_PARALLEL // 2))


def run_chunks(
    work: Callable[[Sequence[Task]], list[Answer]], tasks: Sequence[Task], jobs: int
) -> Iterator[list[Answer]]:
    """`work` applied to consecutive chunks of `tasks`, answers in order, in `jobs` processes
    (as `usable_jobs` decided). `work` runs in forked children, so it may use anything the
    parent held when called."""
    if jobs == 1:  # a chunk at a time still: what waits for the caller stays small
        for start in range(0, len(tasks), LARGEST_CHUNK):
            yield work(tasks[start : start + LARGEST_CHUNK])
        return
    # Small enough to balance slow pages out, and to bound what waits in the parent: the
    # answers of chunks done before the parent takes them (a chunk of pages is their HTML).
    size = min(max(8, len(tasks) // (jobs * 8)), LARGEST_CHUNK)
    chunks = [tasks[start : start + size] for start in range(0, len(tasks), size)]
    global _work
    _work = work
    try:
        pool = multiprocessing.get_context("fork").Pool(jobs)
        try:
            yield from pool.imap(_call_work, chunks)
            pool.close()
        except BaseException:
            pool.terminate()
            raise
        finally:
            pool.join()  # its helper threads too: the next pool must find one thread only
    finally:
        _work = None


def _call_work(chunk: Sequence) -> list:
    return _work(chunk)  # type: ignore[misc]


def markups(
    bodies: Sequence[tuple[str, str, bytes]], jobs: int
) -> Iterator[list[tuple[Markup, Body]]]:
    """Each (body, content path, key) rendered to HTML, in order, a chunk at a time: the
    caller can store each chunk's HTML away before the next arrives."""
    yield from run_chunks(_render_markdown, bodies, usable_jobs(jobs, len(bodies)))


def _render_markdown(bodies: Sequence[tuple[str, str, bytes]]) -> list[tuple[Markup, Body]]:
    renderer = markup.MarkdownRenderer()
    return [renderer.render(body, path, key) for body, path, key in bodies]
