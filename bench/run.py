"""Benchmark the build and the KB load against an empty Material site and the static twin, at 1x, 10x and 100x KB.

`make bench` runs `.venv/bin/python bench/run.py`: it prints a table and writes docs/benchmarks.md and
docs/assets/benchmarks.svg (each only when its content changed). `--quick` is a smoke test: one run
of each build, no 100x build (the 100x KB is still generated and validated), and nothing written
to docs/ unless `--docs-dir` names a folder.
"""
from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script, bench/ alone would be on the path
    sys.path.insert(0, str(ROOT))

from bench.measure import (  # noqa: E402
    Measure,
    Results,
    Size,
    build_once,
    check_valid,
    machine,
    measure_load,
    measure_rebuild,
    progress,
    record_build,
)
from bench.projects import BUILD_ENV, build_command, copy_project, make_floor, make_twin  # noqa: E402
from bench.report import chart_svg, page_text, print_report, write_if_changed  # noqa: E402
from bench.search import measure as measure_search  # noqa: E402
from bench.synthetic import grow_kb  # noqa: E402
from macros.kb.model import JOINTS  # noqa: E402
from tests.support import chromium, serve  # noqa: E402
from tests.support.screens import checklist_screens  # noqa: E402


def measure_screens(site_dir: Path) -> dict:
    """The checklist's height at 390x844, in screens, with each checklist site chosen ("" is no site: every item)."""
    with chromium() as browser, serve(site_dir) as url:
        return checklist_screens(browser, url, [*JOINTS, ""])


def run(quick: bool) -> Results:
    """Measure everything, in temporary project copies."""
    build_runs = 1 if quick else 5
    load_runs = {1: 5, 10: 2, 100: 1} if quick else {1: 20, 10: 10, 100: 3}
    busy = os.getloadavg()[0]
    if busy > 0.5:
        progress(f"warning: the 1-minute load average is {busy:.2f}; other work on this machine skews the figures")
    with tempfile.TemporaryDirectory(prefix="cortisone-bench-") as tmp:
        work = Path(tmp)
        floor = make_floor(work / "floor")
        sizes = [Size(factor, copy_project(work / f"kb{factor}x")) for factor in (1, 10, 100)]
        progress("recording the static twin")
        twin = make_twin(sizes[0].project, work / "twin", work / "twin-record")
        for size in sizes[1:]:
            progress(f"generating the {size.factor}x KB")
            grow_kb(size.project / "kb", size.factor)
            check_valid(size.project / "kb", size.factor)

        progress("KB load and validation")
        for size in sizes:
            measure_load(size, load_runs[size.factor])
        progress("serve rebuilds after a KB edit")
        rebuild = measure_rebuild(sizes[0].project, 1 if quick else 7)

        progress("builds: floor, real project and its static twin, alternating")
        configs = {"floor": floor, "1x": sizes[0].project / "mkdocs.yml", "twin": twin}
        measures = {label: Measure() for label in configs}
        if not quick:
            for config in configs.values():
                build_once(config, work / "site-warm", work / "warm.log")
        for n in range(build_runs):
            for label, config in configs.items():
                record_build(measures[label], config, work, f"{label}-{n + 1}")
        sizes[0].build = measures["1x"]
        sizes[1].build = Measure()
        for n in range(min(build_runs, 3)):
            record_build(sizes[1].build, sizes[1].project / "mkdocs.yml", work, f"10x-{n + 1}")
        if not quick:
            progress("build 100x (one run; it takes minutes)")
            sizes[2].build = Measure()
            record_build(sizes[2].build, sizes[2].project / "mkdocs.yml", work, "100x-1")
        progress("search quality: the query sets typed into the site's search box, online and offline")
        for config, site_dir in (("mkdocs.yml", "search-site"), ("mkdocs.offline.yml", "search-offline")):
            subprocess.run(build_command(sizes[0].project / config, work / site_dir), cwd=sizes[0].project,
                           env=BUILD_ENV, capture_output=True, check=True)
        search = measure_search(work / "search-site", work / "search-offline")
        progress("the checklist's height on a phone, per site")
        screens = measure_screens(work / "search-site")
    about = machine()
    about["Load average at start"] = f"{busy:.2f} (1 minute; the benchmark itself adds about 1)"
    return Results(quick, measures["floor"], measures["twin"], sizes, rebuild, about, datetime.date.today().isoformat(),
                   search, screens)


def main(argv: list[str]) -> int:
    """Run the benchmark, print the tables, write the page and chart when they changed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: one run each, no 100x build; writes nothing unless --docs-dir is given")
    parser.add_argument("--docs-dir", type=Path, help="where to write benchmarks.md and assets/benchmarks.svg"
                        " (default: the project's docs/, except with --quick)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    results = run(args.quick)
    print_report(results)
    docs = args.docs_dir or (None if args.quick else ROOT / "docs")
    if docs is not None:
        svg = chart_svg(results)
        ElementTree.fromstring(svg)  # fail here, not in a browser, if the chart is not well-formed XML
        for path, text in ((docs / "benchmarks.md", page_text(results)), (docs / "assets" / "benchmarks.svg", svg)):
            print(f"{path}: {'written' if write_if_changed(path, text) else 'unchanged'}")
    print(f"benchmark took {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
