"""MinHash signatures and LSH buckets: stable, and close to the true Jaccard."""

from __future__ import annotations

import random

import numpy as np

from pipeline.dedup.near import (
    BANDS,
    JACCARD_THRESHOLD,
    MIN_SHINGLES,
    Signature,
    band_buckets,
    estimated_jaccard,
    jaccard,
    signature,
)
from pipeline.text.fold import comparison_text
from tests.support.rows import article

WORDS = [f"fjala{i}" for i in range(2000)]
# The first two hash values of a fixed text: they change only if the signature scheme does.
_EXPECTED_PREFIX = "6f6dae0b43f13900"


def _text(seed: int, n: int = 120) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(n))


def test_signature_is_stable_across_processes():
    # Fixed constants (sha256-derived): the same text hashes the same in any process or version.
    cyrillic = "Влада Србије усвојила је данас предлог буџета за наредну годину, а посланици ће о њему расправљати у децембру."
    latin = "Vlada Srbije usvojila je danas predlog budžeta za narednu godinu, a poslanici će o njemu raspravljati u decembru."
    sig = signature(comparison_text(cyrillic))
    assert sig is not None
    assert sig.to_bytes() == signature(comparison_text(latin)).to_bytes()
    assert sig.to_bytes()[:8].hex() == _EXPECTED_PREFIX
    assert Signature.from_bytes(sig.to_bytes()).minhash.tolist() == sig.minhash.tolist()
    buckets = band_buckets(sig)
    assert len(buckets) == BANDS and all(-(2**63) <= b < 2**63 for b in buckets)


def test_short_texts_get_no_signature():
    assert signature("tri fjalë vetëm") is None
    assert signature(" ".join(WORDS[: MIN_SHINGLES + 2])) is not None


def test_estimate_tracks_true_jaccard():
    errors = []
    for seed in range(30):
        base = _text(seed).split()
        rng = random.Random(seed + 1000)
        edited = list(base)
        for _ in range(rng.randint(0, 40)):
            edited[rng.randrange(len(edited))] = rng.choice(WORDS)
        a, b = " ".join(base), " ".join(edited)
        errors.append(abs(estimated_jaccard(signature(a), signature(b)) - jaccard(a, b)))
    # Standard deviation sqrt(J(1-J)/128) <= 0.044: the mean error stays well below 0.05.
    assert float(np.mean(errors)) < 0.05
    assert max(errors) < 0.15


def test_unrelated_texts_share_no_bucket_and_copies_do():
    a, b = _text(1), _text(2)
    assert not set(band_buckets(signature(a))) & set(band_buckets(signature(b)))
    assert estimated_jaccard(signature(a), signature(b)) < JACCARD_THRESHOLD
    copy = a + " " + _text(3, 15)
    assert set(band_buckets(signature(a))) & set(band_buckets(signature(copy)))


def test_candidates_scored_at_once_match_one_by_one_scoring():
    """The signature table (one array comparison per article) keeps exactly the candidates, and
    the scores, that estimated_jaccard gives one pair at a time, in crowded buckets too."""
    import numpy as np

    from pipeline.dedup.stories import _Candidate, _SignatureTable, _Story

    rng = np.random.default_rng(7)
    base = rng.integers(0, 2**32, 128, dtype=np.uint32)

    def variant(agreeing: int) -> Signature:
        minhash = base.copy()
        changed = rng.choice(128, 128 - agreeing, replace=False)
        minhash[changed] = rng.integers(0, 2**32, len(changed), dtype=np.uint32)
        return Signature(minhash, 40)

    archived = {f"a{i}": variant(int(rng.integers(40, 128))) for i in range(300)}
    candidates = {
        aid: _Candidate(aid, sig.to_bytes(), _Story(aid, aid, None))
        for aid, sig in archived.items()
    }
    ids = list(archived)
    # Crowded buckets, ids listed under several of them, the article itself among the stored.
    by_bucket = {b: [ids[int(i)] for i in rng.choice(300, 120, replace=False)] for b in range(5)}
    table = _SignatureTable(candidates, by_bucket, extra=2)
    newcomer = variant(100)
    table.add("new1", newcomer, [3, 9])
    item = variant(90)
    table.add("a5", item, [4])  # a stored article re-signed in this batch

    found = sorted(table.similar("a5", item, [0, 1, 2, 3, 4, 9]), key=lambda pair: pair[1])
    signatures = {**archived, "new1": newcomer}
    listed = {aid for b in (0, 1, 2, 3, 4) for aid in by_bucket[b]} | {"new1"}
    scored = [(estimated_jaccard(item, signatures[aid]), aid) for aid in listed - {"a5"}]
    expected = sorted((pair for pair in scored if pair[0] >= JACCARD_THRESHOLD), key=lambda p: p[1])
    assert found == expected
    assert len(found) > 20  # the comparison covered a crowded case


