"""Run feedparser's own regression corpus through the guarded decode-and-parse path.

Usage: .venv/bin/python bench/feedparser_corpus_eval.py EVALDATA   (the evaluation data folder)

Every file of ``feedparser-tests/tests`` opens with a comment holding ``Description:`` and
``Expect:`` (a Python expression over feedparser's result) and optional ``Header:`` lines (HTTP
response headers) and ``SkipUnless:``. Each file is parsed twice: by feedparser alone (baseline)
and through ``pipeline.parse.feeds.guarded_feedparser`` (our decoding, entity stripping and item
cap, then feedparser). The script prints how many files still satisfy their ``Expect:`` line,
lists each file the guard changes with the reason, and counts crashes and hangs (must be zero).
"""

from __future__ import annotations

import argparse
import io
import re
import signal
import sys
import time
from collections import Counter
from pathlib import Path

import feedparser

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.parse.feeds import DEFAULT_MAX_ITEMS, ParseError, guarded_feedparser  # noqa: E402

# feedparser's own harness serves the corpus from this address; Expect lines refer to it.
BASE = "http://127.0.0.1:8097/"
PER_FILE_TIMEOUT_S = 10
_COMMENT = re.compile(rb"<!--(.*?)-->", re.DOTALL)


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang


def read_case(path: Path) -> dict | None:
    data = path.read_bytes()
    match = _COMMENT.search(data[:4096])
    if not match:
        return None
    meta: dict = {"headers": {}, "data": data}
    for line in match.group(1).decode("utf-8", "replace").splitlines():
        key, _, value = line.strip().partition(":")
        value = value.strip()
        if key == "Header":
            name, _, header_value = value.partition(":")
            meta["headers"][name.strip().lower()] = header_value.strip()
        elif key in {"Description", "Expect", "SkipUnless"}:
            meta[key.lower()] = value
    # The corpus's own harness serves every file over HTTP as application/xml unless a Header says.
    meta["headers"].setdefault("content-type", "application/xml")
    return meta if "expect" in meta else None


def satisfied(expect: str, result) -> bool:
    try:
        return bool(eval(expect, {"feedparser": feedparser}, result))  # noqa: S307 - corpus
    except Exception:  # noqa: BLE001 - an Expect line failing to evaluate is a failure
        return False


def baseline(case: dict, url: str):
    headers = {"content-location": url, **case["headers"]}
    return feedparser.parse(io.BytesIO(case["data"]), response_headers=headers)


def guarded(case: dict, url: str, *, sanitize: bool = False):
    content_type = case["headers"].get("content-type")
    return guarded_feedparser(
        case["data"], url, content_type, DEFAULT_MAX_ITEMS,
        extra_headers=case["headers"], sanitize_html=sanitize,
    )  # fmt: skip


