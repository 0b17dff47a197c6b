"""Evaluation sets read from the evaluation data folder (never copied into the repo).

Each item carries the gold language subtag, the gold script when it is known, and the
set it belongs to. Gold "sh" (RFE/RL's Balkan service) accepts any of hr, bs, sr, cnr.
"""

from __future__ import annotations

import gzip
import html
import re
from dataclasses import dataclass
from pathlib import Path

LINGUA_LANGS = ("sq", "sr", "hr", "bs", "mk", "bg", "sl", "el", "ro", "tr", "en")
HBS = frozenset({"hr", "bs", "sr", "cnr"})


@dataclass(frozen=True)
class Item:
    text: str
    gold: str  # language subtag, or "sh" for the Serbo-Croatian group
    script: str | None  # gold script when unambiguous
    dataset: str


def accepts(gold: str, predicted: str) -> bool:
    if gold == "sh":
        return predicted in HBS or predicted == "sh"
    return predicted == gold


_DEFAULT_SCRIPT = {"sr": None, "mk": "Cyrl", "bg": "Cyrl", "el": "Grek"}


def lingua(root: Path, kind: str = "sentences", per_lang: int = 200) -> list[Item]:
    base = root / "lingua-testdata" / "language-testdata" / kind
    items = []
    for lang in LINGUA_LANGS:
        lines = (base / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
        script = "Cyrl" if lang == "sr" else _DEFAULT_SCRIPT.get(lang, "Latn")
        items += [Item(x, lang, script, f"lingua-{kind}") for x in lines[:per_lang] if x.strip()]
    return items


def dslcc(root: Path, which: str) -> list[Item]:
    files = {
        "dsl2014": "DSLCC-v1.0/test-gold.bs-hr-sr.tsv",
        "dsl2015": "DSLCC-v2.0/test-gold.bg-mk-bs-hr-sr-xx.tsv",
        "dsl2015-ne": "DSLCC-v2.0/test-ne-gold.bg-mk-bs-hr-sr.tsv",
    }
    items = []
    for line in (root / "dslcc" / files[which]).read_text(encoding="utf-8").splitlines():
        text, _, label = line.rpartition("\t")
        if not text or label == "xx":
            continue
        script = "Latn" if label in HBS else "Cyrl"
        items.append(Item(text, label, script, which))
    return items


UDHR_FILES = {
    "als": ("sq", "Latn"), "bos_cyrl": ("bs", "Cyrl"), "bos_latn": ("bs", "Latn"),
    "bul": ("bg", "Cyrl"), "cnr": ("cnr", "Latn"), "deu_1996": ("de", "Latn"),
    "ell_monotonic": ("el", "Grek"), "ell_polytonic": ("el", "Grek"), "eng": ("en", "Latn"),
    "hrv": ("hr", "Latn"), "hun": ("hu", "Latn"), "mkd": ("mk", "Cyrl"),
    "ron_1993": ("ro", "Latn"), "ron_2006": ("ro", "Latn"), "slv": ("sl", "Latn"),
    "srp_cyrl": ("sr", "Cyrl"), "srp_latn": ("sr", "Latn"), "tur": ("tr", "Latn"),
}  # fmt: skip
_PARA = re.compile(r"<p>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")


def udhr(root: Path) -> list[Item]:
    items = []
    for name, (lang, script) in UDHR_FILES.items():
        raw = (root / "udhr" / "declaration" / f"{name}.html").read_text(encoding="utf-8")
        for para in _PARA.findall(raw):
            text = html.unescape(_TAG.sub("", para)).strip()
            if text:
                items.append(Item(text, lang, script, "udhr"))
    return items


RFERL_SITES = {
    "www.evropaelire.org": "sq", "www.slobodnaevropa.org": "sh", "www.slobodnaevropa.mk": "mk",
    "www.svobodnaevropa.bg": "bg", "romania.europalibera.org": "ro",
    "moldova.europalibera.org": "ro", "www.szabadeuropa.hu": "hu",
}  # fmt: skip
_NEWS_TITLE = re.compile(r"<news:title>(.*?)</news:title>", re.S)
_VIDEO_TITLE = re.compile(r"<video:title>(.*?)</video:title>", re.S)
_VIDEO_DESC = re.compile(r"<video:description>(.*?)</video:description>", re.S)
_SCRIPT_OF = {"sq": "Latn", "mk": "Cyrl", "bg": "Cyrl", "ro": "Latn", "hu": "Latn"}


def _unxml(s: str) -> str:
    s = s.strip()
    if s.startswith("<![CDATA[") and s.endswith("]]>"):
        s = s[9:-3]
    return html.unescape(s).strip()


def _spread(xs: list[str], n: int) -> list[str]:
    """Up to n items spread evenly over the list (deterministic)."""
    if len(xs) <= n:
        return xs
    step = len(xs) / n
    return [xs[int(i * step)] for i in range(n)]


def rferl(root: Path, per_site: int = 300) -> list[Item]:
    items = []
    for site, lang in RFERL_SITES.items():
        folder = root / "rferl-sitemaps" / site
        script = _SCRIPT_OF.get(lang)
        for path in sorted(folder.glob("*_news.xml.gz")):
            xml = gzip.decompress(path.read_bytes()).decode("utf-8")
            for t in _NEWS_TITLE.findall(xml):
                items.append(Item(_unxml(t), lang, script, "rferl-headlines"))
        for path in sorted(folder.glob("*_videos.xml.gz")):
            xml = gzip.decompress(path.read_bytes()).decode("utf-8")
            titles = [_unxml(t) for t in _VIDEO_TITLE.findall(xml)]
            descs = [_unxml(t) for t in _VIDEO_DESC.findall(xml)]
            for t in _spread([t for t in titles if t], per_site):
                items.append(Item(t, lang, script, "rferl-video-titles"))
            for t in _spread([t for t in descs if t], per_site):
                items.append(Item(t, lang, script, "rferl-video-descriptions"))
    return items


def article_length_texts(root: Path, n: int = 200, size: int = 3000) -> list[str]:
    """News-article-length texts (about `size` chars), each glued from DSL 2015 lines of
    one language, taken round-robin over the five languages."""
    by_lang: dict[str, list[str]] = {}
    for item in dslcc(root, "dsl2015"):
        by_lang.setdefault(item.gold, []).append(item.text)
    glued: dict[str, list[str]] = {}
    for lang, lines in by_lang.items():
        buf = ""
        for line in lines:
            buf += line + " "
            if len(buf) >= size:
                glued.setdefault(lang, []).append(buf)
                buf = ""
    out: list[str] = []
    for group in zip(*glued.values(), strict=False):
        out.extend(group)
    return out[:n]
