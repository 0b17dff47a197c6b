"""Evaluation of the entity stage on the labelled sets in tests/data/entities/.

Mention precision and recall: the surfaces the stage finds in each article against the
annotated ones (as multisets: a name written twice counts twice). Query precision and recall:
for each name query (the same entity written in Albanian, Serbian Latin and Cyrillic,
Macedonian, English, ASCII), the articles whose mentions carry one of the keys the name
resolves to (as ``python -m pipeline mentions`` resolves it, surnames included) against the
articles annotated with that entity; micro-averaged over the queries, and by spelling family.
Cost: the stage's CPU time per article, on the labelled articles and on the newsroom's synthetic
articles (1,500-4,000 characters, seven languages).

    .venv/bin/python -m bench.entities_eval [--set dev|heldout|PATH ...] [--newsroom 1000]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import emit_result, print_table
from pipeline.entities import extract_mentions, resolve_name

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "entities"
SETS = {"dev": DATA / "dev.json", "heldout": DATA / "heldout.json"}


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Report:
    name: str
    articles: int
    queries: int
    mentions: Scores = field(default_factory=Scores)
    by_language: dict[str, Scores] = field(default_factory=lambda: defaultdict(Scores))
    query: Scores = field(default_factory=Scores)
    by_family: dict[str, Scores] = field(default_factory=lambda: defaultdict(Scores))
    errors: list[str] = field(default_factory=list)
    us_per_article: float = 0.0


def load_set(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def evaluate(path: Path) -> Report:
    data = load_set(path)
    articles = data["articles"]
    report = Report(path.stem, len(articles), len(data["queries"]))
    predicted = {}
    extract_mentions("Beograd", "Beograd")  # the gazetteer is read once per process
    started = time.process_time()
    for a in articles:
        predicted[a["id"]] = extract_mentions(a["title"], a["text"], a["language"])
    report.us_per_article = (time.process_time() - started) / max(1, len(articles)) * 1e6
    for a in articles:
        gold = Counter(surface for surface, _entity in a["mentions"])
        found = Counter()
        for m in predicted[a["id"]]:
            found[m.surface] += m.count
        hit = sum((gold & found).values())
        for scores in (report.mentions, report.by_language[a["language"]]):
            scores.tp += hit
            scores.fp += sum(found.values()) - hit
            scores.fn += sum(gold.values()) - hit
        for surface in (found - gold).elements():
            report.errors.append(f"{a['id']}: extra {surface!r}")
        for surface in (gold - found).elements():
            report.errors.append(f"{a['id']}: missed {surface!r}")
    stored = {m.key for ms in predicted.values() for m in ms}
    for q in data["queries"]:
        relevant = {a["id"] for a in articles if any(e == q["entity"] for _s, e in a["mentions"])}
        keys = set(_known(q["name"], stored))
        retrieved = {aid for aid, ms in predicted.items() if any(m.key in keys for m in ms)}
        for scores in (report.query, report.by_family[q["family"]]):
            scores.tp += len(retrieved & relevant)
            scores.fp += len(retrieved - relevant)
            scores.fn += len(relevant - retrieved)
        if retrieved != relevant:
            report.errors.append(
                f"query {q['name']!r}: extra {sorted(retrieved - relevant)}, "
                f"missed {sorted(relevant - retrieved)}"
            )
    return report


def _known(name: str, stored: set[str]) -> list[str]:
    """The keys ``name`` resolves to among the stored ones (pipeline.archive.mentions.known_keys)."""
    resolved = resolve_name(name)
    keys = [k for k in resolved.keys if k in stored]
    if resolved.surname:
        keys += [k for k in stored if k.endswith(" " + resolved.surname)]
    return keys


def newsroom_cost(count: int) -> float:
    """CPU µs per article of the stage on the newsroom's synthetic articles."""
    from datetime import UTC, datetime

    from newsroom import CatalogOptions, build_catalog

    catalog = build_catalog(
        CatalogOptions(anchor=datetime(2026, 3, 1, tzinfo=UTC), synthetic=count, seed=1)
    )
    items = [(a.title, "\n\n".join(a.paragraphs), a.language) for a in catalog.articles][:count]
    for title, text, lang in items[:50]:
        extract_mentions(title, text, lang)  # warm the memo and the gazetteer
    started = time.process_time()
    for title, text, lang in items:
        extract_mentions(title, text, lang)
    return (time.process_time() - started) / max(1, len(items)) * 1e6


def _row(name: str, s: Scores) -> list[object]:
    return [name, f"{s.precision:.3f}", f"{s.recall:.3f}", s.tp, s.fp, s.fn]


def print_report(report: Report, show_errors: bool) -> None:
    headers = ["", "precision", "recall", "tp", "fp", "fn"]
    rows = [_row("mentions (all)", report.mentions)]
    rows += [_row(f"  {lang}", s) for lang, s in sorted(report.by_language.items())]
    rows.append(_row("name queries (all)", report.query))
    rows += [_row(f"  written {fam}", s) for fam, s in sorted(report.by_family.items())]
    print_table(
        f"Entities, {report.name} set: {report.articles} articles, {report.queries} name queries",
        headers,
        rows,
        [f"entity stage: {report.us_per_article:.0f} µs CPU per labelled article"],
    )
    if show_errors:
        for line in report.errors:
            print("  " + line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", action="append", help="dev, heldout or a path (repeatable)")
    parser.add_argument("--newsroom", type=int, default=1000, help="synthetic articles timed")
    parser.add_argument("--errors", action="store_true", help="list every miss and extra")
    args = parser.parse_args(argv)
    result: dict = {"benchmark": "entities_eval"}
    for name in args.set or ["dev", "heldout"]:
        report = evaluate(SETS.get(name, Path(name)))
        print_report(report, args.errors)
        result[report.name] = {
            "mention_precision": round(report.mentions.precision, 4),
            "mention_recall": round(report.mentions.recall, 4),
            "query_precision": round(report.query.precision, 4),
            "query_recall": round(report.query.recall, 4),
        }
    if args.newsroom:
        us = newsroom_cost(args.newsroom)
        print(f"\nentity stage on {args.newsroom} newsroom articles: {us:.0f} µs CPU per article")
        result["newsroom_us_per_article"] = round(us, 1)
    emit_result(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
