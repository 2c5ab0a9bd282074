"""Look-alike text: a key that is the same for strings a reader cannot tell apart (Latin "An", Cyrillic "Аn",
fullwidth "Ａn"), after the skeleton of Unicode's UTS #39 (https://www.unicode.org/reports/tr39/#def-skeleton).

UTS #39 maps each character of the NFD form to its prototype from Unicode's confusables.txt, then takes NFD
again. The table comes from the `confusable-homoglyphs` package, which stores confusables.txt's pairs in
both directions without saying which side is the prototype. That is enough for a key: a line of
confusables.txt maps one code point to a prototype, so a multi-character side is always the prototype, and
the single-character pairs join characters into classes (a prototype and everything that maps to it), each
written as its smallest member. Two strings get the same key exactly when their UTS #39 skeletons agree.

Callers that ignore case fold it first: "An" and "an" are one name. UTS #39 joins capital "I" and small "l",
which folding first leaves apart ("ian" and "lan"); Cyrillic, Greek and fullwidth look-alikes are joined.

Accents stay: "Ân" is NFD "A" + U+0302 + "n", and U+0302 is kept, so "Ân" and "An" are different names, as
they are in Vietnamese; "Đ" maps to "d" + U+0335, never to a plain "d".
"""

import functools
import json
import unicodedata
from importlib import resources

BIDI_MARKS = str.maketrans("", "", "\u200e\u200f")  # the package wraps right-to-left characters in these


def skeleton(text: str) -> str:
    """The look-alike key of `text`: NFD, each character replaced by its prototype, NFD again."""
    prototypes = _prototypes()
    mapped = "".join(prototypes.get(character, character) for character in unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFD", mapped)


@functools.cache
def _prototypes() -> dict[str, str]:
    """Character -> the text standing for its class of look-alikes (built once, about 10,000 entries)."""
    pairs = json.loads(resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8"))
    parent: dict[str, str] = {}

    def root(character: str) -> str:
        while parent.get(character, character) != character:
            character = parent[character]
        return character

    expansions = {}
    for character, homoglyphs in pairs.items():
        character = character.translate(BIDI_MARKS)
        for homoglyph in (entry["c"].translate(BIDI_MARKS) for entry in homoglyphs):
            if len(character) == 1 and len(homoglyph) > 1:
                expansions[character] = homoglyph  # a single code point maps to a multi-character prototype
            elif len(character) == len(homoglyph) == 1:
                first, second = sorted((root(character), root(homoglyph)))
                parent[second] = first
    table = {character: root(character) for character in parent}
    # A prototype string is written in prototypes already, but as its class's smallest member here too.
    table.update({character: "".join(table.get(part, part) for part in text) for character, text in expansions.items()})
    return {character: text for character, text in table.items() if text != character}
