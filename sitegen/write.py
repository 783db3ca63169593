"""The only code that writes the output folder, and it writes all or nothing.

A build goes into a sibling staging folder; only when every file is written is the old
output swapped out and the new one swapped in. A failed build leaves the last good site
as it was, and files of removed content vanish with the old folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath


class UnsafePath(ValueError):
    """An output path that would land outside the output folder."""


class StagedOutput:
    """Write into a staging folder; `commit()` swaps it in, `discard()` throws it away."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir.resolve()
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.stage = Path(
            tempfile.mkdtemp(prefix=f".{self.out_dir.name}.building-", dir=self.out_dir.parent)
        )
        self.written = 0

    def _target(self, relative: str) -> Path:
        parts = PurePosixPath(relative).parts
        if not parts or PurePosixPath(relative).is_absolute() or ".." in parts:
            raise UnsafePath(f"refusing to write {relative!r} outside the output folder")
        target = self.stage.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def write_text(self, relative: str, text: str) -> None:
        self.write_bytes(relative, text.encode("utf-8"))

    def write_bytes(self, relative: str, content: bytes) -> None:
        self._target(relative).write_bytes(content)
        self.written += 1

    def copy_file(self, source: Path, relative: str) -> None:
        shutil.copyfile(source, self._target(relative))
        self.written += 1

    def commit(self) -> None:
        """Swap the staged site in. The old one is renamed aside first, then removed."""
        os.chmod(self.stage, 0o755)
        old = None
        if self.out_dir.exists():
            old = Path(
                tempfile.mkdtemp(prefix=f".{self.out_dir.name}.old-", dir=self.out_dir.parent)
            )
            os.rename(self.out_dir, old / "site")
        os.rename(self.stage, self.out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.stage, ignore_errors=True)
