"""Which texts the editor suggests marking as a proposal to the network, and why."""

from __future__ import annotations

import pytest

from notes.actions.suggestions import suggest_proposal


@pytest.mark.parametrize(
    ("text", "words", "sentence"),
    [
        (
            "We met online. The group suggested that we further develop it in the network.",
            "suggested that we",
            "The group suggested that we further develop it in the network",
        ),
        (
            "Ana PROPOSED THAT cells swap notes",
            "PROPOSED THAT",
            "Ana PROPOSED THAT cells swap notes",
        ),
        ("First line\nThe network should\nfund a hub!", "The network should", "fund a hub"),
        (
            "In the end we agreed to write to the council. Then tea.",
            "we agreed to",
            "In the end we agreed to write to the council",
        ),
        ("- **We agreed to** meet again", "We agreed to", "We agreed to** meet again"),
    ],
)
def test_proposal_phrases_are_found_with_their_sentence(
    text: str, words: str, sentence: str
) -> None:
    found = suggest_proposal(text)
    assert found is not None
    assert found.words == words
    assert found.sentence == sentence
    assert found.reason == f"the text says “{words}”"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "We discussed leadership in places.",
        "The proposal was interesting but nobody suggested anything.",
        "Suggested thatwe",  # not the words
        "the networks shouldn't",  # another word
    ],
)
def test_texts_that_propose_nothing_get_no_suggestion(text: str) -> None:
    assert suggest_proposal(text) is None


def test_a_long_sentence_is_cut_to_a_summary_line() -> None:
    found = suggest_proposal("We proposed that " + "very " * 100 + "much.")
    assert found is not None
    assert len(found.sentence) <= 200 and found.sentence.endswith("…")


def test_a_huge_text_without_full_stops_is_quick_to_scan() -> None:
    # Literal alternatives only: no backtracking, and only the start is scanned.
    found = suggest_proposal("word " * 500_000 + "we agreed to")
    assert found is None  # beyond the scanned prefix


def test_a_heading_that_only_announces_a_proposal_gives_the_next_sentence() -> None:
    found = suggest_proposal("Proposal for the network:\nThe cell proposes a shared guide. More.")
    assert found is not None
    assert found.words == "Proposal for the network"
    assert found.sentence == "The cell proposes a shared guide"
