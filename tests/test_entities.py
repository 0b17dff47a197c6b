"""The entity stage on values: keys across scripts, cases and spellings, candidates, the
gazetteer, and bad input (no capitals, shouting, endless capitalised words, look-alike letters,
names split by markup)."""

from __future__ import annotations

import pytest

from pipeline.entities import article_mentions, extract_mentions, resolve_name
from pipeline.entities.extract import MAX_ENTITIES, MAX_NAME_WORDS, MAX_SURFACE_CHARS
from pipeline.entities.gazetteer import gazetteer, parse_gazetteer
from pipeline.entities.keys import text_key
from pipeline.types import Article

FORMS = {
    "vucic": ["Vučić", "Vučića", "Vučiću", "Vučićem", "Вучић", "Вучића", "Vuçiq", "Vuçiqi",
              "Vuçiqit", "Vucic", "Вучиќ"],
    "kurt": ["Kurti", "Kurtija", "Kurtijem", "Курти", "Куртија", "Kurtit"],
    "tac": ["Thaçi", "Thaçit", "Tači", "Tačija", "Тачи"],
    "pristin": ["Prishtinë", "Prishtina", "Prishtinës", "Priština", "Prištini", "Приштина",
                "Приштини", "Pristina"],
    "beograd": ["Beograd", "Beogradu", "Београд", "Beogradi", "Beogradit"],
    "mitrovic": ["Mitrovicë", "Mitrovica", "Митровица"],
    "kfor": ["KFOR", "КФОР", "KFOR-a", "KFOR-i"],
}  # fmt: skip


@pytest.mark.parametrize(("key", "forms"), FORMS.items())
def test_one_key_for_every_case_script_and_spelling(key, forms):
    assert {text_key(form) for form in forms} == {key}


@pytest.mark.parametrize(
    ("names", "label"),
    [
        (FORMS["vucic"], "Aleksandar Vučić"),
        (FORMS["pristin"], "Priština"),
        (["Beograd", "Beogradit", "Belgrade", "Београду"], "Beograd"),
        (["Bashkimi Evropian", "BE", "Evropska unija", "EU", "Европска унија", "ЕУ",
          "European Union", "Evropske unije"], "Evropska unija"),
        (["Vetëvendosje", "Samoopredeljenje", "Самоопредељење"], "Vetëvendosje"),
        (["Shqipëria", "Albanija", "Албанија", "Shqipërisë"], "Albanija"),
        (["Kosova", "Kosovo", "Kosovës", "Косово"], "Kosovo"),
    ],
)  # fmt: skip
def test_gazetteer_names_resolve_to_one_entity(names, label):
    assert {resolve_name(name).label for name in names} == {label}
    assert len({resolve_name(name).keys for name in names}) == 1


def test_lower_case_short_words_are_not_acronyms():
    # "be" and "eu" typed in lower case are words (English "be"), not the Union.
    assert resolve_name("be").label is None
    assert resolve_name("BE").label == "Evropska unija"


def test_names_inside_sentences_with_titles_and_initials():
    found = extract_mentions(
        "Sastanak u Beogradu",
        "Predsednik Srbije Aleksandar Vučić sastao se juče sa Miroslavom Lajčakom. "
        "Danas je u Nišu govorio i profesor Petar P. Jovanović. Jovanović je rekao da "
        "Evropska unija i Srpska napredna stranka imaju isti cilj.",
        "sr-Latn",
    )
    got = {(m.label, m.surface) for m in found}
    assert got == {
        ("Beograd", "Beogradu"),
        ("Srbija", "Srbije"),
        ("Aleksandar Vučić", "Aleksandar Vučić"),
        ("Miroslav Lajčák", "Miroslavom Lajčakom"),
        ("Niš", "Nišu"),
        ("Petar P. Jovanović", "Petar P. Jovanović"),
        ("Petar P. Jovanović", "Jovanović"),  # the surname alone is the same person
        ("Evropska unija", "Evropska unija"),
        ("Srpska napredna stranka", "Srpska napredna stranka"),
    }
    kinds = {m.label: m.kind for m in found}
    assert kinds["Aleksandar Vučić"] == "person" and kinds["Petar P. Jovanović"] == "other"


