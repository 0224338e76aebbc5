"""Reading a dashboard's figures as the page shows them (its tables: tests/helpers.py)."""

from __future__ import annotations

import re

SUPPRESSED = "Fewer than 3 responses"
HIDDEN = "Not shown"


def shown(text: str) -> float | None:
    """A figure as the page shows it, as a number: "Up 0.8" is 0.8; suppressed is None."""
    if text == SUPPRESSED:
        return None
    if text == "No change":
        return 0.0
    match = re.fullmatch(r"(Up|Down) ([\d.]+)", text)
    if match:
        return float(match.group(2)) * (-1 if match.group(1) == "Down" else 1)
    return float(text)


def counted(text: str) -> int | None:
    """A count of people as the page shows it: hidden ("Not shown") is None."""
    return None if text == HIDDEN else int(text)
