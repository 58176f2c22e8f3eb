"""Search quality for `make bench`: every query of both query sets asked of the site's own search worker, online
(the served site's index) and offline (the offline copy's index), each read as a reader sees the results (the
first TOP links; see tests/support/search.py); then the worker's speed. Seconds, not the half hour typing took.
"""
from __future__ import annotations

import time
from pathlib import Path

from tests.support import chromium, serve
from tests.support.search import QUERY_SETS, Speed, Worker, load_queries, score


def measure(site_dir: Path, offline_dir: Path) -> list:
    """Both query sets on the built site and on its offline copy; then the worker's speed on the served site (a
    Speed, last)."""
    scores, speed = [], None
    with chromium() as browser:
        context = browser.new_context()
        for site, folder in (("online", site_dir), ("offline", offline_dir)):
            with serve(folder) as url:
                started = time.perf_counter()
                worker = Worker(context, url, folder)
                scores += [score(worker, name, site) for name in QUERY_SETS]
                if speed is None:
                    worker.times_ms.clear()
                    worker.answers([query.text for name in QUERY_SETS for query in load_queries(name)])
                    speed = Speed(worker.setup_ms, list(worker.times_ms))
                worker.close()
                print(f"  search {site}: {time.perf_counter() - started:.1f} s", flush=True)
        context.close()
    return scores + [speed]
