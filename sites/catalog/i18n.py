"""The visitor's language and the interface strings in it, from one gettext catalogue per language.

The catalogues are `sites/catalog/locales/<tag>/LC_MESSAGES/messages.po`; the languages of the interface are
the folders found there, so a new language is a new file, not a code change. They are read with
Babel's `read_po` once, when this module is imported: about a hundred short strings per language ship
with the code like the templates do, and reading the .po text directly needs no compile step on
install. A msgid is the key a template uses (`t.search_label`).

An entry flagged `#, fuzzy` is a translation not yet reviewed by a native speaker (all of Khmer, issue 28):
it is shown, and every page in that language carries the review notice (`interface_review_notices`). A
string missing from a catalogue (a new language being written) comes from the language's base (`zh` for
`zh-Hant`), then from Vietnamese, never from English: the visitors of these sites who read neither
language fully, such as Khmer Krom of the Mekong delta, went to Vietnamese schools.

A msgid with a msgid_plural ("1 row has problems", "2 rows have problems") is worded by `plural` with the
catalogue's own Plural-Forms rule (Babel's gettext `ngettext` on the catalogue compiled in memory); such entries
are not among `strings`.
"""

import io
from collections.abc import Sequence
from datetime import date, datetime
from functools import cache, lru_cache, reduce
from pathlib import Path

from babel import Locale
from babel.dates import format_skeleton
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, get_group_symbol
from babel.support import Translations

from sites.catalog.journey_models import TravelMode
from sites.catalog.languages import SOURCE_LANGUAGE, base_language, native_name, source_first, valid_language_tag
from sites.catalog.models import Category, Recognition
from sites.catalog.text import fold

LOCALES_DIR = Path(__file__).parent / "locales"
CATALOGUE = "LC_MESSAGES/messages.po"
LANG_COOKIE = "lang"


def _read_po_files() -> dict[str, Catalog]:
    """Every catalogue under LOCALES_DIR, by language tag."""
    catalogues = {}
    for path in sorted(LOCALES_DIR.glob(f"*/{CATALOGUE}")):
        with open(path, "rb") as file:
            catalogues[path.parts[-3]] = read_po(file, locale=path.parts[-3].replace("-", "_"))
    return catalogues


def _singles(catalogue: Catalog) -> list:
    """The translated single messages of `catalogue` (empty and plural entries left out)."""
    return [message for message in catalogue if isinstance(message.id, str) and message.id and message.string]


def _compiled(catalogue: Catalog) -> Translations:
    """`catalogue` as gettext translations (compiled to .mo bytes in memory: nothing to build on install)."""
    mo = io.BytesIO()
    write_mo(mo, catalogue, use_fuzzy=True)
    mo.seek(0)
    return Translations(mo)


_PO_FILES = _read_po_files()
CATALOGUES = {tag: {message.id: message.string for message in _singles(catalogue)}
              for tag, catalogue in _PO_FILES.items()}
# The msgids of each catalogue flagged fuzzy: translated but not yet reviewed.
UNREVIEWED = {tag: frozenset(message.id for message in _singles(catalogue) if message.fuzzy)
              for tag, catalogue in _PO_FILES.items()}
_PLURALS = {tag: _compiled(catalogue) for tag, catalogue in _PO_FILES.items()}
INTERFACE_LANGUAGES = source_first(CATALOGUES)
# Languages whose catalogue has every string: offered on every page. A partial one (a language being
# written) is offered only on pages whose text exists in it.
COMPLETE_LANGUAGES = [
    tag for tag in INTERFACE_LANGUAGES if CATALOGUES[tag].keys() >= CATALOGUES[SOURCE_LANGUAGE].keys()
]
# Complete and reviewed by native speakers: the languages of staff labels ("Đình / Communal house").
REVIEWED_LANGUAGES = [tag for tag in COMPLETE_LANGUAGES if not UNREVIEWED[tag]]


@cache
def strings(lang: str) -> dict[str, str]:
    """Every interface string in `lang`, each missing one from the base language, then from Vietnamese."""
    chain = [SOURCE_LANGUAGE, base_language(lang), lang]
    merged: dict[str, str] = {}
    for tag in chain:
        merged.update(CATALOGUES.get(tag, {}))
    return merged


