"""The KB grows the ways the contributor guide says, and nothing else needs touching: a ninth cause is only its own
file; a facet started with `make new-facet` appears on its cause page and the checklist; a kind of entry is a YAML
file, its schema, one registry row, a model class, a template and a page stub, and is validated, linked, exported
and published. All three are added to one copy of the project, built once."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import build_site, copy_project
from sitecheck import read_page
from tests.support.search import read_index

ROW = '''    Kind("widget", "widget", model.Widget, "widgets", file="widgets.yaml", schema="widgets", page="widgets.md",
         links={"facets": "facet", "references": "reference"}, template="widgets.md.j2", text_name="name"),
'''
MODEL = '''

@dataclass(frozen=True, kw_only=True)
class Widget:
    """A throw-away kind for the registry test."""

    id: str
    name: str
    facets: tuple[Facet, ...] = ()
    references: tuple[Reference, ...] = ()
'''
SCHEMA = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "widgets", "type": "array",
          "items": {"type": "object", "additionalProperties": False, "required": ["id", "name", "facets"],
                    "properties": {"id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
                                   "name": {"type": "string", "minLength": 1},
                                   "facets": {"type": "array", "items": {"type": "string"}},
                                   "references": {"type": "array", "items": {"type": "string"}}}}}
TEMPLATE = '''{% import "_macros.md.j2" as m with context %}
{% for widget in entries %}
## {{ widget.name }} { #{{ widget.id }} }

Concerns {{ m.links(widget.facets) }}.

{% endfor %}
'''
STUB = '---\nrender_macros: true\ntitle: Widgets\n---\n\n# Widgets\n\n{{ kind_page("widget") }}\n'
REFERENCE = "maricar-2013-where-how-inject-knee"


def add_widget_kind(project, facet="onset-takes-time"):
    """Everything a maintainer writes for a new kind, and nothing else."""
    (project / "kb" / "widgets.yaml").write_text(
        f"- id: widget-one\n  name: Widget one\n  facets: [{facet}]\n  references: [{REFERENCE}]\n", encoding="utf-8")
    (project / "kb" / "schema" / "widgets.schema.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    kinds = project / "macros" / "kb" / "kinds.py"
    text = kinds.read_text(encoding="utf-8")
    kinds.write_text(text.replace("\n)\n\nKINDS_BY_NAME", "\n" + ROW + ")\n\nKINDS_BY_NAME", 1), encoding="utf-8")
    model = project / "macros" / "kb" / "model.py"
    model.write_text(model.read_text(encoding="utf-8") + MODEL, encoding="utf-8")
    (project / "macros" / "templates" / "widgets.md.j2").write_text(TEMPLATE, encoding="utf-8")
    (project / "docs" / "widgets.md").write_text(STUB, encoding="utf-8")


def check(project):
    return subprocess.run([sys.executable, "-m", "macros.kb", "kb"], cwd=project, capture_output=True, text=True,
                          timeout=120)


def test_a_new_kinds_links_are_checked_at_their_line(project_copy):
    add_widget_kind(project_copy, facet="no-such-facet")
    result = check(project_copy)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "kb/widgets.yaml:3: entry 'widget-one': facet 'no-such-facet' does not exist" in result.stderr


def add_ninth_cause(project: Path) -> None:
    """A ninth cause, written as its own file and nothing else."""
    cause = yaml.safe_load((project / "kb" / "causes" / "delayed-effect.yaml").read_text(encoding="utf-8"))
    cause["id"], cause["order"], cause["title"] = "wrong-medicine", 9, "Wrong medicine injected"
    for n, facet in enumerate(cause["facets"]):
        facet.pop("related", None)
        facet["id"] = f"wrong-medicine-facet-{n}"
        facet["checks"] = [{"id": f"wrong-medicine-check-{n}", "ask": f"Was the wrong vial used, step {n}?",
                            "label": f"Wrong vial, step {n}", "key_step": "Check the vial and the record"}]
    (project / "kb" / "causes" / "wrong-medicine.yaml").write_text(
        "# yaml-language-server: $schema=../schema/cause.schema.json\n" + yaml.safe_dump(cause, sort_keys=False),
        encoding="utf-8")


def add_facet_as_the_guide_says(project: Path) -> None:
    scaffold = subprocess.run([sys.executable, "-m", "macros.kb.scaffold", "new-facet", "delayed-effect",
                               "late-review-missed", "--kb", str(project / "kb")],
                              cwd=project, capture_output=True, text=True)
    assert scaffold.returncode == 0, scaffold.stderr


@pytest.fixture(scope="module")
def extended(tmp_path_factory):
    """A copy of the project with a ninth cause, a facet from the scaffold and a new kind, checked and built once."""
    project = copy_project(tmp_path_factory.mktemp("extended") / "project")
    add_ninth_cause(project)
    add_facet_as_the_guide_says(project)
    add_widget_kind(project)
    checked = check(project)
    assert checked.returncode == 0, checked.stderr
    site = project.parent / "site"
    result = build_site(project, site)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return project, site


def test_a_ninth_cause_needs_only_its_own_file(extended):
    _project, out = extended
    page = read_page(out / "causes" / "wrong-medicine" / "index.html")
    assert "wrong-medicine-facet-0" in page.ids
    assert 'href="../wrong-medicine/"' in (out / "causes" / "delayed-effect" / "index.html").read_text(encoding="utf-8")
    assert "Wrong medicine injected" in read_page(out / "causes" / "index.html").text
    assert "9. Wrong medicine injected" in read_page(out / "index.html").text
    assert "wrong-medicine-check-0" in read_page(out / "checklist" / "index.html").ids
    exported = json.loads((out / "kb.json").read_text(encoding="utf-8"))
    assert exported["causes"][-1]["id"] == "wrong-medicine"
    index = read_index(out)
    assert any(doc["location"].startswith("causes/wrong-medicine/") for doc in index["docs"])


def test_a_facet_added_by_following_the_guide_appears_on_its_cause_page(extended):
    _project, out = extended
    assert "late-review-missed" in read_page(out / "causes" / "delayed-effect" / "index.html").ids
    assert "late-review-missed-check" in read_page(out / "checklist" / "index.html").ids


def test_a_new_kind_is_validated_exported_and_published(extended):
    project_copy, site = extended
    page = read_page(site / "widgets" / "index.html")
    assert "widget-one" in page.ids and "Widget one" in page.text
    assert "../causes/delayed-effect/#onset-takes-time" in page.links
    exported = json.loads((site / "kb.json").read_text(encoding="utf-8"))
    assert exported["widgets"] == [{"id": "widget-one", "name": "Widget one", "facets": ["onset-takes-time"],
                                    "references": [REFERENCE], "url": "http://127.0.0.1:8000/widgets/#widget-one"}]
    jsonschema.validate(exported, json.loads((site / "kb.schema.json").read_text(encoding="utf-8")))
    references = read_page(site / "references" / "index.html")
    assert "../widgets/#widget-one" in references.links  # "Cited in" lists it
    listed = subprocess.run([sys.executable, "-c", "from macros.kb import load_kb; from macros.kb.addresses import "
                             "published_addresses; print(sorted(published_addresses(load_kb())))"],
                            cwd=project_copy, capture_output=True, text=True, timeout=120)
    assert "'widgets/#widget-one'" in listed.stdout, listed.stderr


@pytest.mark.parametrize("missing", ["widgets.yaml", "schema"])
def test_a_new_kind_with_a_missing_piece_fails_loudly(project_copy, missing):
    add_widget_kind(project_copy)
    if missing == "schema":
        (project_copy / "kb" / "schema" / "widgets.schema.json").unlink()
        expected = "kb/schema/widgets.schema.json:1: is missing"
    else:
        (project_copy / "kb" / "widgets.yaml").unlink()
        expected = "kb/widgets.yaml:1: is missing: the KB needs this file"
    result = check(project_copy)
    assert result.returncode == 1 and expected in result.stderr and "Traceback" not in result.stderr
