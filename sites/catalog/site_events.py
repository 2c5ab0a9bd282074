"""A site's events in a visitor's language, and the checks across its events (issue 24).

`localized_events` gives each event's name and note in a language (a translation file's `events:` by `id`, else
Vietnamese); `event_problems` and `event_translation_problems` are what the loader reports beyond one event: an
id used twice, a translated id the Vietnamese file does not have. The dates themselves are the models'.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sites.catalog.languages import SOURCE_LANGUAGE
from sites.catalog.models import Event, EventTranslation

Problem = tuple[str, str, Mapping[str, Any]]  # the field (`events.1.id`), the type (sites.catalog.messages), its ctx


@dataclass(frozen=True)
class EventText:
    """An event's name and note in one language (`lang`: the one they are really in)."""

    name: str
    note: str | None
    lang: str


def localized_events(source: Sequence[Event], translation: Sequence[EventTranslation],
                     lang: str) -> dict[str, EventText]:
    """Each event's texts by id, in `lang` where `translation` has it, else in Vietnamese."""
    texts = {item.id: item for item in translation}
    found = {}
    for event in source:
        if (item := texts.get(event.id)) is not None:
            found[event.id] = EventText(item.name, item.note or event.note, lang)
        else:
            found[event.id] = EventText(event.name, event.note, SOURCE_LANGUAGE)
    return found


def event_problems(source: Sequence[Event]) -> list[Problem]:
    """An id used twice among the Vietnamese events."""
    return _repeated_ids(source)


def event_translation_problems(source: Sequence[Event], translation: Sequence[EventTranslation]) -> list[Problem]:
    """A translation's events against the Vietnamese ones: an id used twice, or one the Vietnamese file lacks."""
    known = {event.id for event in source}
    problems = _repeated_ids(translation)
    problems += [(f"events.{number}.id", "event_unknown_id", {"id": item.id})
                 for number, item in enumerate(translation) if item.id not in known]
    return problems


def _repeated_ids(events: Sequence[Event | EventTranslation]) -> list[Problem]:
    first: dict[str, int] = {}
    problems = []
    for number, item in enumerate(events):
        if (earlier := first.setdefault(item.id, number)) != number:
            problems.append((f"events.{number}.id", "event_id_twice", {"id": item.id, "first": earlier + 1}))
    return problems
