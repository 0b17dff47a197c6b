"""Language and script identification: hard cases pinned with hand-written sentences."""

from __future__ import annotations

import io

import pytest

from pipeline.language import (
    ArticleLanguage,
    LanguageOptions,
    LanguageResult,
    identify,
    identify_article,
)
from pipeline.language.cli import main as cli_main
from pipeline.language.screen import screen_for
from pipeline.language.script import letter_count, profile


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("Влада Србије је јуче усвојила нови закон о ђацима и њиховим уџбеницима.", "sr-Cyrl"),
        ("Министар је рекао да ће се седница одржати у петак у Београду.", "sr-Cyrl"),
        ("Владата на Македонија ќе го разгледа предлогот за новиот закон во петок.", "mk"),
        ("Градот Скопје денеска беше домаќин на голема меѓународна средба.", "mk"),
        ("Правителството одобри бюджета за следващата година след дълъг дебат.", "bg"),
        ("Qeveria miratoi sot buxhetin e ri për vitin që vjen në Prishtinë.", "sq"),
        ("Η κυβέρνηση ανακοίνωσε νέα μέτρα για την οικονομία της χώρας.", "el"),
        ("Guvernul a aprobat astăzi bugetul pentru anul următor și noile taxe.", "ro"),
        ("Hükümet bugün yeni bütçeyi onayladı ve vergileri düşürdü.", "tr"),
        ("The government approved the new budget for next year on Tuesday.", "en"),
        ("Vlada je včeraj sprejela nov zakon in ga poslala v državni zbor.", "sl"),
        ("A kormány kedden elfogadta a jövő évi költségvetést.", "hu"),
    ],
)
def test_languages_and_scripts(text: str, tag: str) -> None:
    assert identify(text).tag == tag


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # Croatian: tjedan, tisuća, tijekom, months, "tko", kruh
        ("Tijekom prošlog tjedna više od tisuću ljudi prosvjedovalo je u Zagrebu.", "hr"),
        ("Tko je kupio kruh za obitelj prije polaska vlaka u siječnju?", "hr"),
        ("Glasnogovornik Vlade rekao je da će oporba sudjelovati u glasovanju.", "hr"),
        # Bosnian: historija, hiljada, sedmica, "h" forms, saopćenje
        ("U toku sedmice hiljadu građana je posjetilo izložbu o historiji Sarajeva.", "bs"),
        ("Lahko je reći, ali kahva se u čaršiji pije polahko, kazao je sagovornik.", "bs"),
        ("U saopćenju kantonalne vlade navodi se da će uposlenici dobiti plate.", "bs"),
        # Serbian Latin: ekavian, hleb, voz, nedelja, da-constructions
        ("Posle podne deca su otišla vozom u Beograd da kupe hleb i mleko.", "sr"),
        ("Prošle nedelje predsednik je rekao da vlada treba da reši problem.", "sr"),
    ],
)
def test_serbo_croatian_varieties(text: str, language: str) -> None:
    result = identify(text)
    assert result.language == language
    if language == "sr":
        assert result.tag == "sr-Latn" and result.script == "Latn"


def test_montenegrin_markers() -> None:
    result = identify("Đe ćete sjutra, đeco? Nijesmo znali da ste ovđe u Podgorici.")
    assert result.tag == "cnr"


def test_serbian_cyrillic_is_never_macedonian_with_serbian_letters() -> None:
    # No ђ/ћ here: "је", "у", "су" decide against Macedonian "е", "во", "се".
    result = identify("Они су били у граду када је почела киша.")
    assert result.tag == "sr-Cyrl"


@pytest.mark.parametrize("text", ["", "  ", "123 456", "ok", "Da", "EU", "!!!"])
def test_too_short_is_und(text: str) -> None:
    result = identify(text)
    assert result == LanguageResult(tag="und", language="und", script=None, confidence=0.0)


@pytest.mark.parametrize("text", ["Vlada", "Sport", "Kosovo", "Skupština danas"])
def test_short_ambiguous_headline_is_und_not_a_guess(text: str) -> None:
    result = identify(text, options=LanguageOptions(short_hbs_as_sh=False))
    assert result.tag == "und"


