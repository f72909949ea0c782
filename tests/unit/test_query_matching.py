"""The query language, operator by operator: what matches, what does not, and which characters."""

from __future__ import annotations

import pytest

from kith.enrichment.query import Document, Match, compile_query


def found(query: str, text: str, **fields: str) -> list[str] | None:
    """The matched substrings of ``text``, or None when the query does not match."""
    match = compile_query(query).match(Document.from_text(text, **fields))
    return None if match is None else [text[a:b] for a, b in match.spans]


def matches(query: str, text: str, **fields: str) -> bool:
    return found(query, text, **fields) is not None


# --- single words: case, accents, punctuation ----------------------------------------------------


@pytest.mark.parametrize("text", ["Müller", "MÜLLER", "muller", "Muller", "MULLER", "Mu\u0308ller"])
def test_accented_query_matches_every_case_and_accent_form(text: str) -> None:
    assert found("müller", text) == [text]


def test_plain_query_matches_accented_text() -> None:
    assert found("cafe", "Un café, s'il vous plaît") == ["café"]
    assert found('"creme brulee"', "Crème Brûlée!") == ["Crème Brûlée"]


def test_word_must_be_whole() -> None:
    assert not matches("kith", "kithara and skithy")
    assert found("kith", "Kith, kith! (kith)") == ["Kith", "kith", "kith"]


def test_casefold_handles_sharp_s_and_ligatures() -> None:
    assert found("strasse", "Straße") == ["Straße"]
    assert found("straße", "STRASSE") == ["STRASSE"]
    assert found("office", "the ﬁrst oﬃce") == ["oﬃce"]


def test_greek_and_cyrillic_fold_case_and_accents() -> None:
    assert found("αθηνα", "Αθήνα") == ["Αθήνα"]
    assert found("ПРИВЕТ", "привет мир") == ["привет"]


def test_indic_word_with_vowel_signs_is_one_token() -> None:
    assert found("हिन्दी", "मैं हिन्दी बोलता हूँ") == ["हिन्दी"]
    assert not matches("हि", "मैं हिन्दी बोलता हूँ")  # not a prefix match: Hindi has spaces


def test_hyphenated_term_is_a_phrase_of_its_parts() -> None:
    assert found("wi-fi", "Wi-Fi, wi fi, wifi") == ["Wi-Fi", "wi fi"]


def test_numbers() -> None:
    assert found("2024", "since 2024.") == ["2024"]
    assert found("1,000", "1,000 likes and 1 000") == ["1,000", "1 000"]


def test_fancy_unicode_letters_fold_to_plain() -> None:
    assert found("kith", "𝐊𝐢𝐭𝐡 is great") == ["𝐊𝐢𝐭𝐡"]
    assert found("kith", "ＫＩＴＨ") == ["ＫＩＴＨ"]


# --- boolean operators ----------------------------------------------------------------------------


def test_and_or_not() -> None:
    assert matches("apple AND juice", "juice made of apple")
    assert not matches("apple AND juice", "apple pie")
    assert matches("apple OR juice", "juice")
    assert not matches("apple OR juice", "pear")
    assert matches("apple AND NOT pie", "apple juice")
    assert not matches("apple AND NOT pie", "apple pie")


def test_infix_not_means_and_not() -> None:
    assert matches("apple NOT pie", "apple juice")
    assert not matches("apple NOT pie", "apple pie")
    assert not matches("apple NOT pie", "pie")


def test_precedence_not_and_or() -> None:
    # a OR b AND c  ==  a OR (b AND c)
    assert matches("a OR b AND c", "a")
    assert not matches("a OR b AND c", "b")
    assert matches("a OR b AND c", "b c")
    # NOT binds tighter than AND: NOT a AND b == (NOT a) AND b
    assert matches("NOT a AND b", "b")
    assert not matches("NOT a AND b", "a b")
    assert not matches("NOT a AND b", "c")


def test_parentheses_override_precedence() -> None:
    assert not matches("(a OR b) AND c", "a")
    assert matches("(a OR b) AND c", "b c")


