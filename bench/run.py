"""Benchmark the site build and the KB load against an empty Material site, at 1x, 10x and 100x KB size.

`make bench` runs `.venv/bin/python bench/run.py`: it prints a table and writes docs/benchmarks.md and
docs/assets/benchmarks.svg (each only when its content changed). `--quick` is a smoke test: one run
of each build, no 100x build (the 100x KB is still generated and validated), and nothing written
to docs/ unless `--docs-dir` names a folder.
"""
from __future__ import annotations

import argparse
import copy as copying
import datetime
import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from math import log10
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import escape

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from macros.kb import load_kb, validate_kb  # noqa: E402

# What a build reads: these folders, plus the files at the top (mkdocs.yml, and pages that
# pymdownx.snippets includes, such as CONTRIBUTING.md).
PROJECT_DIRS = ("docs", "kb", "macros", "overrides")
BUILD_ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
FLOOR_CONFIG = "site_name: Floor\ntheme:\n  name: material\nplugins:\n  - search\n"
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/cause.schema.json\n"

# Targets: a real build within 2x the floor, a KB load under 100 ms, scaling linear or better.
BUILD_TARGET = 2.0
LOAD_TARGET_MS = 100.0


@dataclass
class Measure:
    """Repeated timings of one thing (seconds), with the peak memory seen (MiB) and the pages built."""

    runs: list[float] = field(default_factory=list)
    peak_mib: float = 0.0
    pages: int = 0
    site_mib: float = 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


@dataclass
class Size:
    """One KB size: its project copy, what it holds, and how long it takes to load and build."""

    factor: int
    project: Path
    causes: int = 0
    facets: int = 0
    checks: int = 0
    load: Measure = field(default_factory=Measure)
    build: Measure | None = None


# --- projects -------------------------------------------------------------------------------

def make_floor(dest: Path) -> Path:
    """An empty Material site: the least any strict build on this machine can cost."""
    (dest / "docs").mkdir(parents=True)
    (dest / "mkdocs.yml").write_text(FLOOR_CONFIG, encoding="utf-8")
    (dest / "docs" / "index.md").write_text("# Floor\n\nAn empty page.\n", encoding="utf-8")
    return dest


def copy_project(dest: Path) -> Path:
    """Copy what a build reads (top-level files, docs, kb, macros, overrides) into dest."""
    dest.mkdir(parents=True)
    for source in ROOT.iterdir():
        if source.is_file() and not source.name.startswith("."):
            shutil.copy2(source, dest / source.name)
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest


