"""How the benchmark measures: timed builds in their own processes, KB loads and serve rebuilds, peak memory."""
from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

from bench.projects import BUILD_ENV, build_command
from macros.kb import load_kb, validate_kb

SERVE_REBUILD = Path(__file__).resolve().parent / "serve_rebuild.py"


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


@dataclass
class Rebuild:
    """`make serve`'s rebuild after a KB edit, by variant of the schema check, and the machinery's handlers in it."""

    loads: dict[str, Measure]
    rebuilds: dict[str, Measure]
    handlers: dict[str, float]  # "module on_event" -> median seconds per rebuild, the project as it is


@dataclass
class Results:
    """Everything one run measured."""

    quick: bool
    floor: Measure
    twin: Measure
    sizes: list[Size]
    rebuild: Rebuild
    machine: dict[str, str]
    date: str
    search: list = field(default_factory=list)  # tests.support.search.Score for each query set, online and offline; then a Speed
    # The checklist's height on a phone (390x844) in screens, per checklist site (tests/support/screens.py).
    screens: dict = field(default_factory=dict)

    @property
    def search_scores(self) -> list:
        return [score for score in self.search if hasattr(score, "ratio")]

    @property
    def search_speed(self):
        return next((speed for speed in self.search if hasattr(speed, "median_ms")), None)

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

    def twin_ratio(self) -> float:
        """The project's strict build time over its static twin's: what macros, hooks and redirects cost."""
        return self.size(1).build.median / self.twin.median


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


def build_once(config: Path, site_dir: Path, log: Path) -> tuple[float, float, int, float]:
    """One strict build in its own process; return (seconds, its peak RSS in MiB, pages, site size in MiB)."""
    wrapper = subprocess.run([sys.executable, "-S", "-c", BUILD_WRAPPER, str(log), *build_command(config, site_dir)],
                             cwd=config.parent, env=BUILD_ENV, capture_output=True, text=True, check=True)
    report = json.loads(wrapper.stdout)
    if report["exit"] != 0:
        sys.exit(f"strict build of {config} failed (exit {report['exit']}):\n{log.read_text(encoding='utf-8')}")
    pages = sum(1 for _ in site_dir.rglob("*.html"))
    size = sum(path.stat().st_size for path in site_dir.rglob("*") if path.is_file()) / 2**20
    shutil.rmtree(site_dir)
    return report["seconds"], report["maxrss_kib"] / 1024, pages, size


def record_build(measure: Measure, config: Path, work: Path, label: str) -> None:
    """Add one timed build of the project configured by config to measure."""
    seconds, peak, pages, size = build_once(config, work / f"site-{label}", work / f"build-{label}.log")
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


def measure_rebuild(project: Path, runs: int) -> Rebuild:
    """Time `make serve`'s rebuild of project after a KB edit, in a process of its own (bench/serve_rebuild.py)."""
    done = subprocess.run([sys.executable, str(SERVE_REBUILD), str(project), str(runs)], cwd=project, env=BUILD_ENV,
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"the serve rebuild benchmark failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    data = json.loads(done.stdout)
    rebuild = Rebuild({name: Measure(runs=timings["load"]) for name, timings in data["variants"].items()},
                      {name: Measure(runs=timings["rebuild"]) for name, timings in data["variants"].items()},
                      data["handlers"])
    for name, measure in rebuild.rebuilds.items():
        progress(f"  rebuild, schema check {name}: median {measure.median * 1000:.0f} ms of {runs}, "
                 f"KB load {rebuild.loads[name].median * 1000:.1f} ms")
    return rebuild


def check_valid(kb_dir: Path, factor: int) -> None:
    """Stop unless the KB in kb_dir is valid."""
    _docs, problems = validate_kb(kb_dir)
    if problems:
        shown = "\n".join(str(p) for p in problems[:20])
        sys.exit(f"the {factor}x synthetic KB is not valid ({len(problems)} problem(s)):\n{shown}")
    progress(f"  {factor}x KB is valid")


def progress(text: str) -> None:
    """One line of progress on stderr."""
    print(text, file=sys.stderr, flush=True)


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
                         for name in ("mkdocs", "mkdocs-material", "mkdocs-macros-plugin", "mkdocs-redirects",
                                      "jsonschema", "PyYAML"))
    return {"CPU": cpu, "Cores": str(len(os.sched_getaffinity(0))), "Memory": memory,
            "Python": platform.python_version(), "OS": f"{system} (Linux {platform.release()})",
            "Packages": versions}
