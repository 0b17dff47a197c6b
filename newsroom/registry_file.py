"""The newsroom's registry as a registry file, in the format ``pipeline.sources.registry`` reads.

The product knows nothing about the newsroom: it reads this file like any other registry
(``NEWS_SOURCES=<path>``). The file is the one description of the newsroom's outlets as sources;
`newsroom_registry` is that file parsed by the product's own parser.

There is no TOML writer in the environment (``tomllib`` only reads), so the file is written here:
only the registry's shape is needed (strings, booleans, arrays of strings, ``[[outlet]]`` and
``[[outlet.feeds]]`` tables), and every string is a basic string with TOML's escapes.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from newsroom.catalog import Catalog, default_catalog, feed_path, sitemap_index_path
from newsroom.outlets import FeedDef, OutletDef, script_of
from pipeline.sources.registry import Registry, parse_registry

# Escapes TOML 1.0 names for basic strings; other control characters are written as \uXXXX.
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def toml_string(value: str) -> str:
    """`value` as a TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        elif 0xD800 <= ord(ch) <= 0xDFFF:
            raise ValueError(f"lone surrogate U+{ord(ch):04X} cannot be written to TOML")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_value(value: str | bool | Iterable[str]) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return toml_string(value)
    return "[" + ", ".join(toml_string(v) for v in value) + "]"


def _feed_section(feed: FeedDef) -> str | None:
    # A feed of one section names it; a feed mixing sections leaves it to the items.
    return feed.sections[0] if feed.sections and len(feed.sections) == 1 else None


def _outlet_lines(outlet: OutletDef, base: str) -> list[str]:
    languages = outlet.all_languages
    fields: dict[str, str | bool | Iterable[str]] = {
        "slug": outlet.slug,
        "name": outlet.name,
        "homepage": f"{base}/{outlet.slug}/",
        "country": outlet.country,
        "languages": languages,
        "scripts": tuple(dict.fromkeys(script_of(lang) for lang in languages)),
        "fulltext": outlet.fulltext,
        "history": outlet.history,
        "sitemaps": (base + sitemap_index_path(outlet.slug),) if outlet.news_sitemap else (),
        "notes": outlet.notes,
    }
    lines = ["[[outlet]]", *(f"{key} = {_toml_value(v)}" for key, v in fields.items())]
    for feed in outlet.feeds:
        feed_fields: dict[str, str | bool | None] = {
            "url": base + feed_path(outlet, feed),
            "language": feed.language,
            "section": _feed_section(feed),
            "kind": feed.kind,
            "verified": True,
        }
        lines += ["", "[[outlet.feeds]]"]
        lines += [f"{key} = {_toml_value(v)}" for key, v in feed_fields.items() if v is not None]
    return lines


def registry_toml(
    base_url: str, catalog: Catalog | None = None, outlets: Iterable[str] | None = None
) -> str:
    """The newsroom's outlets as a registry file with every URL under `base_url`.

    `catalog` defaults to the default catalog; `outlets` (slugs) keeps only those outlets, in the
    catalog's order.
    """
    catalog = catalog or default_catalog()
    base = base_url.rstrip("/")
    keep = None if outlets is None else set(outlets)
    chosen = [o for o in catalog.outlets if keep is None or o.slug in keep]
    if keep is not None and len(chosen) != len(keep):
        missing = keep - {o.slug for o in chosen}
        raise ValueError(f"the catalog has no outlet {sorted(missing)}")
    header = [
        "# The offline newsroom's invented outlets (not real sources), written by the newsroom",
        "# (newsroom/registry_file.py) in the registry format of pipeline/sources/registry.py.",
    ]
    blocks = ["\n".join(header)] + ["\n".join(_outlet_lines(o, base)) for o in chosen]
    return "\n\n".join(blocks) + "\n"


def write_registry(
    path: str | os.PathLike[str],
    base_url: str,
    catalog: Catalog | None = None,
    outlets: Iterable[str] | None = None,
) -> Path:
    """Write `registry_toml(...)` to `path` (parents created) and return the path.

    The file appears whole or not at all (written beside it, then renamed), so a script waiting
    for it to exist never reads half a registry.
    """
    path = Path(path)
    text = registry_toml(base_url, catalog, outlets)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a registry is not a secret
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def newsroom_registry(base_url: str, catalog: Catalog | None = None) -> Registry:
    """The newsroom's registry as the product reads it: `registry_toml` parsed by the registry's
    own parser."""
    return parse_registry(registry_toml(base_url, catalog))
