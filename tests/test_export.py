"""Export of a date range to CSV and Parquet, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime

import pyarrow.parquet as pq
import pytest

from pipeline.cli import main
from pipeline.flows.export import COLUMNS, ExportOptions, export_articles
from tests.support.sample_archive import seed

OCTOBER_IDS = ["z1", "b1", "k1", "b2", "n2", "n1", "k2"]  # publication order


def test_csv_export_of_a_range(archive_url, tmp_path):
    seed(archive_url).dispose()
    out = tmp_path / "october.csv"
    result = export_articles(
        ExportOptions(archive_url, out, date(2026, 10, 1), date(2026, 10, 31), batch_rows=3)
    )
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert result.rows == 7
    assert result.bytes == out.stat().st_size
    assert tuple(rows[0]) == COLUMNS
    assert [r["article_id"] for r in rows] == OCTOBER_IDS
    b1 = rows[1]
    assert b1["title"] == "Вучић и Курти у Бриселу"
    assert b1["published_at"] == "2026-10-05T10:00:00+00:00"
    assert b1["outlet"] == "beogradski-vesnik"
    assert rows[2]["duplicate_of"] == "z1" and rows[2]["syndicated_from"] == "VOA"


def test_parquet_export_keeps_types(archive_url, tmp_path):
    seed(archive_url).dispose()
    out = tmp_path / "sr.parquet"
    result = export_articles(
        ExportOptions(
            archive_url, out, date(2026, 10, 1), date(2026, 10, 31), format="parquet",
            language="sr",
        )
    )  # fmt: skip
    table = pq.read_table(out)
    assert result.rows == table.num_rows == 4
    assert table.column_names == list(COLUMNS)
    assert str(table.schema.field("published_at").type) == "timestamp[us, tz=UTC]"
    assert table.column("article_id").to_pylist() == ["b1", "b2", "n2", "n1"]
    assert table.column("published_at").to_pylist()[0] == datetime(2026, 10, 5, 10, tzinfo=UTC)
    assert table.column("language_confidence").to_pylist() == [0.99] * 4


def test_export_cli_with_progress(archive_url, tmp_path, capsys):
    seed(archive_url).dispose()
    out = tmp_path / "one-day.parquet"
    code = main(
        ["export", "--db", archive_url, "--from", "2026-10-05", "--to", "2026-10-05",
         "-o", str(out), "--outlet", "kronika", "--progress"]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out.startswith("exported 1 articles to")
    assert "1/1" in captured.err  # the progress bar, on stderr
    assert pq.read_table(out).column("article_id").to_pylist() == ["k1"]


def test_export_rejects_a_backwards_range(sqlite_url, tmp_path):
    seed(sqlite_url).dispose()
    with pytest.raises(ValueError, match="ends before it starts"):
        export_articles(
            ExportOptions(sqlite_url, tmp_path / "x.csv", date(2026, 10, 2), date(2026, 10, 1))
        )
