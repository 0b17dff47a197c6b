"""Planner statistics for bulk reprocessing on PostgreSQL.

A backfill grows the archive many times over within hours. When autovacuum is off (as on the CI
server) or lags behind, the planner keeps the statistics of a near-empty archive: with no
distinct-value counts it guesses that an equality matches 0.5 % of a table, so the estimated
cost of a lookup grows with the table although its real cost does not. Past PostgreSQL's JIT
thresholds every near-duplicate lookup was compiled before running: 1 ms of work behind
140 ms of JIT once the LSH index passed about 240,000 rows (day 9 of a 100-feed backfill).
Analysing what changed much since its last analysis, as autovacuum would, keeps estimates true.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine, text

log = logging.getLogger(__name__)

# autovacuum's own defaults (autovacuum_analyze_threshold, autovacuum_analyze_scale_factor):
# a table is analysed again once 50 rows plus a tenth of it have changed since the last time.
ANALYZE_BASE_ROWS = 50
ANALYZE_SCALE = 0.1
# The same rule in pages, for growth the counters missed: 8 pages is 64 KiB.
ANALYZE_BASE_PAGES = 8

# Changed rows come from the activity counters, which start again from zero in a database
# copied from a template or restored, or after a stats reset; growth is also read from the
# table's size on disk against the size the planner last recorded (``relpages``).
_STALE = text(
    """
SELECT c.oid::regclass::text
FROM pg_stat_user_tables s
JOIN pg_class c ON c.oid = s.relid
WHERE c.relkind = 'r'
  AND (s.n_mod_since_analyze > :base + :scale * GREATEST(c.reltuples, 0)
       OR pg_relation_size(c.oid) / current_setting('block_size')::int
          > :base_pages + (1 + :scale) * c.relpages)
ORDER BY 1
"""
)


def stale_tables(engine: Engine) -> list[str]:
    """Tables that changed, or grew, by more than a tenth since their last analysis."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.connect() as connection:
        rows = connection.execute(
            _STALE,
            {"base": ANALYZE_BASE_ROWS, "base_pages": ANALYZE_BASE_PAGES, "scale": ANALYZE_SCALE},
        )
        return list(rows.scalars())


def refresh_statistics(engine: Engine) -> list[str]:
    """Analyse the stale tables; returns their names. A no-op on SQLite.

    Statistics only steer plans, so a table that cannot be analysed now (another ANALYZE or a
    VACUUM holds it, or the role does not own it) is logged and left for the next run.
    """
    analysed = []
    for table in stale_tables(engine):
        try:
            with engine.begin() as connection:
                # Wait briefly at most: a concurrent run analysing the same table does our job.
                connection.exec_driver_sql("SET LOCAL lock_timeout = '2s'")
                connection.exec_driver_sql(f"ANALYZE {table}")
            analysed.append(table)
        except Exception as exc:  # noqa: BLE001 - statistics never fail a run
            log.warning("could not analyse %s: %s", table, exc)
    return analysed


__all__ = ["refresh_statistics", "stale_tables"]
