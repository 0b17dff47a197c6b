"""views for operators and analysts, daily counts, full-text search

Adds ``article_daily_counts`` (articles per day, feed and language, kept by triggers so that the
UI and ``v_daily_counts`` never scan a year of articles), the views ``v_feed_health`` and
``v_daily_counts``, and the search index: on PostgreSQL a generated ``search_tsv`` column with a
GIN index (exposed to analysts as ``v_article_search``), on SQLite an FTS5 table kept by triggers.
Both index the folded text of ``pipeline.text.fold.comparison_text`` (Cyrillic transliterated,
diacritics and case removed), so "Vucic" finds "Vučić" and "Вучић".

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# The folding of pipeline.text.fold.comparison_text as this revision created it, frozen as
# text: PostgreSQL's news_fold() body (argument $1) and SQLite's replace() stages (applied in
# turn to article_search_keys.pending). Generated once by pipeline.search.folding; a change of
# the folding needs a new revision (tests/test_migrations.py compares the two).
PG_FOLD_BODY = (
    "lower(translate(replace(replace(replace(replace(replace(replace(replace(replace("
    "replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("
    "replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("
    "replace(replace(replace(replace($1, 'ß', 'ss'), 'æ', 'ae'), 'Đ', 'dj'), 'đ', 'dj"
    "'), 'Ё', 'jo'), 'Ђ', 'dj'), 'Ѓ', 'gj'), 'Є', 'je'), 'Ѕ', 'dz'), 'Ї', 'ji'), 'Љ',"
    " 'lj'), 'Њ', 'nj'), 'Ќ', 'kj'), 'Џ', 'dz'), 'Щ', 'sht'), 'Ь', ''), 'Ю', 'ju'), '"
    "Я', 'ja'), 'щ', 'sht'), 'ь', ''), 'ю', 'ju'), 'я', 'ja'), 'ё', 'jo'), 'ђ', 'dj')"
    ", 'ѓ', 'gj'), 'є', 'je'), 'ѕ', 'dz'), 'ї', 'ji'), 'љ', 'lj'), 'њ', 'nj'), 'ќ', '"
    "kj'), 'џ', 'dz'), 'абвгдежзийклмнопрстуфхцчшъыэіјћàáâãäåçèéêëìíîïñòóôõöøùúûüýÿāă"
    "ąćĉċčďēĕėęěĝğġģĥĩīĭįıĵķĺļľłńņňōŏőŕŗřśŝşšţťũūŭůűųŵŷźżžІЈЋАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧ"
    "ШЪЫЭÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝĀĂĄĆĈĊČĎĒĔĖĘĚĜĞĠĢĤĨĪĬĮİĴĶĹĻĽŃŅŇŌŎŐŔŖŘŚŜŞŠŢŤŨŪŬŮŰŲŴ"
    "ŶŸŹŻŽ', 'abvgdezzijklmnoprstufhccsayeijcaaaaaaceeeeiiiinoooooouuuuyyaaaccccdeeee"
    "egggghiiiiijkllllnnnooorrrssssttuuuuuuwyzzzijcabvgdezzijklmnoprstufhccsayeaaaaaa"
    "ceeeeiiiinooooouuuuyaaaccccdeeeeegggghiiiiijklllnnnooorrrssssttuuuuuuwyyzzz'))"
)
SQLITE_FOLD_STAGES = (
    (
        "replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("
        "replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("
        "pending, 'ß', 'ss'), 'æ', 'ae'), 'ø', 'o'), 'Đ', 'dj'), 'đ', 'dj'), 'ı', 'i'), '"
        "ł', 'l'), 'Ё', 'jo'), 'Ђ', 'dj'), 'Ѓ', 'gj'), 'Є', 'je'), 'Ѕ', 'dz'), 'І', 'i'),"
        " 'Ї', 'ji'), 'Ј', 'j'), 'Љ', 'lj'), 'Њ', 'nj'), 'Ћ', 'c'), 'Ќ', 'kj'), 'Џ', 'dz'"
        ")"
    ),
    (
        "replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("
        "replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("
        "pending, 'А', 'a'), 'Б', 'b'), 'В', 'v'), 'Г', 'g'), 'Д', 'd'), 'Е', 'e'), 'Ж', "
        "'z'), 'З', 'z'), 'И', 'i'), 'Й', 'j'), 'К', 'k'), 'Л', 'l'), 'М', 'm'), 'Н', 'n'"
        "), 'О', 'o'), 'П', 'p'), 'Р', 'r'), 'С', 's'), 'Т', 't'), 'У', 'u')"
    ),
    (
        "replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("
        "replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("
        "pending, 'Ф', 'f'), 'Х', 'h'), 'Ц', 'c'), 'Ч', 'c'), 'Ш', 's'), 'Щ', 'sht'), 'Ъ'"
        ", 'a'), 'Ы', 'y'), 'Ь', ''), 'Э', 'e'), 'Ю', 'ju'), 'Я', 'ja'), 'а', 'a'), 'б', "
        "'b'), 'в', 'v'), 'г', 'g'), 'д', 'd'), 'е', 'e'), 'ж', 'z'), 'з', 'z')"
    ),
    (
        "replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("
        "replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("
        "pending, 'и', 'i'), 'й', 'j'), 'к', 'k'), 'л', 'l'), 'м', 'm'), 'н', 'n'), 'о', "
        "'o'), 'п', 'p'), 'р', 'r'), 'с', 's'), 'т', 't'), 'у', 'u'), 'ф', 'f'), 'х', 'h'"
        "), 'ц', 'c'), 'ч', 'c'), 'ш', 's'), 'щ', 'sht'), 'ъ', 'a'), 'ы', 'y')"
    ),
    (
        "replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("
        "replace(replace(replace(replace(replace(replace(replace(pending, 'ь', ''), 'э', "
        "'e'), 'ю', 'ju'), 'я', 'ja'), 'ё', 'jo'), 'ђ', 'dj'), 'ѓ', 'gj'), 'є', 'je'), 'ѕ"
        "', 'dz'), 'і', 'i'), 'ї', 'ji'), 'ј', 'j'), 'љ', 'lj'), 'њ', 'nj'), 'ћ', 'c'), '"
        "ќ', 'kj'), 'џ', 'dz')"
    ),
)


# --- daily counts -------------------------------------------------------------------------------
# The day of an article is the UTC day of its publication, or of its first sighting when the feed
# gave no date. "originals" are articles that are not a copy of another (duplicate_of IS NULL).

_COUNTS_BACKFILL = """
INSERT INTO article_daily_counts (day, feed_id, language, outlet_id, articles, originals)
SELECT {day} AS day, feed_id, COALESCE(language, 'und'), MIN(outlet_id), COUNT(*),
       SUM(CASE WHEN duplicate_of IS NULL THEN 1 ELSE 0 END)
