-- Daily Albanian vs Serbian (both scripts) coverage of a topic, PostgreSQL.
-- :topic is one search word, folded: lower-case Latin without diacritics ("vucic" finds Vučić,
-- Вучић, Vučića); it matches words that start with it. `python -m pipeline search` folds for you.
-- :from, :to as in republishers_of_outlet.sql. Uses the GIN index through v_article_search.
SELECT CAST((a.published_at AT TIME ZONE 'UTC') AS date) AS day,
       SUM(CASE WHEN a.language = 'sq' THEN 1 ELSE 0 END) AS albanian,
       SUM(CASE WHEN a.language = 'sr' OR a.language LIKE 'sr-%' THEN 1 ELSE 0 END) AS serbian
FROM v_articles a
JOIN v_article_search s ON s.article_id = a.article_id
WHERE s.search_tsv @@ to_tsquery('simple', quote_literal(:topic) || ':*')
  AND a.published_at >= :from
  AND a.published_at < :to
GROUP BY 1
ORDER BY 1
