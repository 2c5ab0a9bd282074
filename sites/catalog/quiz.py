"""A site's quiz: the questions of `quiz:` in its front matter (docs/quiz.md), in a visitor's language.

The public API, for the pages and the passport:

- `site.quiz` -> `tuple[Question, ...]`: the questions in Vietnamese, in their order; empty when the site
  has no quiz.
- `site.quiz_in(lang)` -> `Quiz`: the questions in `lang`, else in its base language, else in Vietnamese
  (a translation without `quiz:` shows the Vietnamese quiz). `Quiz.lang` says which language the texts are
  in, so a page can mark a quiz that is not in the visitor's language.
- `Quiz.questions`, `len(quiz)`, iterating, `bool(quiz)`; `Quiz.question(id)` -> `Question`, raises
  `QuestionNotFound` (a KeyError) for an id the site's quiz does not have.
- `Question.id`, `.question`, `.choices` (a tuple; choice number n is `choices[n - 1]`), `.explanation`,
  `.lang`; `.is_right(n)` -> bool for choice number n (counting from 1; False outside 1..len(choices));
  `.has_choice(n)`; `.answer` (the right choice's number) and `.right_choice` (its text): never show them
  before the student has answered.

Every value is immutable. The same question has the same `id` and the same right answer in every language.
`quiz_problems` and `translation_problems` are the checks beyond one question (ids, a translation against
the Vietnamese quiz), which the loader (`sites.catalog.loader.load_site`) reports with the file and field like any
other problem; the limits of one question are the models' (`sites.catalog.models.QuizQuestion`).
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sites.catalog.languages import SOURCE_LANGUAGE
from sites.catalog.models import QuizQuestion, QuizTranslation


class QuestionNotFound(KeyError):
    """The site's quiz has no question of this id."""


@dataclass(frozen=True)
class Question:
    """One question in one language, with its right answer (a choice number counting from 1)."""

    id: str
    question: str
    choices: tuple[str, ...]
    answer: int
    explanation: str
    lang: str

    def has_choice(self, number: int) -> bool:
        """True when `number` is the number of one of the choices (1 to the number of choices)."""
        return 1 <= number <= len(self.choices)

    def is_right(self, number: int) -> bool:
        """True when choice `number` (counting from 1) is the right answer."""
        return number == self.answer

    @property
    def right_choice(self) -> str:
        """The text of the right choice."""
        return self.choices[self.answer - 1]


@dataclass(frozen=True)
class Quiz:
    """A site's questions in the language `lang` (the one their texts are really in)."""

    lang: str
    questions: tuple[Question, ...]

    def question(self, id: str) -> Question:
        """The question `id`; raises QuestionNotFound."""
        for question in self.questions:
            if question.id == id:
                return question
        raise QuestionNotFound(id)

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    def __len__(self) -> int:
        return len(self.questions)


def localized_quiz(source: Sequence[QuizQuestion], translation: Sequence[QuizTranslation], lang: str) -> Quiz:
    """The quiz of `source` (the Vietnamese questions) in `lang`, from `translation` (its questions in
    `lang`); Vietnamese when `translation` is empty. The loader has checked both hold the same ids."""
    texts = {item.id: item for item in translation}
    questions = []
    for item in source:
        text = texts.get(item.id, item)
        questions.append(Question(item.id, text.question, tuple(text.choices), item.answer, text.explanation,
                                  lang if item.id in texts else SOURCE_LANGUAGE))
    return Quiz(lang if texts else SOURCE_LANGUAGE, tuple(questions))


Problem = tuple[str, str, Mapping[str, Any]]  # the field (`quiz.1.choices`), the type (sites.catalog.messages), its ctx


def quiz_problems(source: Sequence[QuizQuestion]) -> list[Problem]:
    """What is wrong with the Vietnamese quiz beyond each question: an id used twice."""
    return _repeated_ids(source)


def translation_problems(source: Sequence[QuizQuestion], translation: Sequence[QuizTranslation]) -> list[Problem]:
    """What is wrong with a translation file's quiz against the Vietnamese one: an id used twice or unknown, a
    question left out (a translated quiz holds every question, or none), another number of choices."""
    problems = _repeated_ids(translation)
    by_id = {item.id: item for item in source}
    for number, item in enumerate(translation):
        if item.id not in by_id:
            problems.append((f"quiz.{number}.id", "quiz_unknown_id", {"id": item.id}))
        elif len(item.choices) != len(by_id[item.id].choices):
            problems.append((f"quiz.{number}.choices", "quiz_choice_count",
                             {"count": len(by_id[item.id].choices), "got": len(item.choices)}))
    translated = {item.id for item in translation}
    if translation and (missing := [item.id for item in source if item.id not in translated]):
        problems.append(("quiz", "quiz_untranslated", {"ids": ", ".join(missing)}))
    return problems


def _repeated_ids(questions: Sequence[QuizQuestion | QuizTranslation]) -> list[Problem]:
    """`quiz.<n>.id` of each question whose id an earlier one has."""
    first: dict[str, int] = {}
    problems = []
    for number, item in enumerate(questions):
        if (earlier := first.setdefault(item.id, number)) != number:
            problems.append((f"quiz.{number}.id", "quiz_id_twice", {"id": item.id, "first": earlier + 1}))
    return problems
