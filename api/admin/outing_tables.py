"""A class outing's table for its teacher (issue 14): a row per student, in the order they joined, with when
each stop was stamped (Vietnam time), the questions answered, the score and whether the passport is complete.
In the XLSX file a stamp time is a date cell (Vietnam time, as Excel has no time zones), so it sorts and filters
as a date; in the CSV file it is written as the page shows it.
The admin page shows it TABLE_PAGE rows at a time (issue 21: a flooded outing made the page 5.2 MB); the CSV and
XLSX exports write every row under the stats report's rule against formulas in cells (qr/spreadsheets.py)."""

from dataclasses import dataclass
from datetime import datetime

from qr.spreadsheets import neutralised, table_csv, table_xlsx
from sites.catalog.journeys import Journey
from sites.outings.outing import Outing, Progress, journey_questions
from sites.visits.visit import VIETNAM_TIME

STAMP_FORMAT = "%d/%m/%Y %H:%M"
TABLE_PAGE = 100  # students on one page of the admin's table
YES, NO = "có / yes", "không / no"


@dataclass(frozen=True)
class StudentRow:
    """One student: a stamp time per stop (Vietnam time, without a zone; None when not stamped), answers, score,
    complete or not."""

    nickname: str
    stamps: tuple[datetime | None, ...]
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
        stamps = tuple(vietnam_time(stamp.at) if stamp else None
                       for stamp in (student.stamp(stop.site.slug) for stop in journey.stops))
        rows.append(StudentRow(student.passport.nickname, stamps, len(student.answers), student.score,
                               student.complete(questions)))
    return OutingTable(tuple(f"{number}. {stop.site.card.name}" for number, stop in enumerate(journey.stops, 1)),
                       sum(len(ids) for ids in questions.values()), tuple(rows))


def vietnam_time(moment: datetime) -> datetime:
    """`moment` as the clock in Vietnam shows it, without a zone (what a spreadsheet's date cell holds)."""
    return moment.astimezone(VIETNAM_TIME).replace(tzinfo=None)


def stamp_text(moment: datetime | None) -> str:
    """A stamp time as the page and the CSV file write it: 06/12/2026 09:15, or "" when not stamped."""
    return moment.strftime(STAMP_FORMAT) if moment else ""


def spreadsheet_rows(table: OutingTable, dates: bool = False) -> list[tuple]:
    """The header, then a row per student: stamp times as dates (`dates`) or text; every text cell neutralised
    (a nickname may be "=HYPERLINK(…)")."""
    header = ("Biệt danh / Nickname", *table.stops, f"Đã trả lời / Answered (/{table.questions})",
              f"Điểm / Score (/{table.questions})", "Hoàn thành / Complete")
    rows = [header] + [(row.nickname, *(row.stamps if dates else map(stamp_text, row.stamps)), row.answered,
                        row.score, YES if row.complete else NO) for row in table.rows]
    return [tuple(neutralised(cell) for cell in row) for row in rows]


def outing_csv(table: OutingTable) -> bytes:
    return table_csv(spreadsheet_rows(table))


def outing_xlsx(table: OutingTable, outing: Outing) -> bytes:
    """One sheet named after the class code."""
    return table_xlsx({outing.code: spreadsheet_rows(table, dates=True)})
