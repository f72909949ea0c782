"""Sentiment is given only for languages the model covers; order and length are preserved."""

from kith.enrichment.sentiment_gate import sentiment_by_language


def test_non_english_is_unsupported_and_order_is_kept() -> None:
    texts = [
        "I love this bike, best purchase ever!",
        "Der Akku ist kaputt und der Service antwortet nicht.",
        "This is the worst support I have ever had, terrible.",
        "バッテリーがすぐ切れます",
    ]
    labels = sentiment_by_language(texts)
    assert [label.label for label in labels] == ["positive", "unsupported", "negative", "unsupported"]
    assert len({label.model for label in labels}) == 1
