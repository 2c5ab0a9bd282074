"""The lock file and the licence list (issue 26): every runtime dependency is pinned with hashes in
requirements.lock within pyproject's ranges, and listed with its licence in docs/licences.md, so a new dependency
cannot slip in unlisted. Refresh both as tests/dependencies.py says."""

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.dependencies import LICENCES_MD, runtime_distributions
from tests.support import REPO

LOCK = REPO / "requirements.lock"
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s\\]+) \\$")


def locked() -> dict[str, tuple[str, int]]:
    """{canonical name: (version, number of hashes)} of requirements.lock."""
    pins: dict[str, tuple[str, int]] = {}
    name = None
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            name = canonicalize_name(match[1])
            pins[name] = (match[2], 0)
        elif line.strip().startswith("--hash=sha256:") and name:
            version, hashes = pins[name]
            pins[name] = (version, hashes + 1)
    return pins


def test_every_runtime_dependency_is_listed_with_its_licence():
    rows = [line.split("|")[1:4] for line in LICENCES_MD.read_text(encoding="utf-8").splitlines()
            if line.startswith("| ") and not line.startswith("| gói")]
    listed = {canonicalize_name(name.strip()): licence.strip() for name, _, licence in rows}
    missing = sorted(runtime_distributions().keys() - listed.keys())
    assert missing == [], f"not in docs/licences.md: {missing}; run `python -m tests.dependencies`"
    assert sorted(listed.keys() - runtime_distributions().keys()) == []  # nothing stale either
    assert [name for name, licence in listed.items() if not licence or "UNKNOWN" in licence] == []
    assert listed["vietnam-provinces"].endswith("GPL-3.0-or-later (its pyproject.toml)")


def test_the_project_states_one_licence():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "GPL-3.0-or-later"
    assert (REPO / "LICENSE").read_text(encoding="utf-8").lstrip().startswith("GNU GENERAL PUBLIC LICENSE")
    assert "**GPL-3.0-or-later**" in (REPO / "README.md").read_text(encoding="utf-8")


def test_the_lock_pins_every_runtime_dependency_with_hashes_within_pyprojects_ranges():
    pins = locked()
    missing = sorted(runtime_distributions().keys() - pins.keys())
    assert missing == [], f"not in requirements.lock: {missing}; refresh it (docs/deploy.md, the lock file)"
    assert [name for name, (_, hashes) in pins.items() if hashes == 0] == []
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    outside = [f"{requirement} locked at {pins[canonicalize_name(requirement.name)][0]}"
               for requirement in map(Requirement, project["dependencies"])
               if pins[canonicalize_name(requirement.name)][0] not in requirement.specifier]
    assert outside == []


def test_the_deploy_guide_installs_from_the_lock():
    guide = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
    from_the_lock = "pip install -q --require-hashes -r requirements.lock && .venv/bin/pip install -q --no-deps"
    assert guide.count(from_the_lock) >= 2  # installing, and upgrading
    assert "pip-compile --generate-hashes" in guide
