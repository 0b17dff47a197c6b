"""CI guards on the benchmarks: each one's speed relative to a baseline measured in the same run.

Each guard runs the small version of a benchmark and fails when its ratio against the baseline
falls below half of the ratio recorded in bench/ratios.json. Ratios only: absolute times depend
on the machine. The baselines: the naive path (processing, article cleaning, language
identification, an unchanged poll, a fetch cycle, a backfill), a minimal DAG file (DAG parse) and a small archive (the
near-duplicate lookup's cost as the archive grows).
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from bench.processing import options_for, run

RATIOS = json.loads((Path(__file__).resolve().parents[1] / "bench" / "ratios.json").read_text())


def _floor_message(name: str, measured: float, recorded: float) -> str:
    return f"{name}: ratio {measured:.2f}, below {recorded / 2:.2f} (half of the recorded {recorded:.2f})"


@pytest.mark.slow
@pytest.mark.postgres
def test_processing_ratio_holds_against_the_naive_baseline():
    recorded = RATIOS["processing"]
    result = run(options_for(quick=True))

    for variant in ("pipeline", "naive"):
        (only,) = result.runs[variant]
        assert only["articles"] == recorded["articles"], variant
    # Half the recorded ratio: a shared CI machine is noisy, a real regression is not subtle.
    floor = recorded["pipeline_over_naive"] / 2
    assert result.ratio >= floor, _floor_message(
        "processing", result.ratio, recorded["pipeline_over_naive"]
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        "article_prep",
        "langid_speed",
        pytest.param("unchanged_poll", marks=pytest.mark.postgres),
        pytest.param("dedup_scaling", marks=pytest.mark.postgres),
        "fetch_cycle",
        pytest.param("backfill_reprocess", marks=pytest.mark.postgres),
        pytest.param("dag_parse", marks=pytest.mark.airflow),
    ],
)
def test_benchmark_ratio_holds_against_its_baseline(name):
    recorded = RATIOS[name]["ratio"]
    measured = importlib.import_module(f"bench.{name}").quick_ratio()

    assert measured > 0
    assert measured >= recorded / 2, _floor_message(name, measured, recorded)


def test_every_guarded_benchmark_has_a_recorded_ratio_and_a_quick_figure():
    for name, entry in RATIOS.items():
        assert entry["measured"], name
        if name != "processing":
            assert entry["ratio"] > 0, name
            assert callable(importlib.import_module(f"bench.{name}").quick_ratio), name
