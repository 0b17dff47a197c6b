"""A Celery worker killed with SIGKILL in the middle of a load: retried on the other worker,
the archive ends as after a fault-free run."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from tests.celery.archive_state import assert_same_archive, reset_archive

pytestmark = [pytest.mark.celery, pytest.mark.airflow, pytest.mark.slow, pytest.mark.postgres]


def _wait(predicate, timeout: float, what: str, poll: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(poll)
    raise TimeoutError(f"gave up waiting for {what} after {timeout} s")


class LoadBlocker:
    """Holds the process task inside one of its load transactions.

    Once every feed's fetch is recorded, this connection inserts (without committing) a row with
    the id of an article that a capture in the middle of the run lists first (no earlier capture
    lists it). The process task commits the captures before that one, then its upsert of that
    capture waits on the uncommitted key: the task is mid-load, with some captures committed and
    one transaction open. Rolling back lets the upsert go on.
    """

    def __init__(self, archive_url: str, feeds: int) -> None:
        self.engine = sa.create_engine(archive_url)
        self.feeds = feeds
        self.connection: sa.Connection | None = None

    def _captures(self, c: sa.Connection) -> list:
        return c.exec_driver_sql(
            "SELECT c.id, c.feed_id, f.outlet_id FROM captures c JOIN feeds f ON f.id = c.feed_id "
            "ORDER BY c.id"
        ).all()

    def block_middle_capture(self, article_ids_by_outlet: dict[str, list]) -> int:
        """Block the load of a capture in the middle of the run; returns its id."""

        def fetched() -> bool:
            with self.engine.connect() as c:
                return c.exec_driver_sql("SELECT count(*) FROM fetches").scalar() >= self.feeds

        _wait(fetched, 120, "the fetches of the run")
        self.connection = self.engine.connect()
        captures = self._captures(self.connection)
        bodies = [self._body(capture_id) for capture_id, _, _ in captures]
        # Captures load in id order. The blocked article must be new in its capture: one that an
        # earlier capture lists too (a section feed repeating the main feed) would block there.
        # Which feed's capture comes first follows the order the fetches ended in.
        for index in range(len(captures) // 2, len(captures)):
            capture_id, feed_id, outlet_id = captures[index]
            slug = self.connection.exec_driver_sql(
                "SELECT slug FROM outlets WHERE id = %(id)s", {"id": outlet_id}
            ).scalar_one()
            article_id = next(
                (
                    aid
                    for aid, keys in article_ids_by_outlet[slug]
                    if any(k and k.encode() in bodies[index] for k in keys)
                    and not any(k and k.encode() in body for k in keys for body in bodies[:index])
                ),
                None,
            )
            if article_id is not None:
                break
        else:
            raise AssertionError("no capture past the middle lists an article of its own")
        self.connection.exec_driver_sql(
            "INSERT INTO articles (id, outlet_id, feed_id, title, first_seen_at, content_hash) "
            "VALUES (%(id)s, %(o)s, %(f)s, 'blocker', now(), 'blocker')",
            {"id": article_id, "o": outlet_id, "f": feed_id},
        )
        return capture_id

    def _body(self, capture_id: int) -> bytes:
        assert self.connection is not None
        return bytes(
            self.connection.exec_driver_sql(
                "SELECT b.body FROM capture_bodies b JOIN captures c ON c.body_sha256 = b.sha256 "
                "WHERE c.id = %(id)s",
                {"id": capture_id},
            ).scalar_one()
        )

    def waiting_backends(self) -> int:
        with self.engine.connect() as c:
            return c.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            ).scalar()

    def processed_captures(self) -> int:
        with self.engine.connect() as c:
            return c.exec_driver_sql(
                "SELECT count(*) FROM captures WHERE processed_at IS NOT NULL"
            ).scalar()

    def release(self) -> None:
        if self.connection is not None:
            self.connection.rollback()
            self.connection.close()
            self.connection = None

    def close(self) -> None:
        self.release()
        self.engine.dispose()


def test_worker_killed_mid_load_is_retried_on_the_other_worker(
    cluster, archive_url, registry_file, reference
):
    from pipeline.sources.registry import load_registry

    feeds = len(load_registry(str(registry_file)).feeds())
    by_outlet: dict[str, list] = {}
    for row in reference.rows["articles"]:  # id, outlet, url, guid, ...
        by_outlet.setdefault(row[1], []).append((row[0], (row[2], row[3])))

    reset_archive(archive_url)
    blocker = LoadBlocker(archive_url, feeds)
    try:
        run_id = cluster.trigger()
        blocker.block_middle_capture(by_outlet)
        _wait(blocker.waiting_backends, 120, "the process task to reach the blocked capture")
        process = next(t for t in cluster.task_instances(run_id) if t["task_id"] == "process")
        assert process["state"] == "running" and process["hostname"] in cluster.worker_names
        # Mid-load: some captures are committed, the blocked one is not.
        assert 0 < blocker.processed_captures() < feeds
        victim = process["hostname"]
        cluster.kill(victim)
        blocker.release()

        state = cluster.wait_run(run_id, timeout=180, ignore_dead=(victim,))
    finally:
        blocker.close()
    assert state == "success", cluster.task_states(run_id)
    process = next(t for t in cluster.task_instances(run_id) if t["task_id"] == "process")
    survivor = next(n for n in cluster.worker_names if n != victim)
    assert process["try_number"] >= 2 and process["hostname"] == survivor
    assert_same_archive(archive_url, reference)
