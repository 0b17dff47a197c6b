"""A small archive with known contents (invented stories) for the view, search, export and UI
tests: four outlets, a VOA-like origin republished by two others, Serbian in both scripts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from pipeline.archive.db import make_engine
from pipeline.archive.migrate import upgrade
from pipeline.archive.models import ArticleRow, FeedRow, FetchRow

OUTLETS = [
    # id, slug, name, country, language
    (1, "zeri-atlantik", "Zëri Atlantik", "US", "sq"),
    (2, "kronika", "Kronika e Kosovës", "XK", "sq"),
    (3, "beogradski-vesnik", "Београдски весник", "RS", "sr"),
    (4, "novosadski-dnevnik", "Novosadski dnevnik", "RS", "sr"),
]
FEEDS = [
    # id, outlet_id, url, language, state, failure_score, last_error_class
    (10, 1, "https://zeri-atlantik.example/api/atom.xml", "sq", "ok", 0.0, None),
    (20, 2, "https://kronika.example/rss/", "sq", "ok", 0.0, None),
    (30, 3, "https://vesnik.example/feed/", "sr-Cyrl", "failing", 2.5, "http_503"),
    (40, 4, "https://dnevnik.example/rss.xml", "sr-Latn", "disabled", 9.0, "not_a_feed"),
]
OUTLET_OF_FEED = {feed[0]: feed[1] for feed in FEEDS}


def _t(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def _recent(days_ago: int) -> datetime:
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    return now.replace(hour=6) - timedelta(days=days_ago)


# id, feed, title, body, published_at, language, duplicate_of, story_id, syndicated_from
ARTICLES = [
    ("z1", 10, "Vučić dhe Kurti takohen në Bruksel", "Takimi i radhës i dialogut u mbajt "
     "të enjten në Bruksel.", _t("2026-10-05", 8), "sq", None, "z1", None),
    ("k1", 20, "Vučić dhe Kurti takohen në Bruksel", "Takimi i radhës i dialogut u mbajt "
     "të enjten në Bruksel.", _t("2026-10-05", 11), "sq", "z1", "z1", "VOA"),
    ("b1", 30, "Вучић и Курти у Бриселу", "Састанак у оквиру дијалога одржан је у четвртак.",
     _t("2026-10-05", 10), "sr-Cyrl", None, "b1", None),
    ("b2", 30, "Вучић и Курти у Бриселу (превод)", "Превод текста који је објавио "
     "Зери Атлантик.", _t("2026-10-06", 10), "sr-Cyrl", "z1", "z1", None),
    ("n1", 40, "Ђоковић осваја турнир у Шангају", "Новак Ђоковић је победио у финалу.",
     _t("2026-10-07", 18), "sr-Cyrl", None, "n1", None),
    ("n2", 40, "Vučićeva izjava o energetici", "Predsednik je govorio o ceni struje.",
     _t("2026-10-07", 12), "sr-Latn", None, "n2", None),
    ("k2", 20, "Shqipëria dhe Kosova nënshkruajnë marrëveshje", "Marrëveshja për energjinë "
     "u nënshkrua në Tiranë.", _t("2026-10-08", 9), "sq", None, "k2", None),
    ("z2", 10, "Raport i ri për ekonominë e rajonit", "Banka Botërore publikoi raportin e "
     "vjeshtës.", _t("2026-11-02", 9), "sq", None, "z2", None),
    ("k3", 20, "Raport i ri për ekonominë e rajonit", "Banka Botërore publikoi raportin e "
     "vjeshtës.", _t("2026-11-02", 12), "sq", "z2", "z2", "VOA"),
    ("k4", 20, "Lajm pa datë", "Ky lajm nuk ka datë publikimi.", None, "sq", None, "k4", None),
    ("r1", 10, "Zgjedhjet lokale: numërimi vazhdon", "Komisioni qendror numëron votat.",
     _recent(1), "sq", None, "r1", None),
    ("r2", 30, "Избори: пребројавање се наставља", "Комисија броји гласове.", _recent(2),
     "sr-Cyrl", None, "r2", None),
]  # fmt: skip

UNDATED_SEEN_AT = _t("2026-10-09", 7)


def article_rows() -> list[dict]:
    rows = []
    for aid, feed, title, body, published, language, dup, story, credit in ARTICLES:
        rows.append(
            {
                "id": aid,
                "outlet_id": OUTLET_OF_FEED[feed],
                "feed_id": feed,
                "url": f"https://example.org/{aid}",
                "guid": aid,
                "title": title,
                "summary": None,
                "body_text": body,
                "body_html": None,
                "section": None,
                "authors": None,
                "published_at": published,
                "published_raw": None,
                "date_flag": None if published else "first_seen",
                "first_seen_at": published or UNDATED_SEEN_AT,
                "language": language,
                "script": "Cyrl" if language.endswith("Cyrl") else "Latn",
                "language_confidence": 0.99,
                "content_hash": f"h-{story}-{aid}",
                "story_id": story,
                "duplicate_of": dup,
                "syndicated_from": credit,
                "capture_id": None,
            }
        )
    return rows


def seed(url: str, revisions: tuple[str, ...] = ("heads",)) -> sa.Engine:
    """Migrate ``url`` (to ``revisions`` in turn) and fill it with the sample archive; returns
    an engine on it."""
    engine = make_engine(url)
    for revision in revisions:
        upgrade(engine, revision)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        # Plain SQL: the model's columns may be ahead of the revision being seeded.
        connection.execute(
            sa.text(
                "INSERT INTO outlets (id, slug, name, homepage, country, languages, scripts, "
                "fulltext, history) VALUES (:id, :slug, :name, :homepage, :country, :languages, "
                "'', :fulltext, '')"
            ),
            [
                {"id": i, "slug": s, "name": n, "homepage": f"https://{s}.example/", "country": c,
                 "languages": lang, "fulltext": False}
                for i, s, n, c, lang in OUTLETS
            ],
        )  # fmt: skip
        connection.execute(
            sa.insert(FeedRow.__table__),
            [
                {
                    "id": fid, "outlet_id": oid, "url": url_, "language": lang, "section": None,
                    "kind": "rss", "verified": True, "active": True, "state": state,
                    "failure_score": score, "consecutive_failures": int(score),
                    "last_error_class": error,
                    "last_error_message": f"{error} on last poll" if error else None,
                    "last_fetch_at": now - timedelta(minutes=10),
                    "last_success_at": now - timedelta(hours=1 if error is None else 30),
                    "next_poll_at": now + timedelta(minutes=15 if error is None else 120),
                }
                for fid, oid, url_, lang, state, score, error in FEEDS
            ],
        )  # fmt: skip
        # Feed 30: two polls in the last day, one failed; one older failure that no longer counts.
        connection.execute(
            sa.insert(FetchRow.__table__),
            [
                {"feed_id": 30, "started_at": now - timedelta(hours=h), "duration_ms": 120,
                 "url": FEEDS[2][2], "bytes": 0, "not_modified": False, "unchanged": False,
                 "error_class": error}
                for h, error in ((1, "http_503"), (5, None), (50, "http_503"))
            ],
        )  # fmt: skip
        connection.execute(sa.insert(ArticleRow.__table__), article_rows())
    return engine
