"""Language, script and emoji of short social texts."""

from __future__ import annotations

import pytest

from kith.enrichment.labels import Label
from kith.enrichment.language import (
    MIN_CONFIDENCE,
    UNDETERMINED,
    classify_language,
    detect_languages,
    model_name,
)
from kith.enrichment.scripts import dominant_script, find_emoji, script_counts

POSTS = [
    ("en", "Latin", "My battery stopped charging after two weeks and nobody answers the ticket."),
    ("de", "Latin", "Mein Akku lädt seit zwei Wochen nicht mehr, und keiner antwortet auf das Ticket."),
    ("fr", "Latin", "Ma batterie ne charge plus depuis deux semaines et personne ne répond."),
    ("es", "Latin", "Mi batería dejó de cargar hace dos semanas y nadie responde al ticket."),
    ("it", "Latin", "La mia batteria non si ricarica più da due settimane e nessuno risponde."),
    ("pt", "Latin", "A minha bateria deixou de carregar há duas semanas e ninguém responde."),
    ("nl", "Latin", "Mijn accu laadt al twee weken niet meer op en niemand reageert op mijn vraag."),
    ("ru", "Cyrillic", "Мой аккумулятор перестал заряжаться две недели назад, никто не отвечает."),
    ("ar", "Arabic", "توقفت البطارية عن الشحن منذ أسبوعين ولا أحد يرد على رسائلي."),
    ("zh", "Han", "我的电池两周前就不能充电了，客服一直没有回复。"),
    ("ja", "Japanese", "バッテリーが二週間前から充電できません。サポートから返事がありません。"),
    ("ko", "Hangul", "배터리가 2주 전부터 충전되지 않아요. 아무도 답변하지 않네요."),
]


@pytest.mark.parametrize(("lang", "script", "text"), POSTS, ids=[lang for lang, _, _ in POSTS])
def test_posts_in_twelve_languages(lang: str, script: str, text: str) -> None:
    [result] = detect_languages([text])
    assert (result.lang, result.script) == (lang, script)
    assert MIN_CONFIDENCE <= result.score <= 1.0


def test_batch_keeps_order() -> None:
    texts = [text for _, _, text in POSTS]
    assert [result.lang for result in detect_languages(texts)] == [lang for lang, _, _ in POSTS]


def test_japanese_with_latin_brand_names_and_numbers() -> None:
    [result] = detect_languages(["Auroraで12km走りました！最高です🔥 @nordlicht"])
    assert (result.lang, result.script, result.emoji) == ("ja", "Japanese", ("🔥",))


@pytest.mark.parametrize("text", ["", "   ", "😍👍", "🔥🔥🔥", "ok", "+1", "NL-264512", "https://x.example/a @bob #1"])
def test_empty_emoji_only_and_very_short_texts_are_undetermined(text: str) -> None:
    [result] = detect_languages([text])
    assert result.lang == UNDETERMINED
    assert result.score == 1.0  # nothing to guess from: certainly undetermined


def test_undetermined_when_the_model_is_unsure() -> None:
    results = detect_languages(["Neid!", "Super!", "Same hier.", "#tbt", "Thanks, that helps a lot!"])
    assert [result.lang for result in results] == [UNDETERMINED] * 4 + ["en"]
    assert all(0.5 <= result.score < 1.0 for result in results)  # "und" here: one minus an unsure guess
    for result in results:
        assert result.lang == UNDETERMINED or result.score >= MIN_CONFIDENCE


def test_links_mentions_and_digits_do_not_decide_the_language() -> None:
    text = "@nordlicht_support https://www.nordlicht.example/de/hilfe Bestellung 264512 ist immer noch nicht da"
    assert detect_languages([text])[0].lang == "de"


def test_emoji_are_kept_whole_and_in_order() -> None:
    text = "Love it 😍👍🏽 ☀️ ⛺ 🇩🇪 👨‍👩‍👧 🔥🔥"
    assert find_emoji(text) == ("😍", "👍🏽", "☀️", "⛺", "🇩🇪", "👨‍👩‍👧", "🔥", "🔥")
    assert detect_languages([text])[0].emoji == find_emoji(text)


def test_text_symbols_are_not_emoji_unless_written_as_emoji() -> None:
    assert find_emoji("Nordlicht© ™ ↔ only text") == ()
    assert find_emoji("❤️ and ❤") == ("❤️", "❤")
    assert find_emoji("plain ascii :) <3") == ()


def test_scripts_are_counted_from_letters() -> None:
    counts = script_counts("Aurora の バッテリー 電池 Привет 123 !!")
    assert counts == {"Latin": 6, "Hiragana": 1, "Katakana": 5, "Han": 2, "Cyrillic": 6}
    assert dominant_script(counts) == "Japanese"
    assert dominant_script(script_counts("電池電池 ok")) == "Han"
    assert dominant_script(script_counts("123 🔥")) == "Common"
    assert dominant_script(script_counts("ＡＵＲＯＲＡ")) == "Latin"  # full-width Latin


def test_script_decides_for_languages_with_a_script_of_their_own() -> None:
    results = detect_languages(["Ξέρει κανείς πότε έρχεται;", "מישהו יודע מתי זה מגיע?", "ใครรู้บ้างว่าจะมาเมื่อไหร่"])
    assert [(result.lang, result.script) for result in results] == [("el", "Greek"), ("he", "Hebrew"), ("th", "Thai")]


def test_restricting_languages() -> None:
    text = "Mijn accu laadt al twee weken niet meer op en niemand reageert."
    assert detect_languages([text], languages={"de", "en"})[0].lang in ("de", "en", UNDETERMINED)
    assert detect_languages([text], languages={"nl", "de"})[0].lang == "nl"
    with pytest.raises(ValueError, match="xx"):
        detect_languages([text], languages={"xx"})


def test_classify_language_gives_labels() -> None:
    labels = classify_language(["Danke für die schnelle Hilfe, läuft wieder!", "👍"])
    assert labels[0] == Label("de", labels[0].score, model_name())
    assert labels[1].label == UNDETERMINED
    assert model_name().startswith("py3langid@")
    assert all(0.0 <= label.score <= 1.0 for label in labels)
