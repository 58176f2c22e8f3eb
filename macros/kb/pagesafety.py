"""The built page's own defences: a check of the finished HTML and a Content-Security-Policy.

KB text is checked where it is written (markup.py); this is the second line, on every finished
page whatever produced it: templates, hand-written pages or the theme. A page with a script
handler, a script URL, an outside resource or a repeated id fails the build. The policy, a `meta`
tag because static hosts cannot set headers, lets the browser run only the site's own script files
and the theme's inline scripts (by hash), and load nothing from outside the site.
"""
from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

from .markup import SCRIPT_SCHEMES, url_scheme

# Attributes that load something into the page, by tag (links elsewhere, <a href>, are not loads).
RESOURCE_ATTRS = {"script": "src", "img": "src", "iframe": "src", "audio": "src", "video": "src", "source": "src",
                  "track": "src", "embed": "src", "input": "src", "object": "data", "link": "href"}
URL_ATTRS = frozenset({"href", "src", "action", "formaction", "data", "poster", "xlink:href", "background", "cite"})
FORBIDDEN_TAGS = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "base"})
FORBIDDEN_ATTRS = frozenset({"srcdoc", "formaction", "autofocus"})
SCRIPT_TYPES = frozenset({"", "text/javascript", "application/javascript", "module"})

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],  # plus the hashes of the theme's inline scripts on each page
    "style-src": ["'self'", "'unsafe-inline'"],  # the theme sets styles; styles run no code
    "img-src": ["'self'", "data:"],  # the theme's icons are data: images in its CSS
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'", "blob:"],
    "frame-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}


class _Page(HTMLParser):
    """Collects what the checks need from a finished page in one pass."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.ids: dict[str, int] = {}
        self.inline_scripts: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"has a <{tag}> element")
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"has an event handler attribute '{name}' on <{tag}>")
            elif name in FORBIDDEN_ATTRS:
                self.problems.append(f"has the attribute '{name}' on <{tag}>")
            elif name in URL_ATTRS and url_scheme(value) in SCRIPT_SCHEMES:
                self.problems.append(f"has a script URL in '{name}' on <{tag}>: {value[:60]!r}")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.problems.append("has a <meta http-equiv=refresh>")
        resource = RESOURCE_ATTRS.get(tag)
        if resource and resource in values and _outside(values[resource]) and not _is_page_link(tag, values):
            self.problems.append(f"loads <{tag}> from outside the site: {values[resource][:80]!r}")
        if "id" in values:
            self.ids[values["id"]] = self.ids.get(values["id"], 0) + 1
        if tag == "script" and "src" not in values and values.get("type", "").lower() in SCRIPT_TYPES:
            self._script = []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.inline_scripts.append("".join(self._script))
            self._script = None


def _outside(url: str) -> bool:
    return bool(url_scheme(url)) or re.sub(r"[\x00-\x20]", "", url).startswith(("//", "\\\\", "/\\", "\\/"))


def _is_page_link(tag: str, values: dict[str, str]) -> bool:
    """<link rel=canonical|alternate> names an address; the browser fetches nothing from it."""
    return tag == "link" and bool({"canonical", "alternate"} & set(values.get("rel", "").lower().split()))


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def _problems(page: _Page) -> list[str]:
    """What is wrong with a finished page: handlers, script URLs, outside resources, repeated ids."""
    repeated = sorted(i for i, count in page.ids.items() if count > 1)
    return page.problems + [f"uses the element id '{i}' more than once" for i in repeated]


# What a template expression inside a theme's inline script may become: the only values the theme puts there
# are relative paths (the page's base URL). A quote, bracket or angle bracket can never match.
TEMPLATE_VALUE = "[A-Za-z0-9./_-]*"


def theme_scripts(template_dirs: Iterable[str | Path]) -> tuple[re.Pattern, ...]:
    """The inline scripts the theme's templates (and the project's overrides) write, as patterns of whole scripts:
    each `{{ ... }}` in one stands for a relative path. Only scripts that match one are given a hash."""
    patterns: set[str] = set()
    for folder in template_dirs:
        for path in sorted(Path(folder).rglob("*.html")):
            text = path.read_text(encoding="utf-8", errors="replace")
            for body in re.findall(r"<script>(.*?)</script>", text, re.DOTALL):
                patterns.add(TEMPLATE_VALUE.join(re.escape(part) for part in re.split(r"\{\{.*?\}\}", body)))
    return tuple(re.compile(pattern, re.DOTALL) for pattern in sorted(patterns))


def finish_page(html: str, offline: bool = False,
                known_scripts: tuple[re.Pattern, ...] | None = None) -> tuple[str, list[str]]:
    """Check a finished page and give it its policy, reading it once: (the page, its problems).

    With known_scripts (theme_scripts), an inline script that matches none of them is a problem: the policy never
    hashes a script the site did not write (one that a hostile site address slipped into the page, say)."""
    page = _parse(html)
    problems = _problems(page)
    if known_scripts is not None:
        problems += [f"has an inline script the site did not write: {script[:60]!r}" for script in page.inline_scripts
                     if not any(pattern.fullmatch(script) for pattern in known_scripts)]
    return (html, problems) if problems else (_insert_policy(html, _policy(page.inline_scripts, offline)), [])


def content_problems(content_html: str) -> list[str]:
    """The page's main content (KB text and templates) may not carry scripts of any kind."""
    page = _parse(content_html)
    return page.problems + ["has an inline <script> in its content"] * bool(page.inline_scripts)


def script_hash(script: str) -> str:
    """The CSP source expression that allows exactly this inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def _policy(inline_scripts: list[str], offline: bool) -> str:
    """The page's policy: the site's own files, plus exactly the inline scripts the page holds.

    The offline copy is opened from disk, where the theme runs search through a shim that writes an
    inline script naming the folder the copy was unpacked in: no hash can name it in advance, so
    that copy allows inline scripts (and file: addresses); every other directive still holds."""
    if offline:
        scripts = POLICY["script-src"] + ["'unsafe-inline'", "file:"]
    else:
        scripts = POLICY["script-src"] + sorted({script_hash(s) for s in inline_scripts})
    directives = dict(POLICY, **{"script-src": scripts})
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def _insert_policy(html: str, policy: str) -> str:
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    head = re.search(r"<head[^>]*>(\s*<meta charset=[^>]*>)?", html)
    if head is None:
        raise ValueError("the page has no <head>")
    return html[: head.end()] + "\n    " + meta + html[head.end():]
