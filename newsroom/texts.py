"""Hand-written seed stories of the newsroom (all events, people's words and figures invented).

Each language group lives in its own module; this one defines the record and gathers them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SeedStory:
    key: str
    outlet: str
    section: str
    title: str
    paragraphs: tuple[str, ...]
    # Days before the catalog's anchor (on the default 14-day span; scaled for other spans) and
    # the UTC time of day. A copy ignores both and follows its origin by `delay` minutes.
    day: int = 1
    at: str = "09:00"
    author: str | None = None
    # BCP 47 tag of the text; None means the outlet's own language.
    language: str | None = None
    # Key of the seed this one republishes (same story, same story_key).
    copy_of: str | None = None
    delay: int = 0
    # Agency or outlet named in the text's credit line ("VOA", "Tanjug", "BBC").
    credit: str | None = None
    # Key of the seed this one translates (a translation is its own story).
    translation_of: str | None = None


def seed_stories() -> tuple[SeedStory, ...]:
    from newsroom.texts_albanian import STORIES as ALBANIAN
    from newsroom.texts_english import STORIES as ENGLISH
    from newsroom.texts_south_slavic import STORIES as SOUTH_SLAVIC

    stories = ALBANIAN + ENGLISH + SOUTH_SLAVIC
    keys = [s.key for s in stories]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate seed story key")
    return stories
