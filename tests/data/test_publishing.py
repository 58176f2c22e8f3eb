"""Publishing without a build: the lock follows pyproject.toml, structured data is inert, the hazard log's tests exist."""
from __future__ import annotations

import ast
import dataclasses
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import yaml
from packaging.requirements import Requirement

from conftest import ROOT
from macros import requirements
from macros.kb.publish import cause_structured_data, report_url, script_json


def test_requirements_txt_is_the_lock_of_pyproject_toml():
    assert requirements.stale_reason() == ""
    pins = requirements.pins()
    for section, declared in requirements.declared().items():
        for line in declared:
            req = Requirement(line)
            if req.name == "cortisone-kb":
                continue
            name = requirements.normalise(req.name)
            assert name in pins, f"{section}: {req.name} is not pinned in requirements.txt"
            assert req.specifier.contains(pins[name]), f"{section}: {req.name}=={pins[name]} is outside {req.specifier}"


def test_make_refuses_a_lock_older_than_pyproject_toml(tmp_path):
    shutil.copy(ROOT / "requirements.txt", tmp_path / "requirements.txt")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(pyproject.replace('    "PyYAML>=6.0",\n', '    "PyYAML>=6.0",\n    "rich",\n'),
                                             encoding="utf-8")
    reason = requirements.stale_reason(tmp_path / "pyproject.toml", tmp_path / "requirements.txt")
    assert reason == "the dependencies in pyproject.toml changed since requirements.txt was written"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^\$\(STAMP\): requirements\.txt pyproject\.toml\n\t@\$\(PYTHON\) -m macros\.requirements check$",
                     makefile, re.MULTILINE)


def test_requires_python_is_the_oldest_python_every_pinned_package_supports():
    from importlib.metadata import distribution

    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    floor = Version(".".join(map(str, requirements.python_floor())))
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["requires-python"] == f">={floor}"
    needs = {}
    for name, version in requirements.pins().items():
        meta = distribution(name).metadata
        assert meta["Version"] == version, f"{name}: .venv has {meta['Version']}, requirements.txt pins {version}"
        if meta["Requires-Python"]:
            needs[name] = SpecifierSet(meta["Requires-Python"])
    too_old = {n: str(s) for n, s in needs.items() if not s.contains(floor)}
    assert too_old == {}, f"requires-python >={floor} is below what these pins need"
    # ...and it is no higher than the strictest of them needs: the floor is pymdown-extensions' own.
    assert str(needs["pymdown-extensions"]) == f">={floor}" == ">=3.11.5"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"Python {floor} or later" in readme and "3.11+" not in readme


def test_make_names_the_python_it_needs_when_the_interpreter_is_older():
    problem = requirements.python_problem((3, 11, 2))
    assert problem.startswith("error: this needs Python 3.11.5 or later (the pinned packages require it), but ")
    assert "is Python 3.11.2." in problem and "PYTHON=python3.12" in problem
    assert requirements.python_problem((3, 11, 5)) == "" and requirements.python_problem((3, 13, 0)) == ""
    assert requirements.python_problem((3, 10, 14)) != ""
    with mock.patch.object(sys, "version_info", (3, 11, 2, "final", 0)):
        assert requirements.main(["check"]) == 1


