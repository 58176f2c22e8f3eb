"""The registry of entry kinds: one row per kind, read by every layer instead of naming the kind again.

A row says where a kind's entries live in kb/, which schema they follow, which model class holds
them, what one is called, where each is published (page and anchor), which of its fields name
entries of which kinds, and which template draws its page. The list of KB files, the id index, the
link and orphan checks, the model, the URLs, kb.json and its schema, the address registry, "Cited
in", the editor settings and the scaffolds all loop over KINDS.

Adding a kind: a YAML file, its schema, one row here, a model class, a template, a page stub. Clinical review
with a fingerprint (review.py) is `reviewed=True` in the row and the `reviewed` record in its schema.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from . import model

ANY = "*"  # a link field that may name an entry of any kind


def _frozen(mapping: Mapping | None = None) -> Mapping:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Kind:
    """One kind of KB entry."""

    name: str  # used in code and in kb.json's schema, e.g. "faq"
    noun: str  # what one entry is called in messages, e.g. "FAQ entry"
    model: type
    attr: str  # the KnowledgeBase attribute and kb.json key holding its entries, e.g. "faq"
    file: str | None = None  # in kb/: "faq.yaml" (a list), or "causes/" (a folder, one entry a file); None if nested
    schema: str | None = None  # kb/schema/<schema>.schema.json
    required: bool = True  # the KB needs the file
    parent: str | None = None  # nested kinds: the kind whose entries hold these...
    key: str | None = None  # ...under this key...
    parent_attr: str | None = None  # ...and the child's attribute that names its parent
    page: str | None = None  # page source; "{id}" in it: a page per entry; None: the parent's page
    anchored: bool = True  # each entry has an #id on its page
    addressed: bool = True  # entries have published addresses at all
    links: Mapping[str, str] = field(default_factory=_frozen)  # field -> kind name (or ANY)
    symmetric: tuple[str, ...] = ()  # link fields whose other side is filled in too
    parts: Mapping[str, str] = field(default_factory=_frozen)  # field -> kind of the id-less part(s) it holds
    backlinks: Mapping[str, tuple[str, str]] = field(default_factory=_frozen)  # attr -> (kind, field) naming it
    exported_backlinks: tuple[str, ...] = ()  # back-links kb.json carries (a condition's facets)
    internal: tuple[str, ...] = ()  # model fields kept out of kb.json
    convert: Mapping[str, Callable] = field(default_factory=_frozen)  # field -> how to build its value
    rename: Mapping[str, str] = field(default_factory=_frozen)  # model field -> YAML key, where they differ
    numbered: str | None = None  # a field set to the entry's place in its file, from 1
    order: Callable | None = None  # sort key for the kind's entries
    orphan: str | None = None  # "unused": must be named by some entry; "unmentioned": must appear in text
    published_if: Callable | None = None  # entries published only if this holds (references: when cited)
    template: str | None = None  # the partial that draws the kind's page
    exported: bool = True  # in kb.json
    text_name: str | None = None  # the field that labels an entry in lists of links
    prose: bool = True  # its text is reader-facing prose (glossary terms must appear in some of it)
    # Its entries carry a clinical review record, fingerprinted against their text (review.py): an edit returns
    # an entry to draft, and the editors' page lists it. Its schema declares `reviewed` (see the cause schema's).
    reviewed: bool = False

    def is_published(self, entry: object) -> bool:
        """True if the entry has a published address."""
        return self.published_if is None or bool(self.published_if(entry))


KINDS: tuple[Kind, ...] = (
    Kind("cause", "cause", model.Cause, "causes", file="causes/", schema="cause",
         page="causes/{id}.md", anchored=False, internal=("source",), reviewed=True, order=lambda c: c.order,
         template="cause.md.j2", text_name="title"),
    Kind("facet", "facet", model.Facet, "facets", parent="cause", key="facets", parent_attr="cause",
         links={"related": "facet", "conditions": "condition", "regions": "region", "references": "reference"},
         symmetric=("related",), text_name="title",
         backlinks={"alternatives": ("alternative", "facets"), "red_flags": ("red-flag", "facets"),
                    "sites": ("site", "differentials")}),
    Kind("check", "check", model.Check, "checks", parent="facet", key="checks", parent_attr="facet",
         page="checklist.md", links={"regions": "region"}, text_name="ask"),
    Kind("faq", "FAQ entry", model.FaqEntry, "faq", file="faq.yaml", schema="faq", page="faq.md",
         links={"causes": "cause", "facets": "facet", "red_flags": "red-flag", "references": "reference"},
         template="faq.md.j2",
         text_name="question"),
    Kind("step", "approach step", model.Step, "steps", file="approach.yaml", schema="approach", page="approach.md",
         links={"causes": "cause", "red_flags": "red-flag", "references": "reference"}, numbered="number",
         template="approach.md.j2", text_name="title"),
    Kind("alternative", "alternative treatment", model.Alternative, "alternatives", file="alternatives.yaml",
         schema="alternatives", page="alternatives.md", links={"facets": "facet", "references": "reference"},
         template="alternatives.md.j2", text_name="title"),
    Kind("condition", "condition", model.Condition, "conditions", file="conditions.yaml", schema="conditions",
         page="conditions.md", backlinks={"facets": ("facet", "conditions")}, exported_backlinks=("facets",),
         order=lambda c: c.name.lower(),
         orphan="unused", template="index_of.md.j2", text_name="name", prose=False),
    Kind("region", "region", model.Region, "regions", file="regions.yaml", schema="regions", page="regions.md",
         backlinks={"facets": ("facet", "regions"), "sites": ("site", "region")}, exported_backlinks=("facets",),
         order=lambda r: r.name.lower(),
         orphan="unused",
         template="index_of.md.j2", text_name="name", prose=False),
    Kind("term", "glossary term", model.Term, "glossary", file="glossary.yaml", schema="glossary", page="glossary.md",
         order=lambda t: t.term.lower(), orphan="unmentioned", template="glossary.md.j2", text_name="term",
         prose=False),
    Kind("reference", "reference", model.Reference, "references", file="references.yaml", schema="references",
         page="references.md", backlinks={"cited_by": (ANY, "references")},
         published_if=lambda ref: ref.cited_by, template="references.md.j2", text_name="title", prose=False),
    Kind("red-flag", "red flag", model.RedFlag, "red_flags", file="red-flags.yaml", schema="red-flags",
         page="red-flags.md", links={"facets": "facet", "references": "reference"},
         convert={"not_at": lambda value: tuple(model.Exclusion(**e) for e in value)},
         template="red-flags.md.j2", text_name="title", reviewed=True),
    Kind("site", "injection site", model.Site, "sites", file="sites.yaml", schema="sites", page="sites.md",
         links={"region": "region", "differentials": "facet"},
         exported_backlinks=("red_flags",),  # derived from the red flags' not_at at the site's joint (build.py)
         parts={name: "cell" for name in ("guidance", "onset", "duration", "repeat_interval", "yearly_limit",
                                          "cautions", "refer")},
         template="sites.md.j2", text_name="name", reviewed=True),
    Kind("cell", "site table cell", model.Cell, "site_cells", parent="site", parent_attr="site", addressed=False,
         exported=False, links={"references": "reference"}),
    Kind("aftercare", "aftercare section", model.AftercareSection, "aftercare", file="aftercare.yaml", schema="aftercare",
         page="aftercare/index.md", reviewed=True,
         parts={"points": "aftercare-point"}, template="aftercare.md.j2", text_name="heading"),
    Kind("aftercare-point", "aftercare point", model.AftercarePoint, "aftercare_points", parent="aftercare",
         parent_attr="section", addressed=False, exported=False, links={"references": "reference"}),
    Kind("timeline", "timeline cell", model.TimelineCell, "timeline", file="timeline.yaml", schema="timeline",
         page="approach.md", links={"facets": "facet", "red_flags": "red-flag"},
         backlinks={"cases": ("case", "timeline")}, template="timeline.md.j2", text_name="title"),
    Kind("case", "worked case", model.Case, "cases", file="cases.yaml", schema="cases", page="cases/{id}.md",
         anchored=False, links={"site": "site", "timeline": "timeline", "red_flags_present": "red-flag",
                                "references": "reference"},
         convert={"reason": model.question, "first": model.question}, reviewed=True,
         template="case.md.j2", text_name="title"),
    Kind("case-step", "case step", model.CaseStep, "case_steps", parent="case", key="steps", parent_attr="case",
         links={"facets": "facet", "red_flags": "red-flag", "sites": "site"}, text_name="title"),
    Kind("redirect", "redirect", model.Redirect, "redirects", file="redirects.yaml", schema="redirects",
         required=False, addressed=False, exported=False, links={"target": ANY},
         rename={"source": "from", "target": "to"}, prose=False),
    Kind("synonyms", "thesaurus group", model.SynonymGroup, "thesaurus", file="thesaurus.yaml", schema="thesaurus",
         required=False, addressed=False, exported=False, prose=False),
)

KINDS_BY_NAME = MappingProxyType({kind.name: kind for kind in KINDS})
KINDS_BY_ATTR = MappingProxyType({kind.attr: kind for kind in KINDS})
KINDS_BY_MODEL = MappingProxyType({kind.model: kind for kind in KINDS})
# The KB's own description (title, version, changelog): a file of the KB, but not a kind of entry.
META_FILE, META_SCHEMA = "meta.yaml", "meta"


def kind_of(entry: object) -> Kind:
    """The row of an entry's kind."""
    return KINDS_BY_MODEL[type(entry)]


