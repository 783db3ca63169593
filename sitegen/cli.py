"""The command line: `build` (the default), `check`, `serve` and `new`. Parses arguments,
calls the pipeline, prints a summary or every error, and turns user mistakes into exit
codes, not tracebacks."""

from __future__ import annotations

import argparse
import datetime
import errno
import ipaddress
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from . import explain, load, output, pipeline, scaffold
from .config import FULL_URL, PATH_ONLY, url_path
from .errors import BuildFailed, display_path, format_errors

CACHE_FOLDER = ".cache/sitegen"
EXIT_CONTENT_ERRORS = 1
EXIT_USAGE = 2


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    # Options are accepted before or after the command; SUPPRESS keeps a subcommand's
    # defaults from overwriting what was given before it.
    shared = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    shared.add_argument("--content", type=Path, help="content folder (default: content/)")
    shared.add_argument("--out", type=Path, help="output folder (default: _site/)")
    shared.add_argument(
        "--base-url",
        type=_base_url,
        help="publish under this path (on site.yaml's host) or full URL, e.g. /centre/",
    )
    shared.add_argument(
        "--no-search", action="store_true", help="skip the search index (faster; no search page)"
    )
    shared.add_argument(
        "--drafts", action="store_true", help="include drafts and scheduled items, marked"
    )
    shared.add_argument(
        "--jobs",
        type=_jobs,
        help="processes that render Markdown and pages (default: one per processor core)",
    )
    shared.add_argument(
        "--cache-dir",
        type=Path,
        help=f"where builds keep what they learnt (default: {CACHE_FOLDER}/)",
    )
    shared.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the build cache"
    )
    shared.add_argument(
        "--format",
        choices=("text", "github", "json"),
        help="how errors and the summary are printed: text (default), github or json",
    )
    shared.add_argument("--json", action="store_true", help="the same as --format json")
    shared.add_argument(
        "--strict",
        action="store_true",
        help="warnings about content are errors (markup the sanitiser removes, for one)",
    )
    shared.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    parser = argparse.ArgumentParser(
        description="Build the documentation centre's static site.",
        parents=[shared],
    )
    commands = parser.add_subparsers(dest="command", metavar="{build,check,serve,new,explain}")
    commands.add_parser("build", parents=[shared], help="build the site (the default)")
    commands.add_parser("check", parents=[shared], help="check all content, write nothing")
    serving = commands.add_parser(
        "serve", parents=[shared], help="preview with drafts, rebuilding on every change"
    )
    serving.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    serving.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1 (this machine)")
    new = commands.add_parser("new", parents=[shared], help="start a new content file")
    new.add_argument("kind", choices=scaffold.KINDS)
    new.add_argument("title")
    explaining = commands.add_parser(
        "explain", parents=[shared], help="why the last build rendered a page, or what shows a file"
    )
    explaining.add_argument("target", help="a page (documents/2427/) or a content file")
    args = parser.parse_args(argv)
    for name, value in {
        "command": "build",
        "content": None,
        "out": None,
        "base_url": None,
        "cache_dir": None,
        "format": "text",
        "quiet": False,
        "drafts": False,
        "no_search": False,
        "no_cache": False,
        "strict": False,
        "jobs": os.cpu_count() or 1,
    }.items():
        if getattr(args, name, None) is None:
            setattr(args, name, value)
    if getattr(args, "json", False):
        args.format = "json"
    return args