@pytest.mark.parametrize("text", ["Novi Sad u podne", "Vlada i ministri", "Papa se molio"])
def test_short_serbo_croatian_headline_gets_macrolanguage_not_a_variety_guess(text: str) -> None:
    result = identify(text)
    assert result.tag in {"sh", "und"}
    assert result.tag != "und" or result.confidence == 0.0


def test_prior_decides_when_text_is_neutral() -> None:
    text = "Ministar je rekao da je sastanak bio dobar i da će se nastaviti."
    assert identify(text, prior="bs").language == "bs"
    assert identify(text, prior="hr").language == "hr"


def test_clear_evidence_overrides_prior() -> None:
    # A Bosnian outlet running an ekavian Serbian agency text.
    ekavian = "Predsednik je posle sednice rekao da deca ne treba da menjaju mesto stanovanja."
    assert identify(ekavian, prior="bs").tag == "sr-Latn"
    # An Albanian outlet quoting English.
    assert identify("The minister said the talks would resume next week.", prior="sq").tag == "en"


def test_sh_prior_accepts_any_member() -> None:
    result = identify("Tijekom tjedna tisuću ljudi prosvjedovalo je diljem Hrvatske.", prior="sh")
    assert result.language == "hr"


def test_cyrillic_lookalikes_inside_latin_words() -> None:
    text = "Ministri \u0415U su se ove sedmice sastali u Briselu da razgovaraju o pro\u0441esu."
    prof = profile(text)
    assert prof.counts.get("Cyrl", 0) == 0
    result = identify(text)
    assert result.script == "Latn"
    assert result.language == "bs"


def test_latin_lookalikes_inside_cyrillic_words() -> None:
    text = "Влада Србиј\u0435 je усвојила закон о буџету за следећу годину."  # Latin "je"
    result = identify(text)
    assert result.tag == "sr-Cyrl"


def test_mixed_scripts_is_und() -> None:
    assert identify("Vlada Владе Влада vlada Влада vlada").tag == "und"


def test_confidence_bounds() -> None:
    result = identify("Qeveria miratoi sot buxhetin e ri për vitin që vjen.")
    assert 0.5 < result.confidence <= 1.0


def test_langdetect_backend_selectable(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Ово је реченица на српском језику о граду."
    only = identify(text, options=LanguageOptions(backend="langdetect"))
    assert only.script == "Cyrl" and only.language in {"sr", "mk", "bg", "ru"}
    monkeypatch.setenv("NEWS_LANGID_BACKEND", "langdetect")
    assert LanguageOptions().backend == "langdetect"
    assert identify(text) == only
    monkeypatch.setenv("NEWS_LANGID_BACKEND", "ensemble")
    assert identify(text).tag == "sr-Cyrl"


def test_langdetect_backend_is_deterministic() -> None:
    options = LanguageOptions(backend="langdetect")
    text = "Danas je lijep dan u gradu."
    first = identify(text, options=options)
    assert all(identify(text, options=options) == first for _ in range(5))


def test_unknown_backend_rejected() -> None:
    with pytest.raises(ValueError):
        LanguageOptions(backend="magic")


def test_article_with_english_quote_paragraph() -> None:
    title = "Kryeministri takoi homologun e tij në Bruksel"
    text = (
        "Kryeministri tha sot se bisedimet me Bashkimin Evropian do të vazhdojnë "
        "javën e ardhshme në Bruksel.\n\n"
        '"We are committed to the dialogue and we expect both sides to respect what '
        'they signed," the European envoy told reporters after the meeting.\n\n'
        "Ai shtoi se qeveria do të paraqesë planin e saj para parlamentit në muajin që vjen."
    )
    article = identify_article(title, text, prior="sq")
    assert isinstance(article, ArticleLanguage)
    assert article.tag == "sq"
    assert [(p.index, p.result.tag) for p in article.paragraphs] == [(1, "en")]


def test_article_single_language_has_no_paragraph_results() -> None:
    text = "Prvi odlomak o vremenu i gradu.\n\nDrugi odlomak o vremenu i gradu, opet."
    article = identify_article("Vrijeme u Sarajevu ove sedmice", text)
    assert article.paragraphs == ()


def test_long_article_is_labelled_quickly() -> None:
    text = " ".join(["Tijekom tjedna tisuću ljudi prosvjedovalo je u Zagrebu."] * 200)
    assert identify(text).language == "hr"


def test_cli_prints_tag_and_confidence() -> None:
    stdin = io.StringIO(
        "Ово је тест на српском језику, ђаче.\n\nQeveria miratoi sot buxhetin e ri për vitin që vjen.\n"
    )
    stdout = io.StringIO()
    assert cli_main(stdin, stdout) == 0
    lines = stdout.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0].split("\t")[0] == "sr-Cyrl"
    assert lines[1] == "und\t0.000"
    tag, conf = lines[2].split("\t")
    assert tag == "sq" and len(conf.split(".")[1]) == 3


