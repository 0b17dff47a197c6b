-- Who republished one outlet's stories in a period?
-- E.g. who republished VOA's stories last month: :origin = the slug of VOA's Albanian service,
-- :credit = 'VOA' (the credit a copy carries when the text itself was not matched),
-- :from = '2026-10-01 00:00:00+00', :to = '2026-11-01 00:00:00+00' (:to excluded).
-- A copy counts when it was matched to an article of :origin (duplicate_of) or credits it.
-- Portable: PostgreSQL and SQLite.
SELECT c.outlet AS republisher,
       COUNT(*) AS copies,
       MIN(c.published_at) AS first_copy_at,
       MAX(c.published_at) AS last_copy_at
FROM v_articles c
LEFT JOIN v_articles o ON o.article_id = c.duplicate_of
WHERE c.published_at >= :from
  AND c.published_at < :to
  AND c.outlet <> :origin
  AND (o.outlet = :origin OR c.syndicated_from = :credit)
GROUP BY c.outlet
ORDER BY copies DESC, republisher
