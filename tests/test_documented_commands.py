"""Every command in the README's and docs' ```sh blocks runs as written, in a copy of the
project as a fresh clone has it after `make build`: each page's commands in their order,
servers until they answer, everything else until it exits, and every one must succeed."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import REPO

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
# Commands documented but not run here, and why.
NOT_RUN = {
    "make test": "it is the command running this test",
}
SERVERS = re.compile(r"^make (serve|view)\b|\bsitegen serve\b")
SERVED_AT = "http://127.0.0.1:{port}{path}"


def shell_lines(page: Path) -> list[str]:
    """Each line of the page's ```sh blocks, without its comment."""
    blocks = re.findall(r"```sh\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    lines = [line.split(" #")[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line]


def commands_of(page: Path) -> list[str]:
    return [line for line in shell_lines(page) if line not in NOT_RUN]


def fresh_clone(root: Path) -> Path:
    """The project's files (those git would commit) with the repository's .venv and
    node_modules linked in, as `make build` and `make test` leave a clone. The clone's
    .venv is a folder of links with install stamps of its own, newer than anything, so
    no make target in the clone ever installs into the repository's environment."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)  # keeps times, so make sees .venv up to date
    if (REPO / "node_modules").is_dir():
        (root / "node_modules").symlink_to(REPO / "node_modules")
    venv = root / ".venv"
    venv.mkdir()
    for entry in (REPO / ".venv").iterdir():
        if not entry.name.startswith(".installed"):
            (venv / entry.name).symlink_to(entry)
    for stamp in (".installed", ".installed-test"):
        (venv / stamp).touch()
    return root


def run_server(command: str, project: Path) -> str:
    """Start a documented server, wait for its first page, stop it; '' if it answered."""
    port = int(match.group(1)) if (match := re.search(r"--port (\d+)", command)) else 8000
    path = match.group(1) if (match := re.search(r"--base-url (/\S*)", command)) else "/"
    server = subprocess.Popen(
        command,
        shell=True,
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(
                    SERVED_AT.format(port=port, path=path), timeout=5
                ) as answer:
                    if answer.status == 200:
                        return ""
            except OSError:
                time.sleep(0.3)
        return f"did not answer on port {port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode(errors="replace")
        if server.returncode not in (0, -signal.SIGTERM, 130):
            print(output)


@pytest.mark.parametrize(
    "page", [page for page in PAGES if commands_of(page)], ids=lambda page: page.name
)
def test_every_documented_command_runs_as_written(page, tmp_path):
    commands = commands_of(page)
    project = fresh_clone(tmp_path / "clone")
    subprocess.run(["make", "build"], cwd=project, check=True, capture_output=True)
    failures = []
    for command in commands:
        if SERVERS.search(command):
            if problem := run_server(command, project):
                failures.append(f"{command}: {problem}")
            continue
        ran = subprocess.run(
            command, shell=True, cwd=project, capture_output=True, text=True, timeout=600
        )
        if ran.returncode != 0:
            failures.append(f"{command}: exit {ran.returncode}\n{ran.stdout}{ran.stderr}")
    assert not failures, "\n\n".join(failures)


def test_the_readme_shows_the_two_commands():
    assert {"make build", "make test"} <= set(shell_lines(PAGES[0]))
