"""Shared fixtures: the KB, a temporary KB copy, one strict build and one offline copy per test run, one server,
one browser, the site's search worker online and offline. The helpers behind them are in tests/support."""
from __future__ import annotations

import fcntl
import inspect
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from macros.kb import load_kb  # noqa: E402  (the project root must be on the path first)
from tests.support import CHROMIUM, CHROMIUM_ARGS, build_site, copy_project, serve  # noqa: E402, F401 (tests import them from here)
from tests.support.search import TRACK_SEARCH, Worker, wait_for_search  # noqa: E402, F401


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-screenshots", action="store_true",
                     help="write the README's screenshots into docs/assets/screenshots/")


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


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A throwaway copy of the whole project, to break or extend on purpose."""
    return copy_project(tmp_path / "project")


def once(tmp_path_factory: pytest.TempPathFactory, name: str, make) -> Path:
    """The folder make(folder) fills, made once per test run: under pytest-xdist the processes of one run share it."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, above each process's own
    target = base / name
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (base / f"{name}.done").exists():
            shutil.rmtree(target, ignore_errors=True)
            make(target)
            (base / f"{name}.done").touch()
    return target


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once per test run with --strict into a temporary folder."""
    def make(site_dir: Path) -> None:
        result = build_site(ROOT, site_dir)
        assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"

    return once(tmp_path_factory, "site", make)


@pytest.fixture(scope="session")
def offline_copy(tmp_path_factory, kb):
    """The zip `make offline` produces, unpacked into a fresh folder (once per test run)."""
    def make(unpacked: Path) -> None:
        work = unpacked.parent / "offline-work"
        shutil.rmtree(work, ignore_errors=True)
        env = dict(os.environ, OFFLINE_SITE=str(work / "site"), DIST=str(work / "dist"))
        result = subprocess.run(["make", "--no-print-directory", "offline", f"OFFLINE_SITE={work / 'site'}",
                                 f"DIST={work / 'dist'}"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
        with zipfile.ZipFile(work / "dist" / f"cortisone-kb-offline-{kb.meta.version}.zip") as zf:
            zf.extractall(unpacked)

    return once(tmp_path_factory, "offline", make)


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


def guarded_context(browser, server: str):
    """A browser profile in which any request that is not to the local server is refused and recorded."""
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
    return ctx


@pytest.fixture
def context(browser, server):
    """A fresh browser profile for this test alone; any request that is not to the local server fails the test."""
    ctx = guarded_context(browser, server)
    yield ctx
    ctx.close()
    assert not ctx.outside_requests, f"requests left 127.0.0.1: {ctx.outside_requests}"


@pytest.fixture(scope="session")
def shared_profile(browser, server):
    """One browser profile for the tests that need only clean storage: it keeps the HTTP cache between tests
    (a fresh profile fetches and compiles the theme's scripts again, about a second a test)."""
    ctx = guarded_context(browser, server)
    yield ctx
    ctx.close()


# What a test may change in its profile beyond storage (a fake clock, scripts run on every page, permissions,
# routes): a test whose code does any of this, or that asks for `context` itself, gets a fresh profile.
PROFILE_CHANGES = re.compile(r"\.clock\b|add_init_script|grant_permissions|\.route\(|set_offline|add_cookies|expose_")
STORAGE = "local_storage,indexeddb,cookies,cache_storage,service_workers,file_systems,websql"


@pytest.fixture
def page(request, server):
    """A page whose storage starts empty; console errors and requests outside the local server fail the test."""
    own = "context" in request.fixturenames or PROFILE_CHANGES.search(inspect.getsource(request.function))
    ctx = request.getfixturevalue("context" if own else "shared_profile")
    pg = ctx.new_page()
    if not own:  # the shared profile: empty the site's storage (a closed page takes its sessionStorage with it)
        cdp = ctx.new_cdp_session(pg)
        cdp.send("Storage.clearDataForOrigin", {"origin": server.rstrip("/"), "storageTypes": STORAGE})
        cdp.detach()
        ctx.outside_requests.clear()
    errors: list[str] = []
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    if not own:
        for open_page in ctx.pages:
            open_page.close()
        assert not ctx.outside_requests, f"requests left 127.0.0.1: {ctx.outside_requests}"
    assert not errors, f"console errors: {errors}"


@pytest.fixture(scope="session")
def online_worker(browser, server, site):
    """The served site's own search worker, set up with its search_index.json."""
    ctx = browser.new_context()
    worker = Worker(ctx, server, site)
    yield worker
    ctx.close()


@pytest.fixture(scope="session")
def offline_worker(browser, offline_copy):
    """The offline copy's own search worker, set up with its search_index.js (served: Chromium runs no worker
    from file://; the typed parity test uses the copy from disk)."""
    ctx = browser.new_context()
    with serve(offline_copy) as url:
        worker = Worker(ctx, url, offline_copy)
        yield worker
    ctx.close()


@pytest.fixture(scope="session")
def worker_of(request):
    """worker_of("online") or worker_of("offline"): that copy's search worker, started when first asked for."""
    return lambda copy: request.getfixturevalue(f"{copy}_worker")
