"""A loaded site: its card (what lists, the map and search need, always in memory) and its detail (front matter,
bodies per language, translations, photos and recordings: in memory or read from the site cache on disk)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from sites.catalog.languages import SOURCE_LANGUAGE, base_language
from sites.catalog.markdown import render_markdown
from sites.catalog.models import (
    CAPTION_LANGUAGE,
    Category,
    Event,
    Location,
    LocationPrecision,
    SiteFrontMatter,
    Translation,
)
from sites.catalog.quiz import Question, Quiz, localized_quiz
from sites.catalog.site_events import EventText, localized_events
from sites.catalog.text import fold

LONG_STORY_CHARACTERS = 8_000  # renders in about 30 ms; the bundled stories are under 3,000


@dataclass(frozen=True)
class PhotoFile:
    """A photo of a site: caption and credit, where the file is, and its upright size in pixels."""

    caption: str
    caption_en: str | None
    credit: str
    path: Path
    width: int
    height: int

    @property
    def stem(self) -> str:
        """File name without extension; names the resized variants."""
        return self.path.stem

    def caption_in(self, lang: str) -> str:
        """Caption in `lang`, falling back to Vietnamese (only one translated caption exists, `caption_en`)."""
        return self.caption_en if base_language(lang) == CAPTION_LANGUAGE and self.caption_en else self.caption


@dataclass(frozen=True)
class RecordingFile:
    """A recorded narration in the site folder: the MP3, who reads it, its length and size in bytes."""

    path: Path
    narrator: str
    seconds: float
    size: int


class LocalizedSite(NamedTuple):
    """The short texts of a site in one language, with the language they are really in and whether a
    translation was reviewed (the source text always counts as reviewed). Part of every site's card."""

    lang: str
    content_lang: str
    name: str
    summary: str
    built: str | None
    reviewed: bool


@dataclass
class SiteDetail:
    """What only a site's own pages need: its front matter, Markdown bodies, translations, photos and recordings.
    Kept in the site cache on disk for a site loaded through it (issue 27), and read back when asked for."""

    meta: SiteFrontMatter
    bodies: dict[str, str]
    translations: dict[str, Translation] = field(default_factory=dict)
    photos: list[PhotoFile] = field(default_factory=list)
    recordings: dict[str, RecordingFile] = field(default_factory=dict)
    event_texts: dict[str, dict[str, EventText]] = field(default_factory=dict, repr=False, compare=False)


class SiteCard(NamedTuple):
    """What a list, the map, search or a lookup needs of a site, kept in memory for every site (issue 27): its keys,
    names and short texts per language, place, category and search words. A named tuple: 40,000 of them are read
    back at each start, three times faster than a dataclass."""

    slug: str
    code: str
    aliases: tuple[str, ...]
    published: bool
    name: str
    category: Category
    location: Location | None
    province: str
    provinces: tuple[str, ...]
    former_provinces: tuple[str, ...]
    place: str
    texts: dict[str, LocalizedSite]  # by language the text exists in (the source first): `lang` is that language
    has_events: bool
    long_story: bool  # a body long enough to render ahead of the first visitor (sites/catalog/live.py)
    search_text: str  # every searchable text, folded; a leading space lets search match word beginnings (" an")
    folded_name: str  # the Vietnamese name folded for sorting and name-first search (" dinh thoi an")
    province_keys: frozenset[str]  # today's provinces and the former ones, folded, for the province filter

    def __reduce__(self):
        """Pickled with its category and coordinates as plain values: the enum and the pydantic model took most of a
        card's reading time."""
        location = self.location and (self.location.lat, self.location.lon, self.location.precision.value)
        return _card, (*self[:5], self.category.value, location, *self[7:])

    @classmethod
    def of(cls, detail: SiteDetail) -> "SiteCard":
        meta, address = detail.meta, detail.meta.address
        texts = {SOURCE_LANGUAGE: LocalizedSite(SOURCE_LANGUAGE, SOURCE_LANGUAGE, meta.name, meta.summary, meta.built,
                                                True)}
        for lang in sorted(detail.translations):
            translation = detail.translations[lang]
            texts[lang] = LocalizedSite(lang, lang, translation.name or meta.name, translation.summary,
                                        translation.built or meta.built, translation.translation_reviewed)
        searchable = [meta.name, *meta.other_names, meta.summary, address.text, *address.provinces, *meta.tags,
                      address.former_province or "", address.current or ""]
        for translation in detail.translations.values():
            searchable += [translation.name or "", translation.summary]
        return cls(
            slug=meta.slug, code=meta.code, aliases=tuple(meta.aliases), published=meta.published, name=meta.name,
            category=meta.category, location=meta.location, province=address.province, provinces=address.provinces,
            former_provinces=address.former_provinces, place=address.text, texts=texts, has_events=bool(meta.events),
            long_story=any(len(body) > LONG_STORY_CHARACTERS for body in detail.bodies.values()),
            search_text=" " + fold(" ".join(searchable)), folded_name=" " + fold(meta.name),
            province_keys=frozenset(fold(name) for name in (*address.provinces, *address.former_provinces)))


def _card(*fields) -> SiteCard:
    """The card pickled by SiteCard.__reduce__."""
    location = fields[6] and Location.model_construct(lat=fields[6][0], lon=fields[6][1],
                                                      precision=LocationPrecision(fields[6][2]))
    return SiteCard(*fields[:5], Category(fields[5]), location, *fields[7:])


