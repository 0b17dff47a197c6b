"""Fuzzing the whole path of a feed document: bytes -> decode -> guard -> parse -> clean ->
language -> dedup keys -> load into SQLite (docs/hostile-inputs.md case 54).

Documents are built from RSS 2.0, RSS 1.0 and Atom skeletons and mutated where parsers break:
numeric character references across the whole code space (surrogates, controls, past
U+10FFFF, digit runs), named entities defined and undefined, encodings declared and lied about,
deep nesting, huge attributes, executable markup, out-of-range dates, hidden link schemes, and
raw byte damage. For every input: no exception but ParseError escapes, time and memory are
bounded, and nothing stored holds a surrogate, a C0/C1 control or executable markup.

``make test`` runs a short, bounded run (``test_pipeline_survives_fuzzed_feeds``) and replays
every crash kept in tests/data/fuzz/. ``make fuzz`` runs a long one
(``python -m tests.test_fuzz_feeds --examples N``): it prints executions, coverage of the
stages and the crashes, each written to tests/data/fuzz/ to become a regression fixture.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

FIXTURES = Path(__file__).parent / "data" / "fuzz"
BASE_URL = "https://portal.example/feed/"
SEEN = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
# Bounds per input. A document here is at most a few hundred kilobytes; the parse worker's own
# budget in production is 30 s and 1 GiB (pipeline.parse.budget), far above what one needs.
MAX_SECONDS = 10.0
# Python-level allocations (tracemalloc; lxml's C heap is not counted) at their peak.
MAX_PEAK_BYTES = 256 * 1024 * 1024

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# In stored HTML every "<" of the text is escaped, so each "<...>" is a tag: none may be one that
# runs or loads something, carry an event handler, or link anywhere but http(s).
_TAG = re.compile(r"<[^>]*>")
_EXECUTABLE_TAG = re.compile(
    r"^</?\s*(?:script|iframe|style|object|embed|svg|math|form|base|meta|link|frame)\b"
    r"|\son[a-z]+\s*=|(?:href|src)\s*=\s*[\"']?\s*(?!https?://)[a-z][a-z0-9+.-]*:",
    re.IGNORECASE,
)


# -- documents ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    body: bytes
    content_type: str | None

    def fixture(self) -> str:
        return hashlib.sha256(self.body).hexdigest()[:16]


_WORDS = st.sampled_from(
    ["Vlada", "usvojila", "novi", "zakon", "Qeveria", "miratoi", "ligjin", "Влада", "усвојила",
     "закон", "Skupština", "danas", "ë", "ç", "đ", "ж", "€", "—", "🙂", "\u202e", "\u200b", "\ufeff"]
)  # fmt: skip
_NAMED = st.sampled_from(
    ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&nbsp;", "&colon;", "&Tab;", "&NewLine;",
     "&copy", "&eacute;", "&unknown;", "&#;", "&#x;", "&", "&amp;lt;script&amp;gt;", "&lt;"]
)  # fmt: skip
_MARKUP = st.sampled_from(
    ["<script>alert(1)</script>", '<img src="x" onerror="alert(1)">', "<iframe src=x></iframe>",
     '<a href="javascript:alert(1)">x</a>', '<a href="java&#x09;script:alert(1)">x</a>',
     '<a href="javascript&colon;alert(1)">x</a>', "<style>p{}</style>", "<svg onload=alert(1)>",
     '<p style="x" onclick="y">p</p>', "<![CDATA[<script>x</script>]]>", "<!-- c -->",
     "<b><i>unclosed", "</p></div>", "<?pi x?>", "<br/>", '<a href="/rel">r</a>',
     '<a href="data:text/html,<script>x</script>">d</a>', "<math><mi>x</mi></math>",
     "<p>Izvor: Beta</p>", "<p>/ VOA</p>", "<object data=x></object>"]
)  # fmt: skip


@st.composite
def char_refs(draw) -> str:
    """A numeric character reference anywhere in (and past) the code space."""
    code = draw(
        st.one_of(
            st.integers(0, 0x20),
            st.integers(0x7F, 0xA0),
            st.integers(0xD800, 0xDFFF),
            st.sampled_from([0xFFFE, 0xFFFF, 0x10FFFF, 0x110000, 0xFFFFFFFF, 10**30]),
            st.integers(0, 0x10FFFF),
        )
    )
    form = draw(st.sampled_from(["&#x{:X};", "&#{:d};", "&#x{:x}", "&#0000{:d};", "&#X{:X};"]))
    return form.format(code)


# Text with characters Python can hold but no stored text should: lone surrogates, controls.
_RAW_TEXT = st.text(st.characters(exclude_categories=()), max_size=12)


@st.composite
def fragments(draw) -> str:
    parts = draw(
        st.lists(
            st.one_of(_WORDS, _NAMED, char_refs(), _MARKUP, _RAW_TEXT),
            max_size=12,
        )
    )
    return " ".join(parts)


def _escaped(text: str, how: str) -> str:
    if how == "cdata":
        return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    if how == "escaped":
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text  # raw: markup and references as they are, well-formed or not


_DATES = st.sampled_from(
    ["Wed, 25 Nov 2026 10:00:00 +0100", "2025-13-45T10:00:00Z", "Mon, 45 Dec 2025 10:00:00 GMT",
     "2025-12-01T25:61:00Z", "0000-00-00", "9999-12-31T23:59:59Z", "31.12.2024 10:00",
     "e hënë, 3 mars 2025", "3. децембар 2025.", "jučer", "", "2025-02-30", "-1", "1e308",
     "Sat, 31 Dec 2016 23:59:60 GMT", "2024-02-29T24:00:00+14:01"]
)  # fmt: skip
_LINKS = st.sampled_from(
    ["https://portal.example/vijesti/a/", "/relativna/veza", "javascript&colon;alert(1)",
     "java&#x09;script:alert(1)", "JaVaScRiPt&#x3A;x", "vbscript:msgbox", "//drugi.example/x",
     "http://[::1]:99999/", "http://", "mailto:a@b.example", "https://portal.example/bbc-news/x/y",
     "https://xn--80ak6aa92e.example/", "\x00http://a.example/", "https://a.example/" + "a" * 3000]
)  # fmt: skip


@st.composite
def items(draw, kind: str) -> str:
    how = draw(st.sampled_from(["raw", "escaped", "cdata"]))
    title = _escaped(draw(fragments()), draw(st.sampled_from(["raw", "escaped"])))
    body = _escaped(draw(fragments()), how)
    link = draw(_LINKS)
    date = draw(_DATES)
    extra = draw(
        st.lists(
            st.sampled_from(
                ["<dc:creator>(BBC)</dc:creator>", "<category>Reuters</category>",
                 '<source url="https://www.voanews.com/rss">Glas Amerike</source>',
                 "<author>Ana &#xD800; Anić</author>", "<guid>g&#0;1</guid>", "<unknown:x/>",
                 "<category>" + "x" * 5000 + "</category>"]
            ),
            max_size=3,
        )
    )  # fmt: skip
    if kind == "atom":
        return (
            f"<entry><title type='html'>{title}</title><link href=\"{_attr(link)}\"/>"
            f"<id>{_attr(link)}</id><updated>{date}</updated>"
            f"<content type='html'>{body}</content></entry>"
        )
    tag = "item"
    return (
        f"<{tag}><title>{title}</title><link>{_escaped(link, 'escaped')}</link>"
        f"<pubDate>{date}</pubDate><description>{body}</description>"
        f"<content:encoded>{_escaped(draw(fragments()), 'cdata')}</content:encoded>"
        f"{''.join(extra)}</{tag}>"
    )


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


@st.composite
def nesting(draw) -> str:
    depth = draw(st.sampled_from([10, 100, 300, 1000, 5000]))
    tag = draw(st.sampled_from(["div", "b", "x:y", "p"]))
    return f"<{tag}>" * depth + "dubina" + f"</{tag}>" * draw(st.sampled_from([0, depth]))


@st.composite
def huge_attribute(draw) -> str:
    size = draw(st.sampled_from([1_000, 70_000, 300_000]))
    return f'<a href="https://portal.example/{"x" * size}" title="{"&#xD800;" * (size // 8)}">a</a>'


_ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "windows-1250", "windows-1251",
              "iso-8859-2", "koi8-r", "utf-32", "cp1252", "gb18030"]  # fmt: skip


@st.composite
def documents(draw) -> Document:
    kind = draw(st.sampled_from(["rss", "atom", "rdf"]))
    entries = draw(st.lists(items(kind), max_size=4))
    if draw(st.booleans()):
        entries.append(draw(st.one_of(nesting(), huge_attribute())))
    body = "".join(entries)
    declared = draw(st.sampled_from(["UTF-8", "windows-1250", "utf-16", "bogus-charset", None]))
    decl = f'<?xml version="1.0" encoding="{declared}"?>' if declared else ""
    doctype = draw(
        st.sampled_from(
            ["", '<!DOCTYPE rss [<!ENTITY e "&#xD800;">]>', '<!DOCTYPE x SYSTEM "file:///etc/x">']
        )
    )
    if kind == "atom":
        text = (
            f'{decl}{doctype}<feed xmlns="http://www.w3.org/2005/Atom"><title>Portal</title>'
            f'<link href="https://portal.example/"/>{body}</feed>'
        )
    elif kind == "rdf":
        text = (
            f'{decl}{doctype}<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            f'xmlns="http://purl.org/rss/1.0/"><channel><title>Portal</title></channel>'
            f"{body}</rdf:RDF>"
        )
    else:
        text = (
            f'{decl}{doctype}<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Portal</title>'
            f"<link>https://portal.example/</link><language>bs</language>{body}</channel></rss>"
        )
    encoding = draw(st.sampled_from(_ENCODINGS))
    errors = draw(st.sampled_from(["replace", "surrogatepass"])) if "utf" in encoding else "replace"
    data = text.encode(encoding, errors=errors)
    if encoding.startswith("utf-") and encoding not in {"utf-8"} and draw(st.booleans()):
        data = data[2:] if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data  # no BOM
    data = draw(_damaged(data))
    charset = draw(st.sampled_from([None, "utf-8", "windows-1250", "utf-16", "nonsense"]))
    media = draw(st.sampled_from(["application/rss+xml", "text/xml", "text/html", "text/plain"]))
    return Document(data, f"{media}; charset={charset}" if charset else media)


@st.composite
def _damaged(draw, data: bytes) -> bytes:
    """Byte-level damage now and then: a cut, a stray byte run, a duplicated slice."""
    how = draw(st.sampled_from(["none", "none", "none", "cut", "insert", "duplicate"]))
    if how == "none" or not data:
        return data
    at = draw(st.integers(0, len(data)))
    if how == "cut":
        return data[:at]
    if how == "insert":
        return data[:at] + draw(st.binary(max_size=16)) + data[at:]
    end = draw(st.integers(at, min(len(data), at + 4096)))
    return data[:at] + data[at:end] * 2 + data[end:]


# -- the pipeline ---------------------------------------------------------------------------


class Archive:
    """A migrated SQLite archive with one feed; every input is loaded in a transaction that is
    rolled back, so inputs never see each other's rows."""

    def __init__(self, directory: Path) -> None:
        from pipeline.archive import store
        from pipeline.archive.db import engine_for
        from pipeline.archive.migrate import upgrade

        self.engine = engine_for(f"sqlite:///{directory / 'fuzz.sqlite'}")
        upgrade(self.engine)
        with self.engine.begin() as connection:
            self.feed_id = store.ensure_adhoc_feed(connection, BASE_URL)
            self.outlet_id = connection.exec_driver_sql(
                "SELECT outlet_id FROM feeds WHERE id = ?", (self.feed_id,)
            ).scalar_one()

    def close(self) -> None:
        self.engine.dispose()