def main(argv: Sequence[str] | None = None, root: Path | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    root = (root or Path.cwd()).resolve()
    project = pipeline.Project(
        root=root,
        content_dir=args.content or root / "content",
        out_dir=args.out or root / "_site",
        base_url=args.base_url,
        drafts=args.drafts,
        search=not args.no_search,
        cache_dir=None if args.no_cache else args.cache_dir or root / CACHE_FOLDER,
        jobs=args.jobs,
        strict=args.strict,
    )
    if not project.content_dir.is_dir():
        print(f"error: the content folder {project.content_dir} does not exist", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.command == "new":
            return _new(project, args.kind, args.title)
        if args.command == "serve":
            return _serve(project, args)
        if args.command == "explain":
            print("\n".join(explain.explain(project, args.target)))
            return 0
        if args.command == "check":
            site = pipeline.Builder(project).check()
            for warning in site.warnings:
                print(f"warning: {warning}", file=sys.stderr)
            if args.format == "json":
                print(format_errors([], "json"))
            elif not args.quiet:
                print(
                    f"Content is valid: {len(site.catalog.items)} items, {len(site.plan.pages)} pages."
                )
            return 0
        summary = pipeline.build(project, None if args.quiet else _Progress())
    except BuildFailed as failure:
        # Text is for people (standard error); github and json are for programs (standard output).
        machine = args.format != "text"
        print(
            format_errors(failure.errors, args.format), file=sys.stdout if machine else sys.stderr
        )
        if args.format == "text":
            files = len({error.path for error in failure.errors})
            kept = (
                ""
                if args.command == "check"
                else f"; {display_path(project.out_dir, Path.cwd())}/ was left as it was"
            )
            print(f"\n{len(failure.errors)} error(s) in {files} file(s){kept}.", file=sys.stderr)
        return EXIT_CONTENT_ERRORS
    except explain.Unknown as unknown:
        print(f"error: {unknown}", file=sys.stderr)
        return EXIT_USAGE
    except output.UnsafeOutput as refusal:
        print(f"error: {refusal}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\nInterrupted; the output folder was left as it was.", file=sys.stderr)
        return 130
    for warning in summary.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not args.quiet:
        print(
            summary_line(summary, project)
            if args.format != "json"
            else json.dumps(summary.__dict__)
        )
    return 0


def run(root: Path | None = None) -> None:
    """The `sitegen` command. Without `root`, the project is the nearest folder, from the
    working one up, that holds a site.yaml, so it works from anywhere inside a project."""
    here = Path.cwd()
    root = root or next(
        (folder for folder in (here, *here.parents) if (folder / "site.yaml").is_file()), here
    )
    try:
        code = main(root=root)
        sys.stdout.flush()
    except BrokenPipeError:  # `sitegen explain … | head` stopped reading: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    sys.exit(code)


def summary_line(summary: pipeline.BuildSummary, project: pipeline.Project) -> str:
    """One line a person reads: what was built, what changed, what was left out, how long."""
    items = ", ".join(_count(n, kind) for kind, n in summary.items_by_kind.items())
    skipped = [
        _count(n, what)
        for what, n in (
            ("draft", summary.drafts_skipped),
            ("scheduled item", summary.scheduled_skipped),
        )
        if n
    ]
    left_out = f"; {' and '.join(skipped)} skipped" if skipped else ""
    files = f", {_count(summary.files_copied, 'file')} copied" if summary.files_copied else ""
    where = display_path(project.out_dir, Path.cwd())
    return (
        f"Built {items} into {where}/: {_count(summary.pages_written, 'page')} written, "
        f"{summary.pages_unchanged} unchanged{files}{left_out}; {summary.seconds:.2f} s."
    )


def _with_warnings(summary: pipeline.BuildSummary, project: pipeline.Project) -> str:
    """The summary line after the build's warnings, for the preview's terminal."""
    return "\n".join([*(f"warning: {w}" for w in summary.warnings), summary_line(summary, project)])


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


class _Progress:
    """On a terminal, a build that has run for a second shows how far rendering has got."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.shown_at = 0.0
        self.active = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.active or now - self.started < 1 or (now - self.shown_at < 0.1 < total - done):
            return
        self.shown_at = now
        end = "\r\033[K" if done == total else ""
        print(f"\rRendering pages: {done}/{total}{end}", end="", file=sys.stderr, flush=True)


def _serve(project: pipeline.Project, args: argparse.Namespace) -> int:
    """Preview the site with drafts and scheduled items, in a temporary folder unless --out."""
    from . import serve  # the server and the file watcher: not needed to build

    temporary = args.out is None
    if not temporary:
        output.check(args.out, project.root, project.inputs)  # before the server starts
    out_dir = Path(tempfile.mkdtemp(prefix="sitegen-preview-")) if temporary else args.out
    preview = pipeline.Project(
        root=project.root,
        content_dir=project.content_dir,
        out_dir=out_dir / "site" if temporary else out_dir,
        base_url=args.base_url or "/",
        drafts=True,
        search=project.search,
        cache_dir=project.cache_dir,
        jobs=project.jobs,
        strict=project.strict,
    )
    builder = pipeline.Builder(preview, index_once=True, autosave=False)
    if not _is_loopback(args.host):
        print(f"warning: serving on {args.host}, visible to other machines", file=sys.stderr)
    try:
        serve.serve(
            preview.out_dir,
            lambda changed: _with_warnings(builder.build(changed=changed), preview),
            [
                *(project.content_dir, project.layouts_dir, project.assets_dir),
                *(project.locales_dir, project.config_path),
            ],
            host=args.host,
            port=args.port,
            base_path=url_path(args.base_url or "/"),
            say=lambda line: print(line, flush=True),
        )
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        print(
            f"error: port {args.port} is in use; pass --port N, or --port 0 for a free one",
            file=sys.stderr,
        )
        return EXIT_USAGE
    finally:
        builder.save()
        if temporary:
            shutil.rmtree(out_dir, ignore_errors=True)
    return 0


def _base_url(text: str) -> str:
    if FULL_URL.match(text) or PATH_ONLY.match(text):
        return text
    raise argparse.ArgumentTypeError(
        f"{text!r} is neither a path such as /centre/ nor a URL such as https://example.org/"
    )


def _jobs(text: str) -> int:
    if text.isdigit() and int(text) > 0:
        return int(text)
    raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes, such as 2")


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _new(project: pipeline.Project, kind: str, title: str) -> int:
    relative, text = scaffold.new_file(
        kind, title, datetime.date.today(), _next_document_number(project)
    )
    path = project.content_dir / relative
    shown = display_path(path, Path.cwd())
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        print(f"error: {shown} already exists; choose another title", file=sys.stderr)
        return EXIT_USAGE
    print(f"Created {shown}, a draft: fill in its fields, then delete 'draft: true' to publish.")
    return 0


def _next_document_number(project: pipeline.Project) -> int:
    """One above the highest document number in use, drafts and broken files included."""
    tree = load.read_content(project.content_dir, "")
    numbers = [
        number
        for source in tree.sources
        if source.kind == "document"
        and isinstance(number := source.front_matter.get("number"), int)
    ]
    documents = project.content_dir / "documents"
    stems = [int(p.stem) for p in documents.glob("*.md") if p.stem.isdigit()]
    return max([*numbers, *stems], default=0) + 1