FROM articles
GROUP BY {day}, feed_id, COALESCE(language, 'und')
"""

_PG_DAY = "CAST((COALESCE({r}.published_at, {r}.first_seen_at) AT TIME ZONE 'UTC') AS date)"
_SQLITE_DAY = "date(COALESCE({r}.published_at, {r}.first_seen_at))"

_PG_COUNTS_FUNCTION = """
CREATE FUNCTION news_article_daily_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE article_daily_counts
           SET articles = articles - 1,
               originals = originals - CASE WHEN OLD.duplicate_of IS NULL THEN 1 ELSE 0 END
         WHERE day = {old_day} AND feed_id = OLD.feed_id
           AND language = COALESCE(OLD.language, 'und');
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO article_daily_counts AS c
               (day, feed_id, language, outlet_id, articles, originals)
        VALUES ({new_day}, NEW.feed_id, COALESCE(NEW.language, 'und'), NEW.outlet_id, 1,
                CASE WHEN NEW.duplicate_of IS NULL THEN 1 ELSE 0 END)
        ON CONFLICT (day, feed_id, language) DO UPDATE
           SET articles = c.articles + 1, originals = c.originals + EXCLUDED.originals;
    END IF;
    RETURN NULL;
END
$$
"""

# Only the columns a count depends on; the upsert rewrites others on every changed article.
_COUNTED = ("published_at", "first_seen_at", "language", "duplicate_of", "feed_id")
_PG_CHANGED = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _COUNTED)
_SQLITE_CHANGED = " OR ".join(f"old.{c} IS NOT new.{c}" for c in _COUNTED)

_PG_COUNTS_TRIGGERS = (
    "CREATE TRIGGER articles_counts_insert AFTER INSERT ON articles "
    "FOR EACH ROW EXECUTE FUNCTION news_article_daily_counts()",
    "CREATE TRIGGER articles_counts_delete AFTER DELETE ON articles "
    "FOR EACH ROW EXECUTE FUNCTION news_article_daily_counts()",
    f"CREATE TRIGGER articles_counts_update AFTER UPDATE ON articles "
    f"FOR EACH ROW WHEN ({_PG_CHANGED}) EXECUTE FUNCTION news_article_daily_counts()",
)

_SQLITE_COUNT_ADD = """
INSERT INTO article_daily_counts (day, feed_id, language, outlet_id, articles, originals)
VALUES ({day}, new.feed_id, COALESCE(new.language, 'und'), new.outlet_id, 1,
        CASE WHEN new.duplicate_of IS NULL THEN 1 ELSE 0 END)
