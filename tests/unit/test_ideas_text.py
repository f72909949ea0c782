"""Idea titles and the "same idea?" threshold, on hand-checked pairs in English, German, French and Spanish."""

from __future__ import annotations

import pytest

from kith.ideas.similarity import SAME_IDEA, IdeaIndex, clean, similarity, title_of

SAME = (  # restatements of one wish (checked by hand)
    (
        "Idea for @nordlicht: a bottle-cage mount on the cargo bike.",
        "Idea for Nordlicht: a bottle-cage mount on the Fjordrunner.",
    ),
    (
        "Please make the Glut in a darker colour. The mint is not for everyone.",
        "Please make the Moos Sleeping Mat in a darker colour.",
    ),
    (
        "Would love an app that shows the battery health of my Aurora. Hint hint",
        "An app showing my e-bike battery health would be great",
    ),
    ("Please add a dark mode to the app", "Dark mode for the app, please!"),
    (
        "It would be great if the Aurora had a USB-C port on the handlebar",
        "Please put a USB-C charging port on the Aurora handlebar",
    ),
    (
        "Idee für Nordlicht: eine Halterung für Flaschenhalter am Polaris.",
        "Idee für @nordlicht: eine Halterung für Flaschenhalter am Aurora City.",
    ),
    ("Bitte bietet das Zelt auch in Dunkelgrün an", "Das Zelt in dunkelgrün wäre super, bitte anbieten"),
    ("Ce serait top d'avoir Skjær UL 1 Tent en noir mat.", "Ce serait top d'avoir Glut Down Jacket en noir mat."),
    ("Estaría genial una versión de Tundra más ligera.", "¿Una versión más ligera de la Tundra? Estaría genial."),
    ("Let us book test rides online for the Köln store", "Please let me book a test ride online"),
)
DIFFERENT = (  # different wishes, often about the same product or in the same wording
    ("Idea for @nordlicht: a bottle-cage mount on the cargo bike.", "Please make the Glut in a darker colour."),
    (
        "A rental option for the Aurora 500 before buying would be great.",
        "Would love an app that shows the battery health of my Aurora.",
    ),
    ("Please add a dark mode to the app", "Please add a child seat option to the Aurora"),
    ("It would be great if the Aurora had a USB-C port", "It would be great if the Aurora were lighter"),
    ("Bitte bietet das Zelt auch in Dunkelgrün an", "Bitte einen Online-Termin für die Inspektion anbieten"),
    ("Ce serait top d'avoir la veste en noir mat.", "Ce serait top d'avoir une application pour la batterie."),
    ("Estaría genial una versión de Tundra más ligera.", "Estaría genial poder reservar una prueba online."),
    (
        "Why not offer a trade-in for old batteries?",
        "A rental option for the Fjordrunner Cargo before buying would be great.",
    ),
    (
        "Please make the Brise Wind Shirt in a darker colour.",
        "A rental option for the Brise shirt before buying would be great.",
    ),
)


@pytest.mark.parametrize(("a", "b"), SAME)
def test_restatements_of_one_wish_are_the_same_idea(a: str, b: str) -> None:
    assert similarity(a, b) >= SAME_IDEA


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_wishes_are_different_ideas(a: str, b: str) -> None:
    assert similarity(a, b) < SAME_IDEA


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "Idea for @nordlicht: a bottle-cage mount on the cargo bike. Would buy it immediately.",
            "A bottle-cage mount on the cargo bike",
        ),
        (
            "Suggestion: let us book test rides online for the Köln store.",
            "Let us book test rides online for the Köln store",
        ),
        (
            "@nordlicht please add a dark mode to the app! It hurts my eyes at night. #nordlicht #app",
            "Please add a dark mode to the app!",
        ),
        (
            "Hi team,\nA rental option for the Aurora would be great.\n\n> On Monday you wrote:\n> thanks",
            "A rental option for the Aurora would be great",
        ),
        ("Vorschlag: Akku-Leihgeräte in jeder Filiale. Danke!", "Akku-Leihgeräte in jeder Filiale"),
        ("   ", "Untitled idea"),
    ],
)
def test_the_title_is_a_short_cleaned_first_sentence(text: str, title: str) -> None:
    assert title_of(text) == title


def test_a_long_first_sentence_is_cut_at_a_word() -> None:
    title = title_of("please " + "make the handlebar bag waterproof and bigger " * 5)
    assert len(title) <= 90 and title.endswith("…") and title.startswith("Please make the handlebar")
    assert " …" not in title


def test_cleaning_drops_links_handles_and_trailing_hashtags() -> None:
    assert clean("@nordlicht_gear I love #ebikes, see https://x.example/a #nordlicht #outdoor") == "I love ebikes, see"


def test_the_index_finds_the_closest_idea_or_none() -> None:
    index = IdeaIndex.build([(1, "A rental option for the Aurora before buying"), (2, "Dark mode for the app")])
    assert index.best("Please add a dark mode to the app")[0] == 2
    assert index.best("Could you rent out the Aurora before I buy it? A rental option would help")[0] == 1
    idea, score = index.best("The motor grinds on every climb")
    assert idea is None and score < SAME_IDEA
    assert IdeaIndex().best("anything") == (None, 0.0)
