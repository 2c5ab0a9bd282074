"""The visitor's language and the interface strings in it, from one gettext catalogue per language.

The catalogues are `sites/catalog/locales/<tag>/LC_MESSAGES/messages.po`; the languages of the interface are
the folders found there, so a new language is a new file, not a code change. They are read with
Babel's `read_po` once, when this module is imported: about a hundred short strings per language ship
with the code like the templates do, and reading the .po text directly needs no compile step on
install. A msgid is the key a template uses (`t.search_label`).

A string missing from a catalogue (a partial translation such as Khmer) comes from the language's
base (`zh` for `zh-Hant`), then from Vietnamese, never from English: the visitors of these sites who
read neither language fully, such as Khmer Krom of the Mekong delta, went to Vietnamese schools.
"""

from datetime import datetime
from functools import cache, reduce
from pathlib import Path

from babel import Locale
from babel.dates import format_skeleton
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, get_group_symbol

from sites.catalog.journey_models import TravelMode
from sites.catalog.languages import SOURCE_LANGUAGE, base_language, native_name, source_first, valid_language_tag
from sites.catalog.models import Category, Recognition
from sites.catalog.text import fold

LOCALES_DIR = Path(__file__).parent / "locales"
CATALOGUE = "LC_MESSAGES/messages.po"
LANG_COOKIE = "lang"


def _read_catalogues() -> dict[str, dict[str, str]]:
    """Every catalogue under LOCALES_DIR as {tag: {msgid: msgstr}}; empty and fuzzy entries are left out."""
    catalogues = {}
    for path in sorted(LOCALES_DIR.glob(f"*/{CATALOGUE}")):
        with open(path, "rb") as file:
            catalogue = read_po(file, locale=path.parts[-3].replace("-", "_"))
        catalogues[path.parts[-3]] = {
            message.id: message.string for message in catalogue if message.id and message.string and not message.fuzzy
        }
    return catalogues


CATALOGUES = _read_catalogues()
INTERFACE_LANGUAGES = source_first(CATALOGUES)
# Languages whose catalogue has every string: offered on every page. A partial one (Khmer) is offered
# only on pages whose text exists in it.
COMPLETE_LANGUAGES = [
    tag for tag in INTERFACE_LANGUAGES if CATALOGUES[tag].keys() >= CATALOGUES[SOURCE_LANGUAGE].keys()
]


@cache
def strings(lang: str) -> dict[str, str]:
    """Every interface string in `lang`, each missing one from the base language, then from Vietnamese."""
    chain = [SOURCE_LANGUAGE, base_language(lang), lang]
    merged: dict[str, str] = {}
    for tag in chain:
        merged.update(CATALOGUES.get(tag, {}))
    return merged


def language_links(languages) -> list[tuple[str, str]]:
    """(tag, name in that language) for a picker, Vietnamese first."""
    return [(tag, native_name(tag)) for tag in source_first(languages)]


def choose_language(lang_param: str | None, accept_language: str | None, cookie: str | None = None,
                    available: list[str] | None = None) -> str:
    """`?lang=` when it names an available language, else the remembered choice (`cookie`), else the best
    match of Accept-Language, else Vietnamese. `available` defaults to the interface languages."""
    available = available or INTERFACE_LANGUAGES
    for chosen in (lang_param, cookie):
        if (tag := valid_language_tag(chosen)) in available:
            return tag
    for tag in _by_preference(accept_language or ""):
        if (match := _match(tag, available)) is not None:
            return match
    return SOURCE_LANGUAGE


def _match(tag: str, available: list[str]) -> str | None:
    """The available language for an Accept-Language tag: the same tag, else one of the same base language."""
    canonical = valid_language_tag(tag)
    if canonical in available:
        return canonical
    primary = base_language(tag).lower()
    return next((candidate for candidate in available if base_language(candidate) == primary), None)


