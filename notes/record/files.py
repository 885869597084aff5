"""Reading uploaded note files (.txt, .md, .docx) into plain text."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings

from betterway.text import strip_control_characters
from notes.record.word import word_to_markdown

MAX_UPLOAD_MB: int = settings.NOTE_FILE_MAX_MB
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
WORD_SUFFIXES = {".docx"}
ACCEPTED = sorted(TEXT_SUFFIXES | WORD_SUFFIXES)


class UnreadableNote(ValueError):
    """The file cannot be read as a note; the message says why, for the user."""


def too_large_message(name: str) -> str:
    return f"“{name}” is larger than {MAX_UPLOAD_MB} MB, too big for one meeting's note."


def read_note_file(name: str, data: bytes) -> str:
    suffix = PurePath(name).suffix.lower()
    if suffix not in TEXT_SUFFIXES | WORD_SUFFIXES:
        raise UnreadableNote(f"“{name}” is not a note file: upload a .txt, .md or .docx file.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UnreadableNote(too_large_message(name))
    text = _read_word(name, data) if suffix in WORD_SUFFIXES else _read_text(name, data)
    text = strip_control_characters(text)
    if not text.strip():
        raise UnreadableNote(f"“{name}” has no text in it.")
    return text


def _read_text(name: str, data: bytes) -> str:
    if b"\x00" in data:
        raise UnreadableNote(f"“{name}” is not a text file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Notes saved from older Windows editors.
        return data.decode("cp1252", errors="replace")


def _read_word(name: str, data: bytes) -> str:
    try:
        return word_to_markdown(data)
    except ValueError as error:
        raise UnreadableNote(f"“{name}” could not be read as a Word document.") from error
