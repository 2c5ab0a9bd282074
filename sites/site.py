"""A loaded site: its validated front matter, bodies per language and photo files."""

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from sites.markdown import render_markdown
from sites.models import (
    CATEGORY_LABELS,
    RECOGNITION_LEVEL_LABELS,
    RELIC_KIND_LABELS,
    SiteFrontMatter,
    Translation,
)
from sites.text import fold

DEFAULT_LANGUAGE = "vi"
LANGUAGES = ("vi", "en")


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
        """Caption in `lang`, falling back to Vietnamese."""
        return self.caption_en if lang == "en" and self.caption_en else self.caption


@dataclass(frozen=True)
class LocalizedSite:
    """The short texts of a site in one language, with the language they are really in."""

    lang: str
    content_lang: str
    name: str
    summary: str
    built: str | None
    category_label: str
    recognition_label: str | None


@dataclass
class Site:
    """One site of content/: front matter, Markdown bodies per language, photos and search text."""

    meta: SiteFrontMatter
    folder: Path
    bodies: dict[str, str]
    translations: dict[str, Translation] = field(default_factory=dict)
    photos: list[PhotoFile] = field(default_factory=list)

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
        """Today's and the former province, folded, for the province filter."""
        address = self.meta.address
        return frozenset(fold(name) for name in (address.province, address.former_province) if name)

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
        return [DEFAULT_LANGUAGE, *sorted(self.translations)]

    def keys(self) -> list[str]:
        """Every identifier that leads to this site: slug, code and aliases."""
        return list(dict.fromkeys([self.slug, self.code, *self.meta.aliases]))

    def localized(self, lang: str) -> LocalizedSite:
        """The site's texts in `lang`; fields without a translation fall back to Vietnamese."""
        translation = self.translations.get(lang)
        content_lang = lang if translation else DEFAULT_LANGUAGE
        meta = self.meta
        return LocalizedSite(
            lang=lang,
            content_lang=content_lang,
            name=(translation.name if translation and translation.name else meta.name),
            summary=translation.summary if translation else meta.summary,
            built=(translation.built if translation and translation.built else meta.built),
            category_label=CATEGORY_LABELS[meta.category][lang],
            recognition_label=self.recognition_label(lang),
        )

    def body_html(self, lang: str) -> str:
        """The story in `lang` (Vietnamese when not translated) as sanitised HTML."""
        return render_markdown(self.bodies.get(lang, self.bodies[DEFAULT_LANGUAGE]))

    def recognition_label(self, lang: str) -> str | None:
        """For example "Di tích kiến trúc nghệ thuật cấp thành phố, 2022" or None when not recognised."""
        recognition = self.meta.recognition
        if recognition is None:
            return None
        kind = RELIC_KIND_LABELS[recognition.kind][lang]
        level = RECOGNITION_LEVEL_LABELS[recognition.level][lang]
        label = f"{level.capitalize()}-level {kind.lower()}" if lang == "en" else f"{kind} {level}"
        if recognition.year:
            about = {"vi": "khoảng ", "en": "about "}[lang] if recognition.year_approximate else ""
            label += f", {about}{recognition.year}"
        return label

    def _searchable_texts(self) -> list[str]:
        meta = self.meta
        texts = [meta.name, *meta.other_names, meta.summary, meta.address.text, meta.address.province, *meta.tags]
        texts += [meta.address.former_province or "", meta.address.current or ""]
        texts += CATEGORY_LABELS[meta.category].values()
        for translation in self.translations.values():
            texts += [translation.name or "", translation.summary]
        return texts
