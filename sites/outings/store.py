"""The store of class outings (sites/outings/outing.py): its interface and the statements both back ends share.

The same statements run on SQLite (a file in the data folder, the default) and on PostgreSQL (the tables
are in sites/storage/migrations/0003_outings.sql), as the plaque-report store does; one module per back end
(store_sqlite.py, store_pg.py), chosen by sites/stores.py.
Every write is one committed transaction: a stamp or an answer is durable once the call returns.
"""

import hashlib
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Protocol

from sites.catalog.text import nfc
from sites.outings.outing import (
    CLASS_CODE_LENGTH,
    CODE_ALPHABET,
    RECOVERY_CODE_LENGTH,
    Answer,
    Joined,
    JourneySummary,
    Outing,
    OutingRefused,
    Passport,
    Progress,
    Refusal,
    Stamp,
    clean_nickname,
    nickname_key,
    normalize_code,
)
from sites.storage.local_db import LocalDatabase
from sites.storage.postgres import PostgresDatabase


class OutingStore(Protocol):
    """Where outings, passports, stamps and answers are kept; SQLite and PostgreSQL implement it."""

    inline: bool
    """True when a call is a quick local-file operation (SQLite, a fraction of a millisecond) that the scan path
    may make on the event loop, as the visit store commits there; False for a database across the network."""
    changes: int
    """Writes made by this process that may change the figures of /stats (lists kept while it stays the same)."""

    def create(self, journey: str, name: str, province: str, valid_from: datetime, valid_until: datetime,
               created_by: str, now: datetime, window: tuple[time, time] | None = None,
               max_distance_m: int | None = None, pass_percent: int | None = None) -> Outing:
        """A new outing with a fresh class code."""

    def get(self, code: str) -> Outing | None:
        """The outing of class `code` (any case, spaces and dashes ignored)."""

    def outings(self, provinces: list[str] | None = None, journey: str | None = None) -> list[Outing]:
        """Outings (of `provinces` or `journey` only, unless None), newest first."""

    def close(self, code: str, now: datetime) -> bool:
        """Close the outing now; False when there is no such open outing."""

    def delete(self, code: str) -> bool:
        """Delete the outing and everything of its students; False when there is no such outing."""

    def join(self, code: str, nickname: str, now: datetime) -> Joined:
        """A new passport in the active outing `code`; raises OutingRefused (unknown code, not active, nickname
        empty, too long or taken)."""

    def recover(self, code: str, recovery_code: str, now: datetime) -> Joined:
        """A new token for the passport of `recovery_code` in outing `code` (the old browser keeps its own);
        raises OutingRefused (unknown code, wrong recovery code)."""

    def passport(self, token: str) -> Passport | None:
        """The passport whose browser holds `token`."""

    def stamp(self, passport_id: int, slug: str, at: datetime, location_ok: bool | None = None) -> bool:
        """Stamp the passport for `slug`; False when it was stamped there already (the first time is kept).
        The caller checked the outing, the journey and the time."""

    def answer(self, passport_id: int, slug: str, question: str, choice: int, correct: bool, at: datetime) -> Answer:
        """Record the answer; raises OutingRefused (not stamped at `slug`, question answered already)."""

    def progress(self, passport_id: int) -> Progress | None: ...

    def table(self, code: str) -> list[Progress]:
        """Every student of the outing, in the order they joined."""

    def table_page(self, code: str, offset: int, limit: int) -> list[Progress]:
        """At most `limit` students of the outing, in the order they joined, after the first `offset`."""

    def students(self, code: str) -> int:
        """How many students joined the outing."""

    def summary(self, journey: str, questions: dict[str, Sequence[str]],
                between: tuple[datetime, datetime] | None = None) -> JourneySummary:
        """Outings of `journey` in figures (only those whose period meets `between`, when given); `questions`
        (stop slug -> question ids) defines completion."""

    def purge(self, now: datetime, retention: timedelta) -> int:
        """Delete the outings that ended more than `retention` before `now`; returns how many."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def _seconds(moment: datetime | None) -> float | None:
    return moment.timestamp() if moment else None


def _moment(seconds: float | None) -> datetime | None:
    return datetime.fromtimestamp(seconds, UTC) if seconds is not None else None


def _minutes(clock: time | None) -> int | None:
    return clock.hour * 60 + clock.minute if clock else None


def _clock(minutes: int | None) -> time | None:
    return time(minutes // 60, minutes % 60) if minutes is not None else None


OUTING_COLUMNS = ("code, journey, name, province, valid_from, valid_until, created_by, created_at, closed_at,"
                  " window_start, window_end, max_distance_m, pass_percent")
PASSPORT_COLUMNS = "id, outing, nickname, recovery, joined_at"
# Every table of a passport, the order to delete them in (no foreign keys: SQLite leaves them off by default).
PASSPORT_TABLES = ("answers", "stamps", "passport_tokens")


def _outing(row: tuple) -> Outing:
    code, journey, name, province, start, end, by, created, closed, window_start, window_end, distance, mark = row
    return Outing(code, journey, name, province, _moment(start), _moment(end), by, _moment(created), _moment(closed),
                  _clock(window_start), _clock(window_end), distance, mark)


def _passport(row: tuple) -> Passport:
    passport_id, outing, nickname, recovery, joined = row
    return Passport(passport_id, outing, nickname, recovery, _moment(joined))


class OutingTable:
    """The outing store on the tables of `db`; times are Unix seconds, clock times minutes after midnight."""

    inline = False

    def __init__(self, db: LocalDatabase | PostgresDatabase):
        self.db = db
        self.changes = 0  # writes that may change the figures (outings, students, stamps, answers) in this process

    def create(self, journey: str, name: str, province: str, valid_from: datetime, valid_until: datetime,
               created_by: str, now: datetime, window: tuple[time, time] | None = None,
               max_distance_m: int | None = None, pass_percent: int | None = None) -> Outing:
        if valid_until <= valid_from:
            raise ValueError("valid_until must come after valid_from")
        window_start, window_end = window or (None, None)
        while True:  # a clash of random codes is rare: draw again
            outing = Outing(_code(CLASS_CODE_LENGTH), journey, nfc(name).strip(), province, valid_from, valid_until,
                            created_by, now, None, window_start, window_end, max_distance_m, pass_percent)
            with self.db.transaction() as db:
                added = db.execute(
                    f"INSERT INTO outings ({OUTING_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT DO NOTHING",
                    (outing.code, journey, outing.name, province, _seconds(valid_from), _seconds(valid_until),
                     created_by, _seconds(now), None, _minutes(window_start), _minutes(window_end),
                     max_distance_m, pass_percent)).rowcount
            if added == 1:
                self.changes += 1
                return outing

    def get(self, code: str) -> Outing | None:
        with self.db.transaction() as db:
            row = db.execute(f"SELECT {OUTING_COLUMNS} FROM outings WHERE code = ?", (normalize_code(code),)).fetchone()
        return _outing(row) if row else None

    def outings(self, provinces: list[str] | None = None, journey: str | None = None) -> list[Outing]:
        query, parameters = f"SELECT {OUTING_COLUMNS} FROM outings WHERE 1 = 1", []
        if provinces is not None:
            query += f" AND province IN ({', '.join('?' * len(provinces)) or 'NULL'})"
            parameters += provinces
        if journey is not None:
            query += " AND journey = ?"
            parameters.append(journey)
        with self.db.transaction() as db:
            rows = db.execute(query + " ORDER BY created_at DESC, code", parameters).fetchall()
        return [_outing(row) for row in rows]

    def close(self, code: str, now: datetime) -> bool:
        self.changes += 1
        with self.db.transaction() as db:
            return db.execute("UPDATE outings SET closed_at = ? WHERE code = ? AND closed_at IS NULL",
                              (_seconds(now), normalize_code(code))).rowcount == 1

    def delete(self, code: str) -> bool:
        self.changes += 1
        with self.db.transaction() as db:
            return self._delete(db, [normalize_code(code)]) == 1

    @staticmethod
    def _delete(db, codes: list[str]) -> int:
        """Delete the outings `codes` with their passports; returns how many outings there were."""
        if not codes:
            return 0
        marks = ", ".join("?" * len(codes))
        of_outings = f"SELECT id FROM passports WHERE outing IN ({marks})"
        for table in PASSPORT_TABLES:
            db.execute(f"DELETE FROM {table} WHERE passport IN ({of_outings})", codes)
        db.execute(f"DELETE FROM passports WHERE outing IN ({marks})", codes)
        return db.execute(f"DELETE FROM outings WHERE code IN ({marks})", codes).rowcount

    def join(self, code: str, nickname: str, now: datetime) -> Joined:
        nickname = clean_nickname(nickname)
        token = secrets.token_urlsafe(32)
        while True:  # until the random recovery code is free in this outing
            recovery = _code(RECOVERY_CODE_LENGTH)
            with self.db.transaction() as db:
                outing = self._active_outing(db, code, now)
                row = db.execute("INSERT INTO passports (outing, nickname, nickname_key, recovery, joined_at)"
                                 " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                                 (outing.code, nickname, nickname_key(nickname), recovery, _seconds(now))).fetchone()
                taken = None if row else db.execute(
                    "SELECT nickname FROM passports WHERE outing = ? AND nickname_key = ?",
                    (outing.code, nickname_key(nickname))).fetchone()
                if taken:
                    same = nfc(taken[0].casefold()) == nfc(nickname.casefold())
                    raise OutingRefused(Refusal.NICKNAME_TAKEN if same else Refusal.NICKNAME_LOOKALIKE)
                if row is not None:
                    self.changes += 1
                    db.execute("INSERT INTO passport_tokens (token_hash, passport) VALUES (?, ?)",
                               (token_hash(token), row[0]))
                    return Joined(Passport(row[0], outing.code, nickname, recovery, now), token)

    def _active_outing(self, db, code: str, now: datetime) -> Outing:
        row = db.execute(f"SELECT {OUTING_COLUMNS} FROM outings WHERE code = ?", (normalize_code(code),)).fetchone()
        if row is None:
            raise OutingRefused(Refusal.UNKNOWN_CODE)
        outing = _outing(row)
        if not outing.active(now):
            raise OutingRefused(Refusal.NOT_ACTIVE)
        return outing

    def recover(self, code: str, recovery_code: str, now: datetime) -> Joined:
        token = secrets.token_urlsafe(32)
        with self.db.transaction() as db:
            if db.execute("SELECT 1 FROM outings WHERE code = ?", (normalize_code(code),)).fetchone() is None:
                raise OutingRefused(Refusal.UNKNOWN_CODE)
            row = db.execute(f"SELECT {PASSPORT_COLUMNS} FROM passports WHERE outing = ? AND recovery = ?",
                             (normalize_code(code), normalize_code(recovery_code))).fetchone()
            if row is None:
                raise OutingRefused(Refusal.WRONG_RECOVERY)
            db.execute("INSERT INTO passport_tokens (token_hash, passport) VALUES (?, ?)", (token_hash(token), row[0]))
        return Joined(_passport(row), token)

    def passport(self, token: str) -> Passport | None:
        with self.db.transaction() as db:
            row = db.execute(f"SELECT {PASSPORT_COLUMNS} FROM passports"
                             " WHERE id = (SELECT passport FROM passport_tokens WHERE token_hash = ?)",
                             (token_hash(token),)).fetchone()
        return _passport(row) if row else None

    def stamp(self, passport_id: int, slug: str, at: datetime, location_ok: bool | None = None) -> bool:
        self.changes += 1
        with self.db.transaction() as db:
            return db.execute("INSERT INTO stamps (passport, slug, at, location_ok) VALUES (?, ?, ?, ?)"
                              " ON CONFLICT DO NOTHING",
                              (passport_id, slug, _seconds(at), None if location_ok is None else int(location_ok))
                              ).rowcount == 1

    def answer(self, passport_id: int, slug: str, question: str, choice: int, correct: bool, at: datetime) -> Answer:
        with self.db.transaction() as db:
            stamped = db.execute("SELECT 1 FROM stamps WHERE passport = ? AND slug = ?", (passport_id, slug)).fetchone()
            if stamped is None:
                raise OutingRefused(Refusal.NOT_STAMPED)
            added = db.execute("INSERT INTO answers (passport, slug, question, choice, correct, at)"
                               " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                               (passport_id, slug, question, choice, int(correct), _seconds(at))).rowcount
        if added != 1:
            raise OutingRefused(Refusal.ANSWERED)
        self.changes += 1
        return Answer(slug, question, choice, correct, at)

    def progress(self, passport_id: int) -> Progress | None:
        with self.db.transaction() as db:
            rows = self._progress(db, f"SELECT {PASSPORT_COLUMNS} FROM passports WHERE id = ?", [passport_id])
        return rows[0] if rows else None

    def table(self, code: str) -> list[Progress]:
        with self.db.transaction() as db:
            return self._progress(db, f"SELECT {PASSPORT_COLUMNS} FROM passports WHERE outing = ?"
                                  " ORDER BY joined_at, id", [normalize_code(code)])

    def table_page(self, code: str, offset: int, limit: int) -> list[Progress]:
        with self.db.transaction() as db:
            return self._progress(db, f"SELECT {PASSPORT_COLUMNS} FROM passports WHERE outing = ?"
                                  " ORDER BY joined_at, id LIMIT ? OFFSET ?", [normalize_code(code), limit, offset])

    def students(self, code: str) -> int:
        with self.db.transaction() as db:
            row = db.execute("SELECT COUNT(*) FROM passports WHERE outing = ?", (normalize_code(code),)).fetchone()
        return row[0]

    @staticmethod
    def _progress(db, query: str, parameters: list) -> list[Progress]:
        """The progress of the passports `query` selects (its columns: PASSPORT_COLUMNS), in its order."""
        passports = [_passport(row) for row in db.execute(query, parameters).fetchall()]
        if not passports:
            return []
        ids = [passport.id for passport in passports]
        marks = ", ".join("?" * len(ids))
        stamps: dict[int, list[Stamp]] = {}
        for passport_id, slug, at, location_ok in db.execute(
                f"SELECT passport, slug, at, location_ok FROM stamps WHERE passport IN ({marks}) ORDER BY at", ids):
            stamps.setdefault(passport_id, []).append(
                Stamp(slug, _moment(at), None if location_ok is None else bool(location_ok)))
        answers: dict[int, list[Answer]] = {}
        for passport_id, slug, question, choice, correct, at in db.execute(
                "SELECT passport, slug, question, choice, correct, at FROM answers"
                f" WHERE passport IN ({marks}) ORDER BY at, slug, question", ids):
            answers.setdefault(passport_id, []).append(Answer(slug, question, choice, bool(correct), _moment(at)))
        return [Progress(passport, tuple(stamps.get(passport.id, ())), tuple(answers.get(passport.id, ())))
                for passport in passports]

    def summary(self, journey: str, questions: dict[str, Sequence[str]],
                between: tuple[datetime, datetime] | None = None) -> JourneySummary:
        outings = [outing for outing in self.outings(journey=journey)
                   if between is None or (outing.valid_from <= between[1] and between[0] < outing.ends_at)]
        rows = [row for outing in outings for row in self.table(outing.code)]
        return JourneySummary(journey, len(outings), len(rows), sum(row.complete(questions) for row in rows),
                              sum(row.score for row in rows) / len(rows) if rows else 0.0)

    def purge(self, now: datetime, retention: timedelta) -> int:
        before = _seconds(now - retention)
        self.changes += 1
        with self.db.transaction() as db:
            codes = [code for (code,) in db.execute(
                "SELECT code FROM outings WHERE valid_until < ? OR closed_at < ?", (before, before)).fetchall()]
            return self._delete(db, codes)
