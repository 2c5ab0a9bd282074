"""The search index of the published sites (issue 27): a search at 40,000 sites no longer reads every site's text.

Two SQLite FTS5 tables in memory, one over each site's folded search text (Site.search_text) and one over its
folded name, both without positions (`detail=none`: a few MB at 40,000 sites). A query word matches a site when
it begins a word of the site's text, as `" word" in site.search_text` did: the texts are folded already (lower
case, no diacritics, words of letters and digits split by single spaces), and FTS5's unicode61 tokenizer splits
them into the same words. Rows are numbered in the registry's order, so the answers come in that order.
"""

import sqlite3
import threading
from collections.abc import Iterable

from sites.catalog.site import Site


class SearchIndex:
    """The published `sites` (in registry order) by the words of their texts and names."""

    def __init__(self, sites: list[Site]):
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._lock = threading.Lock()  # one connection, used by the request threads in turn
        tokenizer = "unicode61 remove_diacritics 0"
        for table in ("texts", "names"):
            self._db.execute(f"CREATE VIRTUAL TABLE {table} USING fts5(words, tokenize='{tokenizer}', detail=none)")
        self._db.executemany("INSERT INTO texts (rowid, words) VALUES (?, ?)",
                             ((number, site.search_text) for number, site in enumerate(sites)))
        self._db.executemany("INSERT INTO names (rowid, words) VALUES (?, ?)",
                             ((number, site.folded_name) for number, site in enumerate(sites)))

    def matching(self, words: list[str], table: str = "texts") -> list[int]:
        """The numbers of the sites, in order, where each of `words` (folded, without spaces) begins a word of the
        text (`table` "texts") or of the name ("names")."""
        query = " ".join(f'"{word}"*' for word in words)  # folded words hold letters and digits only
        with self._lock:
            return [number for (number,) in self._db.execute(
                f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid", (query,))]

    def matching_any(self, word: str, also: Iterable[int]) -> set[int]:
        """The numbers of the sites whose text has a word beginning with `word`, and the numbers `also`."""
        return {*self.matching([word]), *also}
