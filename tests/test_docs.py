"""The docs document every front-matter field (docs/*.md) and every setting (README), and hold together:
every page in docs/ is linked, every relative link resolves (as datasette's test_docs does for its docs)."""

import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest
from pydantic import BaseModel

from sites.catalog.journey_models import JourneyFrontMatter, JourneyTranslation
from sites.catalog.loader import nested_model
from sites.catalog.models import SiteFrontMatter, Translation
from sites.settings import Settings
from tests.support import REPO

README_PATH = REPO / "README.md"
DOCS_DIR = REPO / "docs"
PAGES = [README_PATH, *sorted(DOCS_DIR.glob("*.md"))]
README = README_PATH.read_text(encoding="utf-8")
DOCS = "\n".join(page.read_text(encoding="utf-8") for page in sorted(DOCS_DIR.glob("*.md")))

FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6} +(.+?) *#*$", re.MULTILINE)


def field_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    paths = []
    for name, field in model.model_fields.items():
        paths.append(prefix + name)
        if nested := nested_model(field.annotation):
            paths += field_paths(nested, f"{prefix}{name}.")
    return paths


def prose(page: Path) -> str:
    """The page's Markdown without its code blocks, where `#` and `[x](y)` are not headings or links."""
    return FENCE.sub("", page.read_text(encoding="utf-8"))


def anchors(page: Path) -> set[str]:
    """The fragment ids GitHub gives the page's headings: lower case, punctuation dropped (letters with
    diacritics kept), spaces to hyphens, and -1, -2 ... after a repeated one."""
    ids, counts = set(), {}
    for heading in HEADING.findall(prose(page)):
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "")
        slug = "".join(c for c in unicodedata.normalize("NFC", text.lower())
                       if c in " -_" or unicodedata.category(c)[0] in "LN").replace(" ", "-")
        repeat = counts[slug] = counts.get(slug, -1) + 1
        ids.add(f"{slug}-{repeat}" if repeat else slug)
    return ids


def relative_links(page: Path) -> list[str]:
    return [target for target in LINK.findall(prose(page)) if not re.match(r"[a-z][a-z0-9+.-]*:", target)]


def test_every_front_matter_field_is_documented_in_docs():
    missing = [path for path in field_paths(SiteFrontMatter) + field_paths(Translation) if f"`{path}`" not in DOCS]
    assert missing == []


def test_every_journey_field_is_documented_in_docs():
    paths = field_paths(JourneyFrontMatter) + field_paths(JourneyTranslation)
    assert [path for path in paths if f"`{path}`" not in DOCS] == []


def test_every_field_has_a_description():
    for model in (SiteFrontMatter, Translation, JourneyFrontMatter, JourneyTranslation, Settings):
        assert [name for name, field in model.model_fields.items() if not field.description] == []


def test_every_setting_is_documented_in_the_readme():
    missing = [name for name in Settings.model_fields if f"`DIACHIDO_{name.upper()}`" not in README]
    assert missing == []


def test_ci_runs_exactly_the_readme_test_command():
    ci_commands = [line for line in (REPO / ".ci" / "run").read_text().splitlines() if "pytest" in line]
    assert len(ci_commands) == 1
    assert f"\n{ci_commands[0]}\n" in README


def test_every_docs_page_is_linked_from_the_readme_or_the_docs_index():
    index = DOCS_DIR / "README.md"
    linked = {(page.parent / unquote(target.split("#")[0])).resolve()
              for page in (README_PATH, index) for target in relative_links(page) if target.split("#")[0]}
    assert index.resolve() in linked
    assert [page.name for page in sorted(DOCS_DIR.glob("*.md")) if page.resolve() not in linked] == []


def test_every_screenshot_is_shown_on_a_docs_page():
    """A file in docs/screenshots/ that no page links is dead weight in every clone (tests that write
    screenshots there with DOC_SCREENSHOTS=1 write only linked ones)."""
    linked = {(page.parent / unquote(target.split("#")[0])).resolve() for page in PAGES
              for target in relative_links(page)}
    shots = sorted((DOCS_DIR / "screenshots").iterdir())
    assert len(shots) > 0
    assert [shot.name for shot in shots if shot.resolve() not in linked] == []


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(REPO)))
def test_every_relative_link_resolves(page: Path):
    broken = []
    for target in relative_links(page):
        path, _, fragment = unquote(target).partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists() or (fragment and file.suffix == ".md" and fragment not in anchors(file)):
            broken.append(target)
    assert broken == []
