#!/usr/bin/env python3
"""Build the documentation centre's site: `python3 build.py` (or `check`; `--help` for more).

The installed command `.venv/bin/sitegen` does the same. Run by a Python without the
project's libraries, this uses the project's `.venv` if `make build` has made one, and
otherwise says in one line what to run."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"


def without_libraries(missing: ModuleNotFoundError) -> int:
    """Run again by the project's .venv if there is one, else say what to run."""
    python = VENV / "bin" / "python"
    if python.exists() and Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(python, [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])
    print(
        f"error: this Python lacks {missing.name}, which the build needs; "
        "run `make build` once, then `.venv/bin/sitegen` or `python3 build.py` again",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    try:
        from sitegen.cli import run
    except ModuleNotFoundError as missing:
        sys.exit(without_libraries(missing))
    run(ROOT)
