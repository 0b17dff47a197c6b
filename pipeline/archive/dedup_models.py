"""Tables of the deduplication stage (migration 0002): MinHash signatures, their LSH buckets and
the boilerplate segments learned per outlet."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from pipeline.archive.models import Base
from pipeline.archive.types import UTCDateTime


class SignatureRow(Base):
    """One MinHash signature per article long enough to compare (``pipeline.dedup.near``)."""

    __tablename__ = "dedup_signatures"

    # A small integer key keeps the LSH table narrow: 20 rows per article.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id"), unique=True)
    minhash: Mapped[bytes] = mapped_column(LargeBinary)
    shingles: Mapped[int] = mapped_column(Integer)


class LshBucketRow(Base):
    """LSH index: a lookup is ``bucket IN (...)`` on the primary key, whatever the archive size."""

    __tablename__ = "dedup_lsh"

    # The band number is mixed into the bucket hash, so one column identifies (band, bucket).
    bucket: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    signature_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class BoilerplateSegmentRow(Base):
    """How many of an outlet's articles carried a short paragraph (``pipeline.clean.boilerplate``)."""

    __tablename__ = "boilerplate_segments"

    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id"), primary_key=True)
    segment_hash: Mapped[str] = mapped_column(String(16), primary_key=True)
    sample: Mapped[str] = mapped_column(String(300))
    article_count: Mapped[int] = mapped_column(Integer)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
