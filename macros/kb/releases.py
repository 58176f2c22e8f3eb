"""Frozen releases: each version's kb.json, its schema and its offline copy, kept under releases/<version>/
and published at v/<version>/, never changed once written.

releases/SHA256SUMS (the `sha256sum` format, paths relative to releases/) lists every released file; a file
that differs from its line, a listed file that is missing and a file it does not list are all refused, at
their file and line. A release is frozen without the site's address (entry urls relative to the site root,
an offline copy built with no address), so it stays valid wherever the site is published: the build puts
the site's address before those urls when it publishes kb.json, and copies the other files byte for byte.

Plain Python, no mkdocs.
"""
from __future__ import annotations

import hashlib
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .export import export_files
from .history import BASE_ENV, history_of
from .markup import url_scheme
from .model import KnowledgeBase
from .problems import KbError, Problem

RELEASES_DIR = Path(__file__).resolve().parents[2] / "releases"
SUMS = "SHA256SUMS"
README = "README.md"
DATA, SCHEMA = "kb.json", "kb.schema.json"
PUBLISHED_DIR = "v"  # a release is published at v/<version>/, the newest also at v/latest/
LATEST = "latest"
LATEST_OFFLINE = "cortisone-kb-offline.zip"
VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$")
# Set (to 1) by every build that publishes (the Pages workflow, `make deploy`): releases whose history cannot
# be checked then stop the build instead of being published unchecked.
PUBLISH_ENV = "KB_PUBLISH"
SUM_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


def offline_name(version: str) -> str:
    """The offline copy's file name in a release: cortisone-kb-<version>-offline.zip."""
    return f"cortisone-kb-{version}-offline.zip"


def release_names(version: str) -> tuple[str, ...]:
    """The files every release holds."""
    return DATA, SCHEMA, offline_name(version)


def version_key(version: str) -> tuple[int, ...]:
    """A version as numbers, so that 1.10.0 sorts after 1.9.0."""
    return tuple(int(part) for part in version.split("."))


@dataclass(frozen=True)
class Release:
    """One frozen version: its folder under releases/."""

    version: str
    folder: Path

    def path(self, name: str) -> Path:
        return self.folder / name


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sum_lines(root: Path) -> tuple[list[str], list[Problem]]:
    """The lines of SHA256SUMS (none if it is absent), or the problem that stops it being read."""
    sums, label = root / SUMS, f"{root.name}/{SUMS}"
    if not sums.exists():
        return [], []
    if not sums.is_file() or sums.is_symlink():
        return [], [Problem(label, 1, "is not a regular file: it must be the checksum list `make release` writes")]
    data = sums.read_bytes()
    try:
        return data.decode("utf-8").splitlines(), []
    except UnicodeDecodeError as exc:
        return [], [Problem(label, data.count(b"\n", 0, exc.start) + 1,
                            f"is not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be read; restore it from git")]


def integrity_problems(root: Path = RELEASES_DIR) -> list[Problem]:
    """Everything that breaks the rule that a released file never changes: files that differ from their
    checksum line, listed files that are missing, files not listed, releases without all their files, and
    a released kb.json that is not JSON."""
    if not root.is_dir():
        return []
    label = f"{root.name}/{SUMS}"
    lines, problems = _sum_lines(root)
    if problems:
        return problems
    listed: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        match = SUM_LINE.match(line)
        name = match.group(2) if match else ""
        version, _, file_name = name.partition("/")
        if not match or not VERSION.match(version) or file_name not in release_names(version):
            problems.append(Problem(label, number, "is not '<sha256>  <version>/<file>' naming one of a release's "
                                                   f"files ({', '.join(release_names('X.Y.Z'))})"))
            continue
        if name in listed:
            problems.append(Problem(label, number, f"lists {name} again (first on line {listed[name]})"))
            continue
        listed[name] = number
        path = root / name
        if not path.is_file():
            problems.append(Problem(label, number, f"{root.name}/{name} is listed but missing: a released file is "
                                                   "never removed (restore it from git)"))
        elif path.is_symlink():
            problems.append(Problem(f"{root.name}/{name}", 1, "is a link: a released file is a plain file"))
        elif sha256(path) != match.group(1):
            problems.append(Problem(f"{root.name}/{name}", 1, f"changed after its release (its SHA-256 is not the one "
                                                              f"{label}:{number} records): a released file never "
                                                              "changes; restore it with `git checkout -- releases/` "
                                                              "and publish the change as a new version"))
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = path.relative_to(root).as_posix()
        if name not in listed and name not in (SUMS, README):
            problems.append(Problem(f"{root.name}/{name}", 1, f"is not listed in {label}: only `make release` "
                                                              "adds files to a release"))
    for version in sorted({name.split("/")[0] for name in listed}):
        for name in release_names(version):
            if f"{version}/{name}" not in listed:
                problems.append(Problem(label, 1, f"release {version} has no {name}: a release holds "
                                                  f"{', '.join(release_names(version))}"))
        data = root / version / DATA
        if f"{version}/{DATA}" in listed and data.is_file() and not data.is_symlink():
            problems.extend(_json_problems(data, f"{root.name}/{version}/{DATA}"))
    return problems


