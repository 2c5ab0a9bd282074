"""The search index of the sites (issue 27): a search or a filtered list at 40,000 sites answers its count and one
page in SQL, without reading every site or building a list of every match.

One SQLite FTS5 table in a private temporary file (deleted when the index is; SQLite keeps 2 MB of its pages in
memory, the system's file cache the rest: at 40,000 sites about 30 MB less resident than in memory, and as fast,
0.45 ms a page at 10,000 sites either way), a row per site (drafts included) numbered in the registry's order, with four
columns: the folded name, the folded names of today's provinces, the folded search text (Site.search_text) and
the site's keys, tokens that words never are ("_pub", "_c_dinh", "_p_can_tho": fold() turns "_" into a space).
The filters are keys, so a category or province filter is one more word of the match. A query word matches a site
when it begins a word of the column searched, as `" word" in site.search_text` did: the texts are folded already
(lower case, no diacritics, words of letters and digits split by single spaces), and FTS5's unicode61 tokenizer
splits them into the same words. `detail=column`: no positions are kept, but a word can be asked of a column.

A page puts the sites whose name matches first: each part (name matches, then the others) comes in row order,
which is registry order, so a page is read with LIMIT and OFFSET; the total is counted once per search and index
(the next page of one search counts nothing again).
"""

import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from sites.catalog.site import Site
from sites.catalog.text import fold

TOKENIZER = "unicode61 remove_diacritics 0 tokenchars _"
COUNTS_KEPT = 256  # searches whose count is kept: a few KB, and paging through one search counts it once


def key(kind: str, value: str) -> str:
    """The token of a filter's value: "c" and "dinh" -> "_c_dinh", "p" and "can tho" -> "_p_can_tho"."""
    return f"_{kind}_{'_'.join(value.split()).replace('-', '_')}"


def quoted(token: str) -> str:
    """`token` as an FTS5 string: the filters' values come from requests."""
    return '"' + token.replace('"', '""') + '"'


@dataclass(frozen=True)
class Query:
    """What a list asks of the index. `words`: folded query words, each with the category values whose labels
    have a word it begins (they count as texts of those categories' sites). `in_text`: the words are looked for in
    the whole text, else in the name and today's provinces (the admin list). `published`: only published sites
    (True), only drafts (False) or both (None)."""

    words: tuple[tuple[str, tuple[str, ...]], ...] = ()
    category: str | None = None
    province_key: str | None = None
    published: bool | None = True
    in_text: bool = True

    def filters(self, drafts: bool) -> list[str]:
        """The FTS5 terms of the filters; the state's only in an index that has `drafts`."""
        state = {True: "_pub", False: "_draft", None: None}[self.published] if drafts or not self.published else None
        tokens = [key("c", self.category) if self.category else None,
                  key("p", self.province_key) if self.province_key else None, state]
        return [f"{{keys}}: {quoted(token)}" for token in tokens if token]

    def word_terms(self) -> list[str]:
        """The FTS5 terms of the words: each begins a word of the column searched, or labels the site's category."""
        column = "{words}" if self.in_text else "{name places}"
        return ["(" + " OR ".join([f'{column}: "{word}"*', *(f'{{keys}}: {quoted(key("c", value))}'
                                                              for value in categories)]) + ")"
                for word, categories in self.words]

    def name_terms(self) -> list[str]:
        """The FTS5 terms of a name that holds every word: those sites come first. The column searched holds the
        name's words, so such a site matches every word."""
        return [f'{{name}}: "{word}"*' for word, _ in self.words]


class SearchIndex:
    """The `sites` (in registry order, drafts included) by their names, provinces, texts and keys."""

    def __init__(self, sites: list[Site]):
        self._db = sqlite3.connect("", check_same_thread=False)  # "": a private temporary file
        self._lock = threading.Lock()  # one connection, used by the request threads in turn
        self._db.execute(f"CREATE VIRTUAL TABLE sites USING fts5(name, places, words, keys, "
                         f"tokenize='{TOKENIZER}', detail=column)")
        self._db.executemany("INSERT INTO sites (rowid, name, places, words, keys) VALUES (?, ?, ?, ?, ?)",
                             ((number, site.folded_name, fold(" ".join(site.card.provinces)), site.search_text,
                               " ".join(keys_of(site))) for number, site in enumerate(sites)))
        self._db.execute("INSERT INTO sites (sites) VALUES ('optimize')")  # one segment: fewer to merge per query
        self._drafts = not all(site.published for site in sites)  # without drafts, "published" is no condition
        # Every page of one search has the same count: counted once per index (the index is of one registry).
        self._counted = lru_cache(maxsize=COUNTS_KEPT)(self._count)

    def search(self, query: Query, offset: int, limit: int | None) -> tuple[list[int], int]:
        """The numbers of the matching sites from `offset` (`limit` of them; None: all), and how many match in all:
        those whose name holds every word first, then the others, each part in registry order."""
        limit = -1 if limit is None else limit  # SQLite's "no limit"
        filters = query.filters(self._drafts)
        match = both(query.word_terms(), filters)
        total = self._counted(match)
        if not query.words:
            return self._numbers(match, offset, limit), total
        in_name = both(query.name_terms(), filters)
        numbers = self._numbers(in_name, offset, limit)
        if len(numbers) == limit:
            return numbers, total
        before = offset + len(numbers) if numbers or not offset else self._counted(in_name)  # names that match
        if before < total:
            rest = f"({match}) NOT ({both(query.name_terms())})"
            numbers += self._numbers(rest, max(0, offset - before), max(-1, limit - len(numbers)))
        return numbers, total

    def _count(self, match: str | None) -> int:
        sql, arguments = ("SELECT count(*) FROM sites WHERE sites MATCH ?", (match,)) if match else (
            "SELECT count(*) FROM sites", ())
        with self._lock:
            return self._db.execute(sql, arguments).fetchone()[0]

    def _numbers(self, match: str | None, offset: int, limit: int) -> list[int]:
        # One row of every number: one step of SQLite, which lets the other threads run once, not once a row
        # (a request waited for a CPU-bound thread at each row). The numbers are sorted again: group_concat keeps
        # no order it promises.
        where, arguments = ("WHERE sites MATCH ?", (match,)) if match else ("", ())
        with self._lock:
            (numbers,) = self._db.execute(f"SELECT group_concat(rowid, ' ') FROM (SELECT rowid FROM sites {where} "
                                          "ORDER BY rowid LIMIT ? OFFSET ?)", (*arguments, limit, offset)).fetchone()
        return sorted(map(int, numbers.split())) if numbers else []


def both(*terms: list[str]) -> str | None:
    """The FTS5 expression of every term; None for none (every row)."""
    return " AND ".join(term for part in terms for term in part) or None


def keys_of(site: Site) -> Iterable[str]:
    """The filters' tokens of `site`: its state, its category, its provinces (today's and former)."""
    yield "_pub" if site.published else "_draft"
    yield key("c", site.card.category.value)
    yield from (key("p", province) for province in sorted(site.province_keys))
