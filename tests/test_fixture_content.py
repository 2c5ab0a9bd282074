"""The tests build their sites from tests/content/, never from the working content/ (issue 22): a checkout
whose content/ was changed by hand or in the admin still passes its tests."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import REPO, TEST_CONTENT, add_site, edit_site

# The working content folder, however a module would spell it: REPO / "content", Path(...).parent.parent / ...
WORKING_CONTENT = re.compile(r"""(REPO|parent\.parent|parents\[1\])\s*/\s*["']content["']""")
# Test modules that read content: cheap ones, including those that count sites and journeys.
SUBSET = ["tests/test_loader.py", "tests/test_journeys.py", "tests/test_cli.py"]


def test_no_test_module_reads_the_working_content_folder():
    """No module names it: the one check of the shipped sites (test_cli.py) reads them from the commit
    (support.py's `shipped_content`, git archive)."""
    modules = {path.name: path.read_text(encoding="utf-8") for path in sorted(Path(__file__).parent.glob("*.py"))
               if path.name != Path(__file__).name}  # this module spells the patterns it looks for
    naming = [(name, line.strip()) for name, text in modules.items() for line in text.splitlines()
              if WORKING_CONTENT.search(line)]
    assert naming == []
    users = {name for name, text in modules.items() if re.search(r"\bshipped_content\b", text)}
    assert users == {"support.py", "test_cli.py"}


@pytest.mark.slow
def test_tests_pass_in_a_checkout_whose_content_was_edited_by_hand(tmp_path):
    """A copy of the checkout with a site added and a name changed in content/: tests reading content pass."""
    checkout = tmp_path / "checkout"
    shutil.copytree(REPO, checkout, ignore=shutil.ignore_patterns(".venv", "__pycache__", "*.egg-info", "data",
                                                                  ".pytest_cache"))  # .git: the shipped sites
    add_site(checkout / "content", "dinh-moi-them")
    edit_site(checkout / "content", "dinh-thoi-an", name="Đình Thới An (đã sửa)")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *SUBSET],
                            cwd=checkout, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]
    assert re.search(r"\d+ passed", result.stdout) and " failed" not in result.stdout
    assert (checkout / "tests" / "content").is_dir() and TEST_CONTENT.is_dir()