def _json_problems(path: Path, label: str) -> list[Problem]:
    """A released kb.json must be JSON text: the build reads it to put the site's address in."""
    raw = path.read_bytes()
    try:
        json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return [Problem(label, raw.count(b"\n", 0, exc.start) + 1, f"is not UTF-8 text: byte 0x{raw[exc.start]:02x} "
                                                                     "cannot be read")]
    except json.JSONDecodeError as exc:
        return [Problem(label, exc.lineno, f"is not valid JSON: {exc.msg}")]
    except RecursionError:
        return [Problem(label, 1, "is nested too deeply to be the KB's data")]
    return []


def history_problems(root: Path = RELEASES_DIR, strict: bool = False) -> list[Problem]:
    """SHA256SUMS only grows: every checksum line that history holds (each version committed on HEAD's first-parent
    line, and the base branch's) is still there, unchanged. Without that history the releases cannot be checked:
    strict (publishing, `make release`) then fails closed if there are releases, otherwise the check is skipped."""
    label = f"{root.name}/{SUMS}"
    if not root.is_dir():
        return []
    lines, problems = _sum_lines(root)
    if problems:
        return problems
    current = {m.group(2): (m.group(1), n) for n, m in enumerate(map(SUM_LINE.match, lines), start=1) if m}
    history = history_of(root / SUMS)
    reported: set[str] = set()
    for commit, text in history.versions:
        for line in text.splitlines():
            match = SUM_LINE.match(line)
            if not match or match.group(2) in reported:
                continue
            name, checksum = match.group(2), match.group(1)
            if name not in current:
                reported.add(name)
                problems.append(Problem(label, 1, f"the line for {name} is gone, but commit {commit[:12]} listed "
                                                  "it: a released file is never removed; restore releases/ with "
                                                  f"`git checkout {commit[:12]} -- {root.name}/`"))
            elif current[name][0] != checksum:
                reported.add(name)
                problems.append(Problem(label, current[name][1], f"the line for {name} was rewritten: commit "
                                                                  f"{commit[:12]} recorded another checksum, "
                                                                  "and a released file never changes; restore it "
                                                                  f"with `git checkout {commit[:12]} -- {root.name}/` "
                                                                  "and publish the change as a new version"))
    if history.missing and strict and current:  # with no release yet, there is nothing to check
        problems.append(Problem(label, 1, f"cannot be checked against the commits that added the releases: "
                                          f"{history.missing}. Publishing needs that history: check out with full "
                                          f"history (`git fetch --unshallow`; actions/checkout with fetch-depth: 0), "
                                          f"or fetch the base branch and name it in {BASE_ENV}"))
    return problems


def read_releases(root: Path = RELEASES_DIR) -> list[Release]:
    """The frozen releases, oldest first; KbError if any released file is missing, changed or unlisted."""
    problems = integrity_problems(root)
    if problems:
        raise KbError(problems)
    lines, _problems = _sum_lines(root)
    if not lines:
        return []
    versions = {SUM_LINE.match(line).group(2).split("/")[0] for line in lines}
    return [Release(v, root / v) for v in sorted(versions, key=version_key)]


def frozen_files(kb: KnowledgeBase) -> dict[str, bytes]:
    """What a release of the KB freezes from the KB itself: kb.json (urls relative to the site) and its schema."""
    files = export_files(kb, "")
    return {DATA: files["kb.json"].encode("utf-8"), SCHEMA: files["kb.schema.json"].encode("utf-8")}


def _version_line(meta_file: Path) -> int:
    lines = meta_file.read_text(encoding="utf-8").splitlines() if meta_file.is_file() else []
    return next((n for n, line in enumerate(lines, start=1) if line.startswith("version:")), 1)


def currency_problems(kb: KnowledgeBase, releases: list[Release], meta_file: Path,
                      require_released: bool = True) -> list[Problem]:
    """Whether the KB and its version agree with the releases: a released version's content never changes,
    versions only go up and, once one release exists, the version being published must be released too."""
    if not releases:
        return []
    version, newest = kb.meta.version, releases[-1].version
    at = ("kb/" + meta_file.name, _version_line(meta_file))
    if version_key(version) < version_key(newest):
        return [Problem(*at, f"version {version} is older than the newest release, {newest}: versions only go up")]
    release = next((r for r in releases if r.version == version), None)
    if release is None:
        if not require_released:
            return []
        return [Problem(*at, f"version {version} is not released yet, and once a first release exists every "
                             "published version must be: the publishing workflow releases it before it builds "
                             "(`make release-ci`), or run `make release` and commit releases/")]
    changed = [name for name, content in frozen_files(kb).items() if release.path(name).read_bytes() != content]
    if changed:
        return [Problem(*at, f"version {version} was released (releases/{version}/) and the KB no longer matches "
                             f"its {' and '.join(changed)}: a release never changes, so give the changed KB a new "
                             "version here and say what changed in the changelog; CI releases the new version when "
                             "the change reaches main")]
    return []