def run_pipeline(document: Document, archive: Archive) -> list[tuple]:
    """Every stage on one document; returns the stored rows (then rolled back). Raises whatever
    a stage raises, except ParseError: a document refused as a feed is a normal outcome."""
    from pipeline.dedup import compare
    from pipeline.flows.article_row import FeedContext
    from pipeline.flows.capture_rows import build_rows, content_key, label_languages
    from pipeline.flows.load import load_batch, quarantine
    from pipeline.parse import ParseError
    from pipeline.parse.feeds import parse_guarded

    try:
        parsed = parse_guarded(document.body, BASE_URL, document.content_type, 50)
    except ParseError:
        return []
    ctx = FeedContext(archive.feed_id, archive.outlet_id, BASE_URL, "bs", None, SEEN)
    rows, rejected = build_rows(parsed.entries, ctx)
    label_languages(rows, ctx.language or parsed.language)
    compare.attach(rows)
    for row in rows:
        content_key(row)
    connection = archive.engine.connect()
    transaction = connection.begin()
    try:
        load_batch(connection, rows)
        quarantine(connection, rejected)
        stored = connection.exec_driver_sql(
            "SELECT url, guid, title, summary, body_text, body_html, section, authors, "
            "published_raw, date_flag, syndicated_from FROM articles"
        ).all()
        stored += connection.exec_driver_sql(
            "SELECT item_key, detail, excerpt FROM quarantine"
        ).all()
    finally:
        transaction.rollback()
        connection.close()
    return [tuple(row) for row in stored]


