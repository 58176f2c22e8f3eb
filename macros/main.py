"""The thin mkdocs-macros adapter: each macro hands KB data to a Jinja partial of the core."""
from __future__ import annotations

from .kb.kinds import KINDS_BY_NAME
from .kb.releases import LATEST_OFFLINE, offline_name
from .kb.render import Renderer
from .site import current_kb, is_offline, site_releases


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
    # The frozen releases this build publishes under v/, newest first (none in the offline copy).
    released = [release.version for release in reversed(site_releases(env.conf, kb))]
    site_url = env.conf.get("site_url") or ""

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
    def draft_notice() -> str:
        """While any cause is a draft, a notice that says so (home page)."""
        return draw("draft_notice.md.j2")

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
        return draw("changelog.md.j2", changes=kb.meta.changelog, released=released, offline_name=offline_name)

    @env.macro
    def downloads() -> str:
        """This version's frozen downloads and the newest release's, or why there are none (training page)."""
        return draw("downloads.md.j2", version=kb.meta.version, released=released, offline=is_offline(env.conf),
                    offline_name=offline_name, latest_offline=LATEST_OFFLINE)

    @env.macro
    def cases_index() -> str:
        """Every worked case with its site, its pattern on the timeline and its learning points (teaching page)."""
        return draw("cases_index.md.j2", cases=kb.cases, version=kb.meta.version, released=released, site_url=site_url)

    @env.macro
    def citation() -> str:
        """The suggested citation: the version and, once it is released, its frozen address."""
        return draw("citation.md.j2", version=kb.meta.version, released=released, site_url=site_url).strip()

    @env.macro
    def checklist() -> str:
        """The interactive, printable checklist."""
        return renderer.render_checklist(page_source(env.page), getattr(env.page, "canonical_url", None) or "")
