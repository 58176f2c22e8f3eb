"""Time what `make serve` does after a KB edit: reload the config and rebuild, in one long-lived process.

Run by bench/measure.py in its own process, with the project copy first on sys.path so that its
`macros` package is the one measured: `python bench/serve_rebuild.py PROJECT RUNS`. Prints JSON:
for each variant of the schema check, the KB load times and rebuild times (seconds), and for the
project as it is, the time each plugin and hook handler took in each rebuild.
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

project = Path(sys.argv[1]).resolve()
sys.path.insert(0, str(project))
os.chdir(project)  # pymdownx.snippets resolves its base path against the working folder

from mkdocs.commands.build import build  # noqa: E402
from mkdocs.config import load_config  # noqa: E402

import macros.kb  # noqa: E402

KB_DIR = project / "kb"
CHECK_SCHEMA = macros.kb.check_schema
VARIANTS = ("as is", "no schema check")


def _no_schema_check(*_args: object) -> list:
    return []


def use(variant: str) -> None:
    """Put the schema check in the state `variant` names (load_kb looks check_schema up in macros.kb)."""
    macros.kb.check_schema = _no_schema_check if variant == "no schema check" else CHECK_SCHEMA


def _timed(method: Callable, key: str, spent: dict[str, float]) -> Callable:
    def handler(*args: object, **kwargs: object) -> object:
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            spent[key] += time.perf_counter() - start
    return handler


def rebuild(site_dir: str, spent: dict[str, float]) -> float:
    """Touch a KB file (as an author's save does), then reload the config and build; return the seconds taken."""
    touched = next((KB_DIR / "causes").glob("*.yaml"))
    os.utime(touched, ns=(time.time_ns(), time.time_ns()))
    start = time.perf_counter()
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=site_dir)
    for event, methods in config.plugins.events.items():
        methods[:] = [_timed(m, f"{m.__module__} on_{event}", spent) for m in methods]
    build(config)
    return time.perf_counter() - start


def main() -> None:
    runs = int(sys.argv[2])
    results = {variant: {"load": [], "rebuild": []} for variant in VARIANTS}
    handlers: dict[str, list[float]] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="cortisone-rebuild-") as site_dir:
        rebuild(site_dir, defaultdict(float))  # warm-up: imports, caches
        for _ in range(runs):
            for variant in VARIANTS:
                use(variant)
                for _ in range(5):
                    start = time.perf_counter()
                    macros.kb.load_kb(KB_DIR)
                    results[variant]["load"].append(time.perf_counter() - start)
                spent: dict[str, float] = defaultdict(float)
                results[variant]["rebuild"].append(rebuild(site_dir, spent))
                if variant == "as is":
                    for key, seconds in spent.items():
                        handlers[key].append(seconds)
    use("as is")
    print(json.dumps({"variants": results, "handlers": {k: statistics.median(v) for k, v in handlers.items()}}))


if __name__ == "__main__":
    main()
