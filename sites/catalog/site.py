"""A loaded site: its validated front matter, bodies per language and photo files."""

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from sites.catalog.languages import SOURCE_LANGUAGE, base_language, source_first
from sites.catalog.markdown import render_markdown
from sites.catalog.models import CAPTION_LANGUAGE, SiteFrontMatter, Translation
from sites.catalog.quiz import Question, Quiz, localized_quiz
from sites.catalog.site_events import EventText, localized_events
from sites.catalog.text import fold


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


@dataclass(frozen=True)
class LocalizedSite:
    """The short texts of a site in one language, with the language they are really in and whether a
    translation was reviewed (the source text always counts as reviewed)."""

    lang: str
    content_lang: str
    name: str
    summary: str
    built: str | None
    reviewed: bool


@dataclass
class Site:
    """One site of content/: front matter, Markdown bodies per language, photos and search text."""

    meta: SiteFrontMatter
    folder: Path
    bodies: dict[str, str]
    translations: dict[str, Translation] = field(default_factory=dict)
    photos: list[PhotoFile] = field(default_factory=list)
    recordings: dict[str, RecordingFile] = field(default_factory=dict)
    _event_texts: dict[str, dict[str, EventText]] = field(default_factory=dict, init=False, repr=False, compare=False)

    @cached_property
    def search_text(self) -> str:
        """Every searchable text, folded; a leading space lets search match word beginnings (" an")."""
        return " " + fold(" ".join(self._searchable_texts()))

    @cached_property
    def folded_name(self) -> str:
        """The Vietnamese name folded for sorting and name-first search (" dinh thoi an")."""
        return " " + fold(self.meta.name)

    @cached_property
    def province_keys(self) -> frozenset[str]:
        """Today's provinces and the former ones, folded, for the province filter."""
        address = self.meta.address
        return frozenset(fold(name) for name in (*address.provinces, *address.former_provinces))

    @property
    def slug(self) -> str:
        return self.meta.slug

    @property
    def code(self) -> str:
        return self.meta.code

    @property
    def published(self) -> bool:
        return self.meta.published

    @property
    def languages(self) -> list[str]:
        """Languages the site's text exists in, Vietnamese first."""
        return source_first(self.translations)

    def keys(self) -> list[str]:
        """Every identifier that leads to this site: slug, code and aliases."""
        return list(dict.fromkeys([self.slug, self.code, *self.meta.aliases]))

    def localized(self, lang: str) -> LocalizedSite:
        """The site's texts in `lang`; fields without a translation fall back to Vietnamese."""
        content_lang = self.content_language(lang)
        translation = self.translations.get(content_lang)
        meta = self.meta
        return LocalizedSite(
            lang=lang,
            content_lang=content_lang,
            name=(translation.name if translation and translation.name else meta.name),
            summary=translation.summary if translation else meta.summary,
            built=(translation.built if translation and translation.built else meta.built),
            reviewed=translation.translation_reviewed if translation else True,
        )

    def content_language(self, lang: str) -> str:
        """The language the site's text is shown in for a visitor of `lang`: `lang` itself when translated,
        else a translation into its base language (`zh` for `zh-Hant`), else Vietnamese."""
        for candidate in (lang, base_language(lang)):
            if candidate in self.translations:
                return candidate
        return SOURCE_LANGUAGE

    @property
    def quiz(self) -> tuple[Question, ...]:
        """The quiz in Vietnamese (empty when the site has none); see `sites.catalog.quiz`."""
        return self.quiz_in(SOURCE_LANGUAGE).questions

    def quiz_in(self, lang: str) -> Quiz:
        """The quiz in `lang` (or its base language), else in Vietnamese; `Quiz.lang` says which."""
        content_lang = self.content_language(lang)
        translation = self.translations.get(content_lang)
        return localized_quiz(self.meta.quiz, translation.quiz if translation else (), content_lang)

    def event_texts(self, lang: str) -> dict[str, EventText]:
        """Each event's name and note by id, in `lang` (or its base language) where translated, else Vietnamese;
        kept per language: feeds ask for every occurrence of every site (do not change the returned dict)."""
        found = self._event_texts.get(lang)
        if found is None:
            content_lang = self.content_language(lang)
            translation = self.translations.get(content_lang)
            found = self._event_texts[lang] = localized_events(
                self.meta.events, translation.events if translation else (), content_lang)
        return found

    def body_html(self, lang: str) -> str:
        """The story in `lang` (Vietnamese when not translated) as sanitised HTML."""
        return render_markdown(self.bodies.get(lang, self.bodies[SOURCE_LANGUAGE]))

    def _searchable_texts(self) -> list[str]:
        meta = self.meta
        texts = [meta.name, *meta.other_names, meta.summary, meta.address.text, *meta.address.provinces, *meta.tags]
        texts += [meta.address.former_province or "", meta.address.current or ""]
        for translation in self.translations.values():
            texts += [translation.name or "", translation.summary]
        return texts
