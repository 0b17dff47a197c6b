"""Template-generated articles and extra feeds for benchmarks (deterministic from a seed)."""

from __future__ import annotations

import random
import re

from newsroom.lexicon import LEXICONS, Lexicon
from newsroom.outlets import OUTLETS, FeedDef, OutletDef
from newsroom.texts import SeedStory
from newsroom.translit import latin_to_cyrillic

LANGUAGES = ("sq", "sr-Latn", "sr-Cyrl", "bs", "hr", "mk", "en")
FEEDS_PER_EXTRA_OUTLET = 10
# Realistic news article length in characters (the brief: 1,500-4,000).
MIN_CHARS, MAX_CHARS = 1500, 4000


def _number(rng: random.Random, low: int = 5, high: int = 995) -> int:
    """A count that takes the genitive plural in South Slavic languages (5-20, or ending 0, 5-9)."""
    n = rng.randint(low, high)
    if n % 10 in (1, 2, 3, 4) and n % 100 not in (11, 12, 13, 14):
        n += 5
    return n


_SLOT = re.compile(r"\{(\w+)\}")


def _fill(template: str, rng: random.Random, lex: Lexicon, city: str) -> str:
    """Replace each slot with its own draw (two {n} in one sentence get different numbers)."""

    def value(match: re.Match) -> str:
        slot = match.group(1)
        if slot == "n":
            return str(_number(rng))
        if slot == "pct":
            return str(rng.randint(2, 40))
        if slot == "money":
            return lex.money.format(n=_number(rng, 5, 95))
        if slot == "year":
            return str(rng.randint(2008, 2022))
        if slot == "day":
            return rng.choice(lex.days)
        if slot == "month":
            return rng.choice(lex.months)
        return city

    return _SLOT.sub(value, template)


def _sentence(rng: random.Random, lex: Lexicon, city: str) -> str:
    parts = []
    if rng.random() < 0.5:
        parts.append(rng.choice(lex.openers))
    parts.append(rng.choice(lex.subjects))
    parts.append(rng.choice(lex.predicates))
    if rng.random() < 0.7:
        parts.append(rng.choice(lex.complements))
    text = _fill(" ".join(parts), rng, lex, city)
    return text[0].upper() + text[1:] + "."


def synthetic_text(rng: random.Random, language: str) -> tuple[str, tuple[str, ...]]:
    """(title, paragraphs) of one generated article in `language`."""
    lex = LEXICONS["sr-Latn" if language == "sr-Cyrl" else language]
    title_city, city = rng.choice(lex.cities)
    head = _fill(f"{rng.choice(lex.subjects)} {rng.choice(lex.predicates)}", rng, lex, city)
    title = f"{title_city}: {head[0].upper()}{head[1:]}"
    target = rng.randint(MIN_CHARS + 100, MAX_CHARS - 200)
    paragraphs: list[str] = []
    total = 0
    while total < target:
        sentences = [_sentence(rng, lex, city) for _ in range(rng.randint(3, 5))]
        paragraph = " ".join(sentences)
        if total + len(paragraph) + 2 > MAX_CHARS:
            paragraph = " ".join(sentences[:1])
            if total + len(paragraph) + 2 > MAX_CHARS:
                break
        paragraphs.append(paragraph)
        total += len(paragraph) + 2
    if language == "sr-Cyrl":
        return latin_to_cyrillic(title), tuple(latin_to_cyrillic(p) for p in paragraphs)
    return title, tuple(paragraphs)


def synthetic_story(rng: random.Random, language: str, key: str) -> SeedStory:
    """A generated story with a random day (1-14) and time; outlet and section left blank."""
    title, paragraphs = synthetic_text(rng, language)
    return SeedStory(
        key=key,
        outlet="",
        section="",
        title=title,
        paragraphs=paragraphs,
        day=rng.randint(1, 14),
        at=f"{rng.randint(5, 22):02d}:{rng.randint(0, 59):02d}",
        language=language,
    )


def synthetic_articles(n: int, seed: int) -> tuple[SeedStory, ...]:
    """`n` generated stories spread over the invented outlets in their own languages.

    Every text and title is distinct; the same (n, seed) always gives the same stories.
    """
    outlets = [o for o in OUTLETS if o.language in LANGUAGES]
    rng = random.Random(f"newsroom-synthetic/{seed}")
    stories: list[SeedStory] = []
    titles: set[str] = set()
    i = 0
    while len(stories) < n:
        outlet = outlets[len(stories) % len(outlets)]
        story = synthetic_story(rng, outlet.language, f"syn-{seed}-{len(stories)}")
        i += 1
        if story.title in titles:  # vanishingly rare; redraw keeps titles (and paths) unique
            continue
        titles.add(story.title)
        stories.append(
            SeedStory(
                **{
                    **story.__dict__,
                    "outlet": outlet.slug,
                    "section": rng.choice(outlet.sections),
                    "author": rng.choice(("Redaksia", "Redakcija", "Staff", None)),
                }
            )
        )
    return tuple(stories)


def extra_outlets(n_feeds: int) -> tuple[OutletDef, ...]:
    """Synthetic outlets carrying `n_feeds` feeds in all (ten per outlet), for benchmarks."""
    outlets = []
    for k in range((n_feeds + FEEDS_PER_EXTRA_OUTLET - 1) // FEEDS_PER_EXTRA_OUTLET):
        count = min(FEEDS_PER_EXTRA_OUTLET, n_feeds - k * FEEDS_PER_EXTRA_OUTLET)
        language = LANGUAGES[k % len(LANGUAGES)]
        slug = f"extra-{k + 1:03d}"
        feeds = tuple(
            FeedDef(
                path=f"rubrika-{j + 1}/{'atom' if j % 3 == 2 else 'rss'}.xml",
                kind="atom" if j % 3 == 2 else "rss",
                title=f"Extra {k + 1:03d} – Rubrika {j + 1}",
                language=language,
                sections=(f"Rubrika {j + 1}",),
                full_content=j % 2 == 0,
            )
            for j in range(count)
        )
        outlets.append(
            OutletDef(
                slug=slug,
                name=f"Extra {k + 1:03d}",
                country="regional",
                language=language,
                sections=tuple(f"Rubrika {j + 1}" for j in range(count)),
                feeds=feeds,
                url_style="section",
                guid_style="permalink",
                feed_language=language,
                tagline="Synthetic outlet for benchmarks",
                notes="synthetic (benchmark scale)",
            )
        )
    return tuple(outlets)