def reason_for(case: dict, url: str, decoded, guard, error: ParseError | None) -> str:
    expect = case["expect"]
    if error is not None:
        return f"rejected before feedparser: {error.error_class} ({error.message})"
    if satisfied(expect, guarded(case, url, sanitize=True)[0]):
        return "feedparser's own sanitizer is off: stored HTML is sanitised later with nh3"
    if "content-location" in case["headers"]:
        return "links resolve against the final URL, not a Content-Location header (RFC 7231)"
    if "encoding" in expect:
        return "we decode the bytes ourselves and hand feedparser UTF-8, so its `encoding` differs"
    if guard.notes and any("declaration" in n or "DTD" in n for n in guard.notes):
        return "DOCTYPE / ENTITY declarations stripped before feedparser"
    if decoded.method not in {"utf-8", "bom", "declared"}:
        return f"charset repaired ({decoded.method}: {decoded.encoding})"
    if "bozo" in expect and "content-type" in case["headers"]:
        return "HTTP content-type replaced: the guard says application/xml; charset=utf-8"
    if "bozo" in expect and decoded.method in {"declared", "bom"}:
        return f"declared charset decoded by us ({decoded.encoding}); feedparser saw clean UTF-8"
    if "bozo" in expect:
        return "bozo differs: feedparser sees our re-encoded UTF-8 document"
    return "other (see description)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("evaldata", help="the third-party evaluation data folder")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every changed case")
    args = parser.parse_args(argv)
    root = Path(args.evaldata) / "feedparser-tests" / "tests"
    if not root.is_dir():
        print(f"missing: {root} (pass the evaluation data folder)", file=sys.stderr)
        return 2
    signal.signal(signal.SIGALRM, _alarm)
    counts: Counter = Counter()
    changed: list[tuple[str, str, str]] = []
    fixed: list[str] = []
    crashes: list[str] = []
    hangs: list[str] = []
    slowest = (0.0, "")
    started = time.monotonic()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root.parent).as_posix()
        case = read_case(path)
        if case is None:
            counts["no_expect"] += 1
            continue
        if case.get("skipunless"):
            try:
                scope = {"feedparser": feedparser, "__import__": __import__}
                if not eval(case["skipunless"], scope):  # noqa: S307 - the corpus's own lines
                    counts["skipped"] += 1
                    continue
            except Exception:  # noqa: BLE001
                counts["skipped"] += 1
                continue
        url = BASE + rel
        counts["cases"] += 1
        base_ok = satisfied(case["expect"], baseline(case, url))
        counts["baseline_pass"] += base_ok
        error = decoded = guard = None
        t0 = time.monotonic()
        signal.alarm(PER_FILE_TIMEOUT_S)
        try:
            result, decoded, guard = guarded(case, url)
            ok = satisfied(case["expect"], result)
        except ParseError as exc:
            error, ok = exc, False
        except Hang:
            hangs.append(rel)
            ok = False
        except Exception as exc:  # noqa: BLE001 - counted and listed
            crashes.append(f"{rel}: {type(exc).__name__}: {exc}")
            ok = False
        finally:
            signal.alarm(0)
        elapsed = time.monotonic() - t0
        slowest = max(slowest, (elapsed, rel))
        counts["guarded_pass"] += ok
        if base_ok and not ok and rel not in hangs and not any(c.startswith(rel) for c in crashes):
            changed.append(
                (rel, case.get("description", ""), reason_for(case, url, decoded, guard, error))
            )
        elif ok and not base_ok:
            fixed.append(rel)
    total = time.monotonic() - started
    print(f"corpus: {root}")
    print(f"files with an Expect line: {counts['cases']} (skipped by SkipUnless: {counts['skipped']}, "
          f"without Expect: {counts['no_expect']})")  # fmt: skip
    print(f"feedparser alone satisfies Expect:  {counts['baseline_pass']}/{counts['cases']}")
    print(f"guarded path satisfies Expect:      {counts['guarded_pass']}/{counts['cases']}")
    print(f"crashes: {len(crashes)}   hangs (> {PER_FILE_TIMEOUT_S} s): {len(hangs)}   "
          f"slowest guarded file: {slowest[0] * 1000:.0f} ms ({slowest[1]})   total {total:.1f} s")  # fmt: skip
    by_reason = Counter(reason for _, _, reason in changed)
    print(f"\ncases the guard changes ({len(changed)}), by reason:")
    for reason, n in by_reason.most_common():
        print(f"  {n:4d}  {reason}")
    print("\neach changed case:")
    for rel, description, reason in changed:
        print(f"  {rel}\n      {description}\n      -> {reason}")
    if fixed:
        print(f"\nfiles only the guarded path satisfies ({len(fixed)}):")
        for rel in fixed:
            print(f"  {rel}")
    for line in crashes + [f"HANG {h}" for h in hangs]:
        print(f"  {line}")
    taken, differ = fast_path_agreement(root)
    print(f"\nlxml fast path (pipeline/parse/fast.py): takes {taken} files, result differs from "
          f"feedparser's on {len(differ)}")  # fmt: skip
    for rel in differ:
        print(f"  DIFFERS {rel}")
    return 0 if not crashes and not hangs and not differ else 1


def fast_path_agreement(root: Path) -> tuple[int, list[str]]:
    """How many corpus files the fast path takes, and those where its ParsedFeed is not the one
    the feedparser path gives (every file, with or without an Expect line)."""
    from pipeline.parse import feeds
    from pipeline.parse.decode import as_utf8_xml
    from pipeline.parse.fast import parse_fast

    taken, differ = 0, []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root.parent).as_posix()
        base = BASE + rel
        try:
            decoded, guard = feeds._guard(path.read_bytes(), None, feeds.DEFAULT_MAX_ITEMS)
        except ParseError:
            continue
        data = as_utf8_xml(guard.text)
        raw = parse_fast(data, base)
        if raw is None:
            continue
        taken += 1
        limit = feeds.DEFAULT_MAX_ITEMS
        fast = feeds._parsed_feed(raw, decoded, guard, base, limit)
        slow = feeds._parsed_feed(feeds._feedparser(data, base), decoded, guard, base, limit)
        if fast != slow:
            differ.append(rel)
    return taken, differ


if __name__ == "__main__":
    raise SystemExit(main())
