"""The README documents every front-matter field and every setting (as datasette's test_docs does)."""

from pydantic import BaseModel

from api.settings import Settings
from sites.loader import nested_model
from sites.journey_models import JourneyFrontMatter, JourneyTranslation
from sites.models import SiteFrontMatter, Translation
from tests.conftest import REPO

# The README and the pages under docs/ that it links to.
README = "\n".join(path.read_text(encoding="utf-8") for path in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))])


def field_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    paths = []
    for name, field in model.model_fields.items():
        paths.append(prefix + name)
        if nested := nested_model(field.annotation):
            paths += field_paths(nested, f"{prefix}{name}.")
    return paths


def test_every_front_matter_field_is_documented():
    missing = [path for path in field_paths(SiteFrontMatter) + field_paths(Translation) if f"`{path}`" not in README]
    assert missing == []


def test_every_journey_field_is_documented():
    paths = field_paths(JourneyFrontMatter) + field_paths(JourneyTranslation)
    assert [path for path in paths if f"`{path}`" not in README] == []


def test_every_field_has_a_description():
    for model in (SiteFrontMatter, Translation, JourneyFrontMatter, JourneyTranslation, Settings):
        assert [name for name, field in model.model_fields.items() if not field.description] == []


def test_every_setting_is_documented():
    missing = [name for name in Settings.model_fields if f"`DIACHIDO_{name.upper()}`" not in README]
    assert missing == []


def test_ci_runs_exactly_the_readme_test_command():
    ci_commands = [line for line in (REPO / ".ci" / "run").read_text().splitlines() if "pytest" in line]
    assert len(ci_commands) == 1
    assert f"\n{ci_commands[0]}\n" in README
