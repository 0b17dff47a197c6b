"""The News archive page in a real Airflow api-server, driven by Debian's Chromium.

The archive is filled by ingesting the offline newsroom (loopback) plus one broken feed; the
test logs in through SimpleAuthManager, opens the page from the navigation, and checks that the
numbers shown are the archive's. The screenshot is kept in test-artifacts/.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.flows.ingest import ingest_once
from pipeline.ui.db import read_only_engine
from pipeline.ui.queries import Window, page_data
from tests.support.airflow_env import REPO, VENV_BIN, airflow_env

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.airflow]

CHROMIUM = Path(os.environ.get("NEWS_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
ARTIFACTS = REPO / "test-artifacts"
# Generous bounds meant to catch hangs, not to measure anything.
SERVER_START_S = 240
PAGE_TIMEOUT_MS = 60_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fill_archive(url: str, workdir: Path) -> None:
    from newsroom import NewsroomServer

    with NewsroomServer() as newsroom:
        endpoint = newsroom.base_url.removeprefix("http://")
        settings = Settings.from_env(
            archive_url=url,
            sources=str(newsroom.write_registry(workdir / "newsroom.toml")),
            allowed_hosts=frozenset({endpoint}),
        )
        ingest_once(settings)
        # A feed that is gone, so that feed health has something to say.
        ingest_once(settings, [newsroom.url("/gone/feed.xml")])


def _wait_for_health(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"api-server exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/api/v2/monitor/health", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise AssertionError(f"api-server not up in {SERVER_START_S} s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def api_server(tmp_path):
    """A fresh Airflow home, migrated; an api-server with the plugin; the archive in SQLite."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} missing: apt-get install -y chromium")
    archive_url = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    _fill_archive(archive_url, tmp_path)
    password = secrets.token_urlsafe(12)
    passwords = tmp_path / "passwords.json"
    passwords.write_text(json.dumps({"admin": password}))
    port = _free_port()
    env = airflow_env(
        tmp_path / "airflow",
        NEWS_ARCHIVE_URL=archive_url,
        AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="admin:admin",
        AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE=str(passwords),
        AIRFLOW__API_AUTH__JWT_SECRET=secrets.token_hex(16),
        AIRFLOW__API__BASE_URL=f"http://127.0.0.1:{port}",
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{tmp_path / 'airflow' / 'airflow.db'}",
    )
    (tmp_path / "airflow").mkdir()
    airflow = str(VENV_BIN / "airflow")
    subprocess.run(
        [airflow, "db", "migrate"], env=env, check=True, capture_output=True, timeout=300
    )
    log = tmp_path / "api-server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [airflow, "api-server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(base, process, log)
        yield {"base": base, "password": password, "archive_url": archive_url, "log": log}
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=10)
        read_only_engine.cache_clear()


def _expected(archive_url: str):
    with read_only_engine(archive_url).connect() as connection:
        return page_data(connection, Window.ending(datetime.now(UTC).date(), 30))


def test_news_archive_page_shows_the_archive(api_server):
    from playwright.sync_api import sync_playwright

    base = api_server["base"]
    expected = _expected(api_server["archive_url"])
    assert expected.totals.articles > 20  # the newsroom really was ingested
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 2000})
            page.set_default_timeout(PAGE_TIMEOUT_MS)
            # Not logged in: the plugin's app refuses, whatever the URL.
            refused = page.request.get(f"{base}/news-archive/")
            assert refused.status == 401
            page.goto(f"{base}/")
            page.locator("input[name=username]").fill("admin")
            page.locator("input[name=password]").fill(api_server["password"])
            page.locator("button[type=submit]").click()
            page.get_by_role("link", name="News archive").click()
            page.wait_for_url("**/plugin/news-archive")
            frame = page.frame_locator("iframe")
            frame.locator("#total-articles").wait_for()
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "news-archive-page.png"), full_page=True)

            assert frame.locator("#total-articles").inner_text() == str(expected.totals.articles)
            assert frame.locator("#total-outlets").inner_text() == str(expected.totals.outlets)
            assert frame.locator("#total-feeds").inner_text() == str(expected.totals.feeds)
            rows = frame.locator("#feed-health-table tr[data-feed-id]")
            assert rows.count() == len(expected.feeds)
            first = expected.feeds[0]
            assert rows.first.get_attribute("data-state") == first.state == "failing"
            assert first.last_error_class in rows.first.inner_text()
            for outlet in expected.coverage.rows:
                total = frame.locator(f'[data-outlet-total="{outlet}"]').inner_text()
                assert int(total) == expected.coverage.row_total(outlet), outlet
            shown = {
                (cell.get_attribute("data-outlet"), cell.get_attribute("data-day")): int(
                    cell.get_attribute("data-count")
                )
                for cell in frame.locator("td[data-outlet][data-count]").all()
                if cell.get_attribute("data-count") != "0"
            }
            assert shown == {
                (o, d.isoformat()): n for (o, d), n in expected.coverage.counts.items()
            }
            for language in expected.languages.rows:
                total = frame.locator(f'[data-language-total="{language}"]').inner_text()
                assert int(total) == expected.languages.row_total(language), language
            pairs = frame.locator("#republication-table tr[data-origin]")
            assert pairs.count() == len(expected.republications) > 0
        finally:
            browser.close()
