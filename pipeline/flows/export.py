"""Export of a date range of ``v_articles`` to CSV or Parquet, streamed in batches.

Rows are read with a server-side cursor (PostgreSQL) in publication order and written batch by
batch, so memory stays flat however long the range; the caller is told of each batch written
(``progress``: the CLI shows a bar on a terminal).
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import Connection, Engine, bindparam, text

from pipeline.archive.db import make_read_only_engine
from pipeline.archive.filters import language_condition
from pipeline.archive.types import UTCDateTime
from pipeline.config import Settings
from pipeline.flows.progress import Progress, no_progress

# The columns of v_articles (docs/analyst-contract.md), in its order; the export keeps all of them.
COLUMNS = (
    "article_id", "outlet", "feed_url", "url", "title", "summary", "body_text", "section",
    "authors", "published_at", "first_seen_at", "language", "script", "language_confidence",
    "story_id", "duplicate_of", "syndicated_from", "date_flag", "updated_at", "versions",
    "last_changed_at",
)  # fmt: skip
TIMESTAMPS = ("published_at", "first_seen_at", "updated_at", "last_changed_at")
FORMATS = ("csv", "parquet")


@dataclass(frozen=True)
class ExportOptions:
    archive_url: str
    output: Path
    date_from: date  # first publication day, inclusive (UTC)
    date_to: date  # last publication day, inclusive (UTC)
    format: str = "csv"  # "csv" or "parquet"; default from the output's suffix in the CLI
    language: str | None = None  # "sr" also matches "sr-Cyrl" and "sr-Latn"
    outlet: str | None = None
    batch_rows: int = 5_000
    progress: bool | None = None  # None: when stderr is a terminal and the export is long


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    bytes: int


def _where(options: ExportOptions) -> tuple[str, dict[str, object]]:
    start = datetime.combine(options.date_from, time(), tzinfo=UTC)
    end = datetime.combine(options.date_to + timedelta(days=1), time(), tzinfo=UTC)
    clauses = ["published_at >= :start", "published_at < :end"]
    params: dict[str, object] = {
        "start": start,
        "end": end,
    }
    if options.language:
        clauses.append(language_condition("language", options.language, params))
    if options.outlet:
        clauses.append("outlet = :outlet")
        params["outlet"] = options.outlet
    return " AND ".join(clauses), params


def _typed(sql: str):
    """Timestamps bound and read as aware UTC on both engines."""
    return text(sql).bindparams(
        bindparam("start", type_=UTCDateTime()), bindparam("end", type_=UTCDateTime())
    )


def count_rows(connection: Connection, options: ExportOptions) -> int:
    where, params = _where(options)
    return connection.execute(
        _typed(f"SELECT COUNT(*) FROM v_articles WHERE {where}"), params
    ).scalar()


def iter_batches(connection: Connection, options: ExportOptions) -> Iterator[list[dict]]:
    where, params = _where(options)
    sql = _typed(
        f"SELECT {', '.join(COLUMNS)} FROM v_articles WHERE {where} "
        "ORDER BY published_at, article_id"
    ).columns(**{name: UTCDateTime() for name in TIMESTAMPS})
    result = connection.execution_options(stream_results=True, yield_per=options.batch_rows)
    rows = result.execute(sql, params)
    for partition in rows.partitions(options.batch_rows):
        yield [dict(zip(COLUMNS, row, strict=True)) for row in partition]


class _CsvWriter:
    def __init__(self, path: Path) -> None:
        # UTF-8 with a byte-order mark so spreadsheet programs read Cyrillic and ë right.
        self._file = path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.DictWriter(self._file, fieldnames=COLUMNS)
        self._writer.writeheader()

    def write(self, batch: list[dict]) -> None:
        for record in batch:
            self._writer.writerow(
                {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in record.items()}
            )

    def close(self) -> None:
        self._file.close()


class _ParquetWriter:
    def __init__(self, path: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._pa = pa
        fields = []
        for name in COLUMNS:
            if name in TIMESTAMPS:
                kind = pa.timestamp("us", tz="UTC")
            elif name == "language_confidence":
                kind = pa.float64()
            elif name == "versions":
                kind = pa.int64()
            else:
                kind = pa.string()
            fields.append(pa.field(name, kind))
        self._schema = pa.schema(fields)
        self._writer = pq.ParquetWriter(path, self._schema, compression="zstd")

    def write(self, batch: list[dict]) -> None:
        table = self._pa.Table.from_pylist(batch, schema=self._schema)
        self._writer.write_table(table)

    def close(self) -> None:
        self._writer.close()


def export_articles(options: ExportOptions, progress: Progress = no_progress) -> ExportResult:
    """Write the articles published in the range to ``options.output`` (read-only on the
    archive); ``progress("export", rows written, rows in the range)`` follows each batch."""
    if options.format not in FORMATS:
        raise ValueError(f"unknown export format {options.format!r}; use one of {FORMATS}")
    if options.date_to < options.date_from:
        raise ValueError("the range ends before it starts")
    engine: Engine = make_read_only_engine(options.archive_url)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with engine.connect() as connection:
            total = count_rows(connection, options)
            writer = (_CsvWriter if options.format == "csv" else _ParquetWriter)(options.output)
            try:
                progress("export", 0, total)
                for batch in iter_batches(connection, options):
                    writer.write(batch)
                    written += len(batch)
                    progress("export", written, total)
            finally:
                writer.close()
    finally:
        engine.dispose()
    return ExportResult(options.output, written, options.output.stat().st_size)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="archive SQLAlchemy URL (default: NEWS_ARCHIVE_URL)")
    parser.add_argument(
        "--from", dest="date_from", type=date.fromisoformat, required=True, metavar="YYYY-MM-DD"
    )
    parser.add_argument(
        "--to", dest="date_to", type=date.fromisoformat, required=True, metavar="YYYY-MM-DD",
        help="last day, included",
    )  # fmt: skip
    parser.add_argument("-o", "--output", type=Path, required=True, help="a .csv or .parquet file")
    parser.add_argument("--format", choices=FORMATS, help="default: from the output's suffix")
    parser.add_argument("--lang", help="language tag; 'sr' also matches sr-Cyrl and sr-Latn")
    parser.add_argument("--outlet", help="outlet slug")
    parser.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None,
        help="show a progress bar (default: on a terminal, for long exports)",
    )  # fmt: skip


def run(args: argparse.Namespace, progress: Progress = no_progress) -> int:
    settings = Settings.from_env(archive_url=args.db)
    suffix = args.output.suffix.lower().lstrip(".")
    options = ExportOptions(
        archive_url=settings.archive_url,
        output=args.output,
        date_from=args.date_from,
        date_to=args.date_to,
        format=args.format or ("parquet" if suffix in {"parquet", "pq"} else "csv"),
        language=args.lang,
        outlet=args.outlet,
        progress=args.progress,
    )
    result = export_articles(options, progress)
    print(f"exported {result.rows} articles to {result.path} ({result.bytes} bytes)")
    return 0
