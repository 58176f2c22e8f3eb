"""The scheduled check of the references' addresses, against a local HTTP server (this machine has no internet): pages
that answer, 404 and 410, a server error, a redirect and a redirect loop, a server that takes only GET, one that
refuses robots, one that never answers in time, and a port where nothing listens. Short time limits keep it fast.
The workflow that runs it on a schedule opens or updates one issue, with the least permission each job needs."""
from __future__ import annotations

import http.server
import socket
import threading
import time
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from macros.linkcheck import ISSUE_TITLE, Address, addresses, check, check_all, main, report

TIMEOUT = 5.0  # generous for a loaded machine: every case but /slow answers at once
SHORT = 0.4  # the time limit that /slow overruns


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def _answer(self, body: bool) -> None:
        path = self.path
        if path == "/slow":
            time.sleep(SHORT * 5)
        if path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        elif path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
        elif path == "/get-only" and not body:
            self.send_response(405)
        elif path in ("/ok", "/slow", "/get-only"):
            self.send_response(200)
        else:
            self.send_response({"/missing": 404, "/gone": 410, "/broken": 500, "/robots": 403}.get(path, 404))
        self.send_header("Content-Length", "2" if body else "0")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def do_HEAD(self) -> None:  # noqa: N802 (the standard library's name)
        self._answer(body=False)

    def do_GET(self) -> None:  # noqa: N802
        self._answer(body=True)


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PATHS = ["/ok", "/moved", "/get-only", "/robots", "/missing", "/gone", "/broken", "/loop", "/slow"]


@pytest.fixture
def references(tmp_path: Path, server: str) -> Path:
    """A reference list in the KB's format, one reference per case, and one at a port where nothing listens."""
    refs = [{"id": f"ref{path.replace('/', '-')}", "title": f"Case {path}", "url": server + path, "kind": "article",
             "finding": "x"} for path in PATHS]
    refs.append({"id": "ref-nothing-listens", "title": "Closed", "url": f"http://127.0.0.1:{closed_port()}/",
                 "kind": "article", "finding": "x"})
    refs.append({"id": "ref-no-address", "title": "A book", "url": "", "kind": "book", "finding": "x"})
    path = tmp_path / "references.yaml"
    path.write_text("# a comment line first\n" + yaml.safe_dump(refs, sort_keys=False), encoding="utf-8")
    return path


def outcome(results) -> dict[str, tuple[bool, bool, str]]:
    return {r.address.ref_id: (r.ok, r.checked, r.problem) for r in results}


def test_each_kind_of_answer_is_told_apart(references, server):
    results = check_all([a for a in addresses(references) if not a.url.endswith("/slow")], timeout=TIMEOUT)
    assert outcome(results) == {
        "ref-ok": (True, True, ""),
        "ref-moved": (True, True, ""),
        "ref-get-only": (True, True, ""),
        "ref-robots": (True, False, "answered 403 Forbidden: the server refuses robots, so it was not checked"),
        "ref-missing": (False, True, "answered 404 Not Found"),
        "ref-gone": (False, True, "answered 410 Gone"),
        "ref-broken": (False, True, "answered 500 Internal Server Error"),
        "ref-loop": (False, True, "redirects in a loop or more than 10 times"),
        "ref-nothing-listens": (False, True, "the connection was refused"),
    }
    moved = next(r for r in results if r.address.ref_id == "ref-moved")
    assert moved.final_url == server + "/ok"


def test_an_address_that_does_not_answer_in_time_fails_without_waiting_for_it(references):
    slow = [a for a in addresses(references) if a.url.endswith("/slow")]
    started = time.monotonic()
    [result] = check_all(slow * 1, timeout=SHORT)
    assert (result.ok, result.problem) == (False, f"no answer within {SHORT:g} s")
    assert time.monotonic() - started < SHORT * 4  # the check gives up; the server is still asleep


def test_the_real_reference_list_is_read_with_the_line_of_each_address():
    found = addresses()
    lines = (ROOT / "kb" / "references.yaml").read_text(encoding="utf-8").splitlines()
    assert len(found) > 100
    for address in found:
        assert lines[address.line - 1].strip() == f"url: {address.url}"