class Site:
    """One site of content/: its card, always in memory, and its detail, in memory or read from the site cache on
    disk (sites/catalog/site_cache.py) each time it is asked for (that cache keeps the recently read ones)."""

    __slots__ = ("card", "_folder", "_content_dir", "_detail", "_read", "_read_events")

    def __init__(self, meta: SiteFrontMatter, folder: Path, bodies: dict[str, str],
                 translations: dict[str, Translation] | None = None, photos: list[PhotoFile] | None = None,
                 recordings: dict[str, RecordingFile] | None = None):
        self._detail: SiteDetail | None = SiteDetail(meta, bodies, translations or {}, photos or [], recordings or {})
        self._read: Callable[[], SiteDetail] | None = None
        self._read_events: Callable[[], list[Event]] | None = None
        self.card = SiteCard.of(self._detail)
        self._folder: Path | None = folder
        self._content_dir: Path | None = None

    @classmethod
    def on_disk(cls, card: SiteCard, content_dir: Path, read: Callable[[], SiteDetail],
                read_events: Callable[[], list[Event]]) -> "Site":
        """The site of `card`, in its folder of `content_dir`, whose detail `read()` gives, and its events alone
        `read_events()` (from the site cache)."""
        site = cls.__new__(cls)
        site.card, site._folder, site._content_dir, site._detail = card, None, content_dir, None
        site._read, site._read_events = read, read_events
        return site

    @property
    def folder(self) -> Path:
        """The site's folder in content/ (named as its slug): made when asked, 40,000 paths cost a start 0.5 s."""
        return self._folder if self._folder is not None else self._content_dir / self.card.slug

    def __repr__(self) -> str:
        return f"Site({self.card.slug!r})"

    @property
    def detail(self) -> SiteDetail:
        """The site's front matter, bodies, translations, photos and recordings."""
        return self._detail if self._detail is not None else self._read()

    @property
    def meta(self) -> SiteFrontMatter:
        return self.detail.meta

    @property
    def events(self) -> list[Event]:
        """The site's anniversaries and festivals: the calendar asks for every site's, and the site cache reads them
        alone, without the detail's pages."""
        return self._detail.meta.events if self._detail is not None else self._read_events()

    @property
    def bodies(self) -> dict[str, str]:
        return self.detail.bodies

    @property
    def translations(self) -> dict[str, Translation]:
        return self.detail.translations

    @property
    def photos(self) -> list[PhotoFile]:
        return self.detail.photos

    @property
    def recordings(self) -> dict[str, RecordingFile]:
        return self.detail.recordings

    @property
    def search_text(self) -> str:
        return self.card.search_text

    @property
    def folded_name(self) -> str:
        return self.card.folded_name

    @property
    def province_keys(self) -> frozenset[str]:
        return self.card.province_keys

    @property
    def slug(self) -> str:
        return self.card.slug

    @property
    def code(self) -> str:
        return self.card.code

    @property
    def published(self) -> bool:
        return self.card.published

    @property
    def languages(self) -> list[str]:
        """Languages the site's text exists in, Vietnamese first."""
        return list(self.card.texts)

    def keys(self) -> list[str]:
        """Every identifier that leads to this site: slug, code and aliases."""
        return list(dict.fromkeys([self.slug, self.code, *self.card.aliases]))

    def localized(self, lang: str) -> LocalizedSite:
        """The site's texts in `lang`; fields without a translation fall back to Vietnamese."""
        text = self.card.texts[self.content_language(lang)]
        return text if text.lang == lang else text._replace(lang=lang)

    def content_language(self, lang: str) -> str:
        """The language the site's text is shown in for a visitor of `lang`: `lang` itself when translated,
        else a translation into its base language (`zh` for `zh-Hant`), else Vietnamese."""
        for candidate in (lang, base_language(lang)):
            if candidate in self.card.texts:
                return candidate
        return SOURCE_LANGUAGE

    @property
    def quiz(self) -> tuple[Question, ...]:
        """The quiz in Vietnamese (empty when the site has none); see `sites.catalog.quiz`."""
        return self.quiz_in(SOURCE_LANGUAGE).questions

    def quiz_in(self, lang: str) -> Quiz:
        """The quiz in `lang` (or its base language), else in Vietnamese; `Quiz.lang` says which."""
        content_lang = self.content_language(lang)
        detail = self.detail
        translation = detail.translations.get(content_lang)
        return localized_quiz(detail.meta.quiz, translation.quiz if translation else (), content_lang)

    def event_texts(self, lang: str) -> dict[str, EventText]:
        """Each event's name and note by id, in `lang` (or its base language) where translated, else Vietnamese;
        kept per language with the detail: feeds ask for every occurrence of every site (do not change the
        returned dict)."""
        detail = self.detail
        found = detail.event_texts.get(lang)
        if found is None:
            content_lang = self.content_language(lang)
            translation = detail.translations.get(content_lang)
            found = detail.event_texts[lang] = localized_events(
                detail.meta.events, translation.events if translation else (), content_lang)
        return found

    def body_html(self, lang: str) -> str:
        """The story in `lang` (Vietnamese when not translated) as sanitised HTML."""
        bodies = self.bodies
        return render_markdown(bodies.get(lang, bodies[SOURCE_LANGUAGE]))
