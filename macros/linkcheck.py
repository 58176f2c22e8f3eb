"""`python -m macros.linkcheck [--timeout S] [--report FILE] [REFERENCES]`: check that every reference's address answers.

Run on a schedule by .github/workflows/link-check.yml, which opens (or updates) one issue listing the failures.
Each address is asked with HEAD, then with GET where a server does not take HEAD; redirects are followed (at most 10).
A failure is an address that does not answer as a page: 404 or 410, a server error, no answer within the time limit,
a name that does not resolve, a refused connection, a redirect loop. A server that refuses robots (401, 403, 429) is
listed apart, as not checked: the address may well work in a browser. Each failure is also printed as
`kb/references.yaml:line: reference 'id': address: what happened`.

The reference list is the project's verified list (kb/references.yaml is a copy of ../shared/references.yaml, see
`make references`): a failing address is corrected there. Plain Python, standard library only, no mkdocs.
"""
from __future__ import annotations

import argparse
import datetime
import os
import secrets
import socket
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .kb.load import parse_file

ROOT = Path(__file__).resolve().parent.parent
REFERENCES = ROOT / "kb" / "references.yaml"
USER_AGENT = "cortisone-kb reference link check (+https://github.com/cortisone-kb/cortisone-kb)"
NOT_CHECKED = {401, 403, 429}  # the server refuses robots: not a broken address
RETRY_WITH_GET = {400, 403, 404, 405, 501}  # some servers answer HEAD wrongly: ask again with GET
MAX_REDIRECTS = 10
ISSUE_TITLE = "Reference links that fail (scheduled check)"


@dataclass(frozen=True)
class Address:
    """One reference's address, where it is written."""

    ref_id: str
    url: str
    line: int
    title: str = ""


@dataclass(frozen=True)
class Result:
    address: Address
    ok: bool
    problem: str = ""  # what happened, when not ok
    checked: bool = True  # False: the server refused to answer a robot
    final_url: str = ""  # where redirects led


def addresses(path: Path = REFERENCES) -> list[Address]:
    """Every reference's url in the file, with its line; a file that cannot be read raises SystemExit with why."""
    doc, problems = parse_file(path, f"kb/{path.name}", path.parent)
    if problems or doc is None or not isinstance(doc.data, list):
        raise SystemExit("\n".join(map(str, problems)) or f"kb/{path.name}:1: is not a list of references")
    found = []
    for i, ref in enumerate(doc.data):
        if isinstance(ref, dict) and isinstance(ref.get("url"), str) and ref["url"].startswith(("http://", "https://")):
            found.append(Address(str(ref.get("id", "")), ref["url"], doc.line((i, "url")), str(ref.get("title", ""))))
    return found


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS


def _opener() -> urllib.request.OpenerDirector:
    # No proxy from the environment and no cookies: each address is asked as a reader's browser would, once.
    return urllib.request.build_opener(_Redirects, urllib.request.ProxyHandler({}))


def _ask(url: str, method: str, timeout: float) -> tuple[int, str]:
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    with _opener().open(request, timeout=timeout) as response:
        if method == "GET":
            response.read(1024)
        return response.status, response.geturl()


def check(address: Address, timeout: float = 10.0) -> Result:
    """Ask one address; never raises."""
    status, final = 0, address.url
    try:
        for method in ("HEAD", "GET"):
            try:
                status, final = _ask(address.url, method, timeout)
                break
            except urllib.error.HTTPError as exc:
                if method == "GET" or exc.code not in RETRY_WITH_GET:
                    raise
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:
            return Result(address, False, f"redirects in a loop or more than {MAX_REDIRECTS} times")
        reason = f"answered {exc.code} {exc.reason}".strip()
        if exc.code in NOT_CHECKED:
            return Result(address, True, f"{reason}: the server refuses robots, so it was not checked", checked=False)
        return Result(address, False, reason)
    except TimeoutError:
        return Result(address, False, f"no answer within {timeout:g} s")
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return Result(address, False, f"no answer within {timeout:g} s")
        if isinstance(reason, socket.gaierror):
            return Result(address, False, "its host name does not resolve")
        if isinstance(reason, ConnectionRefusedError):
            return Result(address, False, "the connection was refused")
        return Result(address, False, f"could not be reached: {reason}")
    except (OSError, ValueError) as exc:
        return Result(address, False, f"could not be reached: {exc}")
    return Result(address, True, final_url=final if final != address.url else "")


def check_all(found: list[Address], timeout: float = 10.0, workers: int = 8) -> list[Result]:
    """Check every address, several at a time; results in the file's order."""
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(lambda a: check(a, timeout), found))


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def report(results: list[Result], today: str, label: str = "kb/references.yaml") -> str:
    """The issue's body: the failures (with file and line), then the addresses that could not be checked."""
    failed = [r for r in results if not r.ok]
    unchecked = [r for r in results if r.ok and not r.checked]
    lines = [f"The scheduled check of the references' addresses ({today}) asked {len(results)} addresses in "
             f"`{label}`: {len(failed)} failed, {len(unchecked)} could not be checked (the server refuses robots).",
             "",
             "Correct an address in the project's verified list (`../shared/references.yaml`), then run "
             "`make references`. This issue is updated by each scheduled run and closed when every address answers.",
             ""]
    if failed:
        lines += ["## Failing", "", "| Reference | Address | What happened | Where |", "| --- | --- | --- | --- |"]
        lines += [f"| `{_cell(r.address.ref_id)}` | {_cell(r.address.url)} | {_cell(r.problem)} | "
                  f"`{label}:{r.address.line}` |" for r in failed]
        lines.append("")
    if unchecked:
        lines += ["## Not checked (the server refuses robots: open them in a browser)", ""]
        lines += [f"- `{_cell(r.address.ref_id)}`: {_cell(r.address.url)} ({_cell(r.problem.split(':')[0])})"
                  for r in unchecked]
        lines.append("")
    return "\n".join(lines)


def _github_output(**values: str) -> None:
    target = os.environ.get("GITHUB_OUTPUT")
    if not target:
        return
    with open(target, "a", encoding="utf-8") as out:
        for key, value in values.items():
            if "\n" in value:
                mark = f"EOF_{secrets.token_hex(8)}"
                out.write(f"{key}<<{mark}\n{value}\n{mark}\n")
            else:
                out.write(f"{key}={value}\n")


def main(argv: list[str] | None = None) -> int:
    """Exit 0 when every address answers, 1 when some fail (listed on stdout and in the report)."""
    parser = argparse.ArgumentParser(prog="python -m macros.linkcheck", description=__doc__.splitlines()[0])
    parser.add_argument("references", nargs="?", type=Path, default=REFERENCES)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for each answer (10)")
    parser.add_argument("--workers", type=int, default=8, help="addresses asked at once (8)")
    parser.add_argument("--report", type=Path, help="write the issue's Markdown body here")
    args = parser.parse_args(argv)
    found = addresses(args.references)
    results = check_all(found, args.timeout, args.workers)
    label = f"kb/{args.references.name}"
    failed = [r for r in results if not r.ok]
    for r in failed:
        print(f"{label}:{r.address.line}: reference '{r.address.ref_id}': {r.address.url}: {r.problem}")
    body = report(results, datetime.date.today().isoformat(), label)
    if args.report:
        args.report.write_text(body, encoding="utf-8")
    _github_output(failed=str(len(failed)), report=body)
    print(f"{len(results)} addresses asked: {len(failed)} failed, "
          f"{sum(not r.checked for r in results)} not checked (refused robots)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
