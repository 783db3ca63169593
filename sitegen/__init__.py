"""A static site generator for a documentation centre: Markdown and YAML in, HTML out.

The modules are the stages of one pipeline (see `pipeline.build`): load, validate,
markup, catalog, plan, render, write. Records flow between them as frozen dataclasses
from `model`; every content problem is a `ContentError` from `errors`.
"""

__version__ = "0.1.0"