def test_a_batch_scored_in_advance_sees_what_the_one_by_one_loop_sees():
    """score_in_advance answers, for each article of the batch, exactly what similar() answers
    when the articles before it were added one at a time: stored candidates and earlier articles
    of the batch, never later ones, never itself. An article re-signed in the batch (a stored
    candidate) keeps the one-at-a-time path."""
    import numpy as np

    from pipeline.dedup.stories import DedupItem, _Candidate, _SignatureTable, _Story

    rng = np.random.default_rng(11)
    base = rng.integers(0, 2**32, 128, dtype=np.uint32)

    def variant() -> Signature:
        minhash = base.copy()
        changed = rng.choice(128, 128 - int(rng.integers(30, 128)), replace=False)
        minhash[changed] = rng.integers(0, 2**32, len(changed), dtype=np.uint32)
        return Signature(minhash, 40)

    stored = {f"s{i}": variant() for i in range(200)}
    candidates = {a: _Candidate(a, s.to_bytes(), _Story(a, a, None)) for a, s in stored.items()}
    ids = list(stored)
    by_bucket = {b: [ids[int(i)] for i in rng.choice(200, 60, replace=False)] for b in range(8)}
    batch = [
        DedupItem(
            article(id=f"n{i}"), variant(), buckets=[int(b) for b in rng.choice(12, 3, False)]
        )
        for i in range(120)
    ]

    def answers(table: _SignatureTable) -> list[list[tuple]]:
        seen = []
        for item in batch:
            seen.append(sorted(table.similar(item.row.id, item.signature, item.buckets)))
            table.add(item.row.id, item.signature, item.buckets)
        return seen

    one_by_one = answers(_SignatureTable(candidates, by_bucket, len(batch)))
    ahead = _SignatureTable(candidates, by_bucket, len(batch))
    assert ahead.score_in_advance(batch)
    assert answers(ahead) == one_by_one
    found = [aid for seen in one_by_one for _score, aid in seen]
    assert (
        sum(a.startswith("s") for a in found) > 200 and sum(a.startswith("n") for a in found) > 50
    )
    # A stored article re-signed in this batch: scoring in advance declines.
    resigned = DedupItem(article(id="s3"), variant(), buckets=[1])
    assert not _SignatureTable(candidates, by_bucket, 1).score_in_advance([resigned])


def test_distinct_is_numpy_unique():
    import numpy as np

    from pipeline.dedup.near import distinct

    rng = np.random.default_rng(3)
    for size in (0, 1, 2, 50, 5000):
        values = rng.integers(0, max(size // 3, 1), size)
        assert distinct(values.copy()).tolist() == np.unique(values).tolist()


def test_lsh_rows_are_the_sorted_distinct_pairs_of_bucket_and_signature():
    import random

    from pipeline.dedup.stories import _lsh_pairs

    rng = random.Random(5)
    buckets = {f"a{i}": [rng.randint(-(2**63), 2**63 - 1) for _ in range(20)] for i in range(50)}
    buckets["a7"] += buckets["a7"][:3]  # a bucket listed twice gives one row
    buckets["a8"][4] = buckets["a9"][4]  # two signatures under one bucket
    inserted = [(100 + i, aid) for i, aid in enumerate(buckets)]
    expected = sorted({(b, sig) for sig, aid in inserted for b in buckets[aid]})
    assert _lsh_pairs(inserted, buckets) == expected
    assert len(expected) == 50 * 20 and _lsh_pairs([], buckets) == []
