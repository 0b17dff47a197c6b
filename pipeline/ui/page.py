"""The News archive page as one HTML document (no scripts, no external assets)."""

from __future__ import annotations

from datetime import datetime
from html import escape

from pipeline.ui.queries import FeedHealth, Grid, PageData

# Numbers are printed inside heatmap cells up to this many days; wider windows show colour only.
_NUMBERS_UP_TO_DAYS = 31
WINDOW_CHOICES = (7, 30, 90, 365)

_CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 16px; color: #1d2330; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; }
.muted { color: #667085; } .totals span { margin-right: 16px; }
.totals b { font-size: 18px; }
table { border-collapse: collapse; } th, td { padding: 3px 8px; text-align: left; }
table.list tr:nth-child(even) td { background: #f6f7f9; }
table.list th { border-bottom: 1px solid #d0d5dd; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.state { padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
.state-ok { background: #dcfae6; color: #067647; }
.state-failing { background: #fee4e2; color: #b42318; }
.state-disabled { background: #eaecf0; color: #344054; }
.state-silent { background: #fef0c7; color: #93370d; }
.state-rate_limited { background: #e0eaff; color: #3538cd; }
table.grid td { padding: 0; min-width: 22px; height: 20px; text-align: center; font-size: 11px;
  border: 1px solid #fff; }
table.grid th.day { font-size: 10px; font-weight: normal; writing-mode: vertical-rl;
  transform: rotate(180deg); padding: 2px 0; }
table.grid th.row { text-align: right; padding-right: 6px; white-space: nowrap; }
.wide table.grid td { min-width: 4px; font-size: 0; }
.error { background: #fee4e2; color: #b42318; padding: 8px 12px; border-radius: 6px; }
nav a { margin-right: 8px; }
"""


def _when(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return '<span class="muted">never</span>'
    seconds = (moment - now).total_seconds()
    span = abs(seconds)
    if span < 90:
        amount = f"{int(span)} s"
    elif span < 90 * 60:
        amount = f"{round(span / 60)} min"
    elif span < 36 * 3600:
        amount = f"{round(span / 3600)} h"
    else:
        amount = f"{round(span / 86400)} d"
    label = f"in {amount}" if seconds > 0 else f"{amount} ago"
    iso = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f'<time datetime="{moment.isoformat()}" title="{iso}">{label}</time>'


def _next_poll(feed: FeedHealth, now: datetime) -> str:
    if not feed.active:
        return "not polled"
    if feed.next_poll_at is None or feed.next_poll_at <= now:
        # Nothing defers it: the feed is polled by the next scheduled run.
        when = "next run"
    else:
        when = _when(feed.next_poll_at, now)
    if feed.poll_reason:
        why = escape(feed.poll_reason)
        when += f'<br><span class="muted" data-field="poll-reason">{why}</span>'
    return when


def _state(feed: FeedHealth, now: datetime) -> str:
    """The operators' state with why and since when (flows.feed_states)."""
    state = escape(feed.ops_state)
    cell = f'<span class="state state-{state}">{state.replace("_", "-")}</span>'
    if feed.ops_state != "ok" and feed.ops_state_reason:
        cell += f'<br><span class="muted" data-field="state-reason">{escape(feed.ops_state_reason)}'
        cell += f" (since {_when(feed.ops_state_since, now)})</span>"
    return cell


def _feed_row(feed: FeedHealth, now: datetime) -> str:
    error = ""
    if feed.last_error_class:
        message = escape(feed.last_error_message or "", quote=True)
        error = f'<span title="{message}">{escape(feed.last_error_class)}</span>'
    return (
        f'<tr data-feed-id="{feed.feed_id}" data-state="{escape(feed.state)}" '
        f'data-ops-state="{escape(feed.ops_state)}">'
        f"<td>{escape(feed.outlet)}</td>"
        f'<td><a href="{escape(feed.feed_url, quote=True)}" target="_blank" rel="noopener '
        f'noreferrer">{escape(feed.feed_url)}</a></td>'
        f"<td>{_state(feed, now)}</td>"
        f"<td>{_when(feed.last_success_at, now)}</td>"
        f'<td class="num" data-field="failure-score">{feed.failure_score:.1f}</td>'
        f"<td>{error}</td>"
        f"<td>{_next_poll(feed, now)}</td>"
        f'<td class="num">{feed.failures_24h}/{feed.fetches_24h}</td>'
        f'<td class="num" data-field="articles-7d">{feed.articles_7d}</td>'
        "</tr>"
    )


def _feed_table(feeds: list[FeedHealth], now: datetime) -> str:
    if not feeds:
        return '<p class="muted">No feeds yet: the registry is loaded on the first run.</p>'
    head = (
        "<tr><th>Outlet</th><th>Feed</th><th>State</th><th>Last success</th>"
        '<th class="num">Failure score</th><th>Last error</th><th>Next poll</th>'
        '<th class="num">Failed/polls 24 h</th><th class="num">Articles 7 d</th></tr>'
    )
    rows = "".join(_feed_row(feed, now) for feed in feeds)
    return f'<table class="list" id="feed-health-table">{head}{rows}</table>'


def _cell_colour(count: int, peak: int) -> str:
    if count == 0:
        return "#f2f4f7"
    share = count / peak if peak else 0
    lightness = 88 - round(share * 55)
    return f"hsl(214, 80%, {lightness}%)"


def _grid(grid: Grid, kind: str) -> str:
    if not grid.rows:
        return '<p class="muted">Nothing in this window.</p>'
    numbers = len(grid.days) <= _NUMBERS_UP_TO_DAYS
    head = '<tr><th class="row"></th>' + "".join(
        f'<th class="day">{d.strftime("%m-%d")}</th>' for d in grid.days
    )
    head += '<th class="num">Total</th></tr>'
    peak = grid.max
    body = []
    for row in grid.rows:
        cells = []
        for day in grid.days:
            count = grid.count(row, day)
            light = count and count / max(peak, 1) > 0.6
            style = f"background:{_cell_colour(count, peak)}" + (";color:#fff" if light else "")
            text = str(count) if numbers and count else ""
            cells.append(
                f'<td style="{style}" data-{kind}="{escape(row, quote=True)}" '
                f'data-day="{day.isoformat()}" data-count="{count}" '
                f'title="{escape(row, quote=True)} {day.isoformat()}: {count}">{text}</td>'
            )
        total = grid.row_total(row)
        body.append(
            f'<tr><th class="row">{escape(row)}</th>{"".join(cells)}'
            f'<td class="num" data-{kind}-total="{escape(row, quote=True)}">{total}</td></tr>'
        )
    wide = "" if numbers else " wide"
    return f'<div class="{wide.strip()}"><table class="grid" id="{kind}-grid">{head}{"".join(body)}</table></div>'


def _republications(data: PageData) -> str:
    if not data.republications:
        return '<p class="muted">No copies across outlets in this window.</p>'
    rows = "".join(
        f'<tr data-origin="{escape(r.origin, quote=True)}" '
        f'data-republisher="{escape(r.republisher, quote=True)}">'
        f"<td>{escape(r.origin)}</td><td>{escape(r.republisher)}</td>"
        f'<td class="num" data-field="copies">{r.copies}</td></tr>'
        for r in data.republications
    )
    head = '<tr><th>First published by</th><th>Republished by</th><th class="num">Copies</th></tr>'
    return f'<table class="list" id="republication-table">{head}{rows}</table>'


def _window_links(days: int) -> str:
    links = []
    for choice in WINDOW_CHOICES:
        label = f"{choice} days"
        links.append(
            f"<b>{label}</b>" if choice == days else f'<a href="?days={choice}">{label}</a>'
        )
    return "<nav>" + " ".join(links) + "</nav>"


def _document(body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>News archive</title>"
        f"<style>{_CSS}</style></head><body>{body}</body></html>"
    )


def render_page(data: PageData, now: datetime, archive_label: str) -> str:
    totals = data.totals
    states = ", ".join(f"{n} {state}" for state, n in totals.feeds_by_state.items())
    window = data.window
    body = f"""
<h1>News archive</h1>
<p class="muted">Archive {escape(archive_label)} · {window.first.isoformat()} to
{window.last.isoformat()} (UTC) · as of {now.strftime("%Y-%m-%d %H:%M UTC")}</p>
<p class="totals"><span><b id="total-articles">{totals.articles}</b> articles</span>
<span><b id="total-outlets">{totals.outlets}</b> outlets</span>
<span><b id="total-feeds">{totals.feeds}</b> feeds ({escape(states) or "none"})</span></p>
{_window_links(len(window.days))}
<h2>Feed health</h2>
{_feed_table(data.feeds, now)}
<h2>Coverage: articles per outlet per day</h2>
{_grid(data.coverage, "outlet")}
<h2>Articles per language per day</h2>
{_grid(data.languages, "language")}
<h2>Republications per outlet pair</h2>
{_republications(data)}
"""
    return _document(body)


def render_error(message: str) -> str:
    return _document(f'<h1>News archive</h1><p class="error">{escape(message)}</p>')
