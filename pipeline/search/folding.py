"""The search folding of ``pipeline.text.fold.comparison_text``, written as SQL.

Documents are folded inside the database (a generated column on PostgreSQL, triggers on SQLite)
so that every writer of ``articles`` keeps the search index right without calling Python; queries
are folded in Python with ``comparison_text``. Both sides must agree letter by letter, so the SQL
is generated from the Python functions rather than written by hand.
"""

from __future__ import annotations

import sqlite3

from pipeline.text.fold import CYRILLIC_TO_LATIN, UNDECOMPOSED, fold_diacritics, transliterate

# Latin-1 Supplement and Latin Extended-A hold every letter of Albanian and the South Slavic
# Latin alphabets; letters beyond are left to the tokenizer (SQLite's unicode61 strips their
# marks, PostgreSQL keeps them), which is harmless for the languages of this archive.
_LATIN_RANGE = range(0x00C0, 0x0180)
# The SQLite FTS5 tokenizer of the search table.
_TOKENIZER = "unicode61 remove_diacritics 2"


def fold_char(char: str) -> str:
    return fold_diacritics(transliterate(char)).lower()


def _letters() -> list[str]:
    cyrillic = set(CYRILLIC_TO_LATIN) | {c.upper() for c in CYRILLIC_TO_LATIN}
    latin = {chr(cp) for cp in _LATIN_RANGE} | {chr(cp) for cp in UNDECOMPOSED}  # maketrans: ints
    return sorted(cyrillic | latin)


def fold_table() -> dict[str, str]:
    """Every letter the SQL folds, with its folded (ASCII, lower-case, maybe empty) spelling."""
    table: dict[str, str] = {}
    for char in _letters():
        folded = fold_char(char)
        if folded != char and folded.isascii() and (folded == "" or folded.isalnum()):
            table[char] = folded
    return table


def _is_cyrillic(char: str) -> bool:
    return "\u0400" <= char <= "\u04ff"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def postgres_fold_body(argument: str = "$1") -> str:
    """An expression folding ``argument``: digraphs by replace(), single letters by translate()."""
    table = fold_table()
    expression = argument
    for char, folded in table.items():
        if len(folded) != 1:
            expression = f"replace({expression}, {_literal(char)}, {_literal(folded)})"
    # translate() scans its source list for every character: the commonest letters go first.
    order = sorted(table, key=lambda c: (c.isupper(), not _is_cyrillic(c), c))
    singles = {c: table[c] for c in order if len(table[c]) == 1}
    source, target = "".join(singles), "".join(singles.values())
    return f"lower(translate({expression}, {_literal(source)}, {_literal(target)}))"


# SQLite's parser overflows at about 25 nested calls in an UPDATE: replacements run in stages.
_SQLITE_STAGE = 20


def _tokenizer_agrees(char: str, folded: str) -> bool:
    """Whether FTS5's unicode61 tokenizer (diacritics removed, case folded) already turns
    ``char`` into ``folded``: such letters need no replace() of their own."""
    db = sqlite3.connect(":memory:")
    try:
        db.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, tokenize = {_literal(_TOKENIZER)})")
        db.execute("INSERT INTO t (x) VALUES (?)", (f"q{char}q",))
        found = db.execute("SELECT count(*) FROM t WHERE t MATCH ?", (f'"q{folded}q"',))
        return len(folded) == 1 and found.fetchone()[0] == 1
    finally:
        db.close()


def sqlite_fold_table() -> dict[str, str]:
    return {c: f for c, f in fold_table().items() if not _tokenizer_agrees(c, f)}


def sqlite_fold_stages(argument: str) -> list[str]:
    """Expressions to apply in turn, each to the result of the last (``argument`` names it):
    nested replace() calls, as SQLite has no translate(); its FTS5 tokenizer lower-cases."""
    items = list(sqlite_fold_table().items())
    stages = []
    for start in range(0, len(items), _SQLITE_STAGE):
        expression = argument
        for char, folded in items[start : start + _SQLITE_STAGE]:
            expression = f"replace({expression}, {_literal(char)}, {_literal(folded)})"
        stages.append(expression)
    return stages
