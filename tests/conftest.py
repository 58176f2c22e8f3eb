"""Shared fixtures: the project paths, the KB, a temporary KB copy, one strict build, one server, one browser."""
from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from macros.kb import load_kb  # noqa: E402  (the project root must be on the path first)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-dev-shm-usage",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-screenshots", action="store_true",
                     help="write the README's screenshots into docs/assets/screenshots/")


def build_site(project: Path, site_dir: Path, config: str = "mkdocs.yml") -> subprocess.CompletedProcess:
    """Run a strict MkDocs build of project into site_dir; return the finished process."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true", PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(project / config),
         "--site-dir", str(site_dir)],
        cwd=project, env=env, capture_output=True, text=True, timeout=300,
    )


@pytest.fixture(scope="session")
def kb():
    """The real KB, loaded once per session when a test first asks for it (a broken KB fails tests, not collection)."""
    return load_kb()


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A throwaway copy of kb/ to break on purpose; the real one is never touched."""
    target = tmp_path / "kb"
    shutil.copytree(ROOT / "kb", target)
    return target


PROJECT_FILES = ("mkdocs.yml", "mkdocs.offline.yml", "CONTRIBUTING.md")
PROJECT_DIRS = ("docs", "kb", "macros", "overrides")


def copy_project(target: Path) -> Path:
    """Copy what a build reads (config, pages, KB, code, theme overrides) into target."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        shutil.copy(ROOT / name, target)
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A throwaway copy of the whole project, to break or extend on purpose."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once per session with --strict into a temporary folder."""
    site_dir = tmp_path_factory.mktemp("site")
    result = build_site(ROOT, site_dir)
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return site_dir


@pytest.fixture(scope="session")
def offline_copy(tmp_path_factory, kb):
    """The zip `make offline` produces, unpacked into a fresh folder (once per session)."""
    work = tmp_path_factory.mktemp("offline")
    env = dict(os.environ, OFFLINE_SITE=str(work / "site"), DIST=str(work / "dist"))
    result = subprocess.run(["make", "--no-print-directory", "offline", f"OFFLINE_SITE={work / 'site'}",
                             f"DIST={work / 'dist'}"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    archive = work / "dist" / f"cortisone-kb-offline-{kb.meta.version}.zip"
    unpacked = work / "unpacked"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(unpacked)
    return unpacked


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """Serve a folder on 127.0.0.1 (a free port) while the block runs; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def server(site: Path):
    """The built site served on 127.0.0.1; yields its base URL."""
    with serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the session, driven by Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser, server):
    """A fresh browser profile per test; any request that is not to the local server fails the test."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(server) or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    ctx.route("**/*", guard)
    ctx.outside_requests = outside
    yield ctx
    ctx.close()
    assert not outside, f"requests left 127.0.0.1: {outside}"


# How a test knows the results shown are those of the last key typed: see bench/search.py.
from bench.search import TRACK_SEARCH  # noqa: E402, F401 (tests import it from here)


def wait_for_search(page, query: str, timeout: float = 15_000) -> None:
    """Wait until the search box holds query and every search typed so far has been answered and drawn.

    The page (or its context) must have been given TRACK_SEARCH with add_init_script before it loaded."""
    page.wait_for_function(
        """(query) => { const counts = window.__kbSearch;
            return document.querySelector('input.md-search__input').value === query
                && counts !== undefined && counts.asked > 0 && counts.answered === counts.asked; }""",
        arg=query, timeout=timeout)


@pytest.fixture
def page(context):
    """A page in the test's own profile; console errors fail the test."""
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    assert not errors, f"console errors: {errors}"
