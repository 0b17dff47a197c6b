"""A cheap first look at an article's paragraphs: is this one plainly in the article's language?

Most paragraphs of an article are in its language, and the full ensemble (~0.1 ms each)
is wasted on them. Function words settle the plain cases in a few microseconds. Within
its first SAMPLE_CHARS characters a paragraph agrees with the article's language when

1. at least MIN_OWN_WORDS distinct function words of that language occur;
2. no other language has more than MAX_FOREIGN_WORDS function words there that the
   article's language lacks, and fewer than MIN_FOREIGN_LETTERS letters occur that only
   other languages write;
3. no related language explains it as well: every other language whose list has all the
   function words found (Macedonian for "на", "за", "од" in a Serbian article) must be
   ruled out by a letter the article's language writes and it does not (Serbian ћ, ђ),
   with none of its own letters that the article's language lacks (Macedonian ќ, ѓ, ѕ).

Everything else (a quote in another language, a paragraph in a language without a list
here, a terse one with few function words) goes to the full ensemble. The screen never
labels a paragraph itself: one it sends on is labelled exactly as before, one it passes
is taken to agree.

Croatian, Bosnian, Serbian and Montenegrin share function words and letters. In a
Serbo-Croatian article a paragraph also goes to the full ensemble when its whole words
favour another variety in the lexicon (hbs_lexicon.py) by OTHER_VARIETY_POINTS; other
paragraphs of another variety pass as agreeing. The ensemble's variety call on a single
paragraph is unreliable anyway: of the newsroom's generated articles, each in one
variety, about one Serbo-Croatian article in twenty had a paragraph labelled as another.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from pipeline.language.hbs_lexicon import EXACT

# fastText, which carries the full check's choice of language (as against variety), reads
# a paragraph's first 200 characters (detector.FASTTEXT_CHARS); 300 leaves a margin. Over
# the newsroom's paragraphs 400 sent no fewer to the full check and cost ~20% more.
SAMPLE_CHARS = 300
# Newsroom paragraphs of 100+ characters show a median of 6-10 distinct function words of
# their language in 300 characters (a tenth of them 4 or fewer); three keeps terse ones
# without making a foreign paragraph pass on look-alikes ("se", "me", "do" are Albanian
# and Serbo-Croatian alike).
MIN_OWN_WORDS = 3
# One foreign function word is a name ("The Guardian") or a loan; two are a clause.
# One-letter words are not counted as foreign: initials and list markers look the same.
MAX_FOREIGN_WORDS = 1
# Letters of other languages that the article's does not write (Bulgarian ъ in a Serbian
# article, ë in a Croatian one): a name has one or two ("Thaçi", "Müller"), a paragraph
# in that language many.
MIN_FOREIGN_LETTERS = 3
# Lexicon points by which the whole words of a paragraph must favour another Serbo-Croatian
# variety to send it to the full check. The full check gives the article's variety 3
# points (detector.PRIOR_HBS); a lead of one point beyond that is where it starts to
# disagree. At 3 points, "cesta" alone (Croatian 3) sent 36% of the newsroom's Bosnian
# paragraphs to the full check, which left all but a few of them Bosnian.
OTHER_VARIETY_POINTS = 4.0

# Frequent function words per language (and script, for Serbo-Croatian), written from
# knowledge of the languages. A word may be listed for several languages.
_FUNCTION_WORDS: dict[str, str] = {
    "sq": (
        "të në e i u dhe për që me një nga është se ka do së si por edhe ai ajo janë kjo ky "
        "pas mund ishte kanë më duke tij saj tha deri gjatë sipas këtë atë cili cila vetëm "
        "sot mbi nën pa ose nuk jo po kur ku a as ata ato kishte prej tek ndaj drejt "
        "pranë rreth kundër përmes brenda jashtë ndërsa mirëpo megjithatë ende shumë "
        "te ne per eshte nje qe jane kane"  # as often typed without ë and ç
    ),
    "hbs-Latn": (
        "i u je se na da za od su s sa o iz po do a ali ili kao koji koja koje kojeg kojem "
        "kojoj što šta će ćemo bi bio bila bilo biti nije nisu još samo to ova ovaj ovo taj "
        "ta te kako kada kad gdje gde prema nakon među zbog tokom tijekom sve svi već pa "
        "jer li ni ne njegov njihov me si pred posle poslije pod uz oko kod bez kroz protiv "
        "preko između prije pre nad osim dok iako ako ga ih im mu joj on ona oni sam smo "
        "ste bili bile može mogu treba više vrlo veoma ima mora"
    ),
    "hbs-Cyrl": (
        "и у је се на да за од су с са о из по до а али или као који која које којег којем "
        "којој што шта ће ћемо би био била било бити није нису још само то ова овај ово "
        "тај та те како када кад где гдје према након међу због током све сви већ па јер "
        "ли ни не његов њихов ме си пред после послије под уз око код без кроз против "
        "преко између пре прије над осим док иако ако га их им му јој он она они сам смо "
        "сте били биле може могу треба више веома има при но исто"
    ),
    "sl": (
        "in je v na za da se so z s pa ki bo bodo tudi ter kot po od do iz pri že še lahko "
        "zelo kar ali ker jih smo sem bil bila bilo ni niso to ta te tem tega pred med nato "
        "vendar naj pod nad brez skozi proti okoli biti ima imajo samo kako mora vse vsak a ne "
        "če kjer"
    ),
    "mk": (
        "и во на да се за од со е ќе што кој која кое кои ги го не ова тоа дека по до "
        "како има беше биле бил била било исто биде при според меѓу но или сите оваа "
        "овие тие таа тој преку околу уште веќе а година години пред под без над му им "
        "може треба кон сè ли само ако кога каде зошто дали"
    ),
    "bg": (
        "и в на да се за от с е ще че това който която които не по до са като след при "
        "към във със най също тя той но или вече още има беше бяха тези този тази трябва "
        "може срещу между година години а пред под без над му им през ли само ако как "
        "когато където защото"
    ),
    "en": (
        "the and of to in is that for on with was as by it at be this are from have has had "
        "were will would said not but an a they he she we which their after been who its or "
        "also more than our there about when what under over into during against"
    ),
    "ro": (
        "și în de la a că cu pe din este pentru nu un o care se mai au sunt fost după sau "
        "ca dar lui prin acest această să fi va vor al ale ai"
    ),
    "tr": (
        "ve bir bu da de için ile çok daha olarak olan gibi ama en sonra kadar göre ancak "
        "değil var yok her o ki mi ne olduğu ise"
    ),
    "hu": (
        "a az és hogy nem is egy meg van volt de el már csak még mint vagy ki be fel után "
        "szerint pedig között kell lesz ez azt ezt amely aki"
    ),
    "el": (
        "και το η ο της του των την τον να σε με για από που είναι δεν θα στο στην στη οι "
        "τα τις τους ως ένα μια αλλά όπως μετά κατά"
    ),
    "de": (
        "der die das und in den von zu mit ist im für auf dem nicht ein eine sich auch es "
        "an als wie bei nach aus wird hat werden dass sie er wir sind war"
    ),
    # Languages this archive quotes more than it publishes in: listed so that their
    # paragraphs show foreign words, not only a lack of the article's own.
    "it": (
        "il lo la gli le di del della che non per con una un sono è da in al alla anche "
        "come più ma questo questa ha hanno essere stato"
    ),
    "fr": (
        "le la les des du de et est une un pour dans que qui pas sur au avec ce il elle "
        "nous sont ont été plus mais par"
    ),
    "es": (
        "el la los las de del y es en que un una por con para no se su al lo como más pero "
        "fue han sido este esta"
    ),
    "ru": (
        "и в на не что с по это как он она они но за из от к у был была были для его их так уже"
    ),
}
_HBS = frozenset({"hr", "bs", "sr", "cnr", "sh"})


# Letters a language writes that some of its relatives do not (both cases are checked).
# Only used between languages whose function-word lists overlap (rule 3 above).
_LETTERS: dict[str, str] = {
    "hbs-Cyrl": "ђћјљњџ",
    "mk": "ѓќѕјљњџ",
    "bg": "ъщюяйь",
    "ru": "ыэёъщюяйь",
    "hbs-Latn": "ćđ",
    "sq": "ëç",
    "ro": "ăâîșțşţ",
    "tr": "ğışçöü",
    "hu": "őűöü",
    "de": "ßäöü",
    "it": "àèìòù",
    "fr": "àâçèêëîïôùûœ",
    "es": "ñ",
}


@dataclass(frozen=True)
class _Lists:
    own: frozenset[str]
    foreign: dict[str, tuple[str, ...]]  # word -> other languages listing it (own does not)
    foreign_words: frozenset[str]
    also_in: dict[str, frozenset[str]]  # own word -> other languages listing it too
    others: frozenset[str]  # every other language
    # other language -> own letters it does not write, and its letters the own language
    # does not write (character classes; one that never matches when there are none)
    letters_against: dict[str, re.Pattern[str]]
    letters_of: dict[str, re.Pattern[str]]
    foreign_letters: re.Pattern[str]  # letters of any other language the own one lacks


def _with_capitals(words: str) -> frozenset[str]:
    # Paragraphs are matched as written (lower-casing each costs more than the rest of
    # the check); a function word is capitalised only at the start of a sentence.
    return frozenset(w for word in words.split() for w in (word, word.capitalize()))


@cache
def _lists(group: str) -> _Lists:
    words = {g: _with_capitals(ws) for g, ws in _FUNCTION_WORDS.items()}
    own = words[group]
    foreign: dict[str, list[str]] = {}
    for other, ws in words.items():
        if other != group:
            for word in ws - own:
                if len(word) > 1:
                    foreign.setdefault(word, []).append(other)
    also_in = {w: frozenset(g for g, ws in words.items() if g != group and w in ws) for w in own}
    theirs_all = set().union(*(_LETTERS.get(g, "") for g in words if g != group))
    mine = set(_LETTERS.get(group, ""))
    letters_against = {}
    letters_of = {}
    for other in words:
        theirs = set(_LETTERS.get(other, ""))
        letters_against[other] = _letter_class(mine - theirs)
        letters_of[other] = _letter_class(theirs - mine)
    return _Lists(
        own,
        {w: tuple(gs) for w, gs in foreign.items()},
        frozenset(foreign),
        also_in,
        frozenset(words) - {group},
        letters_against,
        letters_of,
        _letter_class(theirs_all - set(_LETTERS.get(group, ""))),
    )


def _letter_class(letters: set[str]) -> re.Pattern[str]:
    # Capitals too, except where upper-casing leaves the alphabet's own letters
    # ("ı" -> "I", "ß" -> "SS").
    caps = {c.upper() for c in letters if len(c.upper()) == 1 and not c.upper().isascii()}
    chars = "".join(sorted(letters | caps))
    return re.compile(f"[{chars}]" if chars else "(?!)")


class Screen:
    """The screen for articles in one language (built once per language: screen_for)."""

    def __init__(
        self, group: str, other_variety: dict[str, tuple[tuple[str, float], ...]] | None = None
    ) -> None:
        self.group = group  # key of _FUNCTION_WORDS
        self._lists = _lists(group)
        # Serbo-Croatian articles: whole words the lexicon gives to other varieties than
        # the article's, with the points by which it prefers each of them.
        self._other_variety = other_variety or {}
        # Every word any check looks up: one pass over a paragraph's words finds them all
        # (intersecting with the word list hashes each word once, without a set of them).
        self._known = self._lists.own | self._lists.foreign_words | frozenset(self._other_variety)

    def agrees(self, paragraph: str) -> bool:
        """Whether the paragraph plainly reads as the article (rules in the module docstring)."""
        sample = paragraph[:SAMPLE_CHARS]
        words = sample.split()
        if len(paragraph) > SAMPLE_CHARS:
            del words[-1:]  # cut off mid-word ("uoči z|imske" would read as Slovenian "z")
        hits = self._known.intersection(words)
        lists = self._lists
        found = hits & lists.own
        if len(found) < MIN_OWN_WORDS:
            return False
        foreign = hits & lists.foreign_words
        if len(foreign) > MAX_FOREIGN_WORDS:
            per_language = Counter(g for w in foreign for g in lists.foreign[w])
            if max(per_language.values()) > MAX_FOREIGN_WORDS:
                return False
        if self._other_variety and not self._same_variety(hits):
            return False
        if len(lists.foreign_letters.findall(sample)) >= MIN_FOREIGN_LETTERS:
            return False
        rivals = lists.others
        for word in found:
            rivals &= lists.also_in[word]
            if not rivals:
                return True
        # A letter of the article's language settles it against the rival; one of the
        # rival's own (a name quoted in it, or the rival's text) leaves it to the full check.
        return all(
            lists.letters_against[r].search(sample) and not lists.letters_of[r].search(sample)
            for r in rivals
        )

    def _same_variety(self, hits: frozenset[str]) -> bool:
        lead: dict[str, float] = {}
        for word in hits:
            for lang, points in self._other_variety.get(word, ()):
                lead[lang] = lead.get(lang, 0.0) + points
        return not lead or max(lead.values()) < OTHER_VARIETY_POINTS


@cache
def _other_variety(variety: str) -> dict[str, tuple[tuple[str, float], ...]]:
    """Whole words of the lexicon that favour another variety than ``variety`` ("tjedan"
    in a Serbian article) -> (variety, points ahead). Its stems (most of its entries)
    would cost a lookup per prefix length and word, so only whole words are used."""
    out = {}
    for word, points in EXACT.items():
        mine = points.get(variety, 0.0)
        lead = tuple((lang, p - mine) for lang, p in points.items() if p > mine)
        if lead:
            out[word] = out[word.capitalize()] = lead
    return out


@cache
def screen_for(language: str, script: str | None) -> Screen | None:
    """The screen for an article labelled ``language`` (None: no list, check in full)."""
    if language in _HBS:
        group = f"hbs-{script}"
        if group not in _FUNCTION_WORDS:
            return None
        # The lexicon is written in Latin letters; Cyrillic articles get no variety words.
        return Screen(group, _other_variety(language) if script == "Latn" else None)
    return Screen(language) if language in _FUNCTION_WORDS else None
