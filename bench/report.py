"""How the benchmark reports: the terminal tables, docs/benchmarks.md and its chart (docs/assets/benchmarks.svg)."""
from __future__ import annotations

from math import log10
from pathlib import Path
from xml.sax.saxutils import escape

from bench.measure import Measure, Results, Size
from bench.projects import MACHINERY_PLUGINS
from macros.kb.model import JOINTS
from tests.support.search import TARGET as SEARCH_TARGET
from tests.support.search import TOP as SEARCH_TOP

# Targets: a real build within 2x the floor and 1.25x its static twin, a KB load under 100 ms,
# scaling linear or better.
BUILD_TARGET = 2.0
TWIN_TARGET = 1.25
LOAD_TARGET_MS = 100.0


SCREENS_TARGET = 6  # issue 27: the knee checklist in at most 6 phone screens


def targets(results: Results) -> list[tuple[str, str, str, bool | None]]:
    """(measure, result, target, met) for each target; met is None when it was not measured."""
    rows = []
    ratio = results.build_ratio(1)
    rows.append(("Strict build of the site, relative to an empty Material site", _times(ratio),
                 f"at most {BUILD_TARGET:g}×", ratio <= BUILD_TARGET))
    twin = results.twin_ratio()
    rows.append(("Strict build of the site, relative to its static twin (the cost of macros, hooks and redirects)",
                 _times(twin), f"at most {TWIN_TARGET:g}×", twin <= TWIN_TARGET))
    load_ms = results.size(1).load.median * 1000
    rows.append(("KB load and validation (median)", f"{load_ms:.0f} ms", f"under {LOAD_TARGET_MS:g} ms",
                 load_ms < LOAD_TARGET_MS))
    for factor in (10, 100):
        scaling = results.build_scaling(factor)
        rows.append((f"Strict build, KB {factor}× larger, relative to the real KB",
                     _times(scaling) if scaling else "not measured",
                     f"at most {factor}× (linear or better)", scaling <= factor if scaling else None))
    for factor in (10, 100):
        scaling = results.load_scaling(factor)
        rows.append((f"KB load, KB {factor}× larger, relative to the real KB", _times(scaling),
                     f"at most {factor}× (linear or better)", scaling <= factor))
    rows.append(("Synthetic KBs (10× and 100×) pass validation", "valid", "valid", True))
    for score in results.search_scores:
        rows.append((f"Search: {score.name} queries with a right answer among the first {SEARCH_TOP} result links, "
                     f"{score.site}", f"{score.passed}/{score.total} ({score.ratio:.0%})", f"at least {SEARCH_TARGET:.0%}",
                     score.ratio >= SEARCH_TARGET))
    knee = results.screens.get("knee")
    if knee:
        rows.append(("The knee checklist on a phone (390×844), every question shown", f"{knee['screens']:.1f} screens",
                     f"at most {SCREENS_TARGET:g} screens", knee["screens"] <= SCREENS_TARGET))
    return rows


def machinery_handlers(results: Results) -> list[tuple[str, float]]:
    """(handler, median seconds per rebuild) for each handler of the hooks, macros and redirects, slowest first."""
    plugins = tuple(f"mkdocs_{name}." for name in MACHINERY_PLUGINS)
    rows = []
    for key, seconds in results.rebuild.handlers.items():
        module, event = key.rsplit(" ", 1)
        if module.endswith(".py"):
            rows.append((f"hook `{event}` ({module})", seconds))
        elif module.startswith(plugins):
            rows.append((f"{module.split('.')[0].removeprefix('mkdocs_')} plugin `{event}`", seconds))
    return sorted(rows, key=lambda row: -row[1])


def schema_check_cost(results: Results) -> float:
    """Seconds the JSON Schema check adds to a KB load: the most a quicker check could save per rebuild."""
    loads = results.rebuild.loads
    return loads["as is"].median - loads["no schema check"].median


# The quick schema pre-check (macros/kb/quickcheck.py) was measured by `make bench` before it was removed.
# Medians of 15 interleaved runs each, on the machine below while other work shared it.
QUICKCHECK_RECORD = {"date": "2026-11-25", "with_ms": 186.8, "without_ms": 211.3, "rebuild_ms": 2038.0}


