"""The safety query set (tests/search/safety.yaml) covers every red flag and names only real ones."""
from __future__ import annotations

from collections import Counter

import yaml

from conftest import ROOT

SAFETY = yaml.safe_load((ROOT / "tests" / "search" / "safety.yaml").read_text(encoding="utf-8"))


def test_every_red_flag_has_several_plain_ways_of_asking_in_the_safety_set(kb):
    asked = Counter(item["red_flag"] for item in SAFETY["red_flags"])
    assert set(asked) == {flag.id for flag in kb.red_flags}
    assert min(asked.values()) >= 4, asked


def test_every_safety_query_says_who_would_type_it_and_none_is_repeated():
    queries = [item["query"] for kind in ("red_flags", "everyday") for item in SAFETY[kind]]
    assert len(queries) == len(set(queries))
    assert all(item.get("why") for kind in ("red_flags", "everyday") for item in SAFETY[kind])
    assert len(SAFETY["everyday"]) >= 40
