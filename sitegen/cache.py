"""The build cache in `.cache/`: what one build leaves for the next, across processes.

A value is stored as a header and a pickle. The header holds the cache version (this
package's version and source, Python's and the libraries' whose output is kept) and a
hash of the pickle, so a file from another release, a half-written file or a damaged
one is recognised and ignored before anything is unpickled. Files are replaced whole,
never written in place. The folder is safe to delete: a build without it is a clean one.

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
from pathlib import Path

import jinja2

MAGIC = b"sitegen build cache\n"
_DIGEST = 32
_LIBRARIES = ("markdown", "jinja2", "yaml", "frontmatter", "PIL", "pypdf")  # as imported


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
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(MAGIC + version() + bytes(_DIGEST))  # the hash goes here once known
            hashing = _Hashing(file)
            pickle.dump(value, hashing, protocol=pickle.HIGHEST_PROTOCOL)
            file.seek(len(MAGIC) + _DIGEST)
            file.write(hashing.hasher.digest())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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