# --- the terminal ---------------------------------------------------------------------------

def print_report(results: Results) -> None:
    """The results as plain-text tables on stdout."""
    print()
    print("Targets" + (" (quick run: one run each, no 100x build)" if results.quick else ""))
    rows = [(m, r, t, _verdict(ok)) for m, r, t, ok in targets(results)]
    _print_table(("Measure", "Result", "Target", "Verdict"), rows)
    print()
    print("Sizes")
    _print_table(("KB", "Causes", "Facets", "Checks", "Load median", "Load vs 1x", "Load heap peak",
                  "Build median", "Build vs floor", "Build vs 1x", "Build peak RSS", "Pages", "Site"),
                 [_size_row(results, size) for size in results.sizes])
    print()
    one, twin = results.size(1).build, results.twin
    print(f"Static twin: median {_duration(twin.median)} of {len(twin.runs)}, {twin.pages} pages; the project"
          f" {_duration(one.median)}, {one.pages} pages: {_times(results.twin_ratio())} (target {TWIN_TARGET:g}x)")
    rebuild = results.rebuild.rebuilds["as is"].median
    print(f"Machinery handlers in one serve rebuild of {_duration(rebuild)} (median):")
    handlers = machinery_handlers(results)
    total = sum(seconds for _name, seconds in handlers)
    _print_table(("Handler", "Time", "Share"), [(name, _duration(seconds), f"{seconds / rebuild:.0%}")
                                                for name, seconds in [*handlers, ("all of them", total)]])
    print()
    print("Serve rebuild after a KB edit, by schema check")
    _print_table(("Schema check", "KB load", "Rebuild"), [(name, _duration(results.rebuild.loads[name].median),
                                                           _duration(measure.median))
                                                          for name, measure in results.rebuild.rebuilds.items()])
    cost = schema_check_cost(results)
    print(f"The JSON Schema check costs {_duration(cost)} per rebuild ({cost / rebuild:.1%}).")
    floor = results.floor
    print()
    for score in results.search:
        print(f"Search: {score}")  # each query set online and offline, then the worker's speed
    for site, measured in results.screens.items():
        print(f"Checklist at 390x844, site {site or 'not chosen'}: {measured['screens']:.1f} screens, "
              f"{measured['items']} items, {measured['flags']} red flags")
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


# --- the page -------------------------------------------------------------------------------

