"""The command line: `build` (the default) and `check`. Parses arguments, calls the pipeline,
prints a summary or every error, and turns user mistakes into exit codes, not tracebacks."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from . import pipeline
from .errors import BuildFailed, display_path, format_errors

EXIT_CONTENT_ERRORS = 1
EXIT_USAGE = 2


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    # Options are accepted before or after the command; SUPPRESS keeps a subcommand's
    # defaults from overwriting what was given before it.
    shared = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    shared.add_argument("--content", type=Path, help="content folder (default: content/)")
    shared.add_argument("--out", type=Path, help="output folder (default: _site/)")
    shared.add_argument("--base-url", help="publish under this path or URL, e.g. /centre/")
    shared.add_argument(
        "--format",
        choices=("text", "github", "json"),
        help="how errors and the summary are printed: text (default), github or json",
    )
    shared.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Build the documentation centre's static site.",
        parents=[shared],
    )
    commands = parser.add_subparsers(dest="command", metavar="{build,check}")
    commands.add_parser("build", parents=[shared], help="build the site (the default)")
    commands.add_parser("check", parents=[shared], help="check all content, write nothing")
    args = parser.parse_args(argv)
    defaults = {"command": "build", "content": None, "out": None, "base_url": None}
    for name, value in {**defaults, "format": "text", "quiet": False}.items():
        if getattr(args, name, None) is None:
            setattr(args, name, value)
    return args


def main(argv: Sequence[str] | None = None, root: Path | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    root = (root or Path.cwd()).resolve()
    project = pipeline.Project(
        root=root,
        content_dir=args.content or root / "content",
        out_dir=args.out or root / "_site",
        base_url=args.base_url,
    )
    if not project.content_dir.is_dir():
        print(f"error: the content folder {project.content_dir} does not exist", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.command == "check":
            site = pipeline.prepare(project)
            if not args.quiet:
                print(
                    f"Content is valid: {len(site.catalog.items)} items, {len(site.plan.pages)} pages."
                )
            return 0
        summary = pipeline.build(project)
    except BuildFailed as failure:
        print(format_errors(failure.errors, args.format), file=sys.stderr)
        if args.format == "text":
            files = len({error.path for error in failure.errors})
            kept = (
                ""
                if args.command == "check"
                else f"; {display_path(project.out_dir, Path.cwd())}/ was left as it was"
            )
            print(f"\n{len(failure.errors)} error(s) in {files} file(s){kept}.", file=sys.stderr)
        return EXIT_CONTENT_ERRORS
    except KeyboardInterrupt:
        print("\nInterrupted; the output folder was left as it was.", file=sys.stderr)
        return 130
    if not args.quiet:
        print(
            _summary_line(summary, project)
            if args.format != "json"
            else json.dumps(summary.__dict__)
        )
    return 0


def _summary_line(summary: pipeline.BuildSummary, project: pipeline.Project) -> str:
    items = ", ".join(
        f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in summary.items_by_kind.items()
    )
    drafts = f", {summary.drafts_skipped} draft(s) skipped" if summary.drafts_skipped else ""
    where = display_path(project.out_dir, Path.cwd())
    return (
        f"Built {items}: {summary.pages_written} pages and {summary.files_copied} files "
        f"in {where}/{drafts}, {summary.seconds:.2f} s."
    )
