"""Word (.docx) notes as Markdown, through mammoth's clean HTML.

mammoth keeps what facilitators use (paragraphs, headings, bulleted and
numbered lists, bold, italics, links) and drops the rest (styles, fonts). Its
HTML is turned into the Markdown the editor holds: a paragraph per block,
list items as "- " or "1. " lines, **bold**, *italics* and [links](…).
"""

from __future__ import annotations

import io
from html.parser import HTMLParser

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


def word_to_markdown(data: bytes) -> str:
    """The document's text as Markdown; ValueError when it is not a Word document."""
    import mammoth  # imported here: only uploads of Word files need it

    try:
        result = mammoth.convert_to_html(io.BytesIO(data))
    except Exception as error:  # a damaged zip or XML: mammoth raises many kinds
        raise ValueError("not a Word document") from error
    parser = _ToMarkdown()
    parser.feed(result.value)
    parser.close()
    return parser.markdown()
