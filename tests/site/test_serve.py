"""The development server rebuilds when the KB changes, and `make serve` serves it on 127.0.0.1:8000."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

# The slow set (`make test-all`, CI): each test starts the development server and waits for it.
pytestmark = pytest.mark.slow


def free_port() -> int:
    """A port on 127.0.0.1 that the OS says is free."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_taken(port: int) -> bool:
    """True if a server could not bind 127.0.0.1:port (the development server also reuses addresses)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(predicate, seconds: float) -> bool:
    """Check predicate until it holds (True) or seconds have passed (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def start(command: list[str], cwd, log: Path) -> subprocess.Popen:
    """Start a server in its own process group, its output going to log."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")
    with log.open("w", encoding="utf-8") as out:
        return subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def serving(process: subprocess.Popen, url: str, text: str, seconds: float, log: Path) -> None:
    """Wait until url shows text; fail at once, with the server's last words, if the server stops first."""
    wait_for(lambda: process.poll() is not None or text in (fetch(url) or ""), seconds)
    output = log.read_text(encoding="utf-8", errors="replace")[-3000:]
    assert process.poll() is None, f"the server stopped (exit {process.returncode}):\n{output}"
    assert text in (fetch(url) or ""), f"{url} never showed {text!r} within {seconds} s:\n{output}"


def stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def test_live_reload_rebuilds_a_page_when_its_kb_file_changes(project_copy, tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    server = start([sys.executable, "-m", "mkdocs", "serve", "--strict", "--config-file",
                    str(project_copy / "mkdocs.yml"), "--dev-addr", f"127.0.0.1:{port}"], project_copy, log)
    try:
        url = f"http://127.0.0.1:{port}/causes/delayed-effect/"
        serving(server, url, "</html>", 90, log)
        assert "Renamed for the live reload test" not in (fetch(url) or "")
        path = project_copy / "kb" / "causes" / "delayed-effect.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\ntitle: ", "\ntitle: Renamed for the live reload test # ", 1), encoding="utf-8")
        serving(server, url, "Renamed for the live reload test", 90, log)
    finally:
        stop(server)


def test_make_serve_serves_the_site_on_port_8000(tmp_path):
    """The one test on the fixed port: serving on 127.0.0.1:8000 is what `make serve` promises."""
    if port_taken(8000):
        pytest.skip("port 8000 is already in use on this machine (is `make serve` running?)")
    log = tmp_path / "serve.log"
    server = start(["make", "--no-print-directory", "serve"], ROOT, log)
    try:
        serving(server, "http://127.0.0.1:8000/", "Why did the steroid injection not work?", 180, log)
        assert "Checklist" in (fetch("http://127.0.0.1:8000/checklist/") or "")
    finally:
        stop(server)
