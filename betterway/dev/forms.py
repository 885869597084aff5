"""Reading a page's form as a browser would submit it, for load runs without a browser."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._fields = []
        if self._fields is None:
            return
        name = attr.get("name", "")
        if tag == "input" and name and attr.get("type") not in {"submit", "button", "file"}:
            if attr.get("type") in {"checkbox", "radio"} and "checked" not in attr:
                return
            self._fields.append((name, attr.get("value", "on" if "checked" in attr else "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attr:
            self._fields.append((self._select, attr.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._fields is None:
            return
        if tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # A browser drops the line break that follows <textarea>.
            self._fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.forms.append(self._fields)
            self._fields = None


def form_fields(html: str, containing: str) -> list[tuple[str, str]]:
    """The fields of the first form on the page with a field named ``containing``."""
    reader = _FormReader()
    reader.feed(html)
    for fields in reader.forms:
        if any(name == containing for name, _ in fields):
            return fields
    raise ValueError(f"No form with a field named {containing!r} on the page.")
