-- Read-only analyst role for the PostgreSQL archive.
--
-- Run once per database as a role that may create roles, after `python -m pipeline migrate`,
-- and again whenever a migration adds a view:
--   psql "$ARCHIVE_DSN" -v role=news_analyst -v password="$NEWS_ANALYST_PASSWORD" \
--        -f sql/analyst_role.sql
-- or, equivalently (idempotent: refreshes an existing role):
--   NEWS_ANALYST_PASSWORD=... python -m pipeline analyst-role --db "$NEWS_ARCHIVE_URL"
--
-- The role may SELECT from the analyst views only (a view reads its tables with its owner's
-- rights, so no table is granted) and every transaction it starts is read-only.
CREATE ROLE :"role" LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
ALTER ROLE :"role" SET default_transaction_read_only = on;
GRANT CONNECT ON DATABASE :"DBNAME" TO :"role";
GRANT USAGE ON SCHEMA public TO :"role";
REVOKE CREATE ON SCHEMA public FROM :"role";
GRANT SELECT ON v_articles, v_stories, v_feed_health, v_daily_counts, v_coverage, v_article_search,
    v_article_versions, v_mentions, v_mention_daily
    TO :"role";
