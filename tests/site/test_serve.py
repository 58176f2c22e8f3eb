"""`make serve` serves the site on 127.0.0.1:8000 and rebuilds when the KB changes."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def start(command: list[str], cwd) -> subprocess.Popen:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")
    return subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def test_live_reload_rebuilds_a_page_when_its_kb_file_changes(project_copy):
    port = free_port()
    server = start([sys.executable, "-m", "mkdocs", "serve", "--strict", "--config-file",
                    str(project_copy / "mkdocs.yml"), "--dev-addr", f"127.0.0.1:{port}"], project_copy)
    try:
        url = f"http://127.0.0.1:{port}/causes/delayed-effect/"
        assert wait_for(lambda: fetch(url) is not None, 90), "the server never answered"
        assert "Renamed for the live reload test" not in fetch(url)
        path = project_copy / "kb" / "causes" / "delayed-effect.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\ntitle: ", "\ntitle: Renamed for the live reload test # ", 1), encoding="utf-8")
        assert wait_for(lambda: "Renamed for the live reload test" in (fetch(url) or ""), 90), "no rebuild after the edit"
    finally:
        stop(server)


def test_make_serve_serves_the_site_on_port_8000():
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", 8000)) == 0:
            pytest.skip("port 8000 is already in use on this machine (is `make serve` running?)")
    server = start(["make", "--no-print-directory", "serve"], ROOT)
    try:
        assert wait_for(lambda: "Why did the steroid injection not work?" in (fetch("http://127.0.0.1:8000/") or ""), 180)
        assert "Checklist" in fetch("http://127.0.0.1:8000/checklist/")
    finally:
        stop(server)
