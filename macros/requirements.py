"""requirements.txt is the pinned lock of pyproject.toml's dependencies: write it, and tell when it is stale.

`python -m macros.requirements check` (standard library only: make runs it before .venv exists) fails
when the Python running it is older than pyproject.toml's requires-python (the oldest the pins allow),
or when pyproject.toml's dependencies changed since requirements.txt was written.
`python -m macros.requirements write PYTHON` writes requirements.txt from what `pip freeze` lists in the
environment of PYTHON, where `make lock` has just installed the project with its test extra.
"""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
REQUIREMENTS = ROOT / "requirements.txt"
STAMP = re.compile(r"^# pyproject-dependencies-sha256: ([0-9a-f]{64})$", re.MULTILINE)
HEADER = """\
# Every package pinned, transitive ones included: `make` installs exactly these into .venv.
# Generated from pyproject.toml by `make lock` (keeps these pins where pyproject.toml still allows
# them); to upgrade a package, delete its line and run `make lock`; then run `make test`, commit both.
"""


REQUIRES_PYTHON = re.compile(r'^requires-python = ">=(\d+(?:\.\d+)*)"$', re.MULTILINE)


def python_floor(pyproject: Path = PYPROJECT) -> tuple[int, ...]:
    """The oldest Python pyproject.toml allows (requires-python = ">=X.Y.Z"), read without tomllib (3.11+ only)."""
    match = REQUIRES_PYTHON.search(pyproject.read_text(encoding="utf-8"))
    if match is None:
        raise ValueError(f'{pyproject.name}: no requires-python = ">=X.Y.Z" line')
    return tuple(int(part) for part in match.group(1).split("."))


def python_problem(version: tuple[int, ...] | None = None, pyproject: Path = PYPROJECT) -> str:
    """Why this Python cannot build the site (it is older than the pins need), or "" when it can."""
    version = tuple(version or sys.version_info[:3])
    floor = python_floor(pyproject)
    if version[:len(floor)] >= floor:
        return ""
    need, have = ".".join(map(str, floor)), ".".join(map(str, version[:3]))
    return (f"error: this needs Python {need} or later (the pinned packages require it), but {sys.executable or 'python'} "
            f"is Python {have}.\nInstall a newer Python and run make with it, e.g. `make setup PYTHON=python3.12`.")


def declared(pyproject: Path = PYPROJECT) -> dict[str, list[str]]:
    """pyproject.toml's dependencies, optional ones and groups included, by section."""
    import tomllib  # here, not at the top: an older Python must reach python_problem's message first

    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    sections = {"dependencies": data["project"].get("dependencies", [])}
    sections.update({f"extra {k}": v for k, v in data["project"].get("optional-dependencies", {}).items()})
    sections.update({f"group {k}": v for k, v in data.get("dependency-groups", {}).items()})
    return sections


def fingerprint(pyproject: Path = PYPROJECT) -> str:
    """A hash of the declared dependencies: it changes exactly when they do."""
    return hashlib.sha256(json.dumps(declared(pyproject), sort_keys=True).encode("utf-8")).hexdigest()


def pins(requirements: Path = REQUIREMENTS) -> dict[str, str]:
    """The pinned versions by normalised package name."""
    found = {}
    for line in requirements.read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            found[normalise(name)] = version.strip()
    return found


def normalise(name: str) -> str:
    """A package name as the registry compares it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower().strip()


def stale_reason(pyproject: Path = PYPROJECT, requirements: Path = REQUIREMENTS) -> str:
    """Why requirements.txt does not match pyproject.toml, or "" when it does."""
    match = STAMP.search(requirements.read_text(encoding="utf-8"))
    if match is None:
        return f"{requirements.name} has no '# pyproject-dependencies-sha256:' line"
    if match.group(1) != fingerprint(pyproject):
        return f"the dependencies in {pyproject.name} changed since {requirements.name} was written"
    return ""


def write(python: str, requirements: Path = REQUIREMENTS) -> None:
    """Write requirements.txt from the packages installed in python's environment (the project itself left out)."""
    frozen = subprocess.run([python, "-m", "pip", "freeze", "--all", "--exclude-editable", "--disable-pip-version-check"],
                            capture_output=True, text=True, check=True).stdout.splitlines()
    skip = {"cortisone-kb", "pip", "setuptools", "wheel"}
    pinned = [x for x in frozen if "==" in x and normalise(x.split("==")[0]) not in skip]
    lines = sorted(pinned, key=lambda x: normalise(x.split("==")[0]))
    requirements.write_text(HEADER + f"# pyproject-dependencies-sha256: {fingerprint()}\n" + "\n".join(lines) + "\n",
                            encoding="utf-8")


def main(argv: list[str]) -> int:
    """`check`: exit 1 with the reason when the lock is stale; `write PYTHON`: write the lock."""
    if argv[:1] == ["check"]:
        problem = python_problem()
        if problem:
            print(problem, file=sys.stderr)
            return 1
        reason = stale_reason()
        if reason:
            print(f"error: requirements.txt is out of date: {reason}.\n"
                  "Run `make lock`, then `make test`, and commit both files.", file=sys.stderr)
            return 1
        return 0
    if argv[:1] == ["runtime"]:
        # What a build alone needs (`make build BUILD_ONLY=1`, the Pages workflow): no test tools.
        print("\n".join(declared()["dependencies"]))
        return 0
    if argv[:1] == ["write"] and len(argv) == 2:
        write(argv[1])
        print(f"{REQUIREMENTS.name} written from {PYPROJECT.name}")
        return 0
    print("usage: python -m macros.requirements check | runtime | write PYTHON", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
