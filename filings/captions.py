"""A table's caption may scale its figures: "(in thousands, except per share data)" makes the row
"Gross proceeds | 12,500" mean $12,500,000. The scale of a table row is that of the nearest caption
above it, within a table's reach."""

from __future__ import annotations

import re

_CAPTION = re.compile(
    r"\(\s*(?:(?:dollars|amounts|\$|us\$)\s+)?in\s+(?P<scale>thousands|millions)\b[^)]{0,60}\)|\((?P<zeros>000)'?s\)",
    re.I,
)
_REACH = 2_000
_SCALES = {"thousands": 1e3, "millions": 1e6}


def scale_at(text: str, position: int) -> float:
    """The factor a caption above `position` gives the figures of its table (1.0 when none does)."""
    window = text[max(0, position - _REACH) : position]
    captions = list(_CAPTION.finditer(window))
    if not captions:
        return 1.0
    found = captions[-1]  # the nearest caption above wins
    if found.group("zeros"):
        return 1e3
    return _SCALES[found.group("scale").lower()]
