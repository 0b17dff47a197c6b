"""What operators see: read-only queries on the archive and the News archive page.

Reads only the archive database (``NEWS_ARCHIVE_URL``), never Airflow's metadata database.
The Airflow plugin in ``plugins/`` mounts ``pipeline.ui.app.create_app`` behind Airflow's auth.
"""
