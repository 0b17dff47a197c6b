"""The offline newsroom: invented Balkan outlets served over loopback HTTP.

It stands in for the real web in the demo, the tests and the benchmarks. See `catalog` for the
outlets and their articles, `server` for the HTTP side.
"""

from pipeline.newsroom.catalog import (
    Article,
    Catalog,
    CatalogOptions,
    ExpectedArticle,
    build_catalog,
    default_catalog,
    expected_articles,
    newsroom_registry,
)
from pipeline.newsroom.server import NewsroomServer, serve_forever
from pipeline.newsroom.synthetic import synthetic_articles

__all__ = [
    "Article",
    "Catalog",
    "CatalogOptions",
    "ExpectedArticle",
    "NewsroomServer",
    "build_catalog",
    "default_catalog",
    "expected_articles",
    "newsroom_registry",
    "serve_forever",
    "synthetic_articles",
]
