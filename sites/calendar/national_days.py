"""The national days (27/7, 22/12, 26/3, 30/4, 2/9, 19/5...) from national_days.yaml: data, not code.

Each is an event of the same model as a site's (sites.catalog.models.Event), with its names in other languages;
the file ships with the code and is read once, strictly (a broken file stops the import, and the tests).
"""

from functools import cache
from pathlib import Path

import yaml
from pydantic import Field

from sites.catalog.languages import SOURCE_LANGUAGE, base_language
from sites.catalog.models import Event, StrictModel
from sites.catalog.site_events import EventText
from sites.catalog.text import nfc_deep

NATIONAL_DAYS_FILE = Path(__file__).with_name("national_days.yaml")


class TranslatedName(StrictModel):
    """A national day's name in one language."""

    name: str = Field(description="The name in this language")


class NationalDay(Event):
    """A day the whole country keeps, with its name in other languages by tag."""

    translations: dict[str, TranslatedName] = Field(default_factory=dict, description="Names by language tag")

    def text(self, lang: str) -> EventText:
        """The name in `lang` (or its base language), else in Vietnamese."""
        for tag in (lang, base_language(lang)):
            if tag in self.translations:
                return EventText(self.translations[tag].name, None, tag)
        return EventText(self.name, self.note, SOURCE_LANGUAGE)


@cache
def national_days() -> tuple[NationalDay, ...]:
    """Every national day of the data file, in its order."""
    data = yaml.load(NATIONAL_DAYS_FILE.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    return tuple(NationalDay.model_validate(item) for item in nfc_deep(data))