def test_not_inside_groups() -> None:
    q = "apple AND (juice OR NOT pie)"
    assert matches(q, "apple cake")
    assert matches(q, "apple pie juice")
    assert not matches(q, "apple pie")


def test_nested_parentheses() -> None:
    q = "((kith OR kin) AND (crm OR (social AND NOT (media OR network))))"
    assert matches(q, "kith crm")
    assert matches(q, "kin social")
    assert not matches(q, "kin social media")
    assert not matches(q, "social crm")


def test_pure_negative_query_matches_everything_else_without_spans() -> None:
    assert compile_query("NOT spam").match(Document("ham")) == Match([])
    assert compile_query("NOT spam").match(Document("spam")) is None


def test_double_not() -> None:
    assert matches("NOT NOT apple", "apple")
    assert not matches("NOT NOT apple", "pear")


def test_or_collects_spans_of_every_matching_member() -> None:
    assert found("apple OR pear OR plum", "pear and apple, no plums") == ["pear", "apple"]


# --- phrases and proximity -------------------------------------------------------------------------


def test_phrase_is_adjacent_and_ordered() -> None:
    assert found('"apple juice"', "Apple Juice") == ["Apple Juice"]
    assert not matches('"apple juice"', "juice apple")
    assert not matches('"apple juice"', "apple and juice")


def test_phrase_ignores_punctuation_between_words() -> None:
    assert found('"apple juice"', "apple, juice! apple-juice apple.juice") == [
        "apple, juice",
        "apple-juice",
        "apple.juice",
    ]


def test_smart_quotes_are_quotes() -> None:
    assert found("\u201capple juice\u201d", "apple juice") == ["apple juice"]


def test_phrase_with_wildcard_word() -> None:
    assert found('"new * phone"', "a new shiny phone") == ["new shiny phone"]
    assert not matches('"new * phone"', "a new phone")


def test_proximity_counts_moves() -> None:
    text = "apple tastes like juice"  # two words between
    assert not matches('"apple juice"~1', text)
    assert found('"apple juice"~2', text) == ["apple", "juice"]


def test_proximity_any_order_swap_costs_two() -> None:
    assert not matches('"apple juice"~1', "juice apple")
    assert matches('"apple juice"~2', "juice apple")
    assert not matches('"apple juice"~2', "juice of apple")
    assert matches('"apple juice"~3', "juice of apple")


def test_proximity_three_words() -> None:
    assert matches('"kith social crm"~1', "kith social new crm")
    assert not matches('"kith social crm"~0', "kith social new crm")
    assert matches('"kith social crm"~0', "Kith social CRM")


def test_proximity_uses_distinct_words() -> None:
    assert not matches('"very very"~5', "very good")
    assert matches('"very very"~5', "very very good")


def test_proximity_zero_is_the_exact_phrase() -> None:
    assert found('"apple juice"~0', "fresh apple juice") == ["apple juice"]


def test_near_any_order_within_n_words() -> None:
    assert found("apple NEAR/2 juice", "apple is a juice") == ["apple", "juice"]
    assert found("apple NEAR/2 juice", "juice is an apple") == ["juice", "apple"]
    assert not matches("apple NEAR/1 juice", "apple is a juice")
    assert matches("apple NEAR/0 juice", "apple juice")
    assert not matches("apple NEAR/0 juice", "apple, the juice")


def test_near_ordered() -> None:
    assert matches("logitech NEAR/2f keyboard", "Logitech Solar Keyboard")
    assert not matches("logitech NEAR/2f keyboard", "keyboard by logitech")
    assert not matches("logitech NEAR/2f keyboard", "logitech one two three keyboard")


def test_near_between_groups() -> None:
    q = "(apple OR orange) NEAR/3 (smartphone OR phone)"
    assert found(q, "my orange smart phone") == ["orange", "phone"]
    assert matches(q, "smartphone from apple")
    assert not matches(q, "apple is not a fruit you call on the phone")


def test_near_with_phrases_counts_words_between_them() -> None:
    q = '"customer service" NEAR/1 "too slow"'
    assert found(q, "customer service is too slow") == ["customer service", "too slow"]
    assert not matches(q, "customer service is really too slow")