def children(kind: Kind) -> tuple[Kind, ...]:
    """The kinds listed directly inside entries of this kind, each with an id (facets in causes, checks in facets)."""
    return tuple(k for k in KINDS if k.parent == kind.name and k.key)


def top_level() -> tuple[Kind, ...]:
    """The kinds that have a file or folder of their own in kb/."""
    return tuple(k for k in KINDS if k.file)


def label(entry: object) -> str:
    """The human name of any entry: its title, name, term, question or ask."""
    return getattr(entry, kind_of(entry).text_name or "id")


def source_file(entry: object) -> str:
    """The KB file an entry is written in, from the repository's root: kb/faq.yaml, or kb/causes/<file> for a cause
    and everything nested in it (a facet is edited in its cause's file, a site table cell in sites.yaml)."""
    kind = kind_of(entry)
    while kind.file is None:
        entry, kind = getattr(entry, kind.parent_attr), KINDS_BY_NAME[kind.parent]
    if kind.file.endswith("/"):
        return f"kb/{kind.file}{entry.source.rsplit('/', 1)[-1]}"
    return f"kb/{kind.file}"


def schema_of(file_kind: str) -> str:
    """The schema name of a KB file's kind ("meta" for meta.yaml)."""
    return META_SCHEMA if file_kind == META_SCHEMA else KINDS_BY_NAME[file_kind].schema


def editor_schemas() -> dict[str, str]:
    """For editors' YAML support (.vscode/settings.json): each schema file and the KB files it governs."""
    schemas = {f"./kb/schema/{META_SCHEMA}.schema.json": f"kb/{META_FILE}"}
    for kind in top_level():
        pattern = f"kb/{kind.file}*.yaml" if kind.file.endswith("/") else f"kb/{kind.file}"
        schemas[f"./kb/schema/{kind.schema}.schema.json"] = pattern
    return schemas