def test_bosnian_in_cyrillic_gets_script_subtag() -> None:
    result = identify("Хисторија Сарајева: у току сједмице хиљаду посјетилаца дошло је на изложбу.")
    assert result.tag == "bs-Cyrl"
    assert (result.language, result.script) == ("bs", "Cyrl")


def test_serbian_latin_and_cyrillic_same_sentence_differ_only_in_script() -> None:
    latin = identify("Posle sednice predsednik je rekao da će vreme pokazati ko je bio u pravu.")
    cyrillic = identify("После седнице председник је рекао да ће време показати ко је био у праву.")
    assert (latin.tag, cyrillic.tag) == ("sr-Latn", "sr-Cyrl")


def test_unknown_signal_rejected() -> None:
    with pytest.raises(ValueError):
        LanguageOptions(signals=frozenset({"letters", "telepathy"}))


def test_ablated_ensemble_still_answers() -> None:
    options = LanguageOptions(signals=frozenset())
    assert (
        identify("Qeveria miratoi sot buxhetin e ri për vitin që vjen.", options=options).tag
        == "sq"
    )


def test_results_are_deterministic() -> None:
    text = "Tokom sedmice je bilo riječi o tome šta će vlada uraditi."
    assert len({identify(text) for _ in range(5)}) == 1


def test_many_long_texts_finish_without_hanging() -> None:
    import time

    text = "Predsjednik je rekao da će se sjednica nastaviti sutra ujutro. " * 100
    start = time.monotonic()
    for _ in range(200):
        identify(text)
    assert time.monotonic() - start < 30  # generous: catches hangs, not a benchmark


# --- article-level: the function-word screen in front of the full ensemble -----------------

SR_CYRL_TITLE = "Влада Србије усвојила нови закон о буџету"
SR_CYRL_PARAGRAPHS = (
    "Министар финансија је рекао да ће буџет за следећу годину бити усвојен до краја "
    "месеца, након дуге расправе у Скупштини.",
    "Према његовим речима, већи део новца биће уложен у изградњу путева и школа у мањим "
    "општинама широм земље.",
    "Владата на Македонија ќе го разгледа предлогот за новиот закон во петок, изјави "
    "портпаролот по седницата.",
    "Опозиција је најавила да ће гласати против, јер сматра да су планирани приходи "
    "превише оптимистични.",
)
HR_TITLE = "Vlada je u četvrtak predstavila proračun za iduću godinu"
HR_PARAGRAPHS = (
    "Ministar financija rekao je da će proračun biti usvojen do kraja mjeseca, nakon duge "
    "rasprave u Saboru.",
    "Prema njegovim riječima, veći dio novca bit će uložen u izgradnju cesta i škola u "
    "manjim općinama diljem zemlje.",
    "Vlada je včeraj sprejela nov zakon in ga poslala v državni zbor, kjer ga bodo poslanci "
    "obravnavali že prihodnji teden.",
    "Oporba je najavila da će glasovati protiv jer smatra da su planirani prihodi previše "
    "optimistični.",
)


def test_cyrillic_serbian_article_reports_its_macedonian_paragraph() -> None:
    article = identify_article(SR_CYRL_TITLE, "\n\n".join(SR_CYRL_PARAGRAPHS))
    assert (article.tag, article.script) == ("sr-Cyrl", "Cyrl")
    assert [(p.index, p.result.tag) for p in article.paragraphs] == [(2, "mk")]
    assert article.paragraphs[0].text == SR_CYRL_PARAGRAPHS[2]


