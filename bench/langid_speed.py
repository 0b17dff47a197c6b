"""Article-level language identification speed on the newsroom's synthetic articles.

Times ``pipeline.language.identify_article`` (title plus text, with the outlet's declared
language as prior, as ingest calls it) per article, in CPU time of this process. The
articles are the newsroom's template-generated ones (1,500-4,000 characters, seven
languages) plus its hand-written seed stories, which include mixed-language paragraphs.

    .venv/bin/python -m bench.langid_speed [--articles 500] [--passes 5] [--full] [--dump FILE]

``--full`` also times, alternating pass by pass, every paragraph labelled by the full
ensemble (``LanguageOptions(screen_paragraphs=False)``, what identify_article did before the
function-word screen). Every pass also times the naive baseline's langdetect (``bench.naive``)
on the same articles. ``--dump`` writes every result (tag, confidence, differing
paragraphs) as JSON lines, so two versions of the detector can be compared article by article.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import naive
from newsroom import CatalogOptions, build_catalog
from pipeline.language import ArticleLanguage, LanguageOptions, identify_article


@dataclass(frozen=True)
class Case:
    key: str
    title: str
    text: str
    prior: str
    synthetic: bool


def newsroom_cases(articles: int, seed: int = 1) -> list[Case]:
    anchor = datetime(2026, 3, 1, tzinfo=UTC)  # fixed, so every run sees the same texts
    catalog = build_catalog(CatalogOptions(anchor=anchor, synthetic=articles, seed=seed))
    cases = []
    for article in catalog.articles:
        outlet = catalog.outlet(article.outlet)
        prior = outlet.language if outlet else article.language
        cases.append(Case(article.key, article.title, article.text, prior, article.synthetic))
    return cases


def _record(case: Case, result: ArticleLanguage) -> dict:
    return {
        "key": case.key,
        "tag": result.tag,
        "confidence": result.confidence,
        "paragraphs": [(p.index, p.result.tag, p.result.confidence) for p in result.paragraphs],
    }


def _pass(cases: list[Case], options: LanguageOptions | None) -> list[float]:
    """CPU milliseconds of each article; ``options`` None is the naive baseline: langdetect,
    seeded as ``bench.naive`` seeds it, on the title and text that identify_article reads."""
    out = []
    clock = time.process_time
    for case in cases:
        t0 = clock()
        if options is None:
            naive.detect_language(f"{case.title}\n\n{case.text}")
        else:
            identify_article(case.title, case.text, prior=case.prior, options=options)
        out.append((clock() - t0) * 1000)
    return out


def timed_passes(
    cases: list[Case], passes: int, full: bool = False
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """(mean CPU ms of each pass, CPU ms of every article) per variant, variants alternating
    pass by pass: screened (the default), full (without the screen, with ``full``), and the
    naive baseline's langdetect."""
    naive.warm_up()
    variants: dict[str, LanguageOptions | None] = {"screened": LanguageOptions()}
    if full:
        variants["full"] = LanguageOptions(screen_paragraphs=False)
    variants["langdetect (naive)"] = None
    per_pass: dict[str, list[float]] = {name: [] for name in variants}
    per_article: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(passes):
        for name, options in variants.items():
            times = _pass(cases, options)
            per_pass[name].append(statistics.fmean(times))
            per_article[name].extend(times)
    return per_pass, per_article


def naive_ratio(per_pass: dict[str, list[float]]) -> float:
    """How many times langdetect's time per article is ours (screened), same passes."""
    return statistics.median(per_pass["langdetect (naive)"]) / statistics.median(
        per_pass["screened"]
    )


def quick_ratio() -> float:
    """The CI guard's figure (tests/test_bench_ratios.py): ``naive_ratio`` of a small run."""
    _warm()
    synthetic = [c for c in newsroom_cases(300) if c.synthetic]
    return naive_ratio(timed_passes(synthetic, 2)[0])


def _warm() -> None:
    identify_article("Zagrevanje", "Ovo je kratak tekst za zagrevanje.\n\nDrugi odlomak teksta.")


def _report(name: str, per_pass: list[float], per_article: list[float]) -> None:
    print(
        f"  {name}: mean CPU ms/article, median of {len(per_pass)} passes: "
        f"{statistics.median(per_pass):.4f}; median of single articles: "
        f"{statistics.median(per_article):.4f}"
    )
    print(f"    pass means: {', '.join(f'{v:.4f}' for v in per_pass)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=500, help="synthetic articles")
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--dump", type=Path, help="write every result as JSON lines here")
    parser.add_argument("--full", action="store_true", help="also time without the screen")
    args = parser.parse_args(argv)

    cases = newsroom_cases(args.articles)
    synthetic = [c for c in cases if c.synthetic]
    _warm()
    results = [identify_article(c.title, c.text, prior=c.prior) for c in cases]
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as fh:
            for case, result in zip(cases, results, strict=True):
                fh.write(json.dumps(_record(case, result), ensure_ascii=False) + "\n")

    per_pass, per_article = timed_passes(synthetic, args.passes, args.full)
    chars = statistics.fmean(len(c.title) + len(c.text) for c in synthetic)
    tags = Counter(r.tag for c, r in zip(cases, results, strict=True) if c.synthetic)
    mixed = sum(1 for r in results if r.paragraphs)
    print(
        f"== identify_article on {len(synthetic)} synthetic newsroom articles (~{chars:.0f} chars)"
    )
    for name in per_pass:
        _report(name, per_pass[name], per_article[name])
    print(f"  langdetect (naive) / screened: {naive_ratio(per_pass):.2f}x (same passes)")
    print(f"  synthetic tags: {dict(sorted(tags.items()))}")
    print(f"  articles (seed + synthetic) with paragraphs in another language: {mixed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
