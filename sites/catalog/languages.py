"""Languages as data: BCP 47 tags, the source language and the file each language's text lives in.

Vietnamese (`index.md`) is the source; any other language is a translation file `index.<tag>.md`
whose tag names a language that CLDR knows (`km`, `en`, `zh-Hant`), checked with Babel. Nothing
here lists which languages exist: sites have the translations found in their folders.
"""

from functools import cache, lru_cache

from babel import Locale, UnknownLocaleError

SOURCE_LANGUAGE = "vi"  # the language of index.md, of staff and of any text without a translation
SOURCE_FILE = "index.md"


class InvalidLanguageTag(ValueError):
    """Not a BCP 47 tag of a language CLDR knows."""


@lru_cache(maxsize=1024)  # bounded: the tag comes from ?lang=, a cookie or Accept-Language, in any case
def language_tag(tag: str) -> str:
    """`tag` in its canonical spelling (`zh-hant` -> `zh-Hant`); raises InvalidLanguageTag."""
    written = tag.replace("_", "-")
    try:
        locale = Locale.parse(written, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        locale = None
    canonical = "-".join(part for part in (locale.language, locale.script, locale.territory, locale.variant)
                         if part) if locale else ""
    # Babel drops subtags it does not know ("no-such" -> "no")
    if not canonical or canonical.lower() != written.lower():
        raise InvalidLanguageTag(
            f"'{tag}' is not a BCP 47 language tag that CLDR knows (e.g. km, en, zh-Hant)")
    return canonical


def valid_language_tag(tag: str | None) -> str | None:
    """The canonical `tag`, or None when it is missing or not a known language."""
    try:
        return language_tag(tag) if tag else None
    except InvalidLanguageTag:
        return None


@cache
def native_name(tag: str) -> str:
    """The language's name in itself, as a picker shows it: Tiếng Việt, English, ខ្មែរ."""
    name = Locale.parse(tag, sep="-").get_display_name() or tag
    return name[:1].upper() + name[1:]


def base_language(tag: str) -> str:
    """The language subtag alone (`zh-Hant` -> `zh`)."""
    return tag.split("-")[0]


def content_file_name(lang: str) -> str:
    """`index.md` for the source language, `index.<tag>.md` for a translation."""
    return SOURCE_FILE if lang == SOURCE_LANGUAGE else f"index.{lang}.md"


def file_language(name: str) -> str | None:
    """The language tag written in a translation file's name (`index.km.md` -> `km`), unchecked; None
    for index.md and for files that are not content files."""
    if name == SOURCE_FILE or not (name.startswith("index.") and name.endswith(".md")):
        return None
    return name.removeprefix("index.").removesuffix(".md")


def source_first(tags) -> list[str]:
    """`tags` without repeats, Vietnamese first, then by tag."""
    tags = set(tags)
    return [SOURCE_LANGUAGE, *sorted(tags - {SOURCE_LANGUAGE})]
