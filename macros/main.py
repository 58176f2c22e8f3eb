"""The thin mkdocs-macros adapter: each macro hands KB data to a Jinja partial of the core."""
from __future__ import annotations

from .kb.kinds import KINDS_BY_NAME
from .kb.render import Renderer
from .site import current_kb


class KbView:
    """The KB as page templates see it (kb.meta.version, kb.causes...), with a short repr: mkdocs-macros
    writes out every variable it holds on each build, and the whole KB is large."""

    def __init__(self, kb) -> None:
        self._kb = kb

    def __getattr__(self, name: str):
        return getattr(self._kb, name)

    def __repr__(self) -> str:
        return f"<cortisone-kb {self._kb.meta.version}>"


def page_source(page) -> str:
    """The page's source path relative to docs/, e.g. 'faq.md', as MkDocs or Zensical gives it."""
    file = getattr(page, "file", None)
    return file.src_uri if file is not None else str(page.path).replace("\\", "/")


def define_env(env) -> None:
    """Register the KB and the page macros with mkdocs-macros."""
    kb = current_kb()
    # Entries link "Report a problem" to the configured repository, with their published address.
    renderer = Renderer(kb, env.conf.get("site_url") or "", env.conf.get("extra", {}).get("repository", ""))
    env.variables["kb"] = KbView(kb)

    def draw(template: str, **context: object) -> str:
        return renderer.render(template, page_source(env.page), **context)

    @env.macro
    def kind_page(name: str) -> str:
        """Every published entry of one kind, drawn by the kind's template (see macros/kb/kinds.py)."""
        kind = KINDS_BY_NAME[name]
        return draw(kind.template, entries=[e for e in getattr(kb, kind.attr) if kind.is_published(e)], kind=kind)

    @env.macro
    def entry_link(entry_id: str) -> str:
        """A Markdown link to one entry by its id, from the current page."""
        return draw("entry_link.md.j2", entry=next(e for e in kb.entries if e.id == entry_id)).strip()

    @env.macro
    def red_flags_box() -> str:
        """The red flags in brief, most urgent first, each linking to its entry (home page, approach)."""
        return draw("red_flags_box.md.j2", flags=kb.red_flags)

    @env.macro
    def cause_cards() -> str:
        """The causes as a grid of cards (home page)."""
        return draw("cause_cards.md.j2", causes=kb.causes)

    @env.macro
    def causes_index() -> str:
        """Every cause with links to each of its facets."""
        return draw("causes_index.md.j2", causes=kb.causes)

    @env.macro
    def changelog() -> str:
        """The KB's content changelog, newest first."""
        return draw("changelog.md.j2", changes=kb.meta.changelog)

    @env.macro
    def checklist() -> str:
        """The interactive, printable checklist."""
        flags = sorted(kb.red_flags, key=lambda flag: flag.urgency_rank)
        return draw("checklist.md.j2", causes=kb.checklist_causes, red_flags=flags)