def test_a_host_that_does_not_resolve_is_a_failure_not_a_traceback():
    result = check(Address("x", "http://nothing.invalid/", 1), timeout=SHORT)
    assert not result.ok and result.problem in ("its host name does not resolve", f"no answer within {SHORT:g} s")


def test_the_command_lists_each_failure_at_its_line_and_writes_the_issue_body(references, tmp_path, capsys,
                                                                              monkeypatch):
    outputs = tmp_path / "github-output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))
    body = tmp_path / "report.md"
    refs = [ref for ref in yaml.safe_load(references.read_text(encoding="utf-8")) if not ref["url"].endswith("/slow")]
    references.write_text("# a comment line first\n" + yaml.safe_dump(refs, sort_keys=False), encoding="utf-8")
    assert main([str(references), "--timeout", str(TIMEOUT), "--report", str(body)]) == 1
    printed = capsys.readouterr().out.splitlines()
    text = references.read_text(encoding="utf-8").splitlines()
    missing_line = next(n for n, line in enumerate(text, 1)
                        if line.strip().startswith("url:") and line.strip().endswith("/missing"))
    assert f"kb/references.yaml:{missing_line}: reference 'ref-missing': " in printed[0]
    assert printed[0].endswith("/missing: answered 404 Not Found")
    assert len(printed) == 6 and printed[-1] == "9 addresses asked: 5 failed, 1 not checked (refused robots)"
    issue = body.read_text(encoding="utf-8")
    assert "asked 9 addresses in `kb/references.yaml`: 5 failed, 1 could not be checked" in issue
    assert "| `ref-missing` | " in issue and f"| answered 404 Not Found | `kb/references.yaml:{missing_line}` |" in issue
    assert "- `ref-robots`: " in issue and "ref-ok" not in issue
    written = outputs.read_text(encoding="utf-8")
    assert written.startswith("failed=5\nreport<<EOF_") and issue in written


def test_when_every_address_answers_the_command_passes(tmp_path, server, monkeypatch):
    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)
    path = tmp_path / "references.yaml"
    path.write_text(yaml.safe_dump([{"id": "a", "title": "A", "url": server + "/ok", "kind": "web", "finding": "x"}]),
                    encoding="utf-8")
    assert main([str(path), "--timeout", str(TIMEOUT)]) == 0


def test_the_report_escapes_what_would_break_its_table():
    body = report([__import__("macros.linkcheck", fromlist=["Result"]).Result(
        Address("x", "https://a.example/|<b>", 3), False, "answered 404 Not | Found")], "2026-12-07")
    assert "https://a.example/\\|&lt;b&gt;" in body and "Not \\| Found" in body


# --- the scheduled workflow ------------------------------------------------------------------------------------

def test_the_workflow_runs_on_a_schedule_and_only_its_issue_job_may_write_issues():
    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "link-check.yml").read_text(encoding="utf-8"))
    assert set(flow[True]) == {"schedule", "workflow_dispatch"} and flow[True]["schedule"][0]["cron"]
    assert flow["permissions"] == {}
    check_job, issue_job = flow["jobs"]["check"], flow["jobs"]["issue"]
    assert check_job["permissions"] == {"contents": "read"}
    assert issue_job["permissions"] == {"issues": "write"}
    step = next(s for s in check_job["steps"] if s.get("id") == "check")
    assert step["run"] == "make link-check BUILD_ONLY=1" and step["continue-on-error"] is True
    assert check_job["outputs"] == {"failed": "${{ steps.check.outputs.failed }}",
                                    "report": "${{ steps.check.outputs.report }}"}
    assert issue_job["needs"] == "check" and not any("uses" in s for s in issue_job["steps"])  # no checkout, no code
    [run] = [s for s in issue_job["steps"] if "run" in s]
    assert run["env"]["REPORT"] == "${{ needs.check.outputs.report }}" and ISSUE_TITLE in run["run"]
    for command in ("gh issue list", "gh issue edit", "gh issue create", "gh issue close"):
        assert command in run["run"]
