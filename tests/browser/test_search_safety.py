"""Safety queries are a hard gate (tests/search/safety.yaml), online and in the offline copy: each red-flag query,
the plain and lay ways a red flag's symptoms are typed, opens on that red flag (the first result link a reader
sees); no everyday query opens on any red flag. Unlike the query sets' 90% floor, one failure fails CI.

Asked of the site's own search worker and read as a reader sees the results; the parity test
(test_search_parity.py) types some of these queries into the real box too."""
from __future__ import annotations

import pytest

from tests.support.search import RED_FLAGS_PAGE, load_safety

pytestmark = pytest.mark.browser

SAFETY = load_safety()
COPIES = ["online", "offline"]


def test_the_safety_set_names_only_red_flags_of_the_kb_and_asks_both_ways(kb):
    assert {flag for _query, flag in SAFETY.red_flags} <= {flag.id for flag in kb.red_flags}
    assert SAFETY.red_flags and SAFETY.everyday


@pytest.mark.parametrize("copy", COPIES)
def test_every_red_flag_query_opens_on_its_red_flag(worker_of, copy):
    queries = [query for query, _flag in SAFETY.red_flags]
    firsts = [links[:1] for links in worker_of(copy).links(queries)]
    wrong = [f"  {query!r} opens on {first or 'nothing'}, not {RED_FLAGS_PAGE}#{flag}"
             for (query, flag), first in zip(SAFETY.red_flags, firsts, strict=True) if first != [f"{RED_FLAGS_PAGE}#{flag}"]]
    assert not wrong, f"{len(wrong)} of {len(queries)} red-flag queries ({copy}) miss their flag:\n" + "\n".join(wrong)


@pytest.mark.parametrize("copy", COPIES)
def test_no_everyday_query_opens_on_a_red_flag(worker_of, copy):
    firsts = [links[:1] for links in worker_of(copy).links(list(SAFETY.everyday))]
    wrong = [f"  {query!r} opens on {first[0]}" for query, first in zip(SAFETY.everyday, firsts, strict=True)
             if first and first[0].startswith(f"{RED_FLAGS_PAGE}#")]
    assert not wrong, f"{len(wrong)} everyday queries ({copy}) open on a red flag:\n" + "\n".join(wrong)
