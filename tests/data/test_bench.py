"""The benchmark's synthetic KBs stay valid as the real KB evolves (its figures depend on it)."""
from __future__ import annotations

import importlib.util
import sys

from conftest import ROOT
from macros.kb import load_kb

spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
bench = importlib.util.module_from_spec(spec)
sys.modules["bench_run"] = bench  # dataclasses look their module up while the file runs
spec.loader.exec_module(bench)


def test_a_kb_grown_ten_times_is_valid_and_ten_times_larger(kb_copy):
    original = load_kb(kb_copy)
    bench.grow_kb(kb_copy, 10)
    grown = load_kb(kb_copy)
    assert len(grown.causes) == 10 * len(original.causes)
    assert len(grown.facets) == 10 * len(original.facets)
