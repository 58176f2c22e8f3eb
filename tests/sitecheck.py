"""Reading a built site the way a browser would: pages, their ids, and their links."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit


@dataclass
class Page:
    """One built HTML page: the ids it defines and the hrefs it links to."""

    path: Path
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)
    text: str = ""
    title: str = ""
    description: str | None = None


class _Collector(HTMLParser):
    def __init__(self, page: Page):
        super().__init__(convert_charrefs=True)
        self.page, self.skip, self.in_title, self.chunks = page, 0, False, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.page.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href") is not None:
            self.page.links.append(attrs["href"])
        if tag in ("link", "script") and (attrs.get("href") or attrs.get("src")):
            self.page.links.append(attrs.get("href") or attrs.get("src"))
        if tag == "img" and attrs.get("src"):
            self.page.links.append(attrs["src"])
        if tag == "meta" and attrs.get("name") == "description":
            self.page.description = attrs.get("content")
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "title":
            self.in_title = True

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        if tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.page.title += data
        elif not self.skip:
            self.chunks.append(data)


def read_page(path: Path) -> Page:
    """Parse one built page."""
    page = Page(path)
    collector = _Collector(page)
    collector.feed(path.read_text(encoding="utf-8"))
    page.text = " ".join(" ".join(collector.chunks).split())
    return page


def read_site(site: Path) -> dict[str, Page]:
    """Every HTML page of a built site, keyed by its path relative to the site root."""
    return {str(p.relative_to(site)): read_page(p) for p in sorted(site.rglob("*.html"))}


def broken_links(site: Path, pages: dict[str, Page]) -> list[str]:
    """Every internal href or anchor that does not resolve, as 'page -> href: why'."""
    problems = []
    for rel, page in pages.items():
        base = "http://site/" + rel
        for href in page.links:
            parts = urlsplit(urljoin(base, href))
            if parts.netloc != "site" or parts.scheme not in ("http", "https"):
                continue
            target = site / unquote(parts.path.lstrip("/"))
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                problems.append(f"{rel} -> {href}: no such file")
                continue
            if parts.fragment and target.suffix == ".html":
                target_rel = str(target.relative_to(site))
                ids = pages[target_rel].ids if target_rel in pages else read_page(target).ids
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{rel} -> {href}: no element with id '{parts.fragment}'")
    return problems


def built_pages(site: Path) -> list[str]:
    """Every built page's address relative to the site root ('./' for the home page), 404 left out."""
    return sorted(str(p.relative_to(site).parent) + "/" if p.name == "index.html" else str(p.relative_to(site))
                  for p in site.rglob("*.html") if p.name != "404.html")


# One page of each kind the site builds, by the template or source that makes it: what the default browser sweeps
# visit (the slow set visits every page). The checklist has its own tests, in both colour schemes.
PAGE_OF_EACH_TEMPLATE = {
    "home (cause_cards)": "./", "hand-written page": "about/", "alternatives": "alternatives/",
    "approach": "approach/", "causes_index": "causes/", "cause": "causes/delayed-effect/", "changelog": "changelog/",
    "index_of": "conditions/", "faq": "faq/", "glossary": "glossary/", "red-flags": "red-flags/",
    "references": "references/", "sites": "sites/", "downloads (training)": "training/",
    "case": "cases/hot-knee-on-day-four/", "cases_index": "cases/",
}


def kb_json_problems(site: Path, base_url: str) -> list[str]:
    """Every url in kb.json under base_url that does not reach a built page and, if it has one, its anchor."""
    import json

    problems = []

    def urls(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "url" and isinstance(value, str) and value.startswith(base_url):
                    yield value
                else:
                    yield from urls(value)
        elif isinstance(node, list):
            for value in node:
                yield from urls(value)

    for url in urls(json.loads((site / "kb.json").read_text(encoding="utf-8"))):
        path, _, anchor = url.removeprefix(base_url).partition("#")
        target = site / path / "index.html" if not path.endswith(".html") else site / path
        if not target.exists():
            problems.append(f"kb.json -> {url}: no such page")
        elif anchor and anchor not in read_page(target).ids:
            problems.append(f"kb.json -> {url}: no element with id '{anchor}'")
    return problems


if __name__ == "__main__":
    import sys

    built = Path(sys.argv[1])
    all_pages = read_site(built)
    found = broken_links(built, all_pages) + kb_json_problems(built, sys.argv[2] if len(sys.argv) > 2 else "http://127.0.0.1:8000/")
    print("\n".join(found))
    print(f"{len(all_pages)} pages checked: {len(found)} broken link(s) or anchor(s)")
    sys.exit(1 if found else 0)


def unlocated_config_addresses(index: dict) -> list[str]:
    """The red flags and facets a search index's config names (for red flags first) that are not among its
    documents' locations: none, when the config is written in the index's own address style."""
    config, locations = index["config"]["kb"], {doc["location"] for doc in index["docs"]}
    named = [*config["urgent"], *config["anywhere"], *config["flag_facets"],
             *(facet for facets in config["flag_facets"].values() for facet in facets)]
    assert named, "the index config names no red flag"
    return [address for address in named if address not in locations]
