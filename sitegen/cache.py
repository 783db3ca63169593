"""The build cache in `.cache/`: what one build leaves for the next, across processes.

A value is stored as a header and a pickle. The header holds the cache version (this
package's version and source, Python's and the libraries' whose output is kept) and a
hash of the pickle, so a file from another release, a half-written file or a damaged
one is recognised and ignored before anything is unpickled. Files are replaced whole,
never written in place. The folder is safe to delete: a build without it is a clean one.
A large record that changes a little at a time is kept as a `Journal`.

Unpickling runs code named in the file, so the cache is as trusted as the project's own
`build.py` beside it; a build never reads a cache from anywhere else.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path

import jinja2

MAGIC = b"sitegen build cache\n"
_DIGEST = 32
_LIBRARIES = ("markdown", "jinja2", "yaml", "frontmatter", "PIL", "pypdf", "nh3")  # as imported


def _content_hasher():
    """What checks a file's pickle: a catalogue's memo is tens of megabytes, and SHA-256
    runs on the processor's own instructions where it has them, twice blake2b's speed."""
    return hashlib.sha256()  # its digest is _DIGEST bytes long


class Damaged(Exception):
    """A cache file that exists but cannot be trusted."""


@functools.cache
def version() -> bytes:
    """Changes with this package's code, Python, and any library whose output is cached."""
    hasher = hashlib.blake2b(digest_size=_DIGEST)
    hasher.update(sys.version.encode())
    for name in _LIBRARIES:  # where each is installed, and when: an upgrade rewrites it
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec and spec.origin else ""
        stat = os.stat(origin) if origin else None
        hasher.update(f"{name}={origin}:{stat and (stat.st_size, stat.st_mtime_ns)}\n".encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        hasher.update(source.name.encode() + b"\0" + source.read_bytes())
    return hasher.digest()


def read(path: Path) -> object | None:
    """The value stored at `path`, None when there is none or it is from another version.
    Raises Damaged when the file is truncated, altered or cannot be unpickled. The file is
    hashed, then unpickled, as a stream: a catalogue's cache is a large file."""
    try:
        with path.open("rb") as file:
            header = file.read(len(MAGIC) + 2 * _DIGEST)
            if not header.startswith(MAGIC) or len(header) < len(MAGIC) + 2 * _DIGEST:
                raise Damaged("is not a build cache file")
            if header[len(MAGIC) : len(MAGIC) + _DIGEST] != version():
                return None  # another release or other libraries: outdated, not damaged
            hasher = _content_hasher()
            while chunk := file.read(1 << 20):
                hasher.update(chunk)
            if hasher.digest() != header[-_DIGEST:]:
                raise Damaged("is incomplete or altered")
            file.seek(len(header))
            try:
                return pickle.load(file)
            except Exception as error:
                raise Damaged(f"cannot be loaded ({type(error).__name__})") from None
    except FileNotFoundError:
        return None
    except OSError as error:
        raise Damaged(f"cannot be read ({error.strerror})") from None


class _Hashing:
    """A file that hashes what is written to it, for pickling straight to disk."""

    def __init__(self, file) -> None:
        self.file, self.hasher = file, _content_hasher()

    def write(self, data) -> int:
        self.hasher.update(data)
        return self.file.write(data)


def write(path: Path, value: object) -> None:
    """Store `value` at `path`, replacing any earlier file whole."""
    _store(path, lambda file: pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL))


