"""CI guard on the processing benchmark: the pipeline's speed relative to the naive baseline.

Runs the --quick processing benchmark (pipeline and naive baseline side by side, on the same
machine and in the same run) and fails when the pipeline / naive ratio falls below half of the
ratio recorded in bench/ratios.json. Ratios only: absolute times depend on the machine.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.processing import options_for, run

RATIOS = Path(__file__).resolve().parents[1] / "bench" / "ratios.json"


@pytest.mark.slow
@pytest.mark.postgres
def test_processing_ratio_holds_against_the_naive_baseline():
    recorded = json.loads(RATIOS.read_text())["processing"]
    result = run(options_for(quick=True))

    for variant in ("pipeline", "naive"):
        (only,) = result.runs[variant]
        assert only["articles"] == recorded["articles"], variant
    # Half the recorded ratio: a shared CI machine is noisy, a real regression is not subtle.
    floor = recorded["pipeline_over_naive"] / 2
    assert result.ratio >= floor, (
        f"pipeline / naive = {result.ratio:.2f}, below {floor:.2f} "
        f"(half of the recorded {recorded['pipeline_over_naive']:.2f})"
    )
