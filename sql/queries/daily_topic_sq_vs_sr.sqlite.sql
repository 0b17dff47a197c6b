-- Daily Albanian vs Serbian (both scripts) coverage of a topic, SQLite (FTS5).
-- :topic is one search word, folded: lower-case Latin without diacritics ("vucic" finds Vučić,
-- Вучић, Vučića); it matches words that start with it. `python -m pipeline search` folds for you.
-- :from, :to as in republishers_of_outlet.sql.
SELECT date(a.published_at) AS day,
       SUM(CASE WHEN a.language = 'sq' THEN 1 ELSE 0 END) AS albanian,
       SUM(CASE WHEN a.language = 'sr' OR a.language LIKE 'sr-%' THEN 1 ELSE 0 END) AS serbian
FROM v_articles a
JOIN article_search_keys k ON k.article_id = a.article_id
JOIN article_search s ON s.rowid = k.id
WHERE article_search MATCH '"' || :topic || '"*'
  AND a.published_at >= :from
  AND a.published_at < :to
GROUP BY 1
ORDER BY 1