def page_text(results: Results) -> str:
    """docs/benchmarks.md: ratios first, then the machinery's cost, rebuilds, sizes, absolute times, machine, method."""
    floor, one, twin = results.floor, results.size(1), results.twin
    lines = [
        "---",
        "title: Benchmarks",
        "description: How fast the site builds and the knowledge base loads, relative to an empty Material"
        " site and to the site's static twin, and how both grow when the knowledge base is 10 and 100 times larger.",
        "search:",
        "  exclude: true",
        "---",
        "",
        "# Benchmarks",
        "",
        f"Measured by `make bench` (`bench/run.py`) on {results.date}. Build times are given relative to"
        " the *floor*, a strict build of an empty Material for MkDocs site on the same machine, and to the"
        " site's *static twin* (below), so that they keep their meaning on a faster or slower computer.",
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
    lines += [f"| {m} | {r} | {t} | {_verdict(ok, page=True)} |" for m, r, t, ok in targets(results)]
    rebuild = results.rebuild.rebuilds["as is"]
    lines += [
        "",
        "## Cost of the machinery",
        "",
        "The *static twin* is this site with its machinery taken out: every page written out as the Markdown"
        " that the build fed to Markdown (macros run, the generated cause pages as real files, `kb.json` and the"
        " print footer as plain files), built with the same theme, overrides, Markdown extensions and navigation,"
        " but without the macros plugin, the hooks or the redirects plugin, and without `kb/` and `macros/`."
        " Its pages lack only what the hooks add to the HTML after Markdown (glossary terms marked, aliases"
        " for moved anchors, the Content-Security-Policy) and the checks they run: that work is machinery too."
        " What the project's build takes beyond the twin's is what the machinery costs.",
        "",
        "| Build | Median | Pages built | Site size |",
        "| --- | ---: | ---: | ---: |",
        f"| The project | {_duration(one.build.median)} | {one.build.pages} | {one.build.site_mib:.1f} MiB |",
        f"| Its static twin | {_duration(twin.median)} | {twin.pages} | {twin.site_mib:.1f} MiB |",
        f"| Ratio | {_times(results.twin_ratio())} (target: at most {TWIN_TARGET:g}×) | | |",
        "",
        "Where the machinery's time goes: each of its handlers in one rebuild, timed inside the process as"
        f" `make serve` rebuilds after a KB edit (rebuilt {_runs(rebuild)}; a rebuild took"
        f" {_duration(rebuild.median)}, median). A fresh `mkdocs build` also imports the KB core, jsonschema and the"
        " macros module, which the twin never loads.",
        "",
        "| Handler | Time per rebuild | Share of the rebuild |",
        "| --- | ---: | ---: |",
    ]
    handlers = machinery_handlers(results)
    lines += [f"| {name} | {_duration(seconds)} | {seconds / rebuild.median:.0%} |" for name, seconds in handlers]
    total = sum(seconds for _name, seconds in handlers)
    lines.append(f"| All of them | {_duration(total)} | {total / rebuild.median:.0%} |")
    cost = schema_check_cost(results)
    record = QUICKCHECK_RECORD
    saving = record["without_ms"] - record["with_ms"]
    lines += [
        "",
        "## Search",
        "",
        "Every query of the project's query sets (`tests/search/`), asked of the site's own search worker in"
        " Chromium with the index of the built site and of its offline copy. A query counts when a right answer is"
        f" among the first {SEARCH_TOP} result links a reader sees (the theme's drawing and `results.js`, restated in"
        " `tests/support/search.py`: a page's heading over its matching entries is a label, not a link; a parity"
        " test holds that to the real search box). The tuning set (queries.yaml, dev.yaml and the dev-*.yaml sets) is what search"
        " was tuned against; the held-out set was written with queries.yaml, before any tuning, and never tuned"
        " against.",
        "",
        "| Query set | Site | Right answer in the first three links |",
        "| --- | --- | ---: |",
    ]
    lines += [f"| {score.name} | {score.site} | {score.passed}/{score.total} ({score.ratio:.0%}) |"
              for score in results.search_scores]
    if results.search_speed is not None:
        lines += ["", f"The site's search worker (`docs/assets/kb-search.js`), timed in Chromium on the served site:"
                  f" {results.search_speed}."]
    if results.screens:
        lines += [
            "",
            "## The checklist on a phone",
            "",
            "The checklist's height at 390×844 (a phone held upright) in screens, its height over the window's, with"
            " each checklist site chosen and nothing answered: every item and red flag that the site shows, each with"
            " its question, nothing folded away (`tests/support/screens.py`; a test holds the knee to a ceiling).",
            "",
            "| Site | Screens | Items | Red flags |",
            "| --- | ---: | ---: | ---: |",
        ]
        lines += [f"| {JOINTS.get(site, 'Not chosen (all items)')} | {m['screens']:.1f} | {m['items']} | {m['flags']} |"
                  for site, m in results.screens.items()]
    lines += [
        "",
        "## Rebuild in `make serve`",
        "",
        "After an author saves a KB file, `make serve` reloads the configuration and rebuilds in the same"
        " process; imports and compiled schemas are already in memory. Timed with the schema check as it is,"
        " and with the JSON Schema check skipped altogether, the most any quicker check could save.",
        "",
        "| Schema check | KB load (median) | Rebuild (median) |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {name} | {_duration(results.rebuild.loads[name].median)} | {_duration(measure.median)} |"
              for name, measure in results.rebuild.rebuilds.items()]
    lines += [
        "",
        f"The JSON Schema check costs {_duration(cost)} per rebuild, {cost / rebuild.median:.1%} of it.",
        "",
        f"A quick pre-check (`macros/kb/quickcheck.py`), which let valid documents skip jsonschema, was measured"
        f" on {record['date']}: the KB loaded in {record['with_ms']:.1f} ms with it and {record['without_ms']:.1f} ms"
        f" without, a saving of {saving:.1f} ms in a rebuild of {record['rebuild_ms']:.0f} ms"
        f" ({saving / record['rebuild_ms']:.1%}). It had to save at least 5% of a rebuild to earn its"
        " second implementation of the schemas' rules, so it was removed: jsonschema checks every document.",
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
        _absolute_row("Build, static twin", twin),
    ]
    for size in results.sizes:
        if size.build:
            lines.append(_absolute_row(f"Build, KB {size.factor}×", size.build))
    lines.append(_absolute_row("Rebuild in `make serve`, KB 1×", rebuild))
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
        f" built with `--strict` ({_runs(one.build)}), alternating with the floor and twin builds so that all"
        " three see the same machine.",
        "- **Static twin**: one untimed build of the 1× copy through a configuration that `INHERIT`s its"
        " `mkdocs.yml` and adds a recording hook (`bench/twin_hook.py`, after every other handler); it keeps each"
        " page's front matter and Markdown, every generated file, the final navigation and copyright line."
        " `bench/projects.py` writes them into a copy without `kb/` and `macros/`, whose configuration"
        " `INHERIT`s `mkdocs.yml` and drops the hooks and the `macros` and `redirects` plugins. Built with"
        f" `--strict` ({_runs(twin)}), alternating with the others.",
        "- **10× and 100×**: the same copy with each cause file replicated (the original plus suffixed"
        " copies, `bench/synthetic.py`). Every id in a copy (cause, facets, checks) ends in `-s2`, `-s3` and"
        " so on, `related` lists point into the same copy, and each copy has its own `order`. FAQ, approach"
        " and the other files are unchanged. Each synthetic KB passes `validate_kb` before it is timed.",
        "- **Rebuild**: `bench/serve_rebuild.py` loads the 1× copy's configuration and builds it in one process,"
        " touching a cause file before each rebuild so that the KB is loaded again, as `make serve` does after"
        f" an author saves; one warm-up, then {_runs(rebuild)} per variant, interleaved. The schema check is"
        " switched by replacing `macros.kb.check_schema` in that process; handlers are timed by wrapping"
        " each registered event method.",
        f"- **Runs**: the median is reported. The 10× build ran {_runs(results.size(10).build)}; "
        + (f"the 100× build ran {_runs(results.size(100).build)}, since it takes minutes."
           if results.size(100).build else "the 100× build was skipped in this quick run.")
        + " KB loads ran "
        + ", ".join(f"{_runs(s.load)} at {s.factor}×" for s in results.sizes) + ", each after one warm-up.",
        "- Builds run with `NO_MKDOCS_2_WARNING=1`, `DISABLE_MKDOCS_2_WARNING=true` and"
        " `PYTHONDONTWRITEBYTECODE=1`, as `make build` does.",
        "- To repeat: `make bench`, or `.venv/bin/python bench/run.py --quick` for a smoke test that writes"
        " nothing here.",
        "",
    ]
    return "\n".join(lines)


def _times(ratio: float | None) -> str:
    return "n/a" if ratio is None else f"{ratio:.2f}×"


def _verdict(met: bool | None, page: bool = False) -> str:
    return {True: "pass", False: "**fail**" if page else "FAIL", None: "not measured"}[met]


def _runs(measure: Measure | None) -> str:
    if measure is None:
        return "not run"
    return "once" if len(measure.runs) == 1 else f"{len(measure.runs)} times"


def _absolute_row(label: str, measure: Measure) -> str:
    cells = [_duration(value) for value in (measure.median, min(measure.runs), max(measure.runs))]
    peak = f"{measure.peak_mib:.1f} MiB" if measure.peak_mib else "n/a"
    return f"| {label} | {len(measure.runs)} | {' | '.join(cells)} | {peak} |"


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


# --- the chart ------------------------------------------------------------------------------

def _chart_bars(results: Results) -> list[tuple[str, float | None]]:
    bars = [("floor (empty site)", 1.0), ("static twin", results.twin.median / results.floor.median)]
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
