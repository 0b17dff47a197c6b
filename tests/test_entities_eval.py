"""The entity evaluation on the development set (bench/entities_eval.py): a regression of the
stage's mention or name-query figures fails here. The held-out set is reported by the
benchmark only, never asserted on, so that nobody tunes on it."""

from __future__ import annotations

from bench.entities_eval import SETS, evaluate

# The figures the development set reached when these floors were set (2026-12-08): mentions
# 0.946 precision, 0.959 recall; name queries 1.000 and 1.000. The query floors are the
# targets of the issue; the mention floors leave room for a few annotated edge cases.
QUERY_PRECISION, QUERY_RECALL = 0.95, 0.90
MENTION_PRECISION, MENTION_RECALL = 0.92, 0.93


def test_development_set_reaches_the_targets():
    report = evaluate(SETS["dev"])

    assert report.articles == 21 and report.queries == 50
    assert report.query.precision >= QUERY_PRECISION, report.errors
    assert report.query.recall >= QUERY_RECALL, report.errors
    assert report.mentions.precision >= MENTION_PRECISION, report.errors
    assert report.mentions.recall >= MENTION_RECALL, report.errors
    # Every spelling family of the queries is found, not just the average.
    for family, scores in report.by_family.items():
        assert scores.recall >= QUERY_RECALL, family


def test_evaluation_counts_misses_and_extras(tmp_path):
    path = tmp_path / "tiny.json"
    path.write_text(
        '{"articles": [{"id": "a", "language": "sr", "title": "", "text": "Vučić i Kurti.",'
        ' "mentions": [["Vučić", "Aleksandar Vučić"], ["Tači", "Hashim Thaçi"]]}],'
        ' "queries": [{"name": "Тачи", "family": "sr-Cyrl", "entity": "Hashim Thaçi"}]}',
        encoding="utf-8",
    )
    report = evaluate(path)
    assert (report.mentions.tp, report.mentions.fp, report.mentions.fn) == (1, 1, 1)
    assert (report.query.tp, report.query.fp, report.query.fn) == (0, 0, 1)
