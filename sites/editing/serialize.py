"""Write validated front matter and a Markdown body back as a content file, in the hand-written style.

The style is that of the files in content/: fields in the model's order, nested blocks indented by two
spaces, lists of words on one line (`tags: [đình, ô môn]`) but a question's choices one a line, Vietnamese
letters as they are, double quotes only where YAML needs quotes, and no line folding. Defaults are left
out, except `published`, which staff look for. A file written here loads back into the very same model.
"""

import datetime as dt

import yaml
from pydantic import BaseModel

from sites.catalog.text import nfc


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key ("sources:\n  - url: ..."), as staff write them.
        super().increase_indent(flow, False)

    def choose_scalar_style(self) -> str:
        style = super().choose_scalar_style()
        return '"' if style == "'" else style  # content/ uses double quotes


def _represent_list(dumper: yaml.SafeDumper, items: list) -> yaml.Node:
    words = all(isinstance(item, str) and "\n" not in item for item in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=words)


class _Sentences(list):
    """A list of sentences (a question's choices): one item a line, however short, as staff write them."""


class _Inline(dict):
    """A small mapping written on one line (an event's `lunar: {month: 4, day: 15, days: 2}`)."""


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(_Sentences, lambda dumper, items: dumper.represent_sequence(
    "tag:yaml.org,2002:seq", items, flow_style=False))
_Dumper.add_representer(_Inline, lambda dumper, mapping: dumper.represent_mapping(
    "tag:yaml.org,2002:map", mapping, flow_style=True))

ALWAYS_WRITTEN = {"published"}
SENTENCE_LISTS = {"choices"}
INLINE_MAPPINGS = {"lunar"}
DATES = {"date"}  # written as YAML dates (`date: 1947-04-10`), as staff write them, not as quoted text


def _with_sentences(data: object) -> object:
    """`data` with the lists named in SENTENCE_LISTS marked to be written one item a line, the mappings named in
    INLINE_MAPPINGS on one line, and the dates named in DATES as dates."""
    if isinstance(data, dict):
        return {key: _Sentences(value) if key in SENTENCE_LISTS and isinstance(value, list) else
                _Inline(value) if key in INLINE_MAPPINGS and isinstance(value, dict) else
                dt.date.fromisoformat(value) if key in DATES and isinstance(value, str) else
                _with_sentences(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_with_sentences(item) for item in data]
    return data


def front_matter_data(model: BaseModel) -> dict:
    """The fields of `model` worth writing: set, non-default values (plus `published`)."""
    data = model.model_dump(mode="json", exclude_defaults=True)
    for name in ALWAYS_WRITTEN & set(type(model).model_fields):
        data[name] = getattr(model, name)
    return _with_sentences({name: data[name] for name in type(model).model_fields if name in data})


def content_file(model: BaseModel, body: str) -> str:
    """The text of a content file: `---`, the YAML front matter of `model`, `---`, then the body."""
    front = yaml.dump(
        front_matter_data(model), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000
    )
    text = body.replace("\r\n", "\n").strip()
    return nfc(f"---\n{front}---\n{text}\n" if text else f"---\n{front}---\n")
