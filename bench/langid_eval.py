"""Evaluate language identification against off-the-shelf detectors.

Usage: .venv/bin/python bench/langid_eval.py [EVALDATA] [--peers ...] [--no-ablation]

EVALDATA is the third-party evaluation data folder (never copied into the repository). Prints, per
evaluation set, strict accuracy overall and per gold language for this project's
detector (and its ablations) side by side with langdetect, fastText lid.176 lite, CLD2
and langid.py measured in the same run, the main confusions, script accuracy, and
throughput. Tuning used only the lingua single-words and word-pairs files (reported
below as "tuning" sets) and hand-written material; all other sets are held out.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from langid import datasets  # noqa: E402
from langid.datasets import Item, accepts  # noqa: E402
from langid.peers import load_peers  # noqa: E402

from pipeline.language import LanguageOptions, LanguageResult, identify  # noqa: E402
from pipeline.language.script import profile  # noqa: E402
from pipeline.language.types import SIGNALS  # noqa: E402

OURS = "this project"


def _ours(options: LanguageOptions, use_prior: bool = False) -> Callable[[Item], LanguageResult]:
    def run(item: Item) -> LanguageResult:
        return identify(item.text, prior=item.gold if use_prior else None, options=options)

    return run


def load_sets(root: Path, full: bool, quick: bool = False) -> dict[str, list[Item]]:
    per = 1000 if full else 200
    if quick:  # CI-sized: held-out sets only, at most 400 lines each, spread evenly
        sets = {
            "lingua-sentences": datasets.lingua(root, "sentences", 40),
            "dsl2015 (bg/mk/bs/hr/sr)": datasets.dslcc(root, "dsl2015"),
            "udhr": datasets.udhr(root),
            "rferl (publisher label)": datasets.rferl(root, per_site=30),
        }
        return {k: v[:: max(1, len(v) // 400)] for k, v in sets.items()}
    return {
        "lingua-sentences": datasets.lingua(root, "sentences", per),
        "dsl2014 (bs/hr/sr)": datasets.dslcc(root, "dsl2014"),
        "dsl2015 (bg/mk/bs/hr/sr)": datasets.dslcc(root, "dsl2015"),
        "dsl2015-ne (names blinded)": datasets.dslcc(root, "dsl2015-ne"),
        "udhr": datasets.udhr(root),
        "rferl (publisher label)": datasets.rferl(root),
        "tuning: lingua word-pairs": datasets.lingua(root, "word-pairs", per),
        "tuning: lingua single-words": datasets.lingua(root, "single-words", per),
    }


def _score(items: list[Item], preds: list[str]) -> tuple[float, dict[str, float], Counter]:
    per: dict[str, list[bool]] = defaultdict(list)
    confusions: Counter = Counter()
    for item, pred in zip(items, preds, strict=True):
        ok = accepts(item.gold, pred)
        per[item.gold].append(ok)
        if not ok:
            confusions[(item.gold, pred)] += 1
    total = sum(sum(v) for v in per.values()) / max(1, len(items))
    return total, {k: sum(v) / len(v) for k, v in per.items()}, confusions


def _fmt_conf(confusions: Counter, n: int = 6) -> str:
    return ", ".join(f"{g}->{p} {c}" for (g, p), c in confusions.most_common(n)) or "-"


def evaluate(
    root: Path, peer_names: list[str] | None, ablation: bool, full: bool, quick: bool = False
) -> int:
    sets = load_sets(root, full, quick)
    peers, missing = load_peers(peer_names)
    base = LanguageOptions(backend="ensemble")
    ours: dict[str, Callable[[Item], LanguageResult]] = {OURS: _ours(base)}
    if ablation:
        for signal in sorted(SIGNALS - {"prior"}):
            ours[f"  without {signal}"] = _ours(replace(base, signals=SIGNALS - {signal}))
        ours["  + publisher label as prior"] = _ours(base, use_prior=True)
    for name, reason in missing.items():
        print(f"peer {name}: MISSING ({reason})")
    speed: dict[str, list[float]] = defaultdict(list)
    script_stats = Counter()
    cyr3 = Counter()  # Serbian Cyrillic vs Macedonian vs Bulgarian
    print()
    for set_name, items in sets.items():
        langs = sorted({i.gold for i in items})
        header = f"{'detector':32} {'strict':>6} " + " ".join(f"{g:>5}" for g in langs)
        print(f"== {set_name}: {len(items)} texts")
        print(header)
        rows: dict[str, tuple[float, dict[str, float], Counter]] = {}
        for name, run in ours.items():
            t0 = time.process_time()
            results = [run(i) for i in items]
            dt = time.process_time() - t0
            if name == OURS:
                speed[name].append(len(items) / dt)
                for item, r in zip(items, results, strict=True):
                    if set_name.startswith("tuning"):
                        continue  # checks below are held-out figures
                    if item.gold in ("sr", "bs", "cnr") and item.script and r.script:
                        script_stats["serbo-croatian lines"] += 1
                        script_stats["script correct"] += r.script == item.script
                    if item.gold in ("sr", "mk", "bg") and profile(item.text).dominant == "Cyrl":
                        cyr3["n"] += 1
                        cyr3["ok"] += r.language == item.gold
                        cyr3["confused"] += (
                            r.language in ("sr", "mk", "bg") and r.language != item.gold
                        )
                    script_stats["und"] += r.language == "und"
            rows[name] = _score(items, [r.language for r in results])
        for name, detect in peers.items():
            t0 = time.process_time()
            preds = [detect(i.text) for i in items]
            speed[name].append(len(items) / (time.process_time() - t0))
            rows[name] = _score(items, preds)
        for name, (total, per, _) in rows.items():
            cells = " ".join(f"{per.get(g, 0):5.3f}" for g in langs)
            print(f"{name:32} {total:6.3f} {cells}")
        print("main confusions (gold->predicted):")
        for name in [OURS, *peers]:
            print(f"  {name:16} {_fmt_conf(rows[name][2])}")
        print()
    print("== script and Cyrillic checks (this project, all sets)")
    n = script_stats["serbo-croatian lines"]
    print(
        f"script correct on sr/bs/cnr lines with known script: {script_stats['script correct']}/{n}"
    )
    print(
        f"Serbian Cyrillic vs Macedonian vs Bulgarian (Cyrillic-script lines, sr/mk/bg gold): "
        f"right {cyr3['ok']}/{cyr3['n']} = {cyr3['ok'] / max(1, cyr3['n']):.4f}; "
        f"labelled as the wrong one of the three: {cyr3['confused']} "
        f"(= {1 - cyr3['confused'] / max(1, cyr3['n']):.4f} kept apart); rest und/other"
    )
    print()
    print("== throughput (texts per CPU second over the evaluation sets, median over sets)")
    for name, values in speed.items():
        print(f"  {name:16} {statistics.median(values):10.0f}")
    _article_speed(root, peers, n=40 if quick else 200)
    return 0


def _article_speed(root: Path, peers: dict[str, Callable[[str], str]], n: int = 200) -> None:
    texts = datasets.article_length_texts(root, n=n)
    options = LanguageOptions()
    identify(texts[0], options=options)  # warm up (model load)
    print(
        f"== article-length texts ({len(texts)} texts, ~{sum(map(len, texts)) // len(texts)} chars)"
    )
    print("  CPU ms per text (process time, one core), median of 5 passes")
    runs: dict[str, Callable[[str], object]] = {
        OURS: lambda t: identify(t, options=options),
        **peers,
    }
    for name, detect in runs.items():
        passes = []
        for _ in range(5):
            t0 = time.process_time()
            for t in texts:
                detect(t)
            passes.append((time.process_time() - t0) / len(texts) * 1000)
        print(f"  {name:16} {statistics.median(passes):8.3f} ms/text")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("evaldata", help="the third-party evaluation data folder")
    parser.add_argument("--peers", nargs="*", help="only these peers (default: all)")
    parser.add_argument("--no-ablation", action="store_true", help="skip the ablation rows")
    parser.add_argument("--full", action="store_true", help="all 1000 lingua lines per language")
    parser.add_argument(
        "--quick", action="store_true", help="small held-out samples, no ablation (for CI)"
    )
    args = parser.parse_args(argv)
    root = Path(args.evaldata)
    if not (root / "lingua-testdata").is_dir():
        print(f"evaluation data not found at {root} (pass the evaluation data folder)")
        return 2
    ablation = not (args.no_ablation or args.quick)
    return evaluate(root, args.peers, ablation, args.full, args.quick)


if __name__ == "__main__":
    raise SystemExit(main())
