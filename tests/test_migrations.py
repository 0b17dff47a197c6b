"""Every migration goes up and down and up again, on SQLite and PostgreSQL."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import sqlalchemy as sa

from pipeline.archive.db import make_engine
from pipeline.archive.migrate import downgrade, upgrade
from pipeline.search.folding import postgres_fold_body, sqlite_fold_stages

VIEWS = {"v_articles", "v_stories", "v_feed_health", "v_daily_counts", "v_coverage"}


def _views(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_view_names())


def test_upgrade_downgrade_upgrade(archive_url):
    engine = make_engine(archive_url)
    upgrade(engine)
    assert VIEWS <= _views(engine)
    assert {"articles", "harvests", "coverage_daily", "dedup_lsh"} <= set(
        sa.inspect(engine).get_table_names()
    )

    downgrade(engine, "base")
    remaining = set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    assert remaining == set()
    assert _views(engine) == set()

    upgrade(engine)
    assert VIEWS <= _views(engine)
    with engine.connect() as connection:
        heads = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    assert len(heads) == 1
    engine.dispose()


VERSIONS = Path(__file__).resolve().parents[1] / "pipeline" / "archive" / "migrations" / "versions"


def _revision(name: str):
    spec = importlib.util.spec_from_file_location(name, VERSIONS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_migrations_import_no_live_code_of_the_pipeline():
    """A revision's SQL is frozen text: importing live code would change it with that code."""
    for path in sorted(VERSIONS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("pipeline"), (path.name, node.module)
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("pipeline") for a in node.names), path.name


def test_frozen_folding_of_revision_0003_is_what_the_folding_code_generates():
    """When the folding changes, this fails: the change needs a new revision, not an edit."""
    revision = _revision("0003_views_search")
    assert revision.PG_FOLD_BODY == postgres_fold_body("$1")
    assert list(revision.SQLITE_FOLD_STAGES) == sqlite_fold_stages("pending")
    assert revision.PG_FOLD_BODY.startswith("lower(translate(")
