"""CITATION.cff lets an educator cite the KB: it keeps the Citation File Format 1.2.0's rules that can be checked
offline (required keys, the type of each value) and names the KB's own version and its release date."""
from __future__ import annotations

import re
from datetime import date

import yaml

from conftest import ROOT

REQUIRED = {"cff-version", "message", "title", "authors"}
# The top-level keys of CFF 1.2.0 (schema.json, https://github.com/citation-file-format/citation-file-format).
KNOWN = REQUIRED | {"abstract", "commit", "contact", "date-released", "doi", "identifiers", "keywords", "license",
                    "license-url", "preferred-citation", "references", "repository", "repository-artifact",
                    "repository-code", "type", "url", "version"}
URL = re.compile(r"^(https|http|ftp|sftp)://.+")


def citation_problems(cff: dict) -> list[str]:
    """What breaks the CFF 1.2.0 rules checked here, one message each (empty when it validates)."""
    problems = [f"missing required key '{k}'" for k in sorted(REQUIRED - set(cff))]
    problems += [f"unknown key '{k}'" for k in sorted(set(cff) - KNOWN)]
    if cff.get("cff-version") != "1.2.0":
        problems.append("cff-version must be the string '1.2.0'")
    for key in ("message", "title", "abstract"):
        if key in cff and not (isinstance(cff[key], str) and cff[key].strip()):
            problems.append(f"'{key}' must be a non-empty string")
    authors = cff.get("authors")
    if not (isinstance(authors, list) and authors):
        problems.append("'authors' must be a non-empty list")
    else:
        for i, author in enumerate(authors):
            if not isinstance(author, dict) or not ({"name", "family-names", "given-names"} & set(author)):
                problems.append(f"authors[{i}] must be a person (family-names/given-names) or an entity (name)")
    if "version" in cff and not isinstance(cff["version"], str | int | float):
        problems.append("'version' must be a string or number")
    if "date-released" in cff:
        value = cff["date-released"]
        if not isinstance(value, str | date) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
            problems.append("'date-released' must be a date, YYYY-MM-DD")
    if "type" in cff and cff["type"] not in {"dataset", "software"}:
        problems.append("'type' must be 'dataset' or 'software'")
    for key in ("url", "repository", "repository-code", "repository-artifact", "license-url"):
        if key in cff and not (isinstance(cff[key], str) and URL.match(cff[key])):
            problems.append(f"'{key}' must be an address")
    if "keywords" in cff and not (isinstance(cff["keywords"], list) and all(isinstance(k, str) for k in cff["keywords"])):
        problems.append("'keywords' must be a list of strings")
    if "license" in cff and not isinstance(cff["license"], str | list):
        problems.append("'license' must be an SPDX identifier or a list of them")
    return problems


def load_citation() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_citation_cff_follows_the_cff_1_2_0_rules():
    assert citation_problems(load_citation()) == []


def test_the_citation_check_can_fail():
    broken = dict(load_citation(), authors=[], type="book", url="kb.example.org")
    del broken["title"]
    assert citation_problems(broken) == ["missing required key 'title'", "'authors' must be a non-empty list",
                                         "'type' must be 'dataset' or 'software'", "'url' must be an address"]


def test_citation_cff_names_the_kbs_version_its_release_date_and_content_licence(kb):
    cff = load_citation()
    assert str(cff["version"]) == kb.meta.version
    released = next(entry for entry in yaml.safe_load((ROOT / "kb" / "meta.yaml").read_text(encoding="utf-8"))["changelog"]
                    if str(entry["version"]) == kb.meta.version)
    assert str(cff["date-released"]) == str(released["date"])
    assert cff["license"] == "CC-BY-4.0" and cff["type"] == "dataset"