def _by_preference(header: str) -> list[str]:
    """Language tags of an Accept-Language header, most preferred first (q=0 means 'not this one')."""
    weighted = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            weighted.append((-quality, position, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


def category_label(category: Category, lang: str) -> str:
    """For example "Chùa", "Pagoda", "វត្ត"."""
    return strings(lang)[f"category.{category.value}"]


def travel_mode_label(mode: TravelMode, lang: str) -> str:
    """For example "Đi bộ", "On foot"; in a language without these words (Khmer), Vietnamese."""
    return strings(lang)[f"travel_mode.{mode.value}"]


def kind_label(kind: str, lang: str) -> str:
    """A relic kind on its own (`none` for a relic of no stated kind), capitalised."""
    return _capitalised(strings(lang)[f"kind.{kind}"])


def level_label(level: str, lang: str) -> str:
    """A recognition level on its own, capitalised."""
    return _capitalised(strings(lang)[f"level.{level}"])


def recognition_label(recognition: Recognition | None, lang: str) -> str | None:
    """For example "Di tích kiến trúc nghệ thuật cấp thành phố, 2022"; None when not recognised."""
    if recognition is None:
        return None
    texts = strings(lang)
    label = texts["recognition_label"].format(kind=kinds_label(recognition.kind, texts),
                                              level=texts[f"level.{recognition.level.value}"])
    if recognition.year:
        year_format = texts["recognition_year_about" if recognition.year_approximate else "recognition_year"]
        label = year_format.format(label=label, year=recognition.year)
    return _capitalised(label)


def kinds_label(kinds, texts: dict[str, str]) -> str:
    """"Di tích lịch sử và kiến trúc nghệ thuật": the kinds' labels joined, "Di tích" said once."""
    if not kinds:
        return texts["kind.none"]
    relic = texts["kind.none"] + " "
    labels = [texts[f"kind.{kind.value}"] for kind in kinds]
    labels[1:] = [label.removeprefix(relic) for label in labels[1:]]
    return reduce(lambda first, second: texts["kind_and"].format(first=first, second=second), labels)


def staff_label(label) -> str:
    """`label(lang)` in each complete language, Vietnamese first: "Đình / Communal house" for staff pages."""
    return " / ".join(label(lang) for lang in COMPLETE_LANGUAGES)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


@cache
def category_search_words() -> dict[str, str]:
    """Each category's labels in every interface language, folded, so that a search for "pagoda" finds chùa."""
    return {
        category.value: " " + fold(" ".join(category_label(category, lang) for lang in INTERFACE_LANGUAGES))
        for category in Category
    }


@cache
def import_labels() -> dict[str, dict[str, str]]:
    """The words a spreadsheet's choice columns accept besides their values: each label in every interface
    language ("Chùa", "Pagoda", "cấp quốc gia") -> the value, by column."""
    texts = [strings(lang) for lang in INTERFACE_LANGUAGES]
    kinds = [key.removeprefix("kind.") for key in texts[0] if key.startswith("kind.") and key != "kind.none"]
    levels = [key.removeprefix("level.") for key in texts[0] if key.startswith("level.")]
    return {
        "category": {text[f"category.{c.value}"]: c.value for c in Category for text in texts},
        "recognition.level": {text[f"level.{level}"]: level for level in levels for text in texts},
        "recognition.kind": {text[f"kind.{kind}"]: kind for kind in kinds for text in texts},
    }


def _locale(lang: str) -> Locale:
    return Locale.parse(lang, sep="-")


def format_number(value: int, lang: str) -> str:
    """12.345 in Vietnamese, 12,345 in English (CLDR's digit grouping)."""
    return format_decimal(value, locale=_locale(lang))


def thousands_separator(lang: str) -> str:
    """The digit group separator of `lang`: "." in Vietnamese, "," in English."""
    return get_group_symbol(locale=_locale(lang))


def format_moment(moment: datetime, lang: str) -> str:
    """A date and time as people of `lang` write them: 4/3/2025 13:05 in Vietnamese (CLDR patterns)."""
    locale = _locale(lang)
    return f"{format_skeleton('yMd', moment, locale=locale)} {format_skeleton('Hm', moment, locale=locale)}"
