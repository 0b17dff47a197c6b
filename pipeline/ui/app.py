"""The FastAPI app behind the News archive page: HTML at ``/``, the same data at ``/api/...``.

It knows nothing of Airflow: the plugin passes Airflow's auth dependency in ``dependencies``, so
every route but the icon requires a logged-in user allowed to see the website.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query
from fastapi.params import Depends
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError

from pipeline.config import Settings
from pipeline.ui.db import read_only_engine
from pipeline.ui.page import render_error, render_page
from pipeline.ui.queries import PageData, Window, WindowError, page_data

MAX_DAYS = 366
Days = Annotated[int, Query(ge=1, le=MAX_DAYS, description="days shown, ending with `end`")]
_ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" '
    'stroke-width="2"><rect x="3" y="4" width="18" height="16" rx="2"/><path d="M7 8h10M7 12h10'
    'M7 16h6"/></svg>'
)


def _archive_url(configured: str | None) -> str:
    return configured or Settings.from_env().archive_url


def _label(url: str) -> str:
    """The archive's URL without its password, for the page header."""
    return make_url(url).render_as_string(hide_password=True)


def _window(days: int, end: date | None) -> Window:
    return Window.ending(end or datetime.now(UTC).date(), days)


def _load(url: str, window: Window) -> PageData:
    with read_only_engine(url).connect() as connection:
        return page_data(connection, window)


def _json_ready(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {(k if isinstance(k, str) else "|".join(map(str, k))): _json_ready(v)
                for k, v in value.items()}  # fmt: skip
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    return value


def create_app(archive_url: str | None = None, dependencies: Sequence[Depends] = ()) -> FastAPI:
    """The app; ``archive_url`` defaults to NEWS_ARCHIVE_URL, read at each request."""
    app = FastAPI(title="News archive", docs_url=None, redoc_url=None, openapi_url=None)
    router = APIRouter(dependencies=list(dependencies))

    @router.get("/", response_class=HTMLResponse)
    def page(days: Days = 30, end: date | None = None) -> HTMLResponse:
        """The page; ``end`` is the last day shown (UTC), today by default."""
        url = _archive_url(archive_url)
        try:
            window = _window(days, end)
        except WindowError as exc:
            return HTMLResponse(render_error(f"{exc}."), status_code=422)
        try:
            data = _load(url, window)
        except SQLAlchemyError as exc:
            message = f"The archive at {_label(url)} cannot be read ({type(exc).__name__}). "
            message += "Has `python -m pipeline migrate` run?"
            return HTMLResponse(render_error(message), status_code=503)
        return HTMLResponse(render_page(data, datetime.now(UTC), _label(url)))

    @router.get("/api/summary")
    def summary(days: Days = 30, end: date | None = None) -> JSONResponse:
        try:
            window = _window(days, end)
        except WindowError as exc:
            return JSONResponse({"detail": str(exc)}, status_code=422)
        data = _load(_archive_url(archive_url), window)
        payload = asdict(data)
        payload["window"]["days"] = data.window.days
        return JSONResponse(_json_ready(payload))

    app.include_router(router)

    @app.get("/icon.svg", include_in_schema=False)
    def icon() -> Response:
        return Response(_ICON, media_type="image/svg+xml")

    return app
