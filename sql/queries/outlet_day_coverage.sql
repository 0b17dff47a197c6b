-- Articles per outlet and day (originals and copies) in a period, from the daily summary:
-- quick over a year of data. :from_day, :to_day are dates ('2026-10-01'), both included.
-- Portable: PostgreSQL and SQLite.
SELECT day, outlet, SUM(articles) AS articles, SUM(originals) AS originals, SUM(copies) AS copies
FROM v_daily_counts
WHERE day >= :from_day AND day <= :to_day
GROUP BY day, outlet
ORDER BY day, outlet
