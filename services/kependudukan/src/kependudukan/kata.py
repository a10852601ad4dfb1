"""The words of a name, as the staff search matches them: whole words, case-insensitive, in any order.

The rule, the same for a resident's name (in the database: `kata_nama(text)`, migration `kata_nama`,
which fills `penduduk_kata`) and for what the operator types (here):

1. lower case, one character at a time (Unicode's simple mapping: "É" is "é", "İ" is "i");
2. apostrophes are dropped (' ‘ ’ ` ʼ), so "Nur'aini" is the one word "nuraini", "Ma’ruf" is "maruf";
3. the words are the runs of letters (Unicode) and ASCII digits; anything else separates them
   ("Abd. Rahman" is "abd" and "rahman", "M.Yusuf" is "m" and "yusuf", "Siti-Hasanah" two words).

`penduduk_kata` holds a name's keys (`keys`): each word, and each two of its words joined by a space,
the smaller first in code-point order. A query's one or two words are one key, a range of the word
index in name order; a third word and more are checked on each name of that range (`search_key`).

The database states it with the built-in `pg_c_utf8` collation, whatever the database's own locale:
`lower()` and the regex class `[:alpha:]` are then Unicode's, as `str.lower` and `str.isalpha` are here
(tests/test_kata.py compares the two on awkward names). Where they part: combining marks that Unicode
counts as alphabetic (Arabic harakat, Indic vowel signs) are letters to Postgres and separators here.
"""

from __future__ import annotations

APOSTROPHES = "'\u2018\u2019`\u02bc"
_DROPPED = str.maketrans("", "", APOSTROPHES)


def _lower(text: str) -> str:
    # Character by character: Postgres's lower() maps each one to one ("İ" -> "i", "Σ" -> "σ" anywhere),
    # str.lower() applies the full mapping ("İ" -> "i̇", a final "Σ" -> "ς").
    return "".join(ch.lower()[:1] for ch in text)


def words(text: str) -> list[str]:
    """The distinct words of `text`, in the order they first appear."""
    lowered = _lower(text).translate(_DROPPED)
    spaced = "".join(ch if ch.isalpha() or "0" <= ch <= "9" else " " for ch in lowered)
    return list(dict.fromkeys(spaced.split()))


def pair(first: str, second: str) -> str:
    """The key of two words: the smaller first in code-point order (Postgres's COLLATE "C")."""
    return " ".join(sorted((first, second)))


def keys(text: str) -> list[str]:
    """The keys of a name in penduduk_kata (the database's `kunci_nama`)."""
    found = words(text)
    return [*found, *(pair(a, b) for i, a in enumerate(found) for b in found[i + 1 :])]


def search_key(found: list[str]) -> tuple[str, list[str]]:
    """The key whose range a query of these words reads, and the words left to check on each name.

    One word is its own key; of more, the two longest (the rarer, mostly), so that a full name of two
    words reads only its own residents."""
    if len(found) == 1:
        return found[0], []
    longest = sorted(found, key=len, reverse=True)[:2]
    return pair(*longest), [word for word in found if word not in longest]
