"""Helpers shared by the tests and by `make bench` (bench/ imports them; nothing here imports bench/).

The project's paths, Chromium and its arguments, a quiet local server, a strict build and a copy of the project
to build. Search helpers are in tests/support/search.py.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import http.server
import importlib
import io
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-dev-shm-usage",
]
QUIET = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true", "PYTHONDONTWRITEBYTECODE": "1"}
BUILD_ENV = dict(os.environ, **QUIET)  # for bench/; build_site reads the environment when it runs (SITE_URL)

# What a build reads: the configs, the contributor guide (a page includes it), the pages, the KB, the code, the theme.
PROJECT_FILES = ("mkdocs.yml", "mkdocs.offline.yml", "CONTRIBUTING.md")
PROJECT_DIRS = ("docs", "kb", "macros", "overrides")


def build_command(config: Path, site_dir: Path) -> list[str]:
    """The strict build `make build` runs, for the given config file and output folder."""
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config), "--site-dir", str(site_dir)]


def build_site(project: Path, site_dir: Path, config: str = "mkdocs.yml") -> subprocess.CompletedProcess:
    """Run a strict MkDocs build of project into site_dir; return the finished process."""
    return subprocess.run(build_command(project / config, site_dir), cwd=project, env=dict(os.environ, **QUIET),
                          capture_output=True, text=True, timeout=300)


def copy_project(target: Path) -> Path:
    """Copy what a build reads (config, pages, KB, code, theme overrides) into target."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        shutil.copy(ROOT / name, target)
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files and logs nothing."""

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """Serve a folder on 127.0.0.1 (a free port) while the block runs; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextlib.contextmanager
def chromium():
    """Debian's headless Chromium, driven by Playwright, while the block runs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclasses.dataclass
class Ran:
    """What a command printed and returned: the fields of subprocess.CompletedProcess that tests read."""

    returncode: int
    stdout: str
    stderr: str


def run_command(module: str, *args: str) -> Ran:
    """Run `python -m module args` in this process, through the module's main(argv), as `make` would run it.

    Each command also keeps one test that runs it as a real subprocess (its `python -m` entry point)."""
    main = importlib.import_module(module).main
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse refusing the arguments
            code = exc.code if isinstance(exc.code, int) else 1
            if not isinstance(exc.code, int | None):
                print(exc.code, file=sys.stderr)
    return Ran(code or 0, out.getvalue(), err.getvalue())
