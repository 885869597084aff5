"""Suggest marking a point as a proposal to the network when its text says so."""

from __future__ import annotations

import re
from dataclasses import dataclass

from notes.actions.models import SUMMARY_MAX

# Words with which cell notes put something to the network. Plain alternatives
# of literal words: the pattern cannot backtrack, whatever the text.
PHRASES = [
    "suggested that we",
    "suggests that we",
    "suggest that we",
    "suggested that the network",
    "suggests that the network",
    "proposed that",
    "proposes that",
    "propose that",
    "proposed a",
    "proposes a",
    "proposed to",
    "proposes to",
    "proposal for the network",
    "proposal to the network",
    "the network should",
    "the network could",
    "we agreed to",
    "agreed that we",
    "recommended that",
    "recommends that",
]
_PATTERN = re.compile(
    r"\b(" + "|".join(phrase.replace(" ", r"\s+") for phrase in PHRASES) + r")\b",
    re.IGNORECASE,
)
# Sentences end at ., ! or ? followed by a space, or at a line break.
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n")
# The first matching phrase is searched for in this much of a point's text.
_SCANNED = 20_000


@dataclass
class ProposalSuggestion:
    words: str  # the words of the text that matched, as written
    sentence: str  # the sentence they are in: a first draft of the summary

    @property
    def reason(self) -> str:
        return f"the text says “{self.words}”"


def suggest_proposal(text: str) -> ProposalSuggestion | None:
    """A suggestion when the text proposes something, with the words that say so."""
    text = text[:_SCANNED]
    match = _PATTERN.search(text)
    if match is None:
        return None
    words = " ".join(match.group(0).split())
    sentence = _sentence_around(text, match.start(), match.end())
    line_end = _SENTENCE_END.search(text, match.end())
    if len(sentence) < len(words) + 10 and line_end is not None:
        # A line that is little more than the words ("Proposal for the network",
        # a heading): what it proposes is in the sentence after it.
        after = line_end.end()
        sentence = _sentence_around(text, after, after) or sentence
    if len(sentence) > SUMMARY_MAX:
        sentence = sentence[: SUMMARY_MAX - 1].rsplit(" ", 1)[0] + "…"
    return ProposalSuggestion(words=words, sentence=sentence)


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence holding ``text[start:end]``, without Markdown marks at its ends."""
    starts = [found.end() for found in _SENTENCE_END.finditer(text, 0, start)]
    begin = starts[-1] if starts else 0
    stop = _SENTENCE_END.search(text, end)
    sentence = text[begin : stop.start() if stop else len(text)]
    return " ".join(sentence.split()).strip(" *_#-")
