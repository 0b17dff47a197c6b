"""Near-duplicates: MinHash signatures over word shingles, banded for an LSH index kept in SQL.

Texts are compared in their normalised form (``comparison_text``: Cyrillic transliterated,
diacritics folded, lower case, no punctuation) with credits and boilerplate already removed, so a
Cyrillic copy with "Извор: Танјуг" under it and the Latin original look the same.

Parameters, and why:
- 3-word shingles: two different stories on one topic share names and phrases ("vlada srbije",
  "prishtine e beograd") but rarely many 3-word runs.
- 128 hash functions: the estimate of Jaccard J has a standard deviation of sqrt(J(1-J)/128),
  0.044 at J = 0.5, so a pair is rarely misjudged by more than 0.1.
- LSH on the first 60 of them, 20 bands of 3 rows: the chance that a pair with Jaccard J shares
  at least one bucket is 1-(1-J^3)^20: 0.93 at J=0.5, 0.99 at J=0.6, 0.9999 at J=0.75, and 0.15
  at J=0.2, so few unrelated articles come back as candidates. 20 rows per article in the index.
- Accept a candidate when the estimated Jaccard is at least 0.5 (JACCARD_THRESHOLD). On the
  labelled set (tests/data/dedup) the weakest republication (new headline, an edited sentence,
  paragraphs swapped, a footer and a credit at once) scores 0.64 against its origin and a cut to
  80% scores 0.78, while the closest different story (a follow-up that repeats one background
  paragraph of the first) scores 0.20 and other same-topic stories stay below 0.1. 0.5 sits in
  the gap with room for the estimate's error on both sides.
"""

from __future__ import annotations

import hashlib
import threading
import zlib
from dataclasses import dataclass

import numpy as np

from pipeline.text.memo import BoundedMemo

NUM_PERM = 128
BANDS = 20
ROWS_PER_BAND = 3
SHINGLE_WORDS = 3
JACCARD_THRESHOLD = 0.5
# Below this many shingles a text says too little to call it a copy of another (a one-line item).
MIN_SHINGLES = 12


def _constants(label: str, count: int) -> np.ndarray:
    """Fixed pseudo-random 64-bit constants: the same in every process, version and machine."""
    values = [
        int.from_bytes(hashlib.sha256(f"{label}:{i}".encode()).digest()[:8], "little")
        for i in range(count)
    ]
    return np.array(values, dtype=np.uint64)


# Multiply-shift hashing h(x) = (a*x + b) >> 32 with odd a: a universal family over 64-bit words.
_A = (_constants("minhash-a", NUM_PERM) | np.uint64(1)).reshape(-1, 1)
_B = _constants("minhash-b", NUM_PERM).reshape(-1, 1)
_BAND_SEEDS = _constants("lsh-band", BANDS)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SHINGLE_MUL = _constants("shingle", SHINGLE_WORDS)


@dataclass(frozen=True)
class Signature:
    minhash: np.ndarray  # NUM_PERM uint32
    shingles: int

    def to_bytes(self) -> bytes:
        return self.minhash.astype("<u4").tobytes()

    @staticmethod
    def from_bytes(data: bytes, shingles: int = 0) -> Signature:
        return Signature(np.frombuffer(data, dtype="<u4").astype(np.uint32), shingles)


# CRC-32 of words seen before, bounded like the folding caches of pipeline.text.fold.
_MAX_WORD_CHARS = 40
_MAX_WORDS = 32_768


def _word_hash(word: str) -> int:
    return zlib.crc32(word.encode())


_WORD_HASHES = BoundedMemo(_word_hash, _MAX_WORDS, _MAX_WORD_CHARS)