def test_near_chain_is_left_associative() -> None:
    q = "a NEAR/1 b NEAR/1 c"
    assert matches(q, "a b c")
    assert matches(q, "c x a b")
    assert not matches(q, "a b x x c")


def test_near_needs_two_different_occurrences() -> None:
    assert not matches("apple NEAR/3 apple", "one apple")
    assert matches("apple NEAR/3 apple", "apple and apple")


def test_near_inside_boolean() -> None:
    q = "(bike NEAR/3 broke*) AND NOT refund"
    assert matches(q, "my bike is broken again")
    assert not matches(q, "my bike is broken, refund please")


# --- wildcards ------------------------------------------------------------------------------------


def test_star_at_end_and_inside() -> None:
    assert found("caf*", "Café, cafeteria, CAFFEINE") == ["Café", "cafeteria", "CAFFEINE"]
    assert found("colo*r", "color colour colr") == ["color", "colour"]
    assert not matches("caf*", "a cafe-less day".replace("cafe", "cfe"))


def test_star_matches_zero_characters() -> None:
    assert found("bike*", "bike bikes") == ["bike", "bikes"]


def test_question_mark_is_exactly_one_character() -> None:
    assert found("te?t", "test text tet teest") == ["test", "text"]
    assert found("analy?e", "analyse analyze") == ["analyse", "analyze"]


def test_leading_wildcard_is_allowed() -> None:
    assert found("*phone", "smartphone iPhone phone phones") == ["smartphone", "iPhone", "phone"]


def test_wildcard_stays_inside_one_word() -> None:
    assert not matches("kith*crm", "kith social crm")
    assert matches("kith*crm", "kithcrm")


def test_wildcard_folds_accents_too() -> None:
    assert found("mull?r", "MÜLLER") == ["MÜLLER"]


# --- raw: -----------------------------------------------------------------------------------------


def test_raw_keeps_case_and_punctuation() -> None:
    assert found('raw:"C#"', "C# and c# and C") == ["C#"]
    assert found("raw:Kith!", "kith! Kith Kith!") == ["Kith!"]


def test_raw_does_not_match_inside_words() -> None:
    assert not matches("raw:Kith", "Kithara")
    assert found("raw:Kith", "Kith's") == ["Kith"]


def test_raw_phrase_allows_any_whitespace() -> None:
    assert found('raw:"Kith CRM"', "Kith  CRM and kith crm") == ["Kith  CRM"]


def test_raw_is_not_accent_insensitive() -> None:
    assert not matches("raw:Muller", "Müller")


def test_plain_term_ignores_punctuation_where_raw_does_not() -> None:
    assert matches("google", "Google+")
    assert matches('raw:"Google+"', "Google+")
    assert not matches('raw:"Google+"', "Google")


def test_raw_inside_near() -> None:
    assert matches('raw:"C#" NEAR/2 developer', "senior C# developer")
    assert not matches('raw:"C#" NEAR/2 developer', "senior c# developer")


# --- hashtags, mentions, emoji ----------------------------------------------------------------------


def test_hashtag_matches_only_hashtags_and_span_includes_sign() -> None:
    assert found("#kith", "kith #Kith #kithcrm") == ["#Kith"]


def test_plain_word_also_matches_hashtag_and_mention_bodies() -> None:
    assert found("kith", "#kith @kith kith") == ["kith", "kith", "kith"]


def test_hashtag_from_document_fields_without_text() -> None:
    doc = Document("great launch", hashtags=("Kith",))
    assert compile_query("#kith").match(doc) == Match([])
    assert compile_query("@kith").match(doc) is None


def test_mention_matches_mastodon_user_part() -> None:
    assert found("@kith", "thanks @kith@mastodon.social") == ["@kith@mastodon.social"]
    assert found("@kith@mastodon.social", "thanks @kith@mastodon.social") == ["@kith@mastodon.social"]


def test_mention_is_not_an_email() -> None:
    assert not matches("@example", "write to bob@example.com")