def test_croatian_article_reports_its_slovenian_paragraph() -> None:
    article = identify_article(HR_TITLE, "\n\n".join(HR_PARAGRAPHS))
    assert article.tag == "hr"
    assert [(p.index, p.result.tag) for p in article.paragraphs] == [(2, "sl")]


def test_screen_passes_plain_paragraphs_and_sends_on_related_languages() -> None:
    serbian = screen_for("sr", "Cyrl")
    croatian = screen_for("hr", "Latn")
    assert serbian is not None and croatian is not None
    # Macedonian shares "на", "за", "по" with Serbian; no ђ/ћ, so it goes to the full check.
    assert [serbian.agrees(p) for p in SR_CYRL_PARAGRAPHS] == [True, True, False, True]
    # Slovenian "in", "ga", "že" against Croatian.
    assert [croatian.agrees(p) for p in HR_PARAGRAPHS] == [True, True, False, True]
    albanian = screen_for("sq", "Latn")
    assert albanian is not None
    assert not albanian.agrees("The minister said that the talks with the union would resume.")
    assert albanian.agrees("Ai shtoi se qeveria do të paraqesë planin e saj para parlamentit.")
    # Too few function words to judge: sent on, not passed.
    assert not albanian.agrees("Prishtinë, 12 mars 2026")
    # No list for the language: no screen, every paragraph gets the full check.
    assert screen_for("fi", "Latn") is None


def test_cyrillic_serbian_article_reports_its_bulgarian_paragraph() -> None:
    bulgarian = (
        "Според министъра бюджетът за следващата година ще бъде приет до края на месеца, "
        "но опозицията не е съгласна с него."
    )
    paragraphs = [*SR_CYRL_PARAGRAPHS[:2], bulgarian, SR_CYRL_PARAGRAPHS[3]]
    article = identify_article(SR_CYRL_TITLE, "\n\n".join(paragraphs))
    assert article.tag == "sr-Cyrl"
    assert [(p.index, p.result.tag) for p in article.paragraphs] == [(2, "bg")]
    serbian = screen_for("sr", "Cyrl")
    assert serbian is not None
    # Shared "на", "за", "до", "не", "но"; the letters ъ, щ, я, ю give it away.
    assert not serbian.agrees(bulgarian)


def test_screen_sends_on_a_paragraph_of_another_variety_with_clear_words() -> None:
    croatian = screen_for("hr", "Latn")
    assert croatian is not None
    # "posle", "deca", "uvek" are Serbian (ekavian) in the lexicon.
    ekavian = "Posle podne su deca uvek otišla kući, a mi smo ostali da sačekamo vesti sa sednice."
    assert not croatian.agrees(ekavian)
    assert croatian.agrees(HR_PARAGRAPHS[0])


def test_screen_off_labels_every_paragraph_in_full() -> None:
    text = "\n\n".join(SR_CYRL_PARAGRAPHS)
    screened = identify_article(SR_CYRL_TITLE, text)
    full = identify_article(SR_CYRL_TITLE, text, options=LanguageOptions(screen_paragraphs=False))
    assert full == screened


def test_article_paragraphs_of_an_undetermined_article_are_all_checked() -> None:
    # The title and text together are too mixed to label; paragraphs are judged alone.
    title = "Vlada Владе Влада vlada Влада vlada"
    text = "Влада Владе Влада\n\nThe minister said the talks would resume next week in Brussels."
    article = identify_article(title, text, prior="sq")
    assert article.tag == "und"
    assert [(p.index, p.result.tag) for p in article.paragraphs] == [(1, "en")]


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        # look-alike folding, superscript and fraction (letters to the regex: "other")
        ("Ministri \u0415U su pro\u0441esu \u00b2 \u00bd", {"Latn": 19, "Zyyy": 2}),
        # characters beyond the BMP take the regex path: one letter, one emoji
        ("Vlada \U0001f600 danas \U0001d400bc", {"Latn": 12, "Zyyy": 1}),
        ("Влада Србије" * 50, {"Cyrl": 458}),  # counts read the first 500 characters
        ("12 34 !!", {}),
    ],
)
def test_script_counts_and_letter_count(text: str, counts: dict[str, int]) -> None:
    assert profile(text).counts == counts
    assert letter_count(text) == profile(text).letters == sum(counts.values())
