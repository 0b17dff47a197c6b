"""The "News archive" page in the Airflow UI: a FastAPI app plus a navigation entry.

Airflow mounts a plugin's FastAPI app without authentication, so every route (but the icon) gets
Airflow's auth-manager check: the user must be logged in and allowed to view the website. The app
itself (``pipeline.ui``) reads only the archive database named by NEWS_ARCHIVE_URL.
"""

from __future__ import annotations

from airflow.api_fastapi.auth.managers.models.resource_details import AccessView
from airflow.api_fastapi.core_api.security import requires_access_view
from airflow.plugins_manager import AirflowPlugin
from fastapi import Depends

from pipeline.ui.app import create_app

URL_PREFIX = "/news-archive"

news_archive_app = create_app(dependencies=[Depends(requires_access_view(AccessView.WEBSITE))])


class NewsArchivePlugin(AirflowPlugin):
    name = "news_archive"
    fastapi_apps = [{"app": news_archive_app, "url_prefix": URL_PREFIX, "name": "News archive"}]
    external_views = [
        {
            "name": "News archive",
            "href": f"{URL_PREFIX}/",
            "icon": f"{URL_PREFIX}/icon.svg",
            "url_route": "news-archive",
            "destination": "nav",
            "nav_top_level": True,
        }
    ]