class _BlockDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """Writes multi-line text as `|` blocks, as the hand-written cause files do."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_BlockDumper.add_representer(str, _represent_text)


def copy_of_cause(cause: dict, copy: int, stride: int) -> dict:
    """Cause data for copy number `copy`: every id suffixed -s<copy>, related ids within the same copy."""
    suffix = f"-s{copy}"
    data = copying.deepcopy(cause)
    data["id"] += suffix
    data["order"] += (copy - 1) * stride
    for facet in data["facets"]:
        facet["id"] += suffix
        for check in facet["checks"]:
            check["id"] += suffix
        if "related" in facet:
            facet["related"] = [target + suffix for target in facet["related"]]
    return data


def grow_kb(kb_dir: Path, factor: int) -> None:
    """Make the KB in kb_dir `factor` times larger: each cause file plus factor-1 suffixed copies.

    faq, approach and the other files stay as they are; their links name the original ids, which remain.
    """
    originals = sorted((kb_dir / "causes").glob("*.yaml"))
    causes = [yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
              for path in originals]
    stride = max(cause["order"] for cause in causes)
    for copy in range(2, factor + 1):
        for cause in causes:
            data = copy_of_cause(cause, copy, stride)
            text = yaml.dump(data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100)
            (kb_dir / "causes" / f"{data['id']}.yaml").write_text(SCHEMA_LINE + text, encoding="utf-8")


# --- measuring ------------------------------------------------------------------------------

# Linux carries a process's peak RSS across fork and exec, so a build started straight from this
# (large) process would report this process's peak. A small wrapper starts each build instead and
# reports the peak of its only child, which can be no lower than the wrapper's own few MiB.
BUILD_WRAPPER = """
import json, os, subprocess, sys, time
log, command = sys.argv[1], sys.argv[2:]
with open(log, "w") as out:
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "exit": os.waitstatus_to_exitcode(status), "maxrss_kib": usage.ru_maxrss}))
"""


def build_once(project: Path, site_dir: Path, log: Path) -> tuple[float, float, int, float]:
    """One strict build in its own process; return (seconds, its peak RSS in MiB, pages, site size in MiB)."""
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(project / "mkdocs.yml"),
               "--site-dir", str(site_dir)]
    wrapper = subprocess.run([sys.executable, "-S", "-c", BUILD_WRAPPER, str(log), *command], cwd=project,
                             env=BUILD_ENV, capture_output=True, text=True, check=True)
    report = json.loads(wrapper.stdout)
    if report["exit"] != 0:
        sys.exit(f"strict build of {project} failed (exit {report['exit']}):\n{log.read_text(encoding='utf-8')}")
    pages = sum(1 for _ in site_dir.rglob("*.html"))
    size = sum(path.stat().st_size for path in site_dir.rglob("*") if path.is_file()) / 2**20
    shutil.rmtree(site_dir)
    return report["seconds"], report["maxrss_kib"] / 1024, pages, size


def record_build(measure: Measure, project: Path, work: Path, label: str) -> None:
    """Add one timed build of project to measure."""
    seconds, peak, pages, size = build_once(project, work / f"site-{label}", work / f"build-{label}.log")
    measure.runs.append(seconds)
    measure.peak_mib = max(measure.peak_mib, peak)
    measure.pages, measure.site_mib = pages, size
    progress(f"  build {label}: {seconds:.2f} s, peak {peak:.0f} MiB, {pages} pages, {size:.1f} MiB written")


def measure_load(size: Size, runs: int) -> None:
    """Time load_kb (parse, validate, build the model) in this process after one warm-up; then its peak heap."""
    kb_dir = size.project / "kb"
    kb = load_kb(kb_dir)
    size.causes, size.facets = len(kb.causes), len(kb.facets)
    size.checks = sum(len(facet.checks) for facet in kb.facets)
    for _ in range(runs):
        start = time.perf_counter()
        load_kb(kb_dir)
        size.load.runs.append(time.perf_counter() - start)
    # tracemalloc slows allocation down, so the peak is taken in a run of its own.
    tracemalloc.start()
    load_kb(kb_dir)
    size.load.peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    progress(f"  load {size.factor}x: median {size.load.median * 1000:.1f} ms of {runs}, "
             f"peak heap {size.load.peak_mib:.1f} MiB")


def check_valid(kb_dir: Path, factor: int) -> None:
    """Stop unless the KB in kb_dir is valid."""
    _docs, problems = validate_kb(kb_dir)
    if problems:
        shown = "\n".join(str(p) for p in problems[:20])
        sys.exit(f"the {factor}x synthetic KB is not valid ({len(problems)} problem(s)):\n{shown}")
    progress(f"  {factor}x KB is valid")


def progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --- the machine ----------------------------------------------------------------------------

def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = "unknown"
    memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        pass
    system = platform.system()
    try:
        for line in Path("/etc/os-release").read_text(encoding="utf-8").splitlines():
            if line.startswith("PRETTY_NAME="):
                system = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    versions = ", ".join(f"{name} {importlib.metadata.version(name)}"
                         for name in ("mkdocs", "mkdocs-material", "mkdocs-macros-plugin", "jsonschema", "PyYAML"))
    return {"CPU": cpu, "Cores": str(len(os.sched_getaffinity(0))), "Memory": memory,
            "Python": platform.python_version(), "OS": f"{system} (Linux {platform.release()})",
            "Packages": versions}


# --- results --------------------------------------------------------------------------------

@dataclass
class Results:
    """Everything one run measured."""

    quick: bool
    floor: Measure
    sizes: list[Size]
    machine: dict[str, str]
    date: str

    def size(self, factor: int) -> Size:
        return next(s for s in self.sizes if s.factor == factor)

    def build_ratio(self, factor: int) -> float | None:
        build = self.size(factor).build
        return build.median / self.floor.median if build else None

    def build_scaling(self, factor: int) -> float | None:
        build = self.size(factor).build
        return build.median / self.size(1).build.median if build else None

    def load_scaling(self, factor: int) -> float:
        return self.size(factor).load.median / self.size(1).load.median

    def targets(self) -> list[tuple[str, str, str, bool | None]]:
        """(measure, result, target, met) for each target; met is None when it was not measured."""
        rows = []
        ratio = self.build_ratio(1)
        rows.append(("Strict build of the site, relative to an empty Material site", _times(ratio),
                     f"at most {BUILD_TARGET:g}×", ratio <= BUILD_TARGET))
        load_ms = self.size(1).load.median * 1000
        rows.append(("KB load and validation (median)", f"{load_ms:.0f} ms", f"under {LOAD_TARGET_MS:g} ms",
                     load_ms < LOAD_TARGET_MS))
        for factor in (10, 100):
            scaling = self.build_scaling(factor)
            rows.append((f"Strict build, KB {factor}× larger, relative to the real KB",
                         _times(scaling) if scaling else "not measured",
                         f"at most {factor}× (linear or better)", scaling <= factor if scaling else None))
        for factor in (10, 100):
            scaling = self.load_scaling(factor)
            rows.append((f"KB load, KB {factor}× larger, relative to the real KB", _times(scaling),
                         f"at most {factor}× (linear or better)", scaling <= factor))
        rows.append(("Synthetic KBs (10× and 100×) pass validation", "valid", "valid", True))
        return rows


def _times(ratio: float | None) -> str:
    return "n/a" if ratio is None else f"{ratio:.2f}×"


def _verdict(met: bool | None, page: bool = False) -> str:
    return {True: "pass", False: "**fail**" if page else "FAIL", None: "not measured"}[met]


def print_report(results: Results) -> None:
    """The results as plain-text tables on stdout."""
    print()
    print("Targets" + (" (quick run: one run each, no 100x build)" if results.quick else ""))
    rows = [(m, r, t, _verdict(ok)) for m, r, t, ok in results.targets()]
    _print_table(("Measure", "Result", "Target", "Verdict"), rows)
    print()
    print("Sizes")
    _print_table(("KB", "Causes", "Facets", "Checks", "Load median", "Load vs 1x", "Load heap peak",
                  "Build median", "Build vs floor", "Build vs 1x", "Build peak RSS", "Pages", "Site"),
                 [_size_row(results, size) for size in results.sizes])
    floor = results.floor
    print()
    print(f"Floor (empty Material site): median {floor.median:.2f} s of {len(floor.runs)}, "
          f"peak RSS {floor.peak_mib:.0f} MiB, {floor.pages} pages, {floor.site_mib:.1f} MiB")
    for key, value in results.machine.items():
        print(f"{key}: {value}")


def _size_row(results: Results, size: Size) -> tuple[str, ...]:
    build = size.build
    return (f"{size.factor}x", str(size.causes), str(size.facets), str(size.checks),
            _duration(size.load.median), _times(results.load_scaling(size.factor)), f"{size.load.peak_mib:.1f} MiB",
            _duration(build.median) if build else "not built", _times(results.build_ratio(size.factor)),
            _times(results.build_scaling(size.factor)), f"{build.peak_mib:.0f} MiB" if build else "n/a",
            str(build.pages) if build else "n/a", f"{build.site_mib:.1f} MiB" if build else "n/a")


def _print_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


# --- the page and the chart -----------------------------------------------------------------

def page_text(results: Results) -> str:
    """docs/benchmarks.md: ratios first, then sizes, absolute times, the machine and the method."""
    floor, one = results.floor, results.size(1)
    lines = [
        "---",
        "title: Benchmarks",
        "description: How fast the site builds and the knowledge base loads, relative to an empty Material"
        " site, and how both grow when the knowledge base is 10 and 100 times larger.",
        "---",
        "",
        "# Benchmarks",
        "",
        f"Measured by `make bench` (`bench/run.py`) on {results.date}. Build times are given relative to"
        " the *floor*, a strict build of an empty Material for MkDocs site on the same machine, so that"
        " they keep their meaning on a faster or slower computer.",
        "",
        "![Bar chart of strict build time relative to an empty Material site: "
        + ", ".join(f"{label} {_times(value) if value else 'not measured'}" for label, value in _chart_bars(results))
        + "](assets/benchmarks.svg)",
        "",
        "## Targets",
        "",
        "| Measure | Result | Target | Met |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {m} | {r} | {t} | {_verdict(ok, page=True)} |" for m, r, t, ok in results.targets()]
    lines += [
        "",
        "## Scaling",
        "",
        "Ratios of medians. *Load* is `load_kb` alone: parse, validate and build the model, in one process"
        " after a warm-up. *Build* is a complete `mkdocs build --strict` in its own process.",
        "",
        "| KB | Causes | Facets | Checks | Pages built | Site size | Load vs 1× | Build vs floor | Build vs 1× |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in results.sizes:
        pages = f"{size.build.pages} | {size.build.site_mib:.1f} MiB" if size.build else "not built | n/a"
        lines.append(f"| {size.factor}× | {size.causes} | {size.facets} | {size.checks} | {pages} |"
                     f" {_times(results.load_scaling(size.factor))} | {_times(results.build_ratio(size.factor))} |"
                     f" {_times(results.build_scaling(size.factor))} |")
    lines += [
        "",
        "## Absolute times",
        "",
        "Secondary: these depend on the machine below. Peak memory of a build is the resident set of its"
        " own process; peak memory of a load is the Python heap that `load_kb` allocated (tracemalloc).",
        "",
        "| Measure | Runs | Median | Fastest | Slowest | Peak memory |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        _absolute_row("Build, empty Material site (floor)", floor),
    ]
    for size in results.sizes:
        if size.build:
            lines.append(_absolute_row(f"Build, KB {size.factor}×", size.build))
    for size in results.sizes:
        lines.append(_absolute_row(f"Load and validate, KB {size.factor}×", size.load))
    lines += ["", "## Machine", "", "| Part | Details |", "| --- | --- |"]
    lines += [f"| {key} | {value} |" for key, value in results.machine.items()]
    lines += [
        "",
        "## Method",
        "",
        f"- **Floor**: a folder holding only `theme: material`, the search plugin and one page, built with"
        f" `--strict` ({_runs(floor)}).",
        f"- **1×**: a copy of the project (its top-level files, `docs/`, `kb/`, `macros/` and `overrides/`),"
        f" built with `--strict`"
        f" ({_runs(one.build)}), alternating with the floor builds so that both see the same machine.",
        "- **10× and 100×**: the same copy with each cause file replicated (the original plus suffixed"
        " copies). Every id in a copy (cause, facets, checks) ends in `-s2`, `-s3` and so on, `related`"
        " lists point into the same copy, and each copy has its own `order`. FAQ, approach and the other"
        " files are unchanged. Each synthetic KB passes `validate_kb` before it is timed.",
        f"- **Runs**: the median is reported. The 10× build ran {_runs(results.size(10).build)}; "
        + (f"the 100× build ran {_runs(results.size(100).build)}, since it takes minutes."
           if results.size(100).build else "the 100× build was skipped in this quick run.")
        + " KB loads ran "
        + ", ".join(f"{_runs(s.load)} at {s.factor}×" for s in results.sizes) + ", each after one warm-up.",
        "- Builds run with `NO_MKDOCS_2_WARNING=1` and `PYTHONDONTWRITEBYTECODE=1`, as `make build` does.",
        "- To repeat: `make bench`, or `.venv/bin/python bench/run.py --quick` for a smoke test that writes"
        " nothing here.",
        "",
    ]
    return "\n".join(lines)


def _runs(measure: Measure | None) -> str:
    if measure is None:
        return "not run"
    return "once" if len(measure.runs) == 1 else f"{len(measure.runs)} times"


def _absolute_row(label: str, measure: Measure) -> str:
    cells = [_duration(value) for value in (measure.median, min(measure.runs), max(measure.runs))]
    return f"| {label} | {len(measure.runs)} | {' | '.join(cells)} | {measure.peak_mib:.1f} MiB |"


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _chart_bars(results: Results) -> list[tuple[str, float | None]]:
    bars = [("floor (empty site)", 1.0)]
    for size in results.sizes:
        label = "real KB (1×)" if size.factor == 1 else f"KB {size.factor}×"
        bars.append((label, results.build_ratio(size.factor)))
    return bars


def chart_svg(results: Results) -> str:
    """A horizontal bar chart of build time relative to the floor, on a log scale, as a standalone SVG."""
    bars = _chart_bars(results)
    width, left, right, top, bar_height, gap = 720, 170, 90, 92, 34, 16
    plot = width - left - right
    top_value = max(v for _label, v in bars if v is not None)
    low, high = 0.5, next(t for t in _ticks(10 * top_value) if t >= top_value * 1.1)

    def x(value: float) -> float:
        return left + plot * (log10(value) - log10(low)) / (log10(high) - log10(low))

    height = top + len(bars) * (bar_height + gap) + 40
    ink, bar, target, grid = "#1a1a1a", "#1f4e79", "#b00020", "#8a8a8a"
    title = "Strict build time relative to an empty Material site"
    description = "; ".join(f"{label}: {_times(value) if value else 'not measured'}" for label, value in bars)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        ' role="img" aria-labelledby="chart-title chart-desc" font-family="system-ui, -apple-system, Segoe UI,'
        ' Roboto, Helvetica, Arial, sans-serif">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(description)}. Measured {escape(results.date)}; log scale.</desc>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="20" y="28" font-size="17" font-weight="bold" fill="{ink}">{escape(title)}</text>',
        f'<text x="20" y="50" font-size="13" fill="{ink}">Median strict build time; the floor is 1×'
        ' (log scale)</text>',
    ]
    axis_bottom = top + len(bars) * (bar_height + gap) - gap / 2
    for tick in _ticks(high):
        tx = x(tick)
        out.append(f'<line x1="{tx:.1f}" y1="{top - 6}" x2="{tx:.1f}" y2="{axis_bottom:.1f}" stroke="{grid}"'
                   ' stroke-width="1" stroke-dasharray="2 3"/>')
        out.append(f'<text x="{tx:.1f}" y="{axis_bottom + 18:.1f}" font-size="12" fill="{ink}"'
                   f' text-anchor="middle">{tick:g}×</text>')
    tx = x(BUILD_TARGET)
    out.append(f'<line x1="{tx:.1f}" y1="{top - 10}" x2="{tx:.1f}" y2="{axis_bottom:.1f}" stroke="{target}"'
               ' stroke-width="2" stroke-dasharray="6 4"/>')
    out.append(f'<text x="{tx + 4:.1f}" y="{top - 14}" font-size="12" fill="{target}">target for 1×:'
               f' {BUILD_TARGET:g}×</text>')
    for i, (label, value) in enumerate(bars):
        y = top + i * (bar_height + gap)
        mid = y + bar_height / 2 + 5
        out.append(f'<text x="{left - 10}" y="{mid:.1f}" font-size="14" fill="{ink}" text-anchor="end">'
                   f'{escape(label)}</text>')
        if value is None:
            out.append(f'<text x="{left + 6}" y="{mid:.1f}" font-size="14" fill="{ink}">not measured</text>')
            continue
        end = x(value)
        out.append(f'<rect x="{left}" y="{y}" width="{end - left:.1f}" height="{bar_height}" fill="{bar}"/>')
        # A white outline keeps the value readable where a grid or target line crosses it.
        out.append(f'<text x="{end + 6:.1f}" y="{mid:.1f}" font-size="14" font-weight="bold" fill="{ink}"'
                   f' stroke="#ffffff" stroke-width="4" paint-order="stroke">{_times(value)}</text>')
    out.append(f'<line x1="{left}" y1="{top - 6}" x2="{left}" y2="{axis_bottom:.1f}" stroke="{ink}" stroke-width="1"/>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _ticks(high: float) -> list[float]:
    ticks, decade = [0.5], 1
    while decade <= high:
        ticks += [t * decade for t in (1, 2, 5) if t * decade <= high]
        decade *= 10
    return ticks


def write_if_changed(path: Path, text: str) -> bool:
    """Write text to path unless it already holds exactly that; return whether it was written."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


