"""The output folder is the generator's own, and a new site replaces the last in one step.

A build writes only into a folder that does not exist, is empty, or carries the `MARKER`
every site made here carries; anything else is refused before anything is touched. Beside
the output, a workspace (`._site.sitegen/` for `_site/`) holds the build lock, the tree
being written and the previous site. A finished tree is exchanged with the output in one
rename (`renameat2(RENAME_EXCHANGE)` on Linux), so at every moment, a kill included, the
output is either the last complete site or the new one; the previous site stays in the
workspace as the spare the next build patches, so an edit costs the files it changes.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path

from .errors import display_path

try:
    import fcntl
except ImportError:  # Windows: two builds at once are not kept apart there
    fcntl = None  # type: ignore[assignment]

MARKER = ".sitegen-output"
MARKER_TEXT = (
    "sitegen made this folder, and every build replaces it whole: keep nothing of your own in it.\n"
)
_WORKSPACE_MARKER = ".sitegen-workspace"
_STATE = "spare.json"  # what the spare is: written after a swap, removed before a change


class UnsafeOutput(Exception):
    """An output folder the generator must not write: the message says why and what to do."""


class OutputBusy(UnsafeOutput):
    """Another build is writing the same output folder now."""


def check(out_dir: Path, project_root: Path, inputs: Mapping[str, Path]) -> Path:
    """The output folder, resolved, if a build may replace it; else UnsafeOutput.

    It may not be the project folder or hold it, nor be, hold or lie inside any of the
    `inputs` a build reads (by what they are: "the content folder", …); an existing
    folder must be empty or carry the marker."""
    out = out_dir.expanduser().resolve()
    shown = display_path(out_dir, Path.cwd())
    fix = "choose a new or empty folder with --out"
    if out == Path(out.anchor):
        raise UnsafeOutput(f"--out {shown} is the root of the file system; {fix}")
    if out == Path.home().resolve():
        raise UnsafeOutput(f"--out {shown} is your home folder; {fix}")
    for name, path in {"the project folder": project_root, **inputs}.items():
        path = path.resolve()
        if out == path or out in path.parents:
            what = "is" if out == path else "holds"
            raise UnsafeOutput(f"--out {shown} {what} {name}, which builds read; {fix}")
        if path in out.parents and path != project_root.resolve():
            raise UnsafeOutput(f"--out {shown} lies inside {name}, which builds read; {fix}")
    if out.is_mount():
        raise UnsafeOutput(f"--out {shown} is a mount point, which cannot be replaced; {fix}")
    if out.exists() and not out.is_dir():
        raise UnsafeOutput(f"--out {shown} is a file, not a folder; {fix}")
    if out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()):
        raise UnsafeOutput(
            f"--out {shown} holds files sitegen did not make (it has no {MARKER}); {fix}, "
            "or empty this one yourself"
        )
    return out


class OutputFolder:
    """A claimed output folder: its workspace exists and this process holds its lock."""

    def __init__(self, path: Path, ready_spare: bool = False):
        self.path = path
        self.workspace = path.parent / f".{path.name}.sitegen"
        self.spare = self.workspace / "spare"
        self.ready_spare = ready_spare  # link a spare for a first site now, not at its edit
        self.swapped = False  # the output was replaced since the claim
        self._deleting: list[threading.Thread] = []

    def new_tree(self) -> Path:
        """An empty folder in the workspace to write a whole site into. The spare will not
        be patched: it is deleted meanwhile, while the site is rendered."""
        if self.spare.exists():
            self._discard(self.spare)
        return Path(tempfile.mkdtemp(prefix="stage-", dir=self.workspace))

    def spare_like_output(self, files: Collection[str]) -> Path:
        """The spare, made equal to the output, whose files are `files`: patched where the
        last swap says they differ, or linked anew from the output (once after a kill)."""
        state = self._read_state()
        (self.workspace / _STATE).unlink(missing_ok=True)  # changing it from here on
        if state is not None:
            for relative in state["differs"]:
                if relative in files:
                    _link(self.path / relative, self.spare / relative)
                else:
                    remove_file(self.spare, relative)
            return self.spare
        self._link_spare(files)
        return self.spare

    def _link_spare(self, files: Collection[str]) -> None:
        """Make the spare anew, of hard links to the output's `files` (plain strings and
        each folder made once: a catalogue's site is tens of thousands of files)."""
        if self.spare.exists():
            self._discard(self.spare)
        source, target = str(self.path), str(self.spare)
        made: set[str] = set()
        for relative in sorted(files):
            folder = os.path.dirname(relative)
            if folder not in made:
                os.makedirs(os.path.join(target, folder), exist_ok=True)
                made.add(folder)
            hard_link(os.path.join(source, relative), os.path.join(target, relative))

    def swap_in(self, tree: Path, differs: Collection[str], files: Collection[str]) -> None:
        """Make `tree`, whose files are `files`, the output in one step. The site it
        replaces becomes the spare: a patched spare and the output differ in `differs`; a
        whole new tree differs from the last site in `differs`, the files written rather
        than linked from it, and in the files the last site had and this one has not."""
        (tree / MARKER).unlink(missing_ok=True)  # never written through: it may be a link
        (tree / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        os.chmod(tree, 0o755)
        if not self.path.exists():
            try:
                os.rename(tree, self.path)  # fails on a folder someone filled since the check
            except OSError:
                raise self._appeared() from None
            self.swapped = True
            if self.ready_spare:
                self._link_spare(files)
                self._write_state(())
            return
        _exchange(tree, self.path, self.workspace / "held")
        self.swapped = True
        if tree == self.spare:
            self._write_state(differs)
            return
        if not (tree / MARKER).is_file():  # the folder was empty when checked: still?
            try:
                os.rmdir(tree)
            except OSError:
                _exchange(tree, self.path, self.workspace / "held")
                self.swapped = False
                raise self._appeared() from None
            return
        old = plain_files(tree)  # the last site: the spare, if it holds nothing but files
        if old is None:
            self._discard(tree)
            return
        tree.rename(self.spare)  # the old spare went when this tree was made
        self._write_state({*differs, *(old.keys() - {MARKER} - set(files))})

    def _appeared(self) -> UnsafeOutput:
        shown = display_path(self.path, Path.cwd())
        return UnsafeOutput(f"files appeared in {shown} during the build; it was left as it was")

    def discard(self, tree: Path) -> None:
        """Throw away a tree that will not be swapped in."""
        if tree == self.spare:
            return  # its state was removed when it was changed: the next build relinks it
        self._discard(tree)

    def _discard(self, folder: Path) -> None:
        """Rename aside, then delete while the build goes on (`close` waits for it): a kill
        midway leaves only what the next build clears."""
        trash = Path(tempfile.mkdtemp(prefix="trash-", dir=self.workspace))
        os.rename(folder, trash / "tree")
        deleting = threading.Thread(target=_remove_tree, args=(trash,), name="discard")
        deleting.start()
        self._deleting.append(deleting)

    def close(self) -> None:
        for deleting in self._deleting:
            deleting.join()

    def _read_state(self) -> dict | None:
        """What the last swap recorded, if the output and spare are still the two folders
        it swapped (a folder keeps its inode through renames)."""
        try:
            state = json.loads((self.workspace / _STATE).read_text(encoding="utf-8"))
            same = [tuple(state["output"]), tuple(state["spare"])] == [
                identity(self.path),
                identity(self.spare),
            ]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return state if same else None

    def _write_state(self, differs: Collection[str]) -> None:
        state = {
            "output": identity(self.path),
            "spare": identity(self.spare),
            "differs": sorted(differs),
        }
        temporary = self.workspace / f"{_STATE}.new"
        temporary.write_text(json.dumps(state), encoding="utf-8")
        os.replace(temporary, self.workspace / _STATE)

    def _clear_leftovers(self) -> None:
        """Undo a swap killed halfway (without an atomic exchange) and remove the trees
        of killed builds."""
        held = self.workspace / "held"
        if held.is_dir() and not self.path.exists():
            os.rename(held, self.path)
        for entry in os.scandir(self.workspace):
            if entry.name.startswith(("stage-", "trash-")) or entry.name == "held":
                _remove_tree(Path(entry.path))


@contextlib.contextmanager
def claim(
    out_dir: Path, project_root: Path, inputs: Mapping[str, Path], ready_spare: bool = False
) -> Iterator[OutputFolder]:
    """Check the output folder (see `check`) and hold its lock for the block; OutputBusy
    when another build holds it. `ready_spare`: see `OutputFolder`."""
    folder = OutputFolder(check(out_dir, project_root, inputs), ready_spare)
    workspace = folder.workspace
    if not workspace.exists():  # made whole, marker and all, as another build may too
        workspace.parent.mkdir(parents=True, exist_ok=True)
        made = Path(tempfile.mkdtemp(prefix=f"{workspace.name}-", dir=workspace.parent))
        (made / _WORKSPACE_MARKER).touch()
        try:
            os.rename(made, workspace)
        except OSError:
            shutil.rmtree(made)
    if not (workspace / _WORKSPACE_MARKER).is_file():
        raise UnsafeOutput(
            f"{display_path(workspace, Path.cwd())} is in the way and sitegen did not make it; "
            "move it, or choose another --out"
        )
    with open(workspace / "lock", "a+b") as lock:
        try:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputBusy(
                f"another build is writing {display_path(out_dir, Path.cwd())} now; wait for it "
                "to finish, or build into another folder with --out"
            ) from None
        try:
            folder._clear_leftovers()
            yield folder
        finally:
            folder.close()


def identity(path: Path) -> tuple | None:
    """Which site is at `path` now: its folder and the marker written when it was swapped
    in. A rename keeps both; every swap writes a new marker, so a folder swapped out and
    back by another build is told apart, even where inode numbers are reused."""
    try:
        folder = os.stat(path)
    except OSError:
        return None
    try:
        marker = os.stat(path / MARKER)
        written: tuple = (marker.st_ino, marker.st_mtime_ns)
    except OSError:
        written = ()
    return (folder.st_dev, folder.st_ino, *written)


def plain_files(root: Path) -> dict[str, tuple[int, int]] | None:
    """Each file of a tree with its size and modification time, or None if the tree holds
    anything else: a symbolic link, a special file, another file system. Such a tree is
    never patched, which would write through it."""
    device = os.lstat(root).st_dev
    found: dict[str, tuple[int, int]] = {}
    folders = [(str(root), "")]
    while folders:
        folder, prefix = folders.pop()
        for entry in os.scandir(folder):
            stat = entry.stat(follow_symlinks=False)
            if stat.st_dev != device or entry.is_symlink():
                return None
            if entry.is_dir(follow_symlinks=False):
                folders.append((entry.path, f"{prefix}{entry.name}/"))
            elif entry.is_file(follow_symlinks=False):
                found[prefix + entry.name] = (stat.st_size, stat.st_mtime_ns)
            else:
                return None
    return found


def _remove_tree(root: Path) -> None:
    """Delete a tree of the workspace: symbolic links are removed, never followed, and a
    folder of another file system (mounted there) is left alone."""
    device = os.lstat(root).st_dev

    def remove(folder: str) -> None:
        with os.scandir(folder) as entries:
            for entry in list(entries):
                if entry.is_dir(follow_symlinks=False):
                    if entry.stat(follow_symlinks=False).st_dev == device:
                        remove(entry.path)
                else:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
        with contextlib.suppress(OSError):
            os.rmdir(folder)

    with contextlib.suppress(OSError):
        remove(str(root))


def hard_link(source: str | Path, target: str | Path) -> None:
    """`target` becomes another name of the file `source`: the same bytes, modification
    time and all (a copy of them on a file system without hard links)."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


def _link(source: Path, target: Path) -> None:
    """`target` becomes another name of `source`, replacing whatever was there."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        target.unlink()
    hard_link(source, target)


def remove_file(root: Path, relative: str) -> None:
    """Remove a file of a tree and the folders it leaves empty."""
    target = root / relative
    target.unlink(missing_ok=True)
    folder = target.parent
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return  # not empty
        folder = folder.parent


def _exchange(new: Path, current: Path, held: Path) -> None:
    """Swap two folders' names atomically where the system can; else in three renames,
    which `_clear_leftovers` completes after a kill."""
    if _atomic_exchange(new, current):
        return
    os.rename(current, held)
    os.rename(new, current)
    os.rename(held, new)


def _atomic_exchange(first: Path, second: Path) -> bool:
    libc = _libc()
    if libc is None:
        return False
    a, b = os.fsencode(first), os.fsencode(second)
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        at_cwd, exchange = -100, 2  # AT_FDCWD, RENAME_EXCHANGE
        done = libc.renameat2(at_cwd, a, at_cwd, b, exchange) == 0
    elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        done = libc.renamex_np(a, b, 2) == 0  # RENAME_SWAP
    else:
        return False
    if done:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # this file system cannot: the three renames will do
    raise OSError(code, os.strerror(code), str(second))


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