ON CONFLICT (day, feed_id, language) DO UPDATE
   SET articles = articles + 1, originals = originals + excluded.originals;
"""
_SQLITE_COUNT_REMOVE = """
UPDATE article_daily_counts
   SET articles = articles - 1,
       originals = originals - CASE WHEN old.duplicate_of IS NULL THEN 1 ELSE 0 END
 WHERE day = {day} AND feed_id = old.feed_id AND language = COALESCE(old.language, 'und');
"""

# --- search ---------------------------------------------------------------------------------------
# A tsvector must stay under 1 MB: the first 200,000 characters of an article are indexed.
_SEARCH_CHARS = 200_000
_PG_SEARCH_SOURCE = (
    f"left(coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || "
    f"coalesce(body_text, ''), {_SEARCH_CHARS})"
)
_SQLITE_SEARCH_SOURCE = (
    "substr(coalesce({r}.title, '') || ' ' || coalesce({r}.summary, '') || ' ' || "
    f"coalesce({{r}}.body_text, ''), 1, {_SEARCH_CHARS})"
)

# Folding costs a replace()/translate() pass per letter, so the text is split into its distinct
# words first (to_tsvector) and only the words that are not plain ASCII are folded: about 5 times
# cheaper than folding the whole text. Word positions are not kept; search does not use them.
_PG_SEARCH_VECTOR = """
CREATE FUNCTION news_search_vector(text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT AS $$
SELECT to_tsvector('simple', coalesce(string_agg(
           CASE WHEN octet_length(lexeme) = char_length(lexeme) THEN lexeme
                ELSE news_fold(lexeme) END, ' '), ''))
FROM unnest(to_tsvector('simple', $1))
$$
"""

# --- views ----------------------------------------------------------------------------------------
_V_FEED_HEALTH = """
CREATE VIEW v_feed_health AS
SELECT f.id AS feed_id,
       o.slug AS outlet,
       o.name AS outlet_name,
       f.url AS feed_url,
       f.section AS section,
       f.language AS language,
       f.kind AS kind,
       f.active AS active,
       f.state AS state,
       f.failure_score AS failure_score,
       f.consecutive_failures AS consecutive_failures,
       f.last_error_class AS last_error_class,
       f.last_error_message AS last_error_message,
       f.last_fetch_at AS last_fetch_at,
       f.last_success_at AS last_success_at,
       f.next_poll_at AS next_poll_at,
       f.disabled_at AS disabled_at,
       (SELECT COUNT(*) FROM fetches x
         WHERE x.feed_id = f.id AND x.started_at >= {since_24h}) AS fetches_24h,
       (SELECT COUNT(*) FROM fetches x
         WHERE x.feed_id = f.id AND x.started_at >= {since_24h}
           AND x.error_class IS NOT NULL) AS failures_24h,
       (SELECT COALESCE(SUM(c.articles), 0) FROM article_daily_counts c
         WHERE c.feed_id = f.id AND c.day >= {since_7d}) AS articles_7d
FROM feeds f
JOIN outlets o ON o.id = f.outlet_id
"""
_PG_SINCE = {
    "since_24h": "now() - interval '24 hours'",
    "since_7d": "CAST((now() AT TIME ZONE 'UTC') AS date) - 6",
}
# SQLite stores "YYYY-MM-DD HH:MM:SS.ffffff" (UTC); strings of that shape compare in time order.
_SQLITE_SINCE = {
    "since_24h": "strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 day')",
    "since_7d": "date('now', '-6 days')",
}

_V_DAILY_COUNTS = """
CREATE VIEW v_daily_counts AS
SELECT c.day AS day,
       o.slug AS outlet,
       c.language AS language,
       SUM(c.articles) AS articles,
       SUM(c.originals) AS originals,
       SUM(c.articles) - SUM(c.originals) AS copies
FROM article_daily_counts c
JOIN outlets o ON o.id = c.outlet_id
GROUP BY c.day, o.slug, c.language
HAVING SUM(c.articles) > 0
"""


def _create_counts_table() -> None:
    op.create_table(
        "article_daily_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("feed_id", sa.Integer(), sa.ForeignKey("feeds.id"), nullable=False),
        sa.Column("language", sa.String(35), nullable=False),
        sa.Column("outlet_id", sa.Integer(), sa.ForeignKey("outlets.id"), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.Column("originals", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "feed_id", "language"),
    )
    op.create_index(
        "ix_article_daily_counts_outlet_day", "article_daily_counts", ["outlet_id", "day"]
    )


def _upgrade_postgresql() -> None:
    op.execute(_COUNTS_BACKFILL.format(day=_PG_DAY.format(r="articles")))
    op.execute(
        _PG_COUNTS_FUNCTION.format(old_day=_PG_DAY.format(r="OLD"), new_day=_PG_DAY.format(r="NEW"))
    )
    for statement in _PG_COUNTS_TRIGGERS:
        op.execute(statement)
    op.execute(
        "CREATE FUNCTION news_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE "
        f"AS $$ SELECT {PG_FOLD_BODY} $$"
    )
    op.execute(_PG_SEARCH_VECTOR)
    op.execute(
        "ALTER TABLE articles ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS "
        f"(news_search_vector({_PG_SEARCH_SOURCE})) STORED"
    )
    op.execute("CREATE INDEX ix_articles_search_tsv ON articles USING gin (search_tsv)")
    op.execute("CREATE VIEW v_article_search AS SELECT id AS article_id, search_tsv FROM articles")
    op.execute(_V_FEED_HEALTH.format(**_PG_SINCE))


def _sqlite_fold_into_pending(where: str) -> str:
    """Statements folding ``article_search_keys.pending`` in place, stage by stage."""
    return "".join(
        f"UPDATE article_search_keys SET pending = {stage} WHERE {where};\n"
        for stage in SQLITE_FOLD_STAGES
    )


def _sqlite_search_insert(row: str) -> str:
    where = f"article_id = {row}.id"
    return (
        "INSERT INTO article_search_keys (article_id, pending) "
        f"VALUES ({row}.id, {_SQLITE_SEARCH_SOURCE.format(r=row)});\n"
        f"{_sqlite_fold_into_pending(where)}"
        "INSERT INTO article_search (rowid, text) "
        f"SELECT id, pending FROM article_search_keys WHERE {where};\n"
        f"UPDATE article_search_keys SET pending = NULL WHERE {where};\n"
    )


def _sqlite_search_delete(row: str) -> str:
    return (
        "DELETE FROM article_search WHERE rowid = "
        f"(SELECT id FROM article_search_keys WHERE article_id = {row}.id);\n"
        f"DELETE FROM article_search_keys WHERE article_id = {row}.id;\n"
    )


def _upgrade_sqlite() -> None:
    op.execute(_COUNTS_BACKFILL.format(day=_SQLITE_DAY.format(r="articles")))
    new_day, old_day = _SQLITE_DAY.format(r="new"), _SQLITE_DAY.format(r="old")
    op.execute(
        "CREATE TRIGGER articles_counts_insert AFTER INSERT ON articles BEGIN\n"
        f"{_SQLITE_COUNT_ADD.format(day=new_day)}END"
    )
    op.execute(
        "CREATE TRIGGER articles_counts_delete AFTER DELETE ON articles BEGIN\n"
        f"{_SQLITE_COUNT_REMOVE.format(day=old_day)}END"
    )
    op.execute(
        f"CREATE TRIGGER articles_counts_update AFTER UPDATE ON articles WHEN {_SQLITE_CHANGED} "
        f"BEGIN\n{_SQLITE_COUNT_REMOVE.format(day=old_day)}"
        f"{_SQLITE_COUNT_ADD.format(day=new_day)}END"
    )
    # FTS5 needs an integer rowid; articles are keyed by text, so a small table maps the two
    # (the implicit rowid of ``articles`` may change on VACUUM). Its ``pending`` column holds a
    # text while it is being folded (SQLite triggers have no variables).
    op.create_table(
        "article_search_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.String(32), nullable=False, unique=True),
        sa.Column("pending", sa.Text(), nullable=True),
    )
    op.execute(
        "CREATE VIRTUAL TABLE article_search USING fts5(text, "
        "tokenize = 'unicode61 remove_diacritics 2')"  # pipeline.search.folding._TOKENIZER
    )
    op.execute(
        "INSERT INTO article_search_keys (article_id, pending) "
        f"SELECT a.id, {_SQLITE_SEARCH_SOURCE.format(r='a')} FROM articles a ORDER BY a.id"
    )
    for statement in _sqlite_fold_into_pending("pending IS NOT NULL").split(";\n"):
        if statement.strip():
            op.execute(statement)
    op.execute(
        "INSERT INTO article_search (rowid, text) SELECT id, pending FROM article_search_keys"
    )
    op.execute("UPDATE article_search_keys SET pending = NULL")
    op.execute(
        f"CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN\n"
        f"{_sqlite_search_insert('new')}END"
    )
    op.execute(
        "CREATE TRIGGER articles_search_update AFTER UPDATE OF title, summary, body_text "
        "ON articles WHEN old.title IS NOT new.title OR old.summary IS NOT new.summary "
        "OR old.body_text IS NOT new.body_text BEGIN\n"
        f"{_sqlite_search_delete('old')}{_sqlite_search_insert('new')}END"
    )
    op.execute(
        f"CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN\n"
        f"{_sqlite_search_delete('old')}END"
    )
    op.execute(_V_FEED_HEALTH.format(**_SQLITE_SINCE))


def upgrade() -> None:
    _create_counts_table()
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()
    op.execute(_V_DAILY_COUNTS)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS v_daily_counts")
    op.execute("DROP VIEW IF EXISTS v_feed_health")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP VIEW IF EXISTS v_article_search")
        op.execute("DROP INDEX IF EXISTS ix_articles_search_tsv")
        op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search_tsv")
        op.execute("DROP FUNCTION IF EXISTS news_search_vector(text)")
        op.execute("DROP FUNCTION IF EXISTS news_fold(text)")
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS articles_counts_{name} ON articles")
        op.execute("DROP FUNCTION IF EXISTS news_article_daily_counts()")
    else:
        for name in ("counts_insert", "counts_delete", "counts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS articles_{name}")
        for name in ("search_insert", "search_update", "search_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS articles_{name}")
        op.execute("DROP TABLE IF EXISTS article_search")
        op.drop_table("article_search_keys")
    op.drop_index("ix_article_daily_counts_outlet_day", "article_daily_counts")
    op.drop_table("article_daily_counts")
