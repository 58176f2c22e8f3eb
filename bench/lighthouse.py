"""Lighthouse scores for the four page types, written to docs/lighthouse.md (part of `make bench`).

The built site is served on 127.0.0.1 with gzip, as any real web server would send it, and
Lighthouse (mobile profile: simulated slow 4G and a 4x slower CPU) drives Debian's Chromium.
Usage: bench/lighthouse.py SITE_DIR [--runs N]
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
PAGES = {"Home": "", "Cause page": "causes/incorrect-diagnosis/", "Checklist": "checklist/", "FAQ": "faq/"}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt"}
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """A static file server that compresses text, like a production web server."""

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix not in COMPRESSIBLE or "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
            super().do_GET()
            return
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        self.wfile.write(body)


def run_lighthouse(url: str, out: Path) -> dict[str, float]:
    """One Lighthouse run; returns each category's score (0-100)."""
    env = dict(os.environ, CHROME_PATH="/usr/bin/chromium")
    subprocess.run([str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
                    f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"],
                   check=True, env=env, timeout=300)
    report = json.loads(out.read_text(encoding="utf-8"))
    return {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the median is reported")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        print("Lighthouse is not installed: run `make bench` (it installs bench/lighthouse)", file=sys.stderr)
        return 1
    handler = functools.partial(GzipHandler, directory=str(args.site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in PAGES.items():
            runs = [run_lighthouse(base + path, Path(tmp) / f"{len(results)}-{i}.json") for i in range(args.runs)]
            results[name] = {c: statistics.median(r[c] for r in runs) for c in CATEGORIES}
            print(f"{name:12} " + "  ".join(f"{c} {results[name][c]:.0f}" for c in CATEGORIES), flush=True)
    httpd.shutdown()
    write_page(results, args.runs)
    return 0


def write_page(results: dict[str, dict[str, float]], runs: int) -> None:
    rows = "\n".join(f"| {name} | " + " | ".join(_cell(scores[c], TARGETS[c]) for c in CATEGORIES) + " |"
                     for name, scores in results.items())
    text = f"""---
title: Lighthouse scores
description: Lighthouse scores (performance, accessibility, best practices, SEO) of the four page types, from make bench.
search:
  exclude: true
---

# Lighthouse scores

Measured by `make bench` (`bench/lighthouse.py`) on {date.today().isoformat()}: Lighthouse 12 with its
mobile profile (simulated slow 4G network and a four times slower processor), median of {runs} runs,
against the built site served on 127.0.0.1 with gzip compression. Targets: performance 95 or
more; accessibility, best practices and SEO 100. A score below its target is shown in bold.

| Page | Performance | Accessibility | Best practices | SEO |
| --- | ---: | ---: | ---: | ---: |
{rows}

Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}. Lighthouse's
performance score on a shared two-core machine varies by a few points from run to run.
"""
    path = ROOT / "docs" / "lighthouse.md"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _cell(score: float, target: int) -> str:
    return f"{score:.0f}" if score >= target else f"**{score:.0f}**"


if __name__ == "__main__":
    sys.exit(main())
