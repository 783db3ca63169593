"""Item bodies rendered to HTML, kept apart from everything else a build knows.

Rendered bodies are most of what a build learns (tens of megabytes for a catalogue of
10,000 items), yet a page shows only its own. So they are not held in memory or in the
memo: `DiskBodies` keeps them in an SQLite file in the cache folder, written once per
body and read by whichever process renders the page; a build without a cache folder
keeps them in a `MemoryBodies`. Rows are keyed by what the body was rendered from, and
each carries a hash of its value: a row that is missing or altered raises
`cache.Damaged`, never a wrong page.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path

from . import cache
from .model import Body


def _checksum(html: bytes, toc: bytes) -> bytes:
    hasher = hashlib.blake2b(len(html).to_bytes(8, "big"), digest_size=16)
    hasher.update(html)
    hasher.update(toc)
    return hasher.digest()


class MemoryBodies:
    """Rendered bodies in this process's memory."""

    def __init__(self) -> None:
        self._rows: dict[bytes, Body] = {}

    def __getitem__(self, key: bytes) -> Body:
        try:
            return self._rows[key]
        except KeyError:
            raise cache.Damaged("has lost a rendered body") from None

    def add(self, rows: Iterable[tuple[bytes, Body]]) -> None:
        self._rows.update(rows)

    def retain(self, keys: Collection[bytes]) -> None:
        """Forget every body but these."""
        self._rows = {key: self._rows[key] for key in keys if key in self._rows}

    def count(self) -> int:
        return len(self._rows)

    def rows(self) -> Iterable[tuple[bytes, Body]]:
        return self._rows.items()


class DiskBodies:
    """Rendered bodies in an SQLite file, which every process opens for itself: a
    connection must not cross a fork. Written rows are committed at once, so forked
    workers read what the parent wrote before it forked them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    @contextlib.contextmanager
    def _sql(self) -> Iterator[sqlite3.Connection]:
        """This process's connection; any failure of the file raises cache.Damaged."""
        try:
            if self._connection is None or self._pid != os.getpid():
                self._connection, self._pid = self._open(), os.getpid()
            yield self._connection
        except (sqlite3.DatabaseError, OSError) as error:
            raise cache.Damaged(f"cannot be used ({error})") from None

    def _open(self) -> sqlite3.Connection:
        """Open the file, emptied when it was written by another version."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One builder's builds never overlap, but a preview's run on its watcher's thread.
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        # A cache, checked on reading: a commit need not wait for the disk (a crash can
        # lose the last bodies written, not damage the file).
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("CREATE TABLE IF NOT EXISTS meta (version BLOB NOT NULL)")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS bodies"
            " (key BLOB PRIMARY KEY, html BLOB NOT NULL, toc BLOB NOT NULL, checksum BLOB)"
        )
        if connection.execute("SELECT version FROM meta").fetchall() != [(cache.version(),)]:
            with connection:
                connection.execute("BEGIN")
                connection.execute("DELETE FROM bodies")
                connection.execute("DELETE FROM meta")
                connection.execute("INSERT INTO meta VALUES (?)", (cache.version(),))
        return connection

    def __getitem__(self, key: bytes) -> Body:
        with self._sql() as db:
            query = "SELECT html, toc, checksum FROM bodies WHERE key = ?"
            row = db.execute(query, (key,)).fetchone()
        if row is None:
            raise cache.Damaged("has lost a rendered body")
        html, toc, checksum = row
        if _checksum(html, toc) != checksum:
            raise cache.Damaged("is incomplete or altered")
        return html.decode(), toc.decode()

    def add(self, rows: Iterable[tuple[bytes, Body]]) -> None:
        encoded = []
        for key, (html, toc) in rows:
            html_bytes, toc_bytes = html.encode(), toc.encode()
            encoded.append((key, html_bytes, toc_bytes, _checksum(html_bytes, toc_bytes)))
        with self._sql() as db, db:
            db.execute("BEGIN")
            db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?, ?)", encoded)

    def retain(self, keys: Collection[bytes]) -> None:
        """Delete every body but these."""
        with self._sql() as db, db:
            db.execute("BEGIN")
            db.execute("CREATE TEMP TABLE IF NOT EXISTS kept (key BLOB PRIMARY KEY)")
            db.execute("DELETE FROM kept")
            db.executemany("INSERT OR IGNORE INTO kept VALUES (?)", ((key,) for key in keys))
            db.execute("DELETE FROM bodies WHERE key NOT IN (SELECT key FROM kept)")

    def count(self) -> int:
        with self._sql() as db:
            return db.execute("SELECT count(*) FROM bodies").fetchone()[0]

    def clear(self) -> None:
        """Start again from an empty file, whatever state the old one was in."""
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)


Store = MemoryBodies | DiskBodies