def test_a_new_name_is_an_entity_from_its_first_mention():
    (m,) = extract_mentions("", "Novinarima se obratila i Ljiljana Stevanović-Ristić.", "sr-Latn")
    assert (m.key, m.label, m.kind) == (text_key("Ljiljana Stevanović-Ristić"), m.surface, "other")
    assert resolve_name("Љиљана Стевановић-Ристић").keys == (m.key,)


def test_ordinary_words_opening_a_sentence_are_not_names():
    found = extract_mentions(
        "",
        "Sot qeveria mblodhi ministrat. Protesti vazhdoi. Yesterday the council met. "
        "Danas Beograd slavi.",
        None,
    )
    assert {m.surface for m in found} == {"Beograd"}


def test_article_row_uses_title_text_and_language():
    row = Article(
        id="a", outlet_id=1, feed_id=1, url=None, guid=None, title="Kurti në Bruksel",
        summary="Kryeministri takoi Lajčákun.", body_text=None, body_html=None, section=None,
        authors=None, published_at=None, published_raw=None, date_flag=None,
        first_seen_at=None, content_hash="h", capture_id=None, language="sq",
    )  # fmt: skip
    # Plain tuples (key, label, kind, surface, count): cheap to send back from a parse worker.
    assert {m[1] for m in article_mentions(row)} == {"Albin Kurti", "Brisel", "Miroslav Lajčák"}


# --- bad input ------------------------------------------------------------------------------


def test_text_without_capitals_still_finds_known_names():
    found = extract_mentions(
        "vučić i kurti u briselu", "nema velikih slova u ovom tekstu o kfor-u", "sr"
    )
    assert {m.label for m in found} == {"Aleksandar Vučić", "Albin Kurti", "Brisel", "KFOR"}


def test_shouted_headline_finds_known_names_only():
    found = extract_mentions(
        "VUČIĆ: PRIŠTINA MORA DA POŠTUJE DOGOVOR SA EU", "Tekst bez imena o cenama hleba.", "sr"
    )
    assert {(m.label, m.surface) for m in found} == {
        ("Aleksandar Vučić", "VUČIĆ"),
        ("Priština", "PRIŠTINA"),
        ("Evropska unija", "EU"),
    }


def test_ten_thousand_capitalised_words_are_bounded():
    text = " ".join(f"Word{i}x Name" for i in range(5_000)) + ". Kurti je stigao."
    found = extract_mentions("", text, "en")
    assert len({m.key for m in found}) <= MAX_ENTITIES
    assert all(len(m.surface) <= MAX_SURFACE_CHARS for m in found)
    assert all(len(m.surface.split()) <= MAX_NAME_WORDS for m in found if m.kind == "other")
    assert "Albin Kurti" in {m.label for m in found}


def test_endless_text_is_read_up_to_its_cap():
    text = ("reč " * 40_000) + "Vučić je stigao."  # the name lies past 100,000 characters
    assert extract_mentions("", text, "sr") == ()
    assert len(extract_mentions("", "Vučić " * 50_000, "sr")) == 1


def test_cyrillic_look_alikes_inside_latin_names():
    # "Vuсić" with a Cyrillic "с", "Kurtі" with a Cyrillic "і", "KFОR" with a Cyrillic "О".
    found = extract_mentions(
        "", "Sastali su se Vu\u0441ić i Kurt\u0456 uz prisustvo KF\u041eR-a.", "sr"
    )
    assert {m.label for m in found} == {"Aleksandar Vučić", "Albin Kurti", "KFOR"}
    assert {m.surface for m in found} == {"Vu\u0441ić", "Kurt\u0456", "KF\u041eR-a"}


def test_names_split_by_markup_or_invisible_characters():
    found = extract_mentions(
        "", "Izjavu je dao Vu\u00adčić, a potom i Ku\u200brti. Vu<b>čić</b>.", "sr"
    )
    assert {m.label for m in found} >= {"Aleksandar Vučić", "Albin Kurti"}
    assert all(len(m.surface) <= MAX_SURFACE_CHARS for m in found)


def test_empty_and_odd_input():
    assert extract_mentions("", "", None) == ()
    assert extract_mentions("...", "!!! ??? 123 456", "en") == ()
    assert extract_mentions("A", "B. C. D.", "en") == ()


def test_gazetteer_entries_need_a_label_and_a_kind():
    with pytest.raises(ValueError, match="kind"):
        parse_gazetteer('[[entity]]\nlabel = "X"\nkind = "planet"\n')
    assert len(gazetteer().names) > 150
