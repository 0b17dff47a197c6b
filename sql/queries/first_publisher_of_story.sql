-- Who published each story first? One row per story with at least two copies in the period,
-- with the outlet that published it earliest, when, and how many copies the period holds.
-- :from, :to as in republishers_of_outlet.sql. Portable: PostgreSQL and SQLite (3.25+).
SELECT story_id,
       outlet AS first_outlet,
       published_at AS first_published_at,
       title,
       copies
FROM (
    SELECT story_id,
           outlet,
           published_at,
           title,
           COUNT(*) OVER (PARTITION BY story_id) AS copies,
           ROW_NUMBER() OVER (PARTITION BY story_id ORDER BY published_at, article_id) AS rank
    FROM v_articles
    WHERE story_id IS NOT NULL
      AND published_at >= :from
      AND published_at < :to
) ranked
WHERE rank = 1 AND copies > 1
ORDER BY first_published_at, story_id
