"""Adding a kind of entry is a YAML file, its schema, one registry row, a model class, a template and a
page stub: a throw-away kind added that way to a copy of the project is validated, linked, exported
and published with no other file touched."""
from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest

from conftest import build_site
from sitecheck import read_page

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


def test_a_new_kind_is_validated_exported_and_published(project_copy, tmp_path):
    add_widget_kind(project_copy)
    assert check(project_copy).returncode == 0
    result = build_site(project_copy, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-3000:]
    site = tmp_path / "out"
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
