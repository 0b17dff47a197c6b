from datetime import UTC, date, datetime, timedelta

from pipeline.flows.window import Window, resolve_window

NOW = datetime(2026, 11, 27, 10, 7, tzinfo=UTC)


def test_scheduled_run_owns_its_data_interval():
    w = resolve_window(
        data_interval_start=datetime(2026, 11, 27, 9, 45, tzinfo=UTC),
        data_interval_end=datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
        run_type="scheduled",
        run_after=datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
        now=NOW,
    )
    assert (w.start.hour, w.start.minute, w.end.hour, w.end.minute, w.mode) == (
        9,
        45,
        10,
        0,
        "live",
    )


def test_backfill_run_is_history_even_when_recent():
    w = resolve_window(
        data_interval_start=datetime(2026, 11, 27, 9, 45, tzinfo=UTC),
        data_interval_end=datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
        run_type="backfill",
        run_after=None,
        now=NOW,
    )
    assert w.mode == "history"


def test_manual_run_with_a_past_logical_date_is_history():
    w = resolve_window(
        data_interval_start=datetime(2026, 3, 1, tzinfo=UTC),
        data_interval_end=datetime(2026, 3, 1, 0, 15, tzinfo=UTC),
        run_type="manual",
        run_after=NOW,
        now=NOW,
    )
    assert w.mode == "history" and w.start == datetime(2026, 3, 1, tzinfo=UTC)


def test_manual_run_without_logical_date_owns_the_last_interval():
    w = resolve_window(
        data_interval_start=None,
        data_interval_end=None,
        run_type="manual",
        run_after=NOW,
        now=NOW,
    )
    assert w == Window(NOW - timedelta(minutes=15), NOW, "live")


def test_zero_width_interval_is_widened():
    at = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    w = resolve_window(
        data_interval_start=at, data_interval_end=at, run_type="scheduled", run_after=at, now=NOW
    )
    assert w.end - w.start == timedelta(minutes=15)


def test_naive_times_are_taken_as_utc_and_days_listed():
    w = resolve_window(
        data_interval_start=datetime(2026, 3, 1, 22, 0),
        data_interval_end=datetime(2026, 3, 3, 0, 0),
        run_type="backfill",
        run_after=None,
        now=NOW,
    )
    assert w.start.tzinfo is UTC
    assert w.days == [date(2026, 3, 1), date(2026, 3, 2)]
    assert Window.from_dict(w.as_dict()) == w


def test_daily_scheduled_run_started_hours_late_is_still_live():
    w = resolve_window(
        data_interval_start=datetime(2026, 11, 26, tzinfo=UTC),
        data_interval_end=datetime(2026, 11, 27, tzinfo=UTC),
        run_type="scheduled",
        run_after=datetime(2026, 11, 27, tzinfo=UTC),
        now=NOW,
    )
    assert w.mode == "live"
