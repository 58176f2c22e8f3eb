"""The thin mkdocs-macros adapter: each macro hands KB data to a Jinja partial."""
from __future__ import annotations

from .kb.render import Renderer
from .site import current_kb


def define_env(env) -> None:
    """Register the KB and the page macros with mkdocs-macros."""
    kb = current_kb()
    renderer = Renderer(kb)
    env.variables["kb"] = kb

    def draw(template: str, **context: object) -> str:
        return renderer.render(template, env.page.file.src_uri, **context)

    @env.macro
    def cause_page(cause_id: str) -> str:
        """A cause's page body: overview, one section per facet, references."""
        return draw("cause.md.j2", cause=kb.cause(cause_id))

    @env.macro
    def cause_cards() -> str:
        """The causes as a grid of cards (home page)."""
        return draw("cause_cards.md.j2", causes=kb.causes)

    @env.macro
    def causes_index() -> str:
        """Every cause with links to each of its facets."""
        return draw("causes_index.md.j2", causes=kb.causes)

    @env.macro
    def faq() -> str:
        """All FAQ entries, each anchored at its id."""
        return draw("faq.md.j2", entries=kb.faq)

    @env.macro
    def approach() -> str:
        """The re-evaluation approach, step by step."""
        return draw("approach.md.j2", steps=kb.steps)

    @env.macro
    def alternatives() -> str:
        """Alternative and next treatments."""
        return draw("alternatives.md.j2", alternatives=kb.alternatives)

    @env.macro
    def index_of(kind: str) -> str:
        """Conditions or body regions, each with the facets that concern it."""
        items = kb.conditions if kind == "conditions" else kb.regions
        return draw("index_of.md.j2", items=items)

    @env.macro
    def glossary() -> str:
        """The glossary, alphabetical."""
        return draw("glossary.md.j2", terms=kb.glossary)

    @env.macro
    def references() -> str:
        """Every reference the KB cites, with where it is cited."""
        return draw("references.md.j2", references=kb.references)

    @env.macro
    def changelog() -> str:
        """The KB's content changelog, newest first."""
        return draw("changelog.md.j2", changes=kb.meta.changelog)

    @env.macro
    def checklist() -> str:
        """The interactive, printable checklist."""
        return draw("checklist.md.j2", causes=kb.checklist_causes)
