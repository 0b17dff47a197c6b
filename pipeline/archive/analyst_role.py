"""The read-only analyst role on PostgreSQL: may read the analyst views, may not write.

The statements are those of ``sql/analyst_role.sql`` (the documented setup step, runnable with
psql); this module runs the same file with its psql variables filled in, and is idempotent:
an existing role gets its password and grants set again. Re-run it after a migration adds views.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from sqlalchemy import Connection, text

from pipeline.archive.db import make_engine
from pipeline.config import Settings, secret_from_env

SQL_FILE = Path(__file__).resolve().parents[2] / "sql" / "analyst_role.sql"
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def statements(role: str, password: str, database: str) -> list[str]:
    """The setup file's statements with psql's :"role", :'password', :"DBNAME" filled in."""
    if not _IDENTIFIER.match(role):
        raise ValueError(f"role name {role!r}: use lower-case letters, digits and _")
    body = "\n".join(
        line for line in SQL_FILE.read_text().splitlines() if not line.lstrip().startswith("--")
    )
    body = (
        body.replace(':"role"', _quote_identifier(role))
        .replace(":'password'", _quote_literal(password))
        .replace(':"DBNAME"', _quote_identifier(database))
    )
    return [s.strip() for s in body.split(";") if s.strip()]


def create_analyst_role(connection: Connection, role: str, password: str) -> None:
    """Create (or refresh) ``role``; the caller's connection must be allowed to create roles."""
    if connection.dialect.name != "postgresql":
        raise ValueError("roles exist on PostgreSQL only; SQLite files are protected by the OS")
    database = connection.execute(text("SELECT current_database()")).scalar()
    exists = connection.execute(
        text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}
    ).scalar()
    for statement in statements(role, password, database):
        if exists and statement.upper().startswith("CREATE ROLE"):
            statement = "ALTER ROLE" + statement[len("CREATE ROLE") :]
        connection.exec_driver_sql(statement)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="archive SQLAlchemy URL of a role that may create roles")
    parser.add_argument("--role", default="news_analyst")
    parser.add_argument(
        "--password-env",
        default=None,
        help="environment variable holding the new role's password (default: "
        "NEWS_ANALYST_PASSWORD, read with the other settings)",
    )


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env(archive_url=args.db)
    if args.password_env:
        # Another variable named on the command line (a secret store's, say).
        password = secret_from_env(args.password_env)
    else:
        password = settings.analyst_password
    if not password:
        print(f"set {args.password_env or 'NEWS_ANALYST_PASSWORD'} to the analyst role's password")
        return 2
    engine = make_engine(settings.archive_url)
    try:
        with engine.begin() as connection:
            create_analyst_role(connection, args.role, password)
    finally:
        engine.dispose()
    print(f"role {args.role}: may read the analyst views, may not write")
    return 0
