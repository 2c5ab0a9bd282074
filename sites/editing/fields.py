"""One site as flat, named fields: the admin form's inputs and the import spreadsheet's columns.

The names are the front-matter paths of the README (`name`, `location.lat`, `sources.0.url`), plus
`body` for the Vietnamese story and `<tag>.name`, `<tag>.summary`, `<tag>.built`, `<tag>.body` for a
translation into the language of BCP 47 tag `<tag>` (`en.summary`, `km.body`). Values are text (or
numbers from a spreadsheet); empty ones count as not given. The
result is validated with the same models as `diachido check`, and every problem is named by its field.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from sites.catalog.languages import SOURCE_LANGUAGE, valid_language_tag
from sites.catalog.loader import ContentError, describe_validation_errors
from sites.catalog.messages import english
from sites.catalog.models import SiteFrontMatter, Translation, split_names
from sites.catalog.provinces import UnknownProvince, find_province
from sites.catalog.site import Site
from sites.catalog.text import nfc

# Written as one text, items separated by commas (the models read such a text as a list).
LIST_FIELDS = ("aliases", "other_names", "tags", "address.other_provinces", "recognition.kind")
PROVINCE_FIELDS = ("address.province", "address.other_provinces")
BODY_FIELD = "body"


@dataclass(frozen=True)
class FieldError:
    """A problem with one field of what staff entered; `field` is the flat name (`location.lat`), `message`
    the English, `type` and `ctx` what `sites.catalog.messages` words it from for staff."""

    field: str
    message: str
    type: str = "value_error"
    ctx: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, name: str, type_: str, **ctx: Any) -> "FieldError":
        """A problem of one of our own types (`sites.catalog.messages.ENGLISH`) with the input `name`."""
        return cls(name, english(type_, ctx), type_, ctx)

    @classmethod
    def from_content(cls, error: ContentError, prefix: str = "") -> "FieldError":
        """The loader's `error`, named by the flat field (`prefix` "en." for index.en.md)."""
        return cls(prefix + (error.field or ""), error.message, error.type, error.ctx)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class InvalidFields(ValueError):
    """What staff entered does not make a valid site; `errors` names each field and problem."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(map(str, errors)))
        self.errors = errors


@dataclass(frozen=True)
class SiteInput:
    """A site as staff entered it, validated: front matter, translations and a body per language."""

    meta: SiteFrontMatter
    translations: dict[str, Translation]
    bodies: dict[str, str]


def parse_fields(flat: Mapping[str, object]) -> SiteInput:
    """Validate flat fields into a SiteInput; raises InvalidFields listing every problem."""
    flat = {key: clean_value(value) for key, value in flat.items()}
    flat = provinces_of_today({key: value for key, value in flat.items() if value is not None})
    if not {"location.lat", "location.lon"} & flat.keys():  # a precision alone is no location
        flat = {key: value for key, value in flat.items() if not key.startswith("location.")}
    errors: list[FieldError] = []
    languages = {key: translation_language(key) for key in flat}
    own = {key: value for key, value in flat.items() if languages[key] is None}
    meta = validate_model(SiteFrontMatter, nest_fields(own, ""), "", errors)
    translations, bodies = {}, {SOURCE_LANGUAGE: str(flat.get(BODY_FIELD, ""))}
    for lang in sorted({lang for lang in languages.values() if lang}):
        given = {key: value for key, value in flat.items() if languages[key] == lang}
        bodies[lang] = str(given.pop(f"{lang}.{BODY_FIELD}", ""))
        translations[lang] = validate_model(Translation, nest_fields(given, f"{lang}."), f"{lang}.", errors)
    if errors:
        raise InvalidFields(errors)
    return SiteInput(meta, translations, bodies)


def provinces_of_today(flat: Mapping[str, object]) -> dict[str, object]:
    """The flat fields with each former province typed as a province (an import, the admin form) replaced by
    today's and kept in `address.former_province`: "Hà Nam" -> Ninh Bình, former Hà Nam; with a former province
    and no province, its successor is the province. Names that are no province are left for the model to
    refuse, with a did-you-mean."""
    names = [name for key in PROVINCE_FIELDS for name in split_names(flat.get(key)) or []]
    formers = split_names(flat.get("address.former_province")) or []
    names = names or list(formers)  # only the former province given: today's is its successor
    if not names:
        return dict(flat)
    today = []
    for name in names:
        try:
            match = find_province(name)
        except UnknownProvince:
            today.append(name)
            continue
        today.append(match.current)
        formers += [match.former] if match.former else []
    today = list(dict.fromkeys(today))
    changed = {"address.province": today[0], "address.other_provinces": ", ".join(today[1:]),
               "address.former_province": ", ".join(dict.fromkeys(formers))}
    return {**{key: value for key, value in flat.items() if key not in changed},
            **{key: value for key, value in changed.items() if value}}


def site_fields(site: Site) -> dict[str, str]:
    """The flat fields of a loaded site, as the admin form shows them (inverse of `parse_fields`)."""
    flat = flatten_fields(site.meta.model_dump(mode="json", exclude_none=True), "")
    flat[BODY_FIELD] = site.bodies.get(SOURCE_LANGUAGE, "")
    for lang, translation in site.translations.items():
        flat.update(flatten_fields(translation.model_dump(mode="json", exclude_none=True), f"{lang}."))
        flat[f"{lang}.{BODY_FIELD}"] = site.bodies.get(lang, "")
    return flat


def translation_language(key: str) -> str | None:
    """The language of a translated field (`km.summary` -> `km`), None for the site's own fields."""
    head, dot, _ = key.partition(".")
    if not dot or head in SiteFrontMatter.model_fields or valid_language_tag(head) != head:
        return None
    return head


def row_count(flat: Mapping[str, object], group: str) -> int:
    """How many rows of `group` (sources, photos) the flat fields hold."""
    return len({key.split(".")[1] for key in flat if key.startswith(f"{group}.")})


def clean_value(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, str):
        value = nfc(value.replace("\r\n", "\n")).strip()
        return value or None
    return value


def validate_model(model, data: dict, prefix: str, errors: list[FieldError]):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors += [FieldError.from_content(error, prefix) for error in describe_validation_errors("", model, exc)]
        return None


def nest_fields(flat: Mapping[str, object], prefix: str) -> dict:
    """{"location.lat": "10"} -> {"location": {"lat": "10"}}; "sources.0.url" makes a list."""
    nested: dict = {}
    for key, value in flat.items():
        path = key.removeprefix(prefix).split(".")
        if path == [BODY_FIELD]:
            continue
        if len(path) == 1 and path[0] in LIST_FIELDS:
            value = [item.strip() for item in str(value).split(",") if item.strip()]
        node = nested
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return _lists(nested)


def _lists(node: object) -> object:
    """Turn dicts keyed "0", "1", ... into lists, in numeric order (gaps left by removed rows close)."""
    if not isinstance(node, dict):
        return node
    node = {key: _lists(value) for key, value in node.items()}
    if node and all(key.isdigit() for key in node):
        return [node[key] for key in sorted(node, key=int)]
    return node


def flatten_fields(data: object, prefix: str) -> dict[str, str]:
    if isinstance(data, dict):
        return {k: v for key, value in data.items() for k, v in flatten_fields(value, f"{prefix}{key}.").items()}
    name = prefix.rstrip(".")
    if isinstance(data, list):
        if name in LIST_FIELDS:
            return {name: ", ".join(data)}
        return {k: v for i, item in enumerate(data) for k, v in flatten_fields(item, f"{prefix}{i}.").items()}
    if isinstance(data, bool):
        return {name: "true"} if data else {}
    return {name: str(data)}
