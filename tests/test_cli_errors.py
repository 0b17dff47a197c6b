"""Every CLI failure: one line naming what to do, its own exit code, nothing created or changed."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import cli
from pipeline.config import DEFAULT_ARCHIVE_URL


def run(args: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=env,
    )


def tree(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with its digest: what a command must leave as it was."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def migrated(tmp_path) -> str:
    path = tmp_path / "archive.sqlite"
    done = run(["migrate", "--db", f"sqlite:///{path}"], tmp_path)
    assert done.returncode == 0, done.stderr
    return f"sqlite:///{path}"


def assert_one_line(done: subprocess.CompletedProcess, code: int, *words: str) -> None:
    assert done.returncode == code, (done.returncode, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


def test_not_migrated(tmp_path):
    path = tmp_path / "empty.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (x TEXT)")
    before = tree(tmp_path)
    for args in (["search", "most"], ["export", "--from", "2026-12-01", "--to", "2026-12-02",
                                      "-o", str(tmp_path / "out.csv")]):  # fmt: skip
        done = run([*args, "--db", f"sqlite:///{path}"], tmp_path)
        assert_one_line(done, cli.EXIT_NOT_MIGRATED, "not migrated", "python -m pipeline migrate")
    assert tree(tmp_path) == before


def test_missing_archive_is_not_created(tmp_path):
    missing = tmp_path / "nowhere" / "archive.sqlite"
    done = run(["search", "most", "--db", f"sqlite:///{missing}"], tmp_path)
    assert_one_line(done, cli.EXIT_UNREACHABLE, f"no archive at {missing}", "--db")
    assert list(tmp_path.iterdir()) == []


def test_unreachable_server(tmp_path):
    url = "postgresql+psycopg://nobody@127.0.0.1:9/archive"  # the discard port: refused
    done = run(["search", "most", "--db", url], tmp_path)
    assert_one_line(done, cli.EXIT_UNREACHABLE, "archive unreachable")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["search", "most", "--db", "not a url"], ["is not an SQLAlchemy URL"]),
        (["ingest", "--feed", "ftp://vesti.example/rss"], ["--feed", "not an http(s) URL"]),
        (["discover", "vesti.example"], ["url", "not an http(s) URL"]),
    ],
)
def test_bad_url(tmp_path, args, words):
    db = tmp_path / "archive.sqlite"
    done = run([*args, *([] if "--db" in args else ["--db", f"sqlite:///{db}"])], tmp_path)
    if args[0] == "discover":
        done = run(args, tmp_path)
    assert_one_line(done, cli.EXIT_BAD_URL, *words)
    assert list(tmp_path.iterdir()) == []


def test_bad_date_and_reversed_range(tmp_path, migrated):
    before = tree(tmp_path)
    out = tmp_path / "out" / "articles.csv"
    bad = run(["export", "--from", "2026-13-01", "--to", "2026-12-31", "-o", str(out),
               "--db", migrated], tmp_path)  # fmt: skip
    assert_one_line(bad, cli.EXIT_BAD_DATE, "--from", "'2026-13-01'", "YYYY-MM-DD")
    search = run(["search", "most", "--to", "31.12.2026", "--db", migrated], tmp_path)
    assert_one_line(search, cli.EXIT_BAD_DATE, "--to")
    reversed_range = run(["export", "--from", "2026-12-31", "--to", "2026-12-01", "-o", str(out),
                          "--db", migrated], tmp_path)  # fmt: skip
    assert_one_line(reversed_range, cli.EXIT_REVERSED_RANGE, "swap --from and --to")
    assert tree(tmp_path) == before  # no output file, no folder, archive unchanged


def test_unknown_outlet(tmp_path, migrated):
    before = tree(tmp_path)
    done = run(["search", "most", "--outlet", "nepostojeci", "--db", migrated], tmp_path)
    assert_one_line(done, cli.EXIT_UNKNOWN_OUTLET, "unknown outlet 'nepostojeci'")
    assert tree(tmp_path) == before


def test_usage_error_and_verbose_traceback(tmp_path, migrated):
    done = run(["search", "most", "--colour", "--db", migrated], tmp_path)
    assert_one_line(done, cli.EXIT_USAGE, "unrecognized arguments: --colour", "--help")
    # A registry file that does not parse: a one-line error naming the file (exit 9).
    registry = tmp_path / "outlets.toml"
    registry.write_text("[[outlet]]\nslug = 1 = 2\n", encoding="utf-8")
    bad = run(["ingest", "--sources", str(registry), "--db", migrated], tmp_path)
    assert_one_line(bad, cli.EXIT_BAD_REGISTRY, str(registry))


def test_unwritable_output_names_the_file_and_verbose_adds_the_traceback(tmp_path, migrated):
    folder = tmp_path / "a-folder.csv"
    folder.mkdir()
    before = tree(tmp_path)
    args = ["export", "--from", "2026-12-01", "--to", "2026-12-02", "-o", str(folder)]
    done = run([*args, "--db", migrated], tmp_path)
    assert_one_line(done, cli.EXIT_FILE, str(folder), "Is a directory")
    loud = run(["-v", *args, "--db", migrated], tmp_path)
    assert loud.returncode == cli.EXIT_FILE
    assert "Traceback (most recent call last)" in loud.stderr
    assert loud.stderr.rstrip().splitlines()[-1].startswith("error: ")
    assert tree(tmp_path) == before


def test_read_only_commands_change_nothing(tmp_path, migrated):
    before = tree(tmp_path)
    found = run(["search", "most", "--db", migrated], tmp_path)
    assert found.returncode == cli.EXIT_NO_MATCH and found.stderr == ""
    out = tmp_path.parent / f"{tmp_path.name}-export.csv"
    exported = run(["export", "--from", "2026-12-01", "--to", "2026-12-02", "-o", str(out),
                    "--db", migrated], tmp_path)  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    assert tree(tmp_path) == before  # not even a -wal or -shm file


def test_default_archive_is_absolute_and_never_created_beside_the_caller(tmp_path):
    assert DEFAULT_ARCHIVE_URL.startswith("sqlite:////")
    default = Path(DEFAULT_ARCHIVE_URL.removeprefix("sqlite:///"))
    assert default == Path(cli.__file__).resolve().parents[1] / "data" / "archive.sqlite"
    env = {k: v for k, v in os.environ.items() if k != "NEWS_ARCHIVE_URL"}
    existed = default.exists()
    done = run(["search", "most"], tmp_path, env)
    assert list(tmp_path.iterdir()) == []
    assert default.exists() == existed
    if not existed:
        assert_one_line(done, cli.EXIT_UNREACHABLE, f"no archive at {default}")
