"""Syndication credits: found, named, and kept out of the compared text."""

from __future__ import annotations

import pytest

from pipeline.clean.credits import is_credit_line, split_credits, syndication_source

BODY = ["Qeveria miratoi projektligjin për energjinë.", "Debati në Kuvend pritet javën e ardhshme."]

CASES = [
    # (paragraphs, expected source, expected remaining last paragraph)
    ([*BODY[:1], "Debati në Kuvend pritet javën e ardhshme. / VOA"], "VOA", BODY[1]),
    ([*BODY[:1], "Debati në Kuvend pritet javën e ardhshme. /Zëri i Amerikës/"], "VOA", BODY[1]),
    ([*BODY, "/ VOA"], "VOA", BODY[1]),
    ([*BODY, "Burimi: Radio Evropa e Lirë"], "REL", BODY[1]),
    ([*BODY, "Izvor: BBC News na srpskom"], "BBC News na srpskom", BODY[1]),
    ([*BODY, "Извор: Танјуг"], "Tanjug", BODY[1]),
    ([*BODY, "Source: Reuters"], "Reuters", BODY[1]),
    ([*BODY, "Preuzeto sa: Klix.ba"], "Klix.ba", BODY[1]),
    ([*BODY[:1], "Debati në Kuvend pritet javën e ardhshme. (Reuters)"], "Reuters", BODY[1]),
    ([*BODY, "(Beta)"], "Beta", BODY[1]),
    ([*BODY, "This article was originally published by Balkan Insight."], "Balkan Insight", BODY[1]),
    # A byline names a person: out of the compared text, but not a syndication source.
    (["Piše: Marko Marković", *BODY], None, BODY[1]),
    # ...unless the byline names an agency.
    ([*BODY, "Piše: Fena"], "Fena", BODY[1]),
    ([*BODY, "Shkruan: Arben Hoxha"], None, BODY[1]),
]  # fmt: skip


@pytest.mark.parametrize(("paragraphs", "source", "last"), CASES)
def test_credit_found_and_removed(paragraphs, source, last):
    credited = split_credits(paragraphs)
    assert credited.source == source
    assert credited.paragraphs[-1] == last
    assert len(credited.credits) == 1


def test_dateline_agency():
    credited = split_credits(["BEOGRAD (Beta) - Vlada je danas usvojila budžet.", "Drugi pasus."])
    assert credited.source == "Beta"
    assert credited.paragraphs[0] == "Vlada je danas usvojila budžet."


def test_text_without_credit_is_untouched():
    paragraphs = [
        "Prema podacima zavoda (2024), broj stanovnika je pao.",
        "Cena je 24/7 ista, kaže direktor.",
        "Odnos je 3 / 4 u korist opozicije.",
    ]
    credited = split_credits(paragraphs)
    assert credited.source is None and credited.credits == []
    assert credited.paragraphs == paragraphs


def test_a_quote_in_the_middle_is_not_a_credit():
    paragraphs = ["Izvor: ministarstvo", *BODY, *BODY, *BODY]
    # Only the first paragraph and the last three are searched; a lone first line is a credit.
    assert split_credits(paragraphs).source == "ministarstvo"
    assert split_credits([*BODY, "Izvor: ministarstvo", *BODY, *BODY]).source is None


def test_helpers():
    assert is_credit_line("Izvor: N1") and not is_credit_line(BODY[0])
    assert syndication_source("Tekst.\n\nText ends here. / VOA") == "VOA"
    assert syndication_source("") is None
