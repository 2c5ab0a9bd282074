"""A loaded journey: its validated front matter, its stops resolved to sites, texts per language,
and the registry of every journey with lookups by slug, code and alias."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from sites.catalog.journey_models import JourneyFrontMatter, JourneyTranslation
from sites.catalog.languages import SOURCE_LANGUAGE
from sites.catalog.markdown import render_markdown
from sites.catalog.site import Site
from sites.catalog.text import fold


class JourneyNotFound(LookupError):
    """No published journey answers to this slug, code or alias."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class JourneyStop:
    """Stop `number` (from 1) of a journey: the site and the journey's note about it, per language."""

    number: int
    site: Site
    notes: dict[str, str]

    def note(self, lang: str) -> str | None:
        """The note in `lang`, else the Vietnamese one, else None."""
        return self.notes.get(lang) or self.notes.get(SOURCE_LANGUAGE)

    def short_summary(self, lang: str) -> str:
        """The site's summary up to its first ";" or full stop, for one line on a leaflet or a list."""
        summary = self.site.localized(lang).summary
        clause = re.split(r";|\.\s", summary, maxsplit=1)[0].strip().rstrip(".")
        return clause + "."


@dataclass(frozen=True)
class LocalizedJourney:
    """The short texts of a journey in one language, with the language they are really in."""

    lang: str
    content_lang: str
    name: str
    summary: str
    start_name: str | None


@dataclass
class Journey:
    """One journey of content/journeys/: front matter, stops (sites, in order) and bodies per language."""

    meta: JourneyFrontMatter
    folder: Path
    stops: list[JourneyStop]
    bodies: dict[str, str]
    translations: dict[str, JourneyTranslation] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.meta.slug

    @property
    def code(self) -> str:
        return self.meta.code

    @property
    def published(self) -> bool:
        return self.meta.published

    def keys(self) -> list[str]:
        """Every identifier that leads to this journey: slug, code and aliases."""
        return list(dict.fromkeys([self.slug, self.code, *self.meta.aliases]))

    def stop_of(self, site: Site) -> JourneyStop | None:
        """The stop at `site`, or None when the journey does not pass there."""
        return next((stop for stop in self.stops if stop.site.slug == site.slug), None)

    def localized(self, lang: str) -> LocalizedJourney:
        """The journey's texts in `lang`; fields without a translation fall back to Vietnamese."""
        translation = self.translations.get(lang)
        meta = self.meta
        start = meta.start.name if meta.start else None
        return LocalizedJourney(
            lang=lang,
            content_lang=lang if translation else SOURCE_LANGUAGE,
            name=translation.name if translation and translation.name else meta.name,
            summary=translation.summary if translation else meta.summary,
            start_name=(translation.start_name if translation and translation.start_name and start else start),
        )

    def body_html(self, lang: str) -> str:
        """The introduction in `lang` (Vietnamese when not translated) as sanitised HTML."""
        return render_markdown(self.bodies.get(lang, self.bodies[SOURCE_LANGUAGE]))


class JourneyRegistry:
    """Every valid journey, drafts included; visitor lookups see published journeys only."""

    def __init__(self, journeys: list[Journey]):
        self._journeys = sorted(journeys, key=lambda journey: (fold(journey.meta.name), journey.slug))
        self._by_slug = {journey.slug: journey for journey in self._journeys}
        self._by_key = {key: journey for journey in self._journeys for key in journey.keys()}

    def __len__(self) -> int:
        return len(self._journeys)

    def all(self, include_drafts: bool = False) -> list[Journey]:
        """Journeys sorted by name (ignoring diacritics)."""
        return [journey for journey in self._journeys if include_drafts or journey.published]

    def get(self, slug: str, include_drafts: bool = False) -> Journey:
        """The journey whose slug is exactly `slug`, or JourneyNotFound."""
        journey = self._by_slug.get(slug)
        if journey is None or not (include_drafts or journey.published):
            raise JourneyNotFound(slug)
        return journey

    def resolve(self, key: str) -> Journey:
        """The published journey whose slug, code or alias is `key` (any case), or JourneyNotFound."""
        journey = self._by_key.get(key.lower())
        if journey is None or not journey.published:
            raise JourneyNotFound(key)
        return journey

    def filter(self, province: str | None = None) -> list[Journey]:
        """Published journeys, optionally only those of `province` (case and diacritics ignored)."""
        key = fold(province) if province else None
        return [journey for journey in self.all() if key is None or fold(journey.meta.province) == key]

    def through(self, site: Site) -> list[Journey]:
        """Published journeys that stop at `site`, for the site page's "part of" box."""
        return [journey for journey in self.all() if journey.stop_of(site)]
