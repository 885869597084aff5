"""Turning a pasted or imported note into meeting details and discussion points.

Cell notes have a recognisable shape: a header line such as
``Note of Better Way cell discussion, 2nd cell, 29 November 2017``, then
paragraphs separated by blank lines, the first often saying
``The topic of discussion was X and it was introduced by Y``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

# No pattern here may backtrack on what is pasted: each lazy group is followed
# by a literal or a single-character test, and the text they see is bounded
# (a header is one short line, the topic is in the first sentences).
_HEADER = re.compile(
    r"Note of (?P<network>.+?) cell discussion,\s*(?P<cell>.+?),\s*(?P<date>.+)",
    re.IGNORECASE,
)
_HEADER_MAX = 300
_TOPIC = re.compile(
    r"\s*The topic of (?:the )?discussion was (?P<topic>.+?),? and it was introduced by "
    r"(?P<introducer>[^,.;]+?)(?=\s(?:who|which|and|,)\b|[,.;]|$)",
    re.IGNORECASE | re.DOTALL,
)
_TOPIC_MAX = 1000
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# A Markdown list item: "- ", "* ", "+ ", "1. " or "1) ", possibly indented.
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\S")
_ORDINAL = re.compile(r"(\d)(st|nd|rd|th)\b", re.IGNORECASE)
_DATE_FORMATS = ["%d %B %Y", "%d %b %Y", "%Y-%m-%d", "%d/%m/%Y", "%B %d %Y", "%d.%m.%Y"]


@dataclass
class ParsedNote:
    """What a pasted note tells us; missing parts stay empty."""

    points: list[str] = field(default_factory=list)
    network: str = ""
    cell_name: str = ""
    date: datetime.date | None = None
    topic: str = ""
    introduced_by: str = ""


def parse_date(text: str) -> datetime.date | None:
    """“29 November 2017”, “29th Nov 2017”, “2017-11-29” or “29/11/2017”."""
    cleaned = _ORDINAL.sub(r"\1", text.strip().rstrip("."))
    cleaned = re.sub(r"[,\s]+", " ", cleaned)
    for pattern in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    return None


def split_points(text: str) -> list[str]:
    """Paragraphs at blank lines, each tidied: single line breaks inside are kept.

    A list stays with the paragraph before it ("Actions agreed:" and its items
    are one point), whether or not a blank line separates them.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    points: list[str] = []
    for paragraph in (_tidy(part) for part in _PARAGRAPH_BREAK.split(text)):
        if not paragraph:
            continue
        if points and _is_list(paragraph):
            points[-1] += "\n" + paragraph
        else:
            points.append(paragraph)
    return points


def _is_list(paragraph: str) -> bool:
    return all(_LIST_ITEM.match(line) for line in paragraph.split("\n"))


def _tidy(paragraph: str) -> str:
    lines = [_tidy_line(line) for line in paragraph.split("\n")]
    return "\n".join(line for line in lines if line)


def _tidy_line(line: str) -> str:
    text = re.sub(r"[ \t]+", " ", line).strip()
    # A nested list item keeps its indent (two spaces a level), or it would flatten.
    indent = len(line) - len(line.lstrip(" \t")) if _LIST_ITEM.match(line) else 0
    return " " * min(indent, 8) + text if text else ""


def parse_note(text: str) -> ParsedNote:
    parsed = ParsedNote(points=split_points(text))
    if parsed.points:
        first_line, _, rest = parsed.points[0].partition("\n")
        first_line = first_line.strip()
        header = _HEADER.fullmatch(first_line) if len(first_line) <= _HEADER_MAX else None
        if header:
            parsed.network = header["network"].strip()
            parsed.cell_name = header["cell"].strip()
            parsed.date = parse_date(header["date"])
            parsed.points = ([rest.strip()] if rest.strip() else []) + parsed.points[1:]
    if parsed.points:
        topic = _TOPIC.match(parsed.points[0][:_TOPIC_MAX])
        if topic:
            parsed.topic = _sentence_case(topic["topic"].strip())
            parsed.introduced_by = topic["introducer"].strip()
    return parsed


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]
