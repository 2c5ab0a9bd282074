"""A class outing's table for its teacher (issue 14): a row per student, in the order they joined, with when
each stop was stamped (Vietnam time), the questions answered, the score and whether the passport is complete.
The admin page shows it TABLE_PAGE rows at a time (issue 21: a flooded outing made the page 5.2 MB); the CSV and
XLSX exports write every row under the stats report's rule against formulas in cells (qr/spreadsheets.py)."""

from dataclasses import dataclass
from datetime import datetime

from qr.spreadsheets import neutralised, table_csv, table_xlsx
from sites.catalog.journeys import Journey
from sites.outings.store_sqlite import Outing, Progress, journey_questions
from sites.visits.visit import VIETNAM_TIME

STAMP_FORMAT = "%d/%m/%Y %H:%M"
TABLE_PAGE = 100  # students on one page of the admin's table
YES = "có / yes"


@dataclass(frozen=True)
class StudentRow:
    """One student: a stamp time per stop ("" when not stamped), answers, score, complete or not."""

    nickname: str
    stamps: tuple[str, ...]
    answered: int
    score: int
    complete: bool


@dataclass(frozen=True)
class OutingTable:
    """The table of one outing: its stops' names, its number of questions and a row per student."""

    stops: tuple[str, ...]
    questions: int
    rows: tuple[StudentRow, ...]


def outing_table(journey: Journey, students: list[Progress]) -> OutingTable:
    """The table of the students of an outing on `journey`."""
    questions = journey_questions(journey)
    rows = []
    for student in students:
        stamps = tuple(_stamp_time(stamp.at) if stamp else ""
                       for stamp in (student.stamp(stop.site.slug) for stop in journey.stops))
        rows.append(StudentRow(student.passport.nickname, stamps, len(student.answers), student.score,
                               student.complete(questions)))
    return OutingTable(tuple(f"{number}. {stop.site.meta.name}" for number, stop in enumerate(journey.stops, 1)),
                       sum(len(ids) for ids in questions.values()), tuple(rows))


def _stamp_time(moment: datetime) -> str:
    return moment.astimezone(VIETNAM_TIME).strftime(STAMP_FORMAT)


def spreadsheet_rows(table: OutingTable) -> list[tuple]:
    """The header, then a row per student; every text cell neutralised (a nickname may be "=HYPERLINK(…)")."""
    header = ("Biệt danh / Nickname", *table.stops, f"Đã trả lời / Answered (/{table.questions})",
              f"Điểm / Score (/{table.questions})", "Hoàn thành / Complete")
    rows = [header] + [(row.nickname, *row.stamps, row.answered, row.score, YES if row.complete else "")
                       for row in table.rows]
    return [tuple(neutralised(cell) for cell in row) for row in rows]


def outing_csv(table: OutingTable) -> bytes:
    return table_csv(spreadsheet_rows(table))


def outing_xlsx(table: OutingTable, outing: Outing) -> bytes:
    """One sheet named after the class code."""
    return table_xlsx({outing.code: spreadsheet_rows(table)})
