"""The projects the benchmark builds: the floor (an empty Material site), a copy of this project, its static twin."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.support import BUILD_ENV, build_command, copy_project  # noqa: F401 (bench/run.py imports them from here)

ROOT = Path(__file__).resolve().parents[1]
TWIN_HOOK = Path(__file__).resolve().parent / "twin_hook.py"

# What the static twin leaves out: the machinery and its data.
MACHINERY_DIRS = ("kb", "macros")
MACHINERY_PLUGINS = ("macros", "redirects")
FLOOR_CONFIG = "site_name: Floor\ntheme:\n  name: material\nplugins:\n  - search\n"
TWIN_CONFIG = "mkdocs.twin.yml"
RECORD_CONFIG = "mkdocs.bench-record.yml"


def make_floor(dest: Path) -> Path:
    """An empty Material site: the least any strict build on this machine can cost. Returns its config file."""
    (dest / "docs").mkdir(parents=True)
    (dest / "mkdocs.yml").write_text(FLOOR_CONFIG, encoding="utf-8")
    (dest / "docs" / "index.md").write_text("# Floor\n\nAn empty page.\n", encoding="utf-8")
    return dest / "mkdocs.yml"


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml whatever tags it holds (!ENV, !!python/name): only its hooks and plugins are used."""


_ConfigLoader.add_multi_constructor("", lambda _loader, _suffix, _node: None)


def make_twin(project: Path, dest: Path, record: Path) -> Path:
    """Build project once, recording what it fed to Markdown; write its static twin into dest; return the twin's config.

    The twin holds every page as the rendered Markdown the build saw (generated cause pages as real
    files, generated assets too), the same nav, theme, overrides and Markdown extensions, and no
    macros plugin, hooks, redirects, KB or macros/ folder.
    """
    config = yaml.load((project / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader)
    hooks = [*config.get("hooks", []), str(TWIN_HOOK)]
    recorder = project / RECORD_CONFIG
    recorder.write_text(yaml.safe_dump({"INHERIT": "mkdocs.yml", "hooks": hooks}), encoding="utf-8")
    try:
        done = subprocess.run(build_command(recorder, record / "site"), cwd=project, capture_output=True, text=True,
                              env=dict(BUILD_ENV, CORTISONE_TWIN_RECORD=str(record)))
    finally:
        recorder.unlink()
    if done.returncode != 0:
        sys.exit(f"the recording build of {project} failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    shutil.rmtree(record / "site")

    shutil.copytree(project, dest, ignore=lambda folder, _names: MACHINERY_DIRS if Path(folder) == project else ())
    shutil.copytree(record / "docs", dest / "docs", dirs_exist_ok=True)
    build = json.loads((record / "build.json").read_text(encoding="utf-8"))
    twin = {
        "INHERIT": "mkdocs.yml",
        "hooks": [],
        "watch": [],
        "plugins": [p for p in _plugin_list(config.get("plugins", [])) if _plugin_name(p) not in MACHINERY_PLUGINS],
        "nav": build["nav"],
        "copyright": build["copyright"],
    }
    (dest / TWIN_CONFIG).write_text(yaml.safe_dump(twin, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dest / TWIN_CONFIG


def _plugin_list(plugins: list | dict) -> list:
    return [{name: options} for name, options in plugins.items()] if isinstance(plugins, dict) else list(plugins)


def _plugin_name(plugin: str | dict) -> str:
    return plugin if isinstance(plugin, str) else next(iter(plugin))
