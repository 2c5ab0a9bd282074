"""A class outing's pass mark (issue 28): the share of the journey's questions a student must answer right to get
the certificate, set by the teacher in percent; without one (the default) a complete passport is enough."""

from typing import TYPE_CHECKING

from sites.catalog.i18n import strings
from sites.outings.outing import journey_questions

if TYPE_CHECKING:
    from sites.catalog.journeys import Journey
    from sites.outings.outing import Outing

PASS_PERCENTS = (1, 100)  # the pass marks a teacher may set


def needed(pass_percent: int | None, questions: int) -> int:
    """Right answers needed for the certificate: `pass_percent` of `questions`, rounded up (50% of 5 is 3); 0
    without a pass mark."""
    return 0 if pass_percent is None else -(-pass_percent * questions // 100)


def passed(pass_percent: int | None, score: int, questions: int) -> bool:
    """Whether `score` right answers of `questions` reach the pass mark."""
    return score >= needed(pass_percent, questions)


def pass_mark_text(outing: "Outing", journey: "Journey", lang: str) -> str | None:
    """What students read about the outing's pass mark in `lang`; None without one (or without questions)."""
    questions = sum(map(len, journey_questions(journey).values()))
    if outing.pass_percent is None or not questions:
        return None
    return strings(lang)["outing_pass_mark"].format(needed=needed(outing.pass_percent, questions), questions=questions,
                                                    percent=outing.pass_percent)
