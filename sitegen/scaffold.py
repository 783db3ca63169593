"""The text of a new content file: every field of its type, the optional ones commented out
with what they mean, so an editor fills in a form instead of remembering a schema."""

from __future__ import annotations

import datetime
import json

from .model import FOLDERS
from .schema import fields_for
from .text import shortened, slugify

KINDS = tuple(FOLDERS.values())
_FOLDER_OF = {kind: folder for folder, kind in FOLDERS.items()}


def new_file(kind: str, title: str, today: datetime.date, next_number: int) -> tuple[str, str]:
    """The content path and text of a new event, report, document or page titled `title`."""
    slug = shortened(slugify(title), 80) or "untitled"
    name = str(next_number) if kind == "document" else slug
    path = f"{_FOLDER_OF[kind]}/{name}.md"
    filled = {
        "title": json.dumps(title, ensure_ascii=False),  # a YAML-safe quoted string
        "date": today.isoformat(),
        "number": str(next_number),
    }
    lines = ["---"]
    for key, field in fields_for(kind).items():
        if key in filled:
            lines.append(f"{key}: {filled[key]}  # {field.help_for(kind)}")
        elif key == "draft":
            lines.append("draft: true  # delete this line to publish")
        else:
            lines.append(f"# {key}: {field.example}  # {field.help_for(kind)}")
    lines += ["---", "", "Write the text here, in Markdown.", ""]
    return path, "\n".join(lines)