# --- the run --------------------------------------------------------------------------------

def run(quick: bool) -> Results:
    """Measure everything, in temporary project copies."""
    build_runs = 1 if quick else 3
    load_runs = {1: 5, 10: 2, 100: 1} if quick else {1: 20, 10: 10, 100: 3}
    busy = os.getloadavg()[0]
    if busy > 0.5:
        progress(f"warning: the 1-minute load average is {busy:.2f}; other work on this machine skews the figures")
    with tempfile.TemporaryDirectory(prefix="cortisone-bench-") as tmp:
        work = Path(tmp)
        floor_dir = make_floor(work / "floor")
        sizes = [Size(factor, copy_project(work / f"kb{factor}x")) for factor in (1, 10, 100)]
        for size in sizes[1:]:
            progress(f"generating the {size.factor}x KB")
            grow_kb(size.project / "kb", size.factor)
            check_valid(size.project / "kb", size.factor)

        progress("KB load and validation")
        for size in sizes:
            measure_load(size, load_runs[size.factor])

        progress("builds: floor and real project, alternating")
        floor, one = Measure(), Measure()
        if not quick:
            build_once(floor_dir, work / "site-warm", work / "warm.log")
            build_once(sizes[0].project, work / "site-warm", work / "warm.log")
        for n in range(build_runs):
            record_build(floor, floor_dir, work, f"floor-{n + 1}")
            record_build(one, sizes[0].project, work, f"1x-{n + 1}")
        sizes[0].build = one
        sizes[1].build = Measure()
        for n in range(build_runs):
            record_build(sizes[1].build, sizes[1].project, work, f"10x-{n + 1}")
        if not quick:
            progress("build 100x (one run; it takes minutes)")
            sizes[2].build = Measure()
            record_build(sizes[2].build, sizes[2].project, work, "100x-1")
    about = machine()
    about["Load average at start"] = f"{busy:.2f} (1 minute; the benchmark itself adds about 1)"
    return Results(quick, floor, sizes, about, datetime.date.today().isoformat())


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
