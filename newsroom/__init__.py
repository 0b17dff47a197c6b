"""The offline newsroom: invented Balkan outlets served over loopback HTTP.

It stands in for the real web in the demo, the tests and the benchmarks. See `catalog` for the
outlets and their articles, `server` for the HTTP side, `registry_file` for the registry file
(the product's registry format) that points the pipeline at it: ``NEWS_SOURCES=<that file>``.

It is not part of the shipped `pipeline` package, and the pipeline does not import it.
"""

from newsroom.catalog import (
    Article,
    Catalog,
    CatalogOptions,
    ExpectedArticle,
    build_catalog,
    default_catalog,
    expected_articles,
)
from newsroom.registry_file import newsroom_registry, registry_toml, write_registry
from newsroom.server import NewsroomServer, serve_forever
from newsroom.synthetic import synthetic_articles

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
    "registry_toml",
    "serve_forever",
    "synthetic_articles",
    "write_registry",
]