def _store(path: Path, dump: Callable[[_Hashing], object]) -> None:
    """Write a cache file whose pickle `dump` writes, and put it in place at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(MAGIC + version() + bytes(_DIGEST))  # the hash goes here once known
            hashing = _Hashing(file)
            dump(hashing)
            file.seek(len(MAGIC) + _DIGEST)
            file.write(hashing.hasher.digest())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class _Changes:
    """What a record holds beyond its base file: entries of its dict fields that are new
    or changed and the keys removed from them, and its other fields that changed."""

    base: bytes  # the token of the base file they apply to
    entries: dict[str, dict]
    removed: dict[str, tuple]
    fields: dict[str, object]


class Journal:
    """A dataclass record kept as a base file and a file of what changed since, so that
    a build that changed a few entries of a memo of tens of megabytes writes those alone.
    The changes are folded into a new base once they are a sixteenth of its size.

    Fields of the record, and of records in its fields (a memo's stages), are compared
    with the base as it was read or written: dicts entry by entry, others whole: a value in the record must be replaced, never changed in place.
    """

    FOLD = 16

    def __init__(self, path: Path) -> None:
        self.path = path
        self.changes_path = path.with_name(path.name + "-changes")
        self._base: tuple[bytes, dict[str, object], int] | None = None  # token, fields, size

    def read(self) -> object | None:
        """The record, None when there is none; raises Damaged as `read` does."""
        self._base = None
        stored = read(self.path)
        if not (isinstance(stored, tuple) and len(stored) == 2):
            return None
        token, record = stored
        base = _copied(_fields(record))  # the record's own dicts take the changes
        try:
            changes = read(self.changes_path)
        except Damaged as problem:
            raise Damaged(f"{problem} (its file of changes)") from None
        if isinstance(changes, _Changes) and changes.base == token:
            for name, value in changes.fields.items():
                _set(record, name, value)
            for name, entries in changes.entries.items():
                value = _get(record, name)
                for key in changes.removed[name]:
                    value.pop(key, None)
                value.update(entries)
        self._base = (token, base, self.path.stat().st_size)
        return record

    def write(self, record: object) -> None:
        """Store `record`: as changes to the base when they are small, else as a new base."""
        now = _fields(record)
        if self._base is not None:
            token, base, size = self._base
            data = pickle.dumps(_changed(token, base, now), protocol=pickle.HIGHEST_PROTOCOL)
            if len(data) * self.FOLD <= size:
                _store(self.changes_path, lambda file: file.write(data))
                return
        token = os.urandom(16)
        write(self.path, (token, record))
        self.changes_path.unlink(missing_ok=True)  # of another base: ignored if left
        self._base = (token, _copied(now), self.path.stat().st_size)


def _fields(record: object) -> dict[str, object]:
    """The record's fields by name; those of a record in a field as "field.inner"."""
    found: dict[str, object] = {}
    for name in (f.name for f in fields(record)):  # type: ignore[arg-type]
        value = getattr(record, name)
        if is_dataclass(value) and not isinstance(value, type):
            found |= {f"{name}.{f.name}": getattr(value, f.name) for f in fields(value)}
        else:
            found[name] = value
    return found


def _get(record: object, name: str) -> object:
    for part in name.split("."):
        record = getattr(record, part)
    return record


def _set(record: object, name: str, value: object) -> None:
    outer, _, last = name.rpartition(".")
    setattr(_get(record, outer) if outer else record, last, value)


def _copied(values: dict[str, object]) -> dict[str, object]:
    """`values` with each dict copied: the record's own dicts change after this."""
    return {name: dict(v) if type(v) is dict else v for name, v in values.items()}


_MISSING = object()


def _changed(token: bytes, base: dict[str, object], now: dict[str, object]) -> _Changes:
    entries, removed, whole = {}, {}, {}
    for name, value in now.items():
        old = base[name]
        if type(value) is dict and type(old) is dict:
            new = {
                k: v for k, v in value.items() if (o := old.get(k, _MISSING)) is not v and o != v
            }
            gone = tuple(old.keys() - value.keys())
            if new or gone:
                entries[name], removed[name] = new, gone
        elif value is not old and value != old:
            whole[name] = value
    return _Changes(token, entries, removed, whole)


class CompiledLayouts(jinja2.BytecodeCache):
    """Jinja's compiled layouts, one cache file each in `folder`, checked like any other:
    Jinja's own file cache would trust a damaged file, or one compiled by another release."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            compiled = read(self.folder / bucket.key)
        except Damaged:
            return  # compiled again, and replaced
        if isinstance(compiled, bytes):
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):  # compiled again next time
            write(self.folder / bucket.key, bucket.bytecode_to_string())
