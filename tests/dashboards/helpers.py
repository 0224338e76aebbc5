"""Reading a dashboard page as a person would: its tables by caption, cell text as shown."""

from __future__ import annotations

import re
from html.parser import HTMLParser

SUPPRESSED = "Fewer than 3 responses"
HIDDEN = "Not shown"


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: list[str] | None = None
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._name = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._rows, self._name = [], ""
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._caption is not None:
            self._name = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None and self._rows is not None:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._rows is not None:
            self.tables[self._name] = [row for row in self._rows if row]
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._caption is not None:
            self._caption.append(data)
        elif self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    """Every table on the page by its caption, each a list of rows of cell text (headers too)."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables


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
