"""What a published site says about itself: licences, review status, structured data, the way back to the editors.

Plain Python, no mkdocs. KB text only ever leaves here serialised (json.dumps, URL encoding, html.escape),
never concatenated into markup.
"""
from __future__ import annotations

import html
import json
import re
from urllib.parse import quote, urlencode, urlsplit

from .kinds import source_file
from .model import Cause, KnowledgeBase
from .urls import url_of

DRAFT_ROBOTS = "noindex"  # a draft page is kept out of search engines until a clinician has reviewed it


def footer_html(kb: KnowledgeBase) -> str:
    """The footer's note on version and licences, as HTML with every KB value escaped."""
    content, code = kb.meta.content_licence, kb.meta.code_licence
    return (f"Knowledge base version {html.escape(kb.meta.version)}. "
            f'Text licensed under <a href="{html.escape(content.url)}" rel="license">{html.escape(content.name)}</a>; '
            f'code under <a href="{html.escape(code.url)}">{html.escape(code.name)}</a>.')


def licence_data(kb: KnowledgeBase) -> dict[str, dict[str, str]]:
    """The licences as kb.json carries them: {content: {name, url}, code: {name, url}}."""
    return {"content": {"name": kb.meta.content_licence.name, "url": kb.meta.content_licence.url},
            "code": {"name": kb.meta.code_licence.name, "url": kb.meta.code_licence.url}}


REPORT_FORM = "content-report.yml"  # .github/ISSUE_TEMPLATE/: its field ids are the query's keys below


def report_url(repository: str, entry: object, version: str, site_url: str) -> str:
    """A new issue at the repository on the content-report form, its fields filled in with the entry's id, the KB
    version and its address (GitHub fills an issue form's fields from query keys named by their ids).

    Only what the page itself shows goes in: never anything a reader ticked or typed. No label: the form sets it,
    and a query's labels apply only for people who may triage the repository."""
    if not repository:
        return ""
    query = urlencode({"template": REPORT_FORM, "title": f"Problem with entry '{entry.id}' (KB {version})",
                       "entry": entry.id, "version": version, "address": site_url + url_of(entry)})
    return f"{repository.rstrip('/')}/issues/new?{query}"


EDIT_BRANCH = "main"  # the branch editors propose changes against


def edit_url(repository: str, entry: object) -> str:
    """The entry's YAML file in the repository's web editor (GitHub's /edit/<branch>/<path>), or "" without one."""
    if not repository:
        return ""
    return f"{repository.rstrip('/')}/edit/{EDIT_BRANCH}/{quote(source_file(entry))}"


def script_json(data: object) -> str:
    """data as JSON that is safe inside a <script> element: no '<', '>' or '&' can end it or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def cause_structured_data(kb: KnowledgeBase, cause: Cause, site_url: str) -> dict:
    """schema.org MedicalWebPage for a cause page; the review is stated only when a clinician has done it."""
    conditions: dict[str, object] = {}
    for facet in cause.facets:
        for condition in facet.conditions:
            conditions.setdefault(condition.id, condition)
    data: dict = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": cause.title,
        "description": cause.summary,
        "url": site_url + url_of(cause),
        "inLanguage": "en-GB",
        "version": kb.meta.version,
        "license": kb.meta.content_licence.url,
        "audience": {"@type": "MedicalAudience", "audienceType": "Clinician"},
        "about": [{"@type": "MedicalCondition", "name": c.name} for c in conditions.values()],
        "citation": [{"@type": "CreativeWork", "name": r.title, "url": r.url,
                      **({"author": r.authors} if r.authors else {}),
                      **({"datePublished": str(r.year)} if r.year else {})} for r in cause.references],
    }
    if cause.reviewed.done:
        data["lastReviewed"] = cause.reviewed.on
        data["reviewedBy"] = {"@type": "Organization", "name": cause.reviewed.by}
    return data


def robots_txt(site_url: str) -> str:
    """robots.txt: everything may be crawled (draft pages say noindex themselves); the sitemap by its address."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {site_url}sitemap.xml\n"


def is_published_address(site_url: str | None) -> bool:
    """True for a real address: not empty (an offline copy) and not this machine (`make serve`)."""
    host = urlsplit(site_url or "").hostname or ""
    return bool(host) and host not in {"127.0.0.1", "localhost", "::1", "0.0.0.0"}


# What a site address or repository address may hold: written into canonical links, robots.txt, the print footer
# and each page's policy by the theme and templates, so it is checked as an address before anything uses it.
_ADDRESS = re.compile(r"https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~%/-]*)?")


def address_problem(value: str | None, name: str, folder: bool = False) -> str | None:
    """Why value cannot be the address named name (SITE_URL, KB_REPOSITORY), or None if it can. Empty is allowed
    (no address: an offline copy, no report links)."""
    if not value:
        return None
    example = "https://owner.github.io/cortisone-kb/" if folder else "https://github.com/owner/cortisone-kb"
    if not _ADDRESS.fullmatch(value):
        return (f"{name} {value[:80]!r} is not a web address: give one such as {example} (http or https, a host "
                "name, then only letters, digits and . - _ ~ % / in the path)")
    if folder and not value.endswith("/"):
        return f"{name} {value[:80]!r} must end in '/': give it as {value}/"
    return None
