"""The one error type for content problems, and how they are reported.

Stages collect `ContentError`s instead of raising on the first one, so an editor sees
every problem of every file in one run.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class ContentError:
    """A problem an editor can fix: where it is, which field, what is wrong and what is right."""

    path: str
    line: int
    field: str
    message: str

    def format(self) -> str:
        location = f"{self.path}:{self.line}" if self.line else self.path
        field = f" {self.field}:" if self.field else ""
        return f"{location}:{field} {self.message}"

    def format_github(self) -> str:
        """A GitHub Actions workflow command, which the runner turns into a file annotation."""
        title = f"{self.field}" if self.field else "content"
        message = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::error file={self.path},line={max(self.line, 1)},title={title}::{message}"


class BuildFailed(Exception):
    """Raised by the pipeline when content is invalid; carries every error found."""

    def __init__(self, errors: Iterable[ContentError]):
        self.errors = tuple(sorted(set(errors)))
        super().__init__(f"{len(self.errors)} content error(s)")

    def __reduce__(self):  # travels from a worker process with its errors, not its message
        return (type(self), (self.errors,))


def display_path(path: Path, root: Path) -> str:
    """A path as an editor would type it: relative to `root` when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def format_errors(errors: Iterable[ContentError], style: str = "text") -> str:
    errors = list(errors)
    if style == "github":
        return "\n".join(error.format_github() for error in errors)
    if style == "json":
        return json.dumps([error.__dict__ for error in errors], indent=2, ensure_ascii=False)
    return "\n".join(error.format() for error in errors)
