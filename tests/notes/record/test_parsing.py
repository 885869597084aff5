"""Reading notes: splitting into points, the header line, the topic sentence, files."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import docx
import pytest

from notes.record.files import UnreadableNote, read_note_file
from notes.record.parsing import parse_date, parse_note, split_points

# A note in the shape cells write them, written for these tests.
NOTE = """Note of Better Way cell discussion, 5th cell, 3rd March 2019


The topic of discussion was listening to residents and it was introduced by Dana Whitfield \
who said that councils hear complaints but rarely ask questions.

One example was a housing team that spent a week knocking on doors.  It found that  repairs \
mattered less than being kept informed.

The group suggested that the network shares door-knocking guides.
"""


def test_a_note_splits_into_one_point_per_paragraph() -> None:
    parsed = parse_note(NOTE)
    assert len(parsed.points) == 3
    assert parsed.points[0].startswith("The topic of discussion was listening")
    # Runs of spaces inside a paragraph are tidied.
    assert "week knocking on doors. It found that repairs" in parsed.points[1]
    assert parsed.points[2] == "The group suggested that the network shares door-knocking guides."


def test_the_header_line_gives_network_cell_and_date() -> None:
    parsed = parse_note(NOTE)
    assert parsed.network == "Better Way"
    assert parsed.cell_name == "5th cell"
    assert parsed.date == datetime.date(2019, 3, 3)


def test_the_topic_sentence_gives_topic_and_introducer() -> None:
    parsed = parse_note(NOTE)
    assert parsed.topic == "Listening to residents"
    assert parsed.introduced_by == "Dana Whitfield"


def test_a_note_without_header_or_topic_still_splits() -> None:
    parsed = parse_note("First thought.\n\n\n\nSecond thought,\nover two lines.\n")
    assert parsed.points == ["First thought.", "Second thought,\nover two lines."]
    assert parsed.date is None and parsed.topic == "" and parsed.cell_name == ""


def test_windows_line_endings_and_blank_lines_with_spaces_split_too() -> None:
    assert split_points("One.\r\n \r\nTwo.\r\n\t\r\nThree.") == ["One.", "Two.", "Three."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("29 November 2017", datetime.date(2017, 11, 29)),
        ("29th Nov 2017", datetime.date(2017, 11, 29)),
        ("2017-11-29", datetime.date(2017, 11, 29)),
        ("29/11/2017", datetime.date(2017, 11, 29)),
        ("Wednesday", None),
    ],
)
def test_header_dates_in_common_forms(text: str, expected: datetime.date | None) -> None:
    assert parse_date(text) == expected


def test_text_and_markdown_files_are_read_as_utf8_or_windows_text() -> None:
    assert read_note_file("note.md", "Café culture\n".encode()) == "Café culture\n"
    assert read_note_file("note.txt", "Café".encode("cp1252")) == "Café"
    assert read_note_file("NOTE.TXT", b"\xef\xbb\xbfWith a BOM") == "With a BOM"


def test_word_files_become_paragraphs(tmp_path: Path) -> None:
    document = docx.Document()
    for paragraph in [
        "Note of Better Way cell discussion, 5th cell, 3 March 2019",
        "",
        "First point.",
        "Second point.",
    ]:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    text = read_note_file("note.docx", buffer.getvalue())
    parsed = parse_note(text)
    assert parsed.date == datetime.date(2019, 3, 3)
    assert parsed.points == ["First point.", "Second point."]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("note.pdf", b"%PDF-1.4", "upload a .txt, .md or .docx file"),
        ("note.docx", b"not a zip at all", "could not be read as a Word document"),
        ("note.txt", b"\x00\x01\x02binary", "is not a text file"),
        ("note.txt", b"   \n\n  ", "has no text in it"),
        ("note.txt", b"x" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(name: str, data: bytes, message: str) -> None:
    with pytest.raises(UnreadableNote, match=message):
        read_note_file(name, data)


def test_control_characters_in_uploads_are_dropped() -> None:
    data = b"Bell\x07 and marker\x02 words\x03\twith a tab\r\nand a new line"
    assert read_note_file("note.txt", data) == "Bell and marker words\twith a tab\r\nand a new line"


def test_a_list_stays_with_the_paragraph_before_it() -> None:
    text = (
        "Actions agreed:\n\n- call the library\n  - nested\n- write it up\n\n"
        "Next point.\n\n1. a\n2. b"
    )
    assert split_points(text) == [
        "Actions agreed:\n- call the library\n  - nested\n- write it up",
        "Next point.\n1. a\n2. b",
    ]
    assert split_points("- a list on its own\n- first") == ["- a list on its own\n- first"]


def test_a_word_note_keeps_lists_bold_italics_and_links() -> None:
    import io

    from notes.record.files import read_note_file

    document = docx.Document()
    document.add_paragraph("Note of Better Way cell discussion, Northern cell, 3 March 2019")
    first = document.add_paragraph("We agreed ")
    first.add_run("three").bold = True
    first.add_run(" things, ")
    first.add_run("quickly").italic = True
    document.add_paragraph("Actions:")
    document.add_paragraph("call the library", style="List Bullet")
    document.add_paragraph("write it up", style="List Bullet")
    document.add_paragraph("A last point.")
    data = io.BytesIO()
    document.save(data)
    text = read_note_file("note.docx", data.getvalue())
    parsed = parse_note(text)
    assert parsed.date is not None and parsed.date.isoformat() == "2019-03-03"
    assert parsed.points == [
        "We agreed **three** things, *quickly*",
        "Actions:\n- call the library\n- write it up",
        "A last point.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Note of Better Way cell discussion, 2nd cell, 3 March 2019" + "\u2000" * 120_000 + "x",
        "Note of " + "a cell discussion, " * 20_000,
        "The topic of discussion was trust and it was introduced by Ann" + " " * 120_000 + "x",
        "The topic of discussion was " + "x and it was introduced by " * 20_000,
    ],
)
def test_hostile_first_lines_are_read_in_linear_time(text: str) -> None:
    # With a backtracking pattern each of these took minutes; now they are
    # simply not a header or topic sentence (too long to be one).
    parsed = parse_note(text)
    assert parsed.points and not parsed.network


def test_a_header_with_trailing_spaces_is_still_read() -> None:
    parsed = parse_note("Note of Better Way cell discussion, 2nd cell, 3 March 2019   \n\nPoint.")
    assert (parsed.cell_name, parsed.date) == ("2nd cell", datetime.date(2019, 3, 3))
