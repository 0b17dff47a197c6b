"""search index written by the loader: ``search_tsv`` from the folded words it already has

On PostgreSQL, 0003 made ``search_tsv`` a generated column: the server parsed and folded every
article's text on insert, about 1 ms of server CPU per 3,000-character article, as much as all
the rest of the processing path. The loader already holds the folded text
(``pipeline.text.fold.comparison_text``), so it now sends the distinct words and the server
only builds the vector from them (``array_to_tsvector``: about 30 µs per article). The lexemes are
exactly the words a query is split into (``pipeline.search.query.query_terms``), so a query word
matches a document word as before.

Writers that do not send the words (hand-written SQL, an UPDATE of the text) are covered by a
trigger that folds the text in SQL, as the generated column did: the index cannot go stale.
SQLite keeps its FTS5 table and triggers (0003).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# The same 200,000-character cap as 0003 (a tsvector must stay under 1 MB) and PostgreSQL's own
# limit on one lexeme (under 2,048 bytes).
_SOURCE = (
    "left(coalesce({r}.title, '') || ' ' || coalesce({r}.summary, '') || ' ' || "
    "coalesce({r}.body_text, ''), 200000)"
)

# Folded words of a text, as the loader computes them: runs of letters and digits of the folded
# text (underscores split words, as in query_terms).
_WORDS_FUNCTION = """
CREATE FUNCTION news_search_words(text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT AS $$
SELECT array_to_tsvector(coalesce(array_agg(DISTINCT m[1]), '{}'))
FROM regexp_matches(news_fold($1), '([[:alnum:]]+)', 'g') AS m
WHERE octet_length(m[1]) < 2048
$$
"""

_TRIGGER_FUNCTION = f"""
CREATE FUNCTION news_articles_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.search_tsv IS NULL THEN
            NEW.search_tsv := news_search_words({_SOURCE.format(r="NEW")});
        END IF;
    ELSIF NEW.search_tsv IS NOT DISTINCT FROM OLD.search_tsv
          AND (NEW.title, NEW.summary, NEW.body_text)
              IS DISTINCT FROM (OLD.title, OLD.summary, OLD.body_text) THEN
        NEW.search_tsv := news_search_words({_SOURCE.format(r="NEW")});
    END IF;
    RETURN NEW;
END
$$
"""

_GENERATED = (
    "ALTER TABLE articles ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS "
    f"(news_search_vector({_SOURCE.format(r='articles')})) STORED"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP VIEW IF EXISTS v_article_search")
    op.execute("ALTER TABLE articles DROP COLUMN search_tsv")  # drops its GIN index too
    op.execute("ALTER TABLE articles ADD COLUMN search_tsv tsvector")
    op.execute(_WORDS_FUNCTION)
    op.execute(_TRIGGER_FUNCTION)
    op.execute(
        "CREATE TRIGGER articles_search BEFORE INSERT OR UPDATE ON articles "
        "FOR EACH ROW EXECUTE FUNCTION news_articles_search()"
    )
    op.execute(
        f"UPDATE articles SET search_tsv = news_search_words({_SOURCE.format(r='articles')})"
    )
    op.execute("CREATE INDEX ix_articles_search_tsv ON articles USING gin (search_tsv)")
    op.execute("CREATE VIEW v_article_search AS SELECT id AS article_id, search_tsv FROM articles")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP VIEW IF EXISTS v_article_search")
    op.execute("DROP TRIGGER IF EXISTS articles_search ON articles")
    op.execute("DROP FUNCTION IF EXISTS news_articles_search()")
    op.execute("DROP FUNCTION IF EXISTS news_search_words(text)")
    op.execute("ALTER TABLE articles DROP COLUMN search_tsv")
    op.execute(_GENERATED)
    op.execute("CREATE INDEX ix_articles_search_tsv ON articles USING gin (search_tsv)")
    op.execute("CREATE VIEW v_article_search AS SELECT id AS article_id, search_tsv FROM articles")
