"""The synthetic KB: the real one grown N times, so that the benchmark can show how cost scales."""
from __future__ import annotations

import copy as copying
from pathlib import Path

import yaml

SCHEMA_LINE = "# yaml-language-server: $schema=../schema/cause.schema.json\n"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
    causes = [yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) for path in originals]
    stride = max(cause["order"] for cause in causes)
    for copy in range(2, factor + 1):
        for cause in causes:
            data = copy_of_cause(cause, copy, stride)
            text = yaml.dump(data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100)
            (kb_dir / "causes" / f"{data['id']}.yaml").write_text(SCHEMA_LINE + text, encoding="utf-8")
