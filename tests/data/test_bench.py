"""The benchmark's synthetic KBs stay valid as the real KB evolves (its figures depend on it)."""
from __future__ import annotations

import pytest

from bench.synthetic import grow_kb
from macros.kb import load_kb

# The slow set (`make test-all`, CI): a KB ten times larger, validated twice.
pytestmark = pytest.mark.slow


def test_a_kb_grown_ten_times_is_valid_and_ten_times_larger(kb_copy):
    original = load_kb(kb_copy)
    grow_kb(kb_copy, 10)
    grown = load_kb(kb_copy)
    assert len(grown.causes) == 10 * len(original.causes)
    assert len(grown.facets) == 10 * len(original.facets)