def with_address(data: bytes, site_url: str) -> bytes:
    """A frozen kb.json as published at site_url: each url relative to the site gets the site's address."""
    def walk(node: object) -> object:
        if isinstance(node, dict):
            return {key: (site_url + value if key == "url" and isinstance(value, str) and value and not url_scheme(value)
                          else walk(value)) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(value) for value in node]
        return node

    return (json.dumps(walk(json.loads(data)), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def published_files(releases: list[Release], site_url: str) -> dict[str, bytes | Path]:
    """Each release's files by their address in the site (v/<version>/...), the newest also under v/latest/:
    kb.json as bytes with the site's address, the other files as the paths to copy unchanged."""
    files: dict[str, bytes | Path] = {}
    for release in releases:
        base = f"{PUBLISHED_DIR}/{release.version}/"
        files[base + DATA] = with_address(release.path(DATA).read_bytes(), site_url)
        files[base + SCHEMA] = release.path(SCHEMA)
        files[base + offline_name(release.version)] = release.path(offline_name(release.version))
        # The checksums of the files as published in this folder: `sha256sum -c SHA256SUMS` there checks a download.
        files[base + SUMS] = "".join(f"{digest}  {name}\n" for name, digest in
                                     published_checksums(files, release.version)).encode("utf-8")
    if releases:
        newest, latest = releases[-1], f"{PUBLISHED_DIR}/{LATEST}/"
        files[latest + DATA] = files[f"{PUBLISHED_DIR}/{newest.version}/{DATA}"]
        files[latest + SCHEMA] = newest.path(SCHEMA)
        files[latest + LATEST_OFFLINE] = newest.path(offline_name(newest.version))
    return files


def published_checksums(files: dict[str, bytes | Path], version: str) -> list[tuple[str, str]]:
    """[(file name, SHA-256)] of one release's files as published at v/<version>/ (kb.json with the site's address;
    the schema and the offline copy byte for byte, so their checksums are the frozen ones)."""
    base = f"{PUBLISHED_DIR}/{version}/"
    found = []
    for name in release_names(version):
        content = files[base + name]
        found.append((name, sha256(content) if isinstance(content, Path) else hashlib.sha256(content).hexdigest()))
    return found


VERSIONS_PAGE = f"{PUBLISHED_DIR}/index.md"  # the versions page: every release, its date, changes and checksums


def release_date(kb: KnowledgeBase) -> str:
    """The date of the current version's changelog entry (YYYY-MM-DD); KbError if it has none."""
    for change in kb.meta.changelog:
        if change.version == kb.meta.version:
            return change.date
    raise KbError([Problem("kb/meta.yaml", 1, f"version {kb.meta.version} has no changelog entry: say what the "
                                              "release changed before releasing it")])


def write_zip(folder: Path, dest: Path, date: str) -> None:
    """Zip folder into dest the same way every time: names sorted, one timestamp (the release date), fixed modes."""
    stamp = tuple(int(part) for part in date.split("-")) + (0, 0, 0)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes(), compresslevel=9)


def existing_release(kb: KnowledgeBase, root: Path = RELEASES_DIR) -> Release | None:
    """The release of the KB's version if it exists and matches the KB; KbError if it exists with other content,
    or if the version is older than the newest release. None if the version is not released yet."""
    releases = read_releases(root)
    problems = currency_problems(kb, releases, root.parent / "kb" / "meta.yaml", require_released=False)
    if problems:
        raise KbError(problems)
    return next((r for r in releases if r.version == kb.meta.version), None)


def freeze(kb: KnowledgeBase, offline_zip: Path, root: Path = RELEASES_DIR) -> list[str]:
    """Write the KB's version as a new release (kb.json, its schema, the offline zip) and list it in SHA256SUMS.

    Refuses (KbError) to touch a release that exists: a released file never changes. Returns the paths written."""
    if existing_release(kb, root) is not None:
        raise KbError([Problem(f"{root.name}/{kb.meta.version}", 1, "is already released")])
    folder = root / kb.meta.version
    files = dict(frozen_files(kb))
    files[offline_name(kb.meta.version)] = offline_zip.read_bytes()
    folder.mkdir(parents=True)
    lines = []
    for name, content in files.items():
        (folder / name).write_bytes(content)
        lines.append(f"{hashlib.sha256(content).hexdigest()}  {kb.meta.version}/{name}\n")
    with (root / SUMS).open("a", encoding="utf-8") as sums:
        sums.writelines(lines)
    return [f"{root.name}/{kb.meta.version}/{name}" for name in files]
