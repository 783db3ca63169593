#!/usr/bin/env python3
"""Build the documentation centre's site: `python build.py` (or `check`; `--help` for more)."""

import sys
from pathlib import Path

from sitegen.cli import main

if __name__ == "__main__":
    sys.exit(main(root=Path(__file__).resolve().parent))