def test_hashtag_wildcard() -> None:
    assert found("#kith*", "#kithcrm #kith #kin") == ["#kithcrm", "#kith"]


def test_emoji_terms() -> None:
    assert found("🚲", "my 🚲 broke 🚲🚲") == ["🚲", "🚲", "🚲"]
    assert found("👍", "👍🏽 and 👍") == ["👍🏽", "👍"]  # skin tones are ignored
    assert found("❤", "I ❤️ it") == ["❤️"]  # so are variation selectors
    assert not matches("🚲", "a bike")


def test_emoji_in_phrase_and_near() -> None:
    assert matches('"love 🚲"', "I love 🚲")
    assert found("🚲 NEAR/2 broke", "🚲 is broke") == ["🚲", "broke"]


def test_flag_is_one_token() -> None:
    assert found("🇩🇪", "made in 🇩🇪🇫🇷") == ["🇩🇪"]
    assert not matches("🇫🇷", "🇩🇪")


# --- scripts without spaces ----------------------------------------------------------------------


def test_japanese_term_is_a_substring_of_the_run() -> None:
    text = "ソニーのカメラが好き"
    assert found("ソニー", text) == ["ソニー"]
    assert found("カメラ", text) == ["カメラ"]
    assert not matches("ニコン", text)


def test_chinese_term() -> None:
    assert found("客服", "这家店的客服太慢了") == ["客服"]
    assert found("客服 AND 慢", "这家店的客服太慢了") == ["客服", "慢"]


def test_korean_noun_with_particle() -> None:
    assert found("삼성", "삼성이 좋아요") == ["삼성"]


def test_thai_substring() -> None:
    assert found("กาแฟ", "ฉันชอบกาแฟมาก") == ["กาแฟ"]


def test_japanese_voicing_marks_are_not_dropped() -> None:
    assert not matches("か", "が")  # ga is not ka
    assert matches("が", "が")
    assert found("ガ", "ｶﾞメラ") == ["ｶﾞ"]  # halfwidth kana fold to fullwidth; the span covers both chars


def test_cjk_near_in_the_same_run() -> None:
    assert found("カメラ NEAR/0 ソニー", "ソニーのカメラ") == ["ソニー", "カメラ"]
    assert not matches("カメラ NEAR/0f ソニー", "ソニーのカメラ")


def test_mixed_latin_and_japanese_term_needs_the_boundary() -> None:
    assert found("iPhone15を", "iPhone15を買った") == ["iPhone15を"]
    assert not matches("iPhone15を", "iPhone15 買ったを")


def test_cjk_wildcard() -> None:
    assert found("ソ*ー", "ソニーのカメラ") == ["ソニー"]


def test_cjk_hashtag() -> None:
    assert found("#ソニー", "#ソニー #ソニー好き") == ["#ソニー"]
    assert found("ソニー", "#ソニー好き") == ["ソニー"]


# --- links and tokenisation edge cases -----------------------------------------------------------


def test_words_inside_links_are_not_keywords() -> None:
    assert not matches("pricing", "see https://kith.example/pricing")
    assert matches("links:kith.example/pricing", "see https://kith.example/pricing")


def test_spans_are_offsets_into_the_original_text() -> None:
    text = "Ünïcödé first, then MÜLLER 🚲 & ソニーのカメラ"
    m = compile_query("müller OR 🚲 OR カメラ OR unicode").match(Document.from_text(text))
    assert m is not None
    assert [text[a:b] for a, b in m.spans] == ["Ünïcödé", "MÜLLER", "🚲", "カメラ"]


def test_overlapping_spans_are_merged() -> None:
    assert found('apple OR "apple juice"', "apple juice") == ["apple juice"]


def test_match_many_keeps_order() -> None:
    q = compile_query("kith")
    docs = [Document("kith"), Document("nope"), Document("KITH crm")]
    assert [m is not None for m in q.match_many(docs)] == [True, False, True]


def test_match_text_reads_hashtags() -> None:
    assert compile_query("#kith").match_text("love #kith") == Match([(5, 10)])
