"""The benchmark behind `make bench`, one job per module.

- synthetic: what is measured at scale, the real KB grown N times (`grow_kb`, also used by the tests)
- projects: the projects built: the floor, a copy of this project, its static twin (with twin_hook)
- measure: how: timed builds in their own processes, KB loads, serve rebuilds (with serve_rebuild)
- report: the terminal tables, docs/benchmarks.md and docs/assets/benchmarks.svg
- run: the entry point, `python bench/run.py`
"""