def check_stored(rows: list[tuple]) -> None:
    for row in rows:
        for value in row:
            if not isinstance(value, str):
                continue
            assert not _SURROGATE.search(value), f"surrogate stored: {value[:80]!r}"
            assert not _CONTROL.search(value), f"control character stored: {value[:80]!r}"
    for row in rows:
        if len(row) == 11:
            url, body_html = row[0], row[5]
            assert url is None or url.startswith(("http://", "https://")), url
            for tag in _TAG.findall(body_html or ""):
                assert not _EXECUTABLE_TAG.search(tag), f"executable markup: {tag[:200]!r}"
                assert "javascript:" not in tag.lower(), f"made-up link: {tag[:200]!r}"


def check_one(document: Document, archive: Archive) -> float:
    """The whole property for one input; returns the seconds it took."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        rows = run_pipeline(document, archive)
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < MAX_SECONDS, f"took {elapsed:.1f} s"
    assert peak < MAX_PEAK_BYTES, f"peak of {peak / 1e6:.0f} MB"
    check_stored(rows)
    return elapsed


# -- make test: the short run and the regression fixtures -------------------------------------


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    from pipeline.flows.capture_rows import label_languages

    archive = Archive(tmp_path_factory.mktemp("fuzz"))
    label_languages([], None)  # the language models load once, outside any input's deadline
    yield archive
    archive.close()


def test_pipeline_survives_fuzzed_feeds(archive):
    @settings(
        max_examples=60,
        deadline=timedelta(seconds=MAX_SECONDS),
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(documents())
    def property_holds(document: Document) -> None:
        check_one(document, archive)

    property_holds()


def _fixture_files() -> list[Path]:
    return sorted(FIXTURES.glob("*.xml"))


@pytest.mark.parametrize("path", _fixture_files(), ids=lambda p: p.name)
def test_crashes_found_by_fuzzing_stay_fixed(archive, path):
    content_type = path.with_suffix(".type")
    document = Document(
        path.read_bytes(), content_type.read_text().strip() if content_type.exists() else None
    )
    check_one(document, archive)


def test_the_fixtures_are_there():
    assert len(_fixture_files()) >= 3


# -- make fuzz: the long run ----------------------------------------------------------------


def _measured_modules() -> list[str]:
    return [
        "pipeline.parse", "pipeline.clean", "pipeline.language", "pipeline.dedup",
        "pipeline.text", "pipeline.flows.article_row", "pipeline.flows.capture_rows",
        "pipeline.flows.load",
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="long fuzz run of the feed pipeline")
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=None)
    options = parser.parse_args(argv)

    import tempfile

    import coverage

    cov = coverage.Coverage(source=_measured_modules(), branch=True, data_file=None)
    cov.start()
    crashes: dict[str, tuple[Document, str]] = {}
    stats = {"executions": 0, "slowest": 0.0, "refused": 0}
    with tempfile.TemporaryDirectory() as directory:
        archive = Archive(Path(directory))
        from pipeline.flows.capture_rows import label_languages

        label_languages([], None)

        @settings(
            max_examples=options.examples,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(documents())
        def explore(document: Document) -> None:
            stats["executions"] += 1
            try:
                stats["slowest"] = max(stats["slowest"], check_one(document, archive))
            except Exception as exc:  # noqa: BLE001 - every crash is kept, the run goes on
                where = exc.__traceback__
                while where is not None and where.tb_next is not None:
                    where = where.tb_next
                origin = f"{where.tb_frame.f_code.co_filename}:{where.tb_lineno}" if where else ""
                key = f"{type(exc).__name__} at {origin}"
                if key not in crashes:
                    crashes[key] = (document, f"{type(exc).__name__}: {str(exc)[:200]}")

        started = time.monotonic()
        if options.seed is not None:
            from hypothesis import seed

            explore = seed(options.seed)(explore)
        explore()
        elapsed = time.monotonic() - started
        archive.close()
    cov.stop()
    total = cov.report(file=_Null(), show_missing=False)
    print(f"executions: {stats['executions']} in {elapsed:.0f} s "
          f"({stats['executions'] / max(elapsed, 1e-9):.1f}/s), slowest input {stats['slowest']:.2f} s")  # fmt: skip
    print(f"coverage (lines and branches of {', '.join(_measured_modules())}): {total:.1f} %")
    print(f"crashes: {len(crashes)}")
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for key, (document, message) in sorted(crashes.items()):
        path = FIXTURES / f"crash-{document.fixture()}.xml"
        path.write_bytes(document.body)
        if document.content_type:
            path.with_suffix(".type").write_text(document.content_type + "\n")
        print(f"  {key}\n    {message}\n    kept as {path.relative_to(Path.cwd())}")
    return 1 if crashes else 0


class _Null:
    def write(self, text: str) -> None:
        pass


if __name__ == "__main__":
    sys.exit(main())