def shingle_hashes(comparison: str) -> np.ndarray:
    """Distinct 64-bit hashes of the text's word 3-grams (the whole text if shorter)."""
    words = comparison.split()
    if not words:
        return np.zeros(0, dtype=np.uint64)
    word_hashes = np.fromiter(map(_WORD_HASHES.__getitem__, words), np.uint64, len(words))
    if len(words) < SHINGLE_WORDS:
        return np.unique(word_hashes * _SHINGLE_MUL[0])
    n = len(words) - SHINGLE_WORDS + 1
    # ((w0 * m0) ^ w1) * m1 ... in place (0 ^ w0 is w0); array products wrap modulo 2**64.
    combined = word_hashes[:n] * _SHINGLE_MUL[0]
    for i in range(1, SHINGLE_WORDS):
        combined ^= word_hashes[i : i + n]
        combined *= _SHINGLE_MUL[i]
    return distinct(combined)


def distinct(values: np.ndarray) -> np.ndarray:
    """np.unique for a 1-D array it may sort in place, without its general-purpose overhead
    (numpy 2.4's unique takes 0.9 s for a million integers, a sort 0.05 s)."""
    values.sort()
    if not len(values):
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def signature(comparison: str) -> Signature | None:
    """MinHash of the text's shingles, or None when the text is too short to judge."""
    hashes = shingle_hashes(comparison)
    if len(hashes) < MIN_SHINGLES:
        return None
    return Signature(_minhash(hashes), len(hashes))


# Shingles hashed at once: a (1024, NUM_PERM) block of 64-bit values is 1 MiB, reused by the
# thread for every text, so a long text neither allocates 128 values per shingle nor leaves the
# processor's cache. Shingles by rows: the minimum over rows runs along contiguous memory.
_BLOCK = 1024
_BUFFERS = threading.local()
_A_ROW = _A.reshape(1, -1)
_B_ROW = _B.reshape(1, -1)


def _minhash(hashes: np.ndarray) -> np.ndarray:
    """min over the shingles x of (a*x + b) >> 32 for each of the NUM_PERM (a, b), as uint32.

    The shift is monotonic, so it is applied to the minima of a*x + b rather than to every value.
    """
    buffer = getattr(_BUFFERS, "block", None)
    if buffer is None:
        buffer = _BUFFERS.block = np.empty((_BLOCK, NUM_PERM), dtype=np.uint64)
    minima = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    for start in range(0, len(hashes), _BLOCK):
        part = hashes[start : start + _BLOCK].reshape(-1, 1)
        values = buffer[: len(part)]
        np.multiply(part, _A_ROW, out=values)  # wraps modulo 2**64, as intended
        np.add(values, _B_ROW, out=values)
        np.minimum(minima, values.min(axis=0), out=minima)
    return (minima >> np.uint64(32)).astype(np.uint32)


def band_buckets_many(minhashes: np.ndarray) -> np.ndarray:
    """LSH buckets of many signatures at once: (n, NUM_PERM) uint32 -> (n, BANDS) int64.

    The band number is mixed in through a per-band seed, so one column keys (band, bucket).
    """
    rows = minhashes[:, : BANDS * ROWS_PER_BAND].astype(np.uint64)
    rows = rows.reshape(len(minhashes), BANDS, ROWS_PER_BAND)
    key = np.broadcast_to(_BAND_SEEDS, (len(minhashes), BANDS)).copy()
    with np.errstate(over="ignore"):
        for j in range(ROWS_PER_BAND):
            key = (key ^ rows[:, :, j]) * _MIX
            key ^= key >> np.uint64(29)
    return key.view(np.int64)


def band_buckets(sig: Signature) -> list[int]:
    """One signed 64-bit bucket per band (what ``dedup_lsh.bucket`` stores)."""
    return band_buckets_many(sig.minhash.reshape(1, -1))[0].tolist()


def estimated_jaccard(a: Signature, b: Signature) -> float:
    return float(np.count_nonzero(a.minhash == b.minhash)) / NUM_PERM


def is_near_duplicate(a: Signature, b: Signature) -> bool:
    return estimated_jaccard(a, b) >= JACCARD_THRESHOLD


def jaccard(a: str, b: str) -> float:
    """Exact Jaccard over the shingles of two comparison texts (for tests and evaluation)."""
    sa, sb = set(shingle_hashes(a).tolist()), set(shingle_hashes(b).tolist())
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)
