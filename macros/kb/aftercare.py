"""The patient's aftercare sheet: one page per checklist site, drawn from kb/aftercare.yaml.

Plain Python, no mkdocs. A sheet's page carries its whole content (`render_macros: false`, front matter written
by the serialiser, as for cause pages); while any section is a draft the sheet says so and search engines are
asked not to index it. The sheets are kept out of the site's own search: the wording page (aftercare/), which
links every sheet, is what search finds.
"""
from __future__ import annotations

import html

from .model import JOINTS, AftercarePoint, AftercareSection, KnowledgeBase
from .publish import DRAFT_ROBOTS
from .urls import page_url

SHEET_PAGE = "aftercare/{joint}.md"
# What the printed sheet says while any of its content is a draft (the patient reads this, not the clinician).
DRAFT_LINE = "Not yet clinically approved for patients"


def sheet_source(joint: str) -> str:
    """The page source of a checklist site's sheet, e.g. aftercare/knee.md."""
    return SHEET_PAGE.format(joint=joint)


def sheet_addresses() -> set[str]:
    """The published address of every site's sheet, e.g. aftercare/knee/."""
    return {page_url(sheet_source(joint)) for joint in JOINTS}


def is_draft(kb: KnowledgeBase) -> bool:
    """True while any section of the sheet has had no clinical review."""
    return any(not section.reviewed.done for section in kb.aftercare)


def sheet(kb: KnowledgeBase, joint: str) -> list[tuple[AftercareSection, tuple[AftercarePoint, ...]]]:
    """The sections on a site's sheet, in print order, each with its points at that site (sections left empty
    there are left out)."""
    return [(section, points) for section in kb.aftercare if (points := section.points_at(joint))]


def version_date(kb: KnowledgeBase) -> str:
    """The date of the KB's current version, from its changelog ("" if the changelog has no entry for it)."""
    return next((change.date for change in kb.meta.changelog if change.version == kb.meta.version), "")


def sheet_pages(kb: KnowledgeBase, renderer) -> dict[str, tuple[dict, str]]:
    """Each site's sheet by its page source: its front matter (as data) and its Markdown body."""
    if not kb.aftercare:
        return {}
    draft = is_draft(kb)
    pages = {}
    for joint, name in JOINTS.items():
        src = sheet_source(joint)
        meta = {"title": f"Aftercare sheet: {name.lower()}",
                "description": html.escape(f"What to expect and when to get help after a steroid injection in the "
                                           f"{name.lower()}: a sheet to print for the patient."),
                "search": {"exclude": True}, "hide": ["navigation", "toc"]}
        if draft:
            meta["robots"] = DRAFT_ROBOTS
        body = renderer.render("aftercare_sheet.md.j2", src, joint=joint, site_name=name,
                               sections=sheet(kb, joint), draft=draft, draft_line=DRAFT_LINE,
                               version_date=version_date(kb))
        pages[src] = (meta, body)
    return pages
