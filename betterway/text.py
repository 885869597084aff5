"""Plain-text hygiene shared by every input path."""

from __future__ import annotations

import re

# C0 control characters and DEL, except tab, line feed and carriage return.
# They cannot be typed, break XML (feeds) and would be mistaken for the
# markers search uses to highlight words.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_control_characters(text: str) -> str:
    return _CONTROL.sub("", text)
