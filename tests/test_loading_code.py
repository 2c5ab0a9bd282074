"""The site cache's version covers exactly the code that loads sites (sites/catalog/loading_code.py): an upgrade that
changes that code, its data or its libraries parses everything again, any other keeps the cache (issue 27)."""

import json
import shutil
import subprocess
import sys

import pytest

from sites.catalog import loading_code
from sites.catalog.loading_code import LOADING_MODULE, PROJECT_ROOT, loading_code as loading_modules


def test_the_loading_code_is_every_project_module_the_loader_imports():
    imported = subprocess.run(
        [sys.executable, "-c", f"import json, sys, {LOADING_MODULE}; print(json.dumps(sorted(sys.modules)))"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    project = {name for name in json.loads(imported.stdout) if loading_code.module_file(name) is not None}
    modules = loading_modules()
    assert project <= set(modules)  # nothing the loader runs is left out of the hash
    assert "sites.visits" not in modules and "api" not in modules


@pytest.fixture
def project_copy(tmp_path, monkeypatch):
    """A copy of the project's packages, taken as the project by loading_code."""
    for package in ("sites", "speech", "api"):
        shutil.copytree(PROJECT_ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(loading_code, "PROJECT_ROOT", tmp_path)
    loading_code.code_version.cache_clear()
    yield tmp_path
    loading_code.code_version.cache_clear()


def version_after(change) -> tuple[str, str]:
    before = loading_code.code_version()
    change()
    loading_code.code_version.cache_clear()
    return before, loading_code.code_version()


@pytest.mark.parametrize("changed", ["sites/catalog/models.py", "sites/storage/files.py", "speech/audio.py",
                                     "sites/catalog/province_merger.csv"])
def test_a_change_to_the_loading_code_or_its_data_changes_the_version(project_copy, changed):
    before, after = version_after(lambda: (project_copy / changed).write_bytes(
        (project_copy / changed).read_bytes() + b"\n"))
    assert before != after


@pytest.mark.parametrize("changed", ["sites/visits/stats.py", "api/app.py", "sites/catalog/i18n.py"])
def test_a_change_elsewhere_keeps_the_version(project_copy, changed):
    assert (project_copy / changed).is_file()
    before, after = version_after(lambda: (project_copy / changed).write_bytes(
        (project_copy / changed).read_bytes() + b"\n# changed\n"))
    assert before == after


@pytest.mark.parametrize(("installed", "changes"), [("PyYAML-99.0.dist-info", True),
                                                    ("diachido-99.0.dist-info", False)])
def test_another_library_changes_the_version_but_another_release_of_this_project_does_not(
        project_copy, tmp_path, monkeypatch, installed, changes):
    libraries = tmp_path / "site-packages"
    libraries.mkdir()
    monkeypatch.syspath_prepend(str(libraries))
    before, after = version_after(lambda: (libraries / installed).mkdir())
    assert (before != after) is changes
