"""The naive baseline: what Airflow news pipelines on GitHub typically do with a feed.

feedparser on the whole document, BeautifulSoup ``get_text`` for the text, langdetect (seeded)
for the language, and one ORM ``session.add`` + ``commit`` per article into a simple table, a
duplicate URL being caught as an IntegrityError (the cheapest common form of their dedup: one
round trip per article, no lookup first). It reads the same raw captures the pipeline reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import feedparser
from bs4 import BeautifulSoup
from langdetect import DetectorFactory, detect
from langdetect.lang_detect_exception import LangDetectException
from sqlalchemy import DateTime, Integer, String, Text, create_engine, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class NaiveArticle(Base):
    __tablename__ = "naive_articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    guid: Mapped[str | None] = mapped_column(String(2048))
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    body_text: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


@dataclass
class NaiveCounts:
    captures: int = 0
    seen: int = 0
    new: int = 0
    duplicates: int = 0


def create_table(url: str) -> None:
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()


def clean_text(html: str | None) -> str:
    return BeautifulSoup(html or "", "html.parser").get_text(" ", strip=True)


def detect_language(text_: str) -> str | None:
    try:
        return detect(text_)
    except LangDetectException:
        return None


def _published(entry) -> datetime | None:
    parsed = entry.get("published_parsed")
    return datetime(*parsed[:6], tzinfo=UTC) if parsed else None


def warm_up() -> None:
    """Load langdetect's profiles and feedparser's modules before the clock starts."""
    DetectorFactory.seed = 0
    detect_language("Ovo je kratak tekst za zagrevanje detektora jezika.")
    feedparser.parse(b'<rss version="2.0"><channel><title>t</title></channel></rss>')


def _store_entries(session: Session, parsed, counts: NaiveCounts) -> None:
    """Clean, identify and insert each entry of a parsed feed, one commit per article."""
    for entry in parsed.entries:
        counts.seen += 1
        html = entry.content[0].value if entry.get("content") else entry.get("summary", "")
        body_text = clean_text(html)
        session.add(
            NaiveArticle(
                url=entry.get("link"),
                guid=entry.get("id"),
                title=entry.get("title", ""),
                summary=clean_text(entry.get("summary", "")),
                body_text=body_text,
                language=detect_language(body_text),
                published_at=_published(entry),
            )
        )
        try:
            session.commit()
            counts.new += 1
        except IntegrityError:
            session.rollback()
            counts.duplicates += 1


def process_naively(url: str, capture_ids: list[int]) -> NaiveCounts:
    """Parse, clean, identify and insert the articles of ``capture_ids``, one at a time."""
    DetectorFactory.seed = 0
    engine = create_engine(url)
    counts = NaiveCounts()
    query = text(
        "SELECT b.body FROM captures c JOIN capture_bodies b ON b.sha256 = c.body_sha256 "
        "WHERE c.id = :id"
    )
    with Session(engine) as session:
        for capture_id in capture_ids:
            body = session.execute(query, {"id": capture_id}).scalar_one()
            counts.captures += 1
            _store_entries(session, feedparser.parse(body), counts)
    engine.dispose()
    return counts


def poll_naively(url: str, feed_urls: list[str]) -> NaiveCounts:
    """Fetch each feed with ``feedparser.parse(feed_url)``, one after the other, and insert its
    articles as ``process_naively`` does (``url``: the database)."""
    DetectorFactory.seed = 0
    engine = create_engine(url)
    counts = NaiveCounts()
    with Session(engine) as session:
        for feed_url in feed_urls:
            counts.captures += 1
            _store_entries(session, feedparser.parse(feed_url), counts)
    engine.dispose()
    return counts


def stored_count(url: str) -> int:
    engine = create_engine(url)
    with Session(engine) as session:
        count = session.execute(select(NaiveArticle.id)).all()
    engine.dispose()
    return len(count)