def test_the_lock_check_runs_on_the_standard_library_alone():
    # make runs it with the system Python, before .venv exists.
    tree = ast.parse((ROOT / "macros" / "requirements.py").read_text(encoding="utf-8"))
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}
    result = subprocess.run([sys.executable, "-S", "-m", "macros.requirements", "check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_pyproject_declares_an_installable_package_with_its_licences():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["build-system"]["build-backend"] == "setuptools.build_meta"
    assert data["tool"]["setuptools"]["packages"] == ["macros", "macros.kb"]
    assert data["project"]["license"] == "MIT AND CC-BY-4.0"
    assert all((ROOT / f).is_file() for f in data["project"]["license-files"])
    assert {Requirement(r).name for r in data["project"]["dependencies"]} >= {"mkdocs", "mkdocs-material", "PyYAML"}


def test_structured_data_cannot_end_its_script_element(kb):
    hostile = dataclasses.replace(kb.causes[0], title="</script><script>alert(1)</script><!--",
                                  summary="a & b > c")
    text = script_json(cause_structured_data(kb, hostile, "https://kb.example.org/"))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"] == hostile.title and json.loads(text)["description"] == "a & b > c"


def test_a_report_link_carries_no_more_than_the_entry_version_and_address(kb):
    url = report_url("https://git.example.org/e/kb/", kb.causes[0], "9.9.9", "https://kb.example.org/")
    assert url.startswith("https://git.example.org/e/kb/issues/new?template=content-report.yml&")
    assert report_url("", kb.causes[0], "9.9.9", "https://kb.example.org/") == ""


def test_a_report_link_encodes_every_value_it_carries(kb):
    facet = kb.causes[0].facets[0]
    site = "https://kb.example.org/a&b=c d/"
    url = urlsplit(report_url("https://git.example.org/e/kb", facet, "9.9.9", site))
    query = parse_qs(url.query, strict_parsing=True)
    assert set(query) == {"template", "title", "entry", "version", "address"} and not url.fragment
    assert query["address"] == [f"{site}causes/{facet.cause.id}/#{facet.id}"]
    assert " " not in url.query and "#" not in url.query


def test_the_report_link_fills_the_fields_of_the_public_issue_form_that_asks_for_no_patient_details(kb):
    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / "content-report.yml").read_text(encoding="utf-8"))
    assert {"name", "description", "body"} <= set(form) and form["labels"] == ["content"]
    assert "Public; include no patient details" in form["description"]
    assert "**Public: include no patient details.**" in form["body"][0]["attributes"]["value"]
    fields = {f["id"]: f for f in form["body"] if "id" in f}
    query = parse_qs(urlsplit(report_url("https://github.com/o/r", kb.faq[0], "9.9.9", "https://kb.example.org/")).query)
    assert set(query) - {"template", "title"} <= set(fields)
    assert all(fields[key]["type"] in {"input", "textarea"} for key in set(query) - {"template", "title"})
    assert query["template"] == ["content-report.yml"] and "labels" not in query
    privacy = fields["no-patient-details"]["attributes"]["options"][0]
    assert privacy["required"] is True and "no patient details" in privacy["label"]


def test_safety_concerns_have_a_private_route_named_in_safety_and_contributing():
    security = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    assert "private vulnerability reporting" in security and "/security/advisories/new" in security
    for name in ("SAFETY.md", "CONTRIBUTING.md"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert "private vulnerability reporting" in text and "SECURITY.md" in text, name
    config = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / "config.yml").read_text(encoding="utf-8"))
    assert any(link["url"].endswith("/security/advisories/new") for link in config["contact_links"])


def test_every_edit_link_opens_a_kb_file_that_exists_in_the_repository(kb):
    from macros.kb.kinds import kind_of
    from macros.kb.publish import edit_url

    seen = set()
    for entry in kb.entries:
        url = edit_url("https://github.com/o/r/", entry)
        assert url.startswith("https://github.com/o/r/edit/main/kb/"), url
        path = url.removeprefix("https://github.com/o/r/edit/main/")
        assert (ROOT / path).is_file(), f"{entry.id}: {path}"
        seen.add((kind_of(entry).name, path))
    assert ("facet", kb.causes[0].source) in seen and ("faq", "kb/faq.yaml") in seen
    assert ("red-flag", "kb/red-flags.yaml") in seen and ("site", "kb/sites.yaml") in seen
    assert edit_url("", kb.causes[0]) == ""


def test_every_test_the_hazard_log_names_exists():
    log = (ROOT / "SAFETY.md").read_text(encoding="utf-8")
    named = re.findall(r"`(tests/[\w/]+\.py)::(test_\w+)`", log)
    assert len(named) >= 5
    missing = [f"{path}::{name}" for path, name in named
               if not re.search(rf"^def {name}\(", (ROOT / path).read_text(encoding="utf-8"), re.MULTILINE)]
    assert missing == []
    for hazard in ("missed red flag", "wrong-patient checklist", "Stale or superseded advice",
                   "misleading summary in a note", "Injected script", "A stale note", "The last patient in an open tab",
                   "A hidden red flag", "Draft content taken as reviewed", "Unsafe advice copied into many entries",
                   "Search leads away from a red flag"):
        assert hazard.lower() in log.lower(), hazard


def test_the_readme_says_how_to_publish():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "SITE_URL=" in readme and "make deploy" in readme and ".github/workflows/pages.yml" in readme
    assert Path(ROOT / ".github" / "workflows" / "pages.yml").is_file()
