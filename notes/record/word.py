"""Word (.docx) notes as Markdown, through mammoth's clean HTML.

mammoth keeps what facilitators use (paragraphs, headings, bulleted and
numbered lists, bold, italics, links) and drops the rest (styles, fonts). Its
HTML is turned into the Markdown the editor holds: a paragraph per block,
list items as "- " or "1. " lines, **bold**, *italics* and [links](…).
"""

from __future__ import annotations

import io
import zipfile
from html.parser import HTMLParser

# A note's .docx holds a few dozen parts and a few MB once unpacked. Limits are
# checked from the zip's directory before anything is unpacked, so a small
# file that unpacks to gigabytes is refused without reading it.
MAX_ENTRIES = 1000
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
_CHUNK = 64 * 1024

_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "table", "tr"}
_INLINE = {"strong": "**", "b": "**", "em": "*", "i": "*"}


class _ToMarkdown(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.lists: list[list[int]] = []  # one counter per open list; -1 for bullets
        self.link: str | None = None

    def _flush(self, prefix: str = "") -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(prefix + text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"ul", "ol"}:
            self._flush()
            self.lists.append([0 if tag == "ol" else -1])
        elif tag in _BLOCKS:
            self._flush()
        elif tag in _INLINE:
            self.current.append(_INLINE[tag])
        elif tag == "a":
            self.link = dict(attrs).get("href") or None
            self.current.append("[" if self.link else "")
        elif tag == "br":
            self.current.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"ul", "ol"} and self.lists:
            self._flush()
            self.lists.pop()
            if not self.lists:
                self.blocks.append("")  # the list ends its paragraph
        elif tag == "li" and self.lists:
            counter = self.lists[-1]
            if counter[0] >= 0:
                counter[0] += 1
            marker = f"{counter[0]}. " if counter[0] >= 0 else "- "
            self._flush("  " * (len(self.lists) - 1) + marker)
        elif tag in _BLOCKS:
            self._flush()
            if not self.lists:
                self.blocks.append("")
        elif tag in _INLINE:
            self.current.append(_INLINE[tag])
        elif tag == "a" and self.link:
            self.current.append(f"]({self.link})")
            self.link = None

    def handle_data(self, data: str) -> None:
        self.current.append(data)

    def markdown(self) -> str:
        self._flush()
        # Blocks are separated by blank lines; a list follows its paragraph directly.
        text = "\n".join(self.blocks)
        return "\n\n".join(part.strip("\n") for part in text.split("\n\n") if part.strip())


def _check_package(data: bytes) -> None:
    """ValueError unless the zip is of a sane size and its XML declares no entities.

    Word never writes a DOCTYPE; one in a part can only be an entity expansion
    ("billion laughs") aimed at the parser.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            entries = package.infolist()
            if len(entries) > MAX_ENTRIES:
                raise ValueError("too many parts")
            if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
                raise ValueError("too large unpacked")
            for entry in entries:
                if entry.filename.endswith((".xml", ".rels")):
                    _check_xml(package, entry)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
        raise ValueError("not a zip file") from error


def _check_xml(package: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    read, tail = 0, b""
    with package.open(entry) as part:
        # The declared sizes can lie: count what unpacking really gives.
        while chunk := part.read(_CHUNK):
            read += len(chunk)
            if read > MAX_UNPACKED_BYTES:
                raise ValueError("too large unpacked")
            if b"<!DOCTYPE" in (tail + chunk).upper():
                raise ValueError("entity declarations")
            tail = chunk[-16:]


def word_to_markdown(data: bytes) -> str:
    """The document's text as Markdown; ValueError when it is not a Word document."""
    import mammoth  # imported here: only uploads of Word files need it

    _check_package(data)
    try:
        result = mammoth.convert_to_html(io.BytesIO(data))
    except Exception as error:  # a damaged zip or XML: mammoth raises many kinds
        raise ValueError("not a Word document") from error
    parser = _ToMarkdown()
    parser.feed(result.value)
    parser.close()
    return parser.markdown()
