"""No page links off-site whatever a structured field holds: the templates' own defence, proved without the validator.

The validator refuses link syntax in names, titles and addresses (test_hostile_classes.py); this is the second line.
The KB is loaded, then every structured value a template puts in link text, a link title, a heading or a link target
is replaced, in the model, by text that would break out of a `[...](...)` link; every page the templates draw is then
rendered with the site's Markdown extensions, in process, and each link's host is read. Only the reference's own
address may lead off-site, and then to its own host.
"""
from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import markdown
import pytest

from macros.kb import load_kb
from macros.kb.generate import aftercare_pages, case_pages, cause_pages
from macros.kb.kinds import KINDS
from macros.kb.markup import MARKDOWN_EXTENSIONS
from macros.kb.render import Renderer, md_text, md_url

EVIL = "evil.example"
BREAKOUTS = [
    f"Name](https://{EVIL}/a) [see",
    f"Name\\](https://{EVIL}/b)",
    f"Name`](https://{EVIL}/c)`",
    f'Name") [x](https://{EVIL}/d) ("',
    f"![x](https://{EVIL}/e.png) [y](//{EVIL}/f)",
    f"Name [x]: https://{EVIL}/g",
]
# Hostile text must not make drawing the pages much slower than drawing them as they are (a pattern that backtracks
# on it would): processor time, against the same drawing of the real KB, so the bound follows the KB's growth.
SLOWER_AT_MOST = 3.0


def _set(entry: object, name: str, value: object) -> None:
    object.__setattr__(entry, name, value)


def draw_pages(kb) -> dict[str, str]:
    """Every page the templates draw, as the HTML the site's Markdown makes of it."""
    renderer = Renderer(kb, "https://kb.example.org/", "https://github.com/owner/cortisone-kb")
    sources = {src: text.split("---\n\n", 1)[1] for src, text in cause_pages(kb, renderer).items()}
    sources.update({src: text.split("---\n\n", 1)[1] for src, text in aftercare_pages(kb, renderer).items()})
    for kind in KINDS:
        if kind.template and kind.page and "{id}" not in kind.page:
            entries = [e for e in getattr(kb, kind.attr) if kind.is_published(e)]
            sources[kind.page] = sources.get(kind.page, "") + renderer.render(kind.template, kind.page, entries=entries,
                                                                              kind=kind)
    sources["index.md"] = (renderer.render("cause_cards.md.j2", "index.md", causes=kb.causes)
                           + renderer.render("red_flags_box.md.j2", "index.md", flags=kb.red_flags))
    sources["causes/index.md"] = renderer.render("causes_index.md.j2", "causes/index.md", causes=kb.causes)
    sources.update({src: text.split("---\n\n", 1)[1] for src, text in case_pages(kb, renderer).items()})
    sources["cases/index.md"] = renderer.render("cases_index.md.j2", "cases/index.md", cases=kb.cases, version="1.0.0",
                                                released=["1.0.0"], site_url="https://kb.example.org/")
    sources["checklist.md"] = renderer.render_checklist("checklist.md", address="")
    sources["changelog.md"] = renderer.render("changelog.md.j2", "changelog.md", changes=kb.meta.changelog,
                                              released=[], offline_name=str)
    sources["about.md"] = renderer.render("citation.md.j2", "about.md", version=kb.meta.version, released=[],
                                          site_url="https://kb.example.org/")
    md = markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS))
    pages = {}
    for src, text in sources.items():
        md.reset()
        pages[src] = md.convert(text)
    return pages


def offsite_links(pages: dict[str, str]) -> list[tuple[str, str]]:
    found = []
    for src, html in pages.items():
        for tag in re.findall(r"<(?:a|img)\b[^>]*>", html):
            for url in re.findall(r'(?:href|src)="([^"]*)"', tag):
                if EVIL in (urlsplit(url.replace("&amp;", "&")).hostname or ""):
                    found.append((src, tag))
    return found


# Every structured value the templates put into Markdown, by kind and field.
FIELDS = [("cause", "title"), ("cause", "summary"), ("facet", "title"), ("facet", "summary"), ("check", "ask"),
          ("condition", "name"), ("region", "name"), ("term", "term"), ("faq", "question"), ("step", "title"),
          ("alternative", "title"), ("red-flag", "title"), ("red-flag", "ask"), ("site", "name"), ("aftercare", "heading"),
          ("reference", "title"), ("reference", "authors"), ("reference", "source"), ("reference", "doi"),
          ("case", "title"), ("case", "summary"), ("timeline", "title"), ("timeline", "suggests")]


@pytest.fixture(scope="module")
def plain_seconds():
    """Processor time to draw every page of the real KB, as it is."""
    kb = load_kb()
    start = time.process_time()
    draw_pages(kb)
    return time.process_time() - start


@pytest.mark.parametrize("kind,field", FIELDS, ids=[f"{k}.{f}" for k, f in FIELDS])
def test_no_page_links_off_site_whatever_a_structured_field_holds(kind, field, plain_seconds):
    kb = load_kb()  # its own model, to change
    attr = next(k.attr for k in KINDS if k.name == kind)
    for i, entry in enumerate(getattr(kb, attr)):
        _set(entry, field, BREAKOUTS[i % len(BREAKOUTS)])
    start = time.process_time()
    pages = draw_pages(kb)
    elapsed = time.process_time() - start
    assert offsite_links(pages) == []
    assert elapsed < SLOWER_AT_MOST * plain_seconds + 0.5, f"{elapsed:.1f} s against {plain_seconds:.1f} s as it is"


def test_a_reference_address_leads_only_to_its_own_host():
    kb = load_kb()
    for ref in kb.references:
        _set(ref, "url", f"https://ok.example/a) [x](https://{EVIL}/u")
    pages = draw_pages(kb)
    assert offsite_links(pages) == []
    hrefs = re.findall(r'href="(https://ok\.example[^"]*)"', pages["references.md"])
    assert hrefs and all(urlsplit(h).hostname == "ok.example" for h in hrefs)


def test_the_escaped_text_reads_exactly_as_written():
    html = markdown.markdown(f"[{md_text(BREAKOUTS[0])}](../x/)")
    assert html == f'<p><a href="../x/">Name](https://{EVIL}/a) [see</a></p>'


@pytest.mark.parametrize("url,target", [
    ("https://doi.org/10.1016/S0140-6736(10)61160-9", "https://doi.org/10.1016/S0140-6736(10)61160-9"),
    (f"https://ok.example/a)[x](https://{EVIL}/b", f"https://ok.example/a%29%5Bx%5D%28https://{EVIL}/b"),
    ("https://ok.example/a b\"c", "https://ok.example/a%20b%22c"),
])
def test_an_address_stays_one_link_target(url, target):
    html = markdown.markdown(f"[source]({md_url(url)})")
    assert re.findall(r'href="([^"]*)"', html) == [target]
