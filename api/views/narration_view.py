"""What a page shows of a site's narration: the versioned audio URL, its length and size in the page's
language, and who reads it; shared by the site page, the audio route and the journey playlist."""

from dataclasses import dataclass

from babel.numbers import format_decimal

from sites.catalog.i18n import strings
from sites.catalog.narration import NarrationAudio, NarrationLibrary
from sites.catalog.site import Site

AUDIO_SUFFIX = ".mp3"


@dataclass(frozen=True)
class NarrationView:
    """The "Listen" block: `url` None while the audio is being prepared; texts already in the page's language."""

    lang: str  # the language spoken: the language the page's text is in
    url: str | None
    length: str
    credit: str


def audio_url(slug: str, lang: str, audio: NarrationAudio) -> str:
    """The audio's address, which changes with every version of it (so it may be cached for ever)."""
    return f"/audio/{slug}/{lang}-{audio.version}{AUDIO_SUFFIX}"


def spoken_language(library: NarrationLibrary, site: Site, lang: str) -> str | None:
    """The narration that goes with the page of `site` in `lang`: that of the text shown, if it can be heard."""
    content_lang = site.localized(lang).content_lang
    return content_lang if content_lang in library.languages(site) else None


def narration_view(library: NarrationLibrary, site: Site, lang: str) -> NarrationView | None:
    """The narration block of the page of `site` in `lang`; None when the text shown has no narration."""
    spoken = spoken_language(library, site, lang)
    if spoken is None:
        return None
    t = strings(lang)
    audio = library.status(site, spoken).audio
    if audio is None:
        return NarrationView(spoken, None, "", "")
    credit = t["narration_automatic"] if audio.automatic else t["narration_narrator"].format(narrator=audio.narrator)
    return NarrationView(spoken, audio_url(site.slug, spoken, audio), length_label(audio, lang), credit)


def length_label(audio: NarrationAudio, lang: str) -> str:
    """"3 phút · 0,5 MB": what a visitor on a slow connection weighs before pressing play."""
    t = strings(lang)
    if audio.seconds < 60:
        duration = t["narration_seconds"].format(seconds=max(1, round(audio.seconds)))
    else:
        duration = t["narration_minutes"].format(minutes=round(audio.seconds / 60))
    megabytes = format_decimal(max(audio.size / 1e6, 0.1), format="0.0", locale=lang.replace("-", "_"))
    return f"{duration} · {t['narration_size'].format(megabytes=megabytes)}"
