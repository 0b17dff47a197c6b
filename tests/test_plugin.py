"""The News archive page and its app (pipeline.ui), the Airflow plugin's wiring, and alerts."""

from __future__ import annotations

import importlib.util
import json
import re
import threading
import warnings
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipeline.flows.alerts import alert_payload, on_failure
from pipeline.ui.app import create_app
from pipeline.ui.db import read_only_engine
from pipeline.ui.queries import Window, page_data
from tests.support.sample_archive import seed

REPO = Path(__file__).resolve().parents[1]

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture
def archive(archive_url):
    seed(archive_url).dispose()
    yield archive_url
    read_only_engine.cache_clear()


def client(url: str) -> TestClient:
    return TestClient(create_app(archive_url=url))


def test_page_data_for_october(archive):
    with read_only_engine(archive).connect() as connection:
        data = page_data(connection, Window(date(2026, 10, 1), date(2026, 10, 31)))
    assert data.totals.articles == 12
    assert data.totals.feeds_by_state == {"disabled": 1, "failing": 1, "ok": 2}
    assert [f.state for f in data.feeds] == ["failing", "disabled", "ok", "ok"]
    assert data.feeds[0].outlet == "beogradski-vesnik"
    assert (data.feeds[0].fetches_24h, data.feeds[0].failures_24h) == (2, 1)
    assert data.coverage.rows == [
        "beogradski-vesnik", "kronika", "novosadski-dnevnik", "zeri-atlantik"
    ]  # fmt: skip
    assert data.coverage.count("kronika", date(2026, 10, 5)) == 1
    assert data.coverage.row_total("kronika") == 3  # k1, k2 and the undated k4 (seen 10-09)
    assert data.coverage.row_total("novosadski-dnevnik") == 2
    assert data.languages.rows == ["sq", "sr-Cyrl", "sr-Latn"]
    assert data.languages.row_total("sq") == 4
    assert [(r.origin, r.republisher, r.copies) for r in data.republications] == [
        ("zeri-atlantik", "beogradski-vesnik", 1),
        ("zeri-atlantik", "kronika", 1),
    ]


def test_html_page_shows_the_archive(archive):
    response = client(archive).get("/", params={"days": 31, "end": "2026-10-31"})
    assert response.status_code == 200
    html = response.text
    assert '<b id="total-articles">12</b>' in html
    cells = dict(re.findall(r'data-outlet="kronika" data-day="([\d-]+)" data-count="(\d+)"', html))
    assert len(cells) == 31
    assert {d: n for d, n in cells.items() if n != "0"} == {
        "2026-10-05": "1", "2026-10-08": "1", "2026-10-09": "1"
    }  # fmt: skip
    assert 'data-language-total="sr-Cyrl">3<' in html
    assert 'data-feed-id="30" data-state="failing"' in html
    assert "http_503" in html and "<script" not in html


def test_summary_api_and_windows(archive):
    app = client(archive)
    summary = app.get("/api/summary", params={"days": 7, "end": "2026-11-03"}).json()
    assert summary["window"]["days"][0] == "2026-10-28"
    assert summary["coverage"]["counts"] == {"zeri-atlantik|2026-11-02": 1, "kronika|2026-11-02": 1}
    assert summary["republications"] == [
        {"origin": "zeri-atlantik", "republisher": "kronika", "copies": 1}
    ]
    assert app.get("/", params={"days": 0}).status_code == 422
    assert app.get("/", params={"days": 400}).status_code == 422


def test_page_is_escaped(archive):
    engine = sa.create_engine(archive)
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE feeds SET last_error_message = :m WHERE id = 30"),
            {"m": '<img src=x onerror="alert(1)">'},
        )
    engine.dispose()
    html = client(archive).get("/").text
    assert "<img" not in html and "&lt;img src=x" in html


def test_read_only_engine_refuses_writes(archive):
    with pytest.raises(sa.exc.DBAPIError), read_only_engine(archive).connect() as connection:
        connection.execute(sa.text("DELETE FROM articles"))
    engine = sa.create_engine(archive)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT COUNT(*) FROM articles")).scalar() == 12
    engine.dispose()


def test_unmigrated_archive_gives_a_clear_page(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    response = client(url).get("/")
    read_only_engine.cache_clear()
    assert response.status_code == 503
    assert "python -m pipeline migrate" in response.text


@pytest.mark.airflow
def test_plugin_registers_a_protected_app_and_a_nav_entry():
    spec = importlib.util.spec_from_file_location(
        "news_archive_plugin", REPO / "plugins" / "news_archive_plugin.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    plugin = module.NewsArchivePlugin
    assert plugin.fastapi_apps[0]["url_prefix"] == "/news-archive"
    view = plugin.external_views[0]
    assert (view["name"], view["href"], view["destination"]) == (
        "News archive", "/news-archive/", "nav"
    )  # fmt: skip
    app = TestClient(plugin.fastapi_apps[0]["app"])
    # No cookie, no token: Airflow's auth dependency answers before the archive is touched.
    assert app.get("/").status_code == 401
    assert app.get("/api/summary").status_code == 401
    assert app.get("/icon.svg").status_code == 200


class _TaskInstance:
    dag_id, task_id, map_index, rendered_map_index = "news_ingest", "fetch", 3, "kronika rss"
    run_id, try_number, log_url = "scheduled__2026-11-27T07:00:00+00:00", 2, "http://x/log"


@pytest.fixture
def webhook():
    """A loopback server recording the JSON bodies POSTed to it."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802 (name fixed by http.server)
            length = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(204)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()


def test_failure_callback_posts_to_the_webhook(webhook, monkeypatch, caplog):
    url, received = webhook
    monkeypatch.setenv("NEWS_ALERT_WEBHOOK", url)
    context = {"task_instance": _TaskInstance(), "exception": TimeoutError("deadline 20 s")}
    on_failure(context)
    payload = received[0]
    assert payload["feed"] == "kronika rss"
    assert payload["error_class"] == "TimeoutError"
    assert payload["text"] == (
        "News archive: news_ingest.fetch[kronika rss] failed in "
        "scheduled__2026-11-27T07:00:00+00:00: TimeoutError: deadline 20 s"
    )
    assert "news_ingest.fetch[kronika rss] failed" in caplog.text


def test_failure_callback_survives_a_dead_webhook(monkeypatch):
    monkeypatch.setenv("NEWS_ALERT_WEBHOOK", "http://127.0.0.1:9/hook")
    on_failure({"task_instance": _TaskInstance(), "exception": None})
    assert alert_payload({})["text"].startswith("News archive: None.None failed")
