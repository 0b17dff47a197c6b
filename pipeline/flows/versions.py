"""Article versions kept while a batch loads (called by ``pipeline.flows.load.load_batch``).

Every sighting of an article in the batch (the row stored and the other captures' rows of the
same article) is a candidate. A candidate whose cleaned title and text (``version_hash``) the
archive holds already adds nothing; one that differs only by paragraphs the cleaner has since
learned to drop as boilerplate adds nothing either; any other is a new version, seen when its
capture was fetched. The common case, an article seen again unchanged, costs one hash and no
query: ``articles.existing`` brings the newest version's hash along.

The article row must show the newest version: a row whose text is older than the newest stored
version (an old capture reprocessed after a newer one) is not written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection

from pipeline.archive import versions as storage
from pipeline.archive.versions import StoredVersion
from pipeline.clean.changes import paragraphs, same_without, summarise_change, version_hash
from pipeline.types import Article

# Versions kept per article: the first and the newest 99. A ticker or live blog edited every
# minute would otherwise hold thousands of copies of a growing text (500,000 characters each at
# most); a hundred versions cover the corrections of an ordinary article many times over, and an
# article's history then costs at most 100 times its largest text. Versions dropped past the cap
# are the oldest but the first, so the first sighting and the latest edits stay.
MAX_VERSIONS = 100


@dataclass(frozen=True)
class Sighting:
    article_id: str
    seen_at: datetime
    title: str
    body_text: str | None
    text_hash: str
    # Paragraphs learned boilerplate removed from this sighting's text.
    dropped: frozenset[str]


def sighting(row: Article, raw_text: str | None) -> Sighting:
    """``row`` after boilerplate removal; ``raw_text`` is its text before."""
    if raw_text == row.body_text:
        dropped: frozenset[str] = frozenset()  # the common case: no boilerplate learned
    else:
        dropped = frozenset(paragraphs(raw_text)) - frozenset(paragraphs(row.body_text))
    return Sighting(
        row.id,
        row.sighted_at or row.first_seen_at,
        row.title,
        row.body_text,
        version_hash(row.title, row.body_text),
        dropped,
    )


def other_sightings(inputs: Iterable[Article], kept: list[Article]) -> list[Article]:
    """Rows of ``inputs`` for the articles of ``kept`` whose text is not the kept row's: the
    other captures' views of an edited article. Summaries count only when the kept row is one."""
    chosen = {row.id: row for row in kept}
    others = []
    for row in inputs:
        mine = chosen.get(row.id)
        if mine is None or (row.partial and not mine.partial):
            continue
        if (row.title, row.body_text) != (mine.title, mine.body_text):
            others.append(row)
    return others


def keep_latest_update(
    sightings: Iterable[Article], rows: list[Article], existing: dict[str, tuple]
) -> None:
    """Each row's ``updated_at`` becomes the latest modified time any sighting or the stored
    article gave: a feed that omits it, or a capture processed out of order, never takes it
    back (the stored value is item 6 of ``articles.existing``)."""
    latest: dict[str, datetime] = {}
    for row in sightings:
        if row.updated_at is not None and (row.id not in latest or row.updated_at > latest[row.id]):
            latest[row.id] = row.updated_at
    for row in rows:
        stored = existing[row.id][6] if row.id in existing else None
        found = [t for t in (latest.get(row.id), stored) if t is not None]
        row.updated_at = max(found) if found else None


@dataclass
class _Merged:
    versions: list[StoredVersion]
    added: list[StoredVersion]
    earlier: list[tuple[str, str, datetime]]
    dropped: list[tuple[str, str]]
    changes: list[tuple[str, str, str]]


def _merge(aid: str, stored: list[StoredVersion], found: list[Sighting]) -> _Merged:
    versions = list(stored)
    by_hash = {v.text_hash: v for v in versions}
    merged = _Merged(versions, [], [], [], [])
    for s in sorted(found, key=lambda s: s.seen_at):
        known = by_hash.get(s.text_hash)
        if known is not None:
            if s.seen_at < known.seen_at:
                known.seen_at = s.seen_at
                merged.earlier.append((aid, s.text_hash, s.seen_at))
            continue
        current = (s.title, s.body_text)
        if s.dropped and any(
            same_without((v.title, v.body_text), current, s.dropped) for v in versions
        ):
            continue
        version = StoredVersion(None, aid, s.text_hash, s.seen_at, s.title, s.body_text, "")
        versions.append(version)
        by_hash[s.text_hash] = version
        merged.added.append(version)
    versions.sort(key=lambda v: (v.seen_at, v.id is None, v.id or 0))
    if len(versions) > MAX_VERSIONS:
        past = versions[1 : len(versions) - MAX_VERSIONS + 1]
        versions[:] = [versions[0], *versions[len(versions) - MAX_VERSIONS + 1 :]]
        merged.dropped = [(aid, v.text_hash) for v in past if v.id is not None]
        merged.added = [v for v in merged.added if v in versions]
    previous = None
    for version in versions:
        change = summarise_change(previous, (version.title, version.body_text))
        if version.id is None:
            version.change = change
        elif version.change != change:
            version.change = change
            merged.changes.append((aid, version.text_hash, change))
        previous = (version.title, version.body_text)
    return merged


@dataclass
class VersionPlan:
    """What a batch changes in ``article_versions``, stored after the articles themselves."""

    # Articles whose row is older than their newest version: not to be written.
    stale: set[str] = field(default_factory=set)
    added: list[StoredVersion] = field(default_factory=list)
    earlier: list[tuple[str, str, datetime]] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)
    changes: list[tuple[str, str, str]] = field(default_factory=list)

    def store(self, connection: Connection) -> None:
        storage.drop_versions(connection, self.dropped)
        storage.set_first_seen(connection, self.earlier)
        storage.add_versions(connection, self.added)
        storage.set_changes(connection, self.changes)


def plan_versions(
    connection: Connection,
    rows: list[Article],
    others: list[Article],
    raw_texts: dict[int, str | None],
    existing: dict[str, tuple],
) -> VersionPlan:
    """The new versions among ``rows`` (to be upserted) and ``others`` (other sightings of the
    same articles); ``raw_texts`` maps ``id(row)`` to its text before boilerplate removal."""
    found: dict[str, list[Sighting]] = defaultdict(list)
    written: dict[str, Sighting] = {}
    for row in rows:
        s = sighting(row, raw_texts.get(id(row), row.body_text))
        found[row.id].append(s)
        written[row.id] = s
    for row in others:
        found[row.id].append(sighting(row, raw_texts.get(id(row), row.body_text)))
    to_merge = []
    for aid, seen in found.items():
        known = existing.get(aid)
        newest = known[4] if known is not None else None
        if newest is not None and all(s.text_hash == newest for s in seen):
            continue  # seen again, unchanged
        to_merge.append(aid)
    plan = VersionPlan()
    if not to_merge:
        return plan
    stored = storage.versions_of(connection, [a for a in to_merge if a in existing])
    for aid in to_merge:
        merged = _merge(aid, stored.get(aid, []), found[aid])
        plan.added += merged.added
        plan.earlier += merged.earlier
        plan.dropped += merged.dropped
        plan.changes += merged.changes
        newest = merged.versions[-1]
        mine = written[aid]
        if (
            aid in existing
            and mine.text_hash != newest.text_hash
            and not (
                mine.dropped
                and same_without(
                    (newest.title, newest.body_text), (mine.title, mine.body_text), mine.dropped
                )
            )
        ):
            plan.stale.add(aid)
    return plan