def interface_review_notices(lang: str) -> list[tuple[str, str]]:
    """(tag, notice) in `lang` and in Vietnamese when `lang`'s interface has strings awaiting review; else []."""
    if not UNREVIEWED.get(lang):
        return []
    return [(code, strings(code)["review_notice"]) for code in dict.fromkeys([lang, SOURCE_LANGUAGE])]


def plural(lang: str, singular: str, plural_id: str, count: int) -> str:
    """The text of the msgid pair (`singular`, `plural_id`) for `count` in `lang`, its `{count}` filled: the form
    `lang`'s Plural-Forms rule chooses ("1 row has problems", "2 rows have problems"; one form in Vietnamese).
    Missing in `lang`, the Vietnamese one; missing there too, KeyError (a test reads every catalogue)."""
    for tag in (lang, base_language(lang), SOURCE_LANGUAGE):
        message = _PO_FILES[tag].get(singular) if tag in _PO_FILES else None
        if message is not None and message.pluralizable and all(message.string):
            return _PLURALS[tag].ngettext(singular, plural_id, count).format(count=count)
    raise KeyError(singular)


def staff_plural(singular: str, plural_id: str, count: int) -> str:
    """`plural` in each reviewed language, Vietnamese first, for staff pages (as `staff_label`)."""
    return " / ".join(plural(lang, singular, plural_id, count) for lang in REVIEWED_LANGUAGES)


def language_links(languages) -> list[tuple[str, str]]:
    """(tag, name in that language) for a picker, Vietnamese first."""
    return [(tag, native_name(tag)) for tag in source_first(languages)]


# Every request of a page asks; phones send a few dozen Accept-Language headers between them (2 µs parsed, 0.3 µs
# remembered). Long or odd headers are parsed each time, so the cache holds at most LANGUAGE_CHOICES short keys.
MAX_REMEMBERED_CHARS = 200
LANGUAGE_CHOICES = 1024


def choose_language(lang_param: str | None, accept_language: str | None, cookie: str | None = None,
                    available: Sequence[str] | None = None) -> str:
    """`?lang=` when it names an available language, else the remembered choice (`cookie`), else the best
    match of Accept-Language, else Vietnamese. `available` defaults to the interface languages."""
    available = tuple(available or INTERFACE_LANGUAGES)
    if len(lang_param or "") + len(accept_language or "") + len(cookie or "") <= MAX_REMEMBERED_CHARS:
        return _remembered_choice(lang_param, accept_language, cookie, available)
    return _choose(lang_param, accept_language, cookie, available)


@lru_cache(maxsize=LANGUAGE_CHOICES)
def _remembered_choice(lang_param: str | None, accept_language: str | None, cookie: str | None,
                       available: tuple[str, ...]) -> str:
    return _choose(lang_param, accept_language, cookie, available)


def _choose(lang_param: str | None, accept_language: str | None, cookie: str | None, available: tuple[str, ...]) -> str:
    for chosen in (lang_param, cookie):
        if (tag := valid_language_tag(chosen)) in available:
            return tag
    for tag in _by_preference(accept_language or ""):
        if (match := _match(tag, available)) is not None:
            return match
    return SOURCE_LANGUAGE


def _match(tag: str, available: Sequence[str]) -> str | None:
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
    """`label(lang)` in each reviewed language, Vietnamese first: "Đình / Communal house" for staff pages."""
    return " / ".join(label(lang) for lang in REVIEWED_LANGUAGES)


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


def format_day(day: date, lang: str) -> str:
    """A day as people of `lang` write it: 6/12/2026 in Vietnamese (CLDR patterns)."""
    return format_skeleton("yMd", day, locale=_locale(lang))


def format_moment(moment: datetime, lang: str) -> str:
    """A date and time as people of `lang` write them: 4/3/2025 13:05 in Vietnamese (CLDR patterns)."""
    locale = _locale(lang)
    return f"{format_skeleton('yMd', moment, locale=locale)} {format_skeleton('Hm', moment, locale=locale)}"
