"""Reading a CSV of people to invite: any bytes in, rows or one plain reason out.

No database and no Flask: what a file says, not what it will become (that is bulk.py's job).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from learnset.errors import DomainError

MAX_BYTES = 512 * 1024
MAX_ROWS = 1000
# The headings, in the order the template uses, with the other words people write for them.
COLUMNS = ("name", "email", "role", "learning set")
ALIASES = {
    "name": "name",
    "full name": "name",
    "email": "email",
    "email address": "email",
    "e-mail": "email",
    "role": "role",
    "learning set": "learning set",
    "set": "learning set",
}
SAVE_AS = "Save it from your spreadsheet as CSV (comma delimited) and upload it again"


class CsvProblem(DomainError):
    """The file as a whole cannot be read; the message says why, beside the upload field."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


@dataclass(frozen=True)
class CsvRow:
    """One person's row as typed: its line in the file (the headings are line 1) and its cells."""

    line: int
    name: str
    email: str
    role: str
    learning_set: str

    def cells(self) -> list[int | str]:
        return [self.line, self.name, self.email, self.role, self.learning_set]

    @classmethod
    def from_cells(cls, cells: list[int | str]) -> CsvRow:
        line, name, email, role, learning_set = cells
        return cls(int(line), str(name), str(email), str(role), str(learning_set))


def decode(data: bytes) -> str:
    """UTF-8 (with or without the byte order mark Excel adds), else Excel's Windows-1252."""
    if b"\x00" in data:
        # UTF-16, a spreadsheet's own format or a binary file: none of them is a CSV we read.
        raise CsvProblem(f"The file is not a CSV file. {SAVE_AS}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise CsvProblem(f"The file has characters we cannot read. {SAVE_AS}") from None


def heading(cell: str) -> str:
    """A heading as the template spells it: case, spaces and underscores do not matter."""
    words = " ".join(cell.replace("_", " ").split()).lower()
    return ALIASES.get(words, words)


def delimiter(text: str) -> str:
    """A comma, unless the headings are split by semicolons only, as Excel writes CSV where a
    comma is the decimal mark."""
    first = text.lstrip().partition("\n")[0]
    return ";" if ";" in first and "," not in first else ","


def read_rows(data: bytes) -> list[CsvRow]:
    """The people in a CSV file, blank lines left out, or CsvProblem saying what is wrong."""
    if not data.strip():
        raise CsvProblem("The file is empty")
    if len(data) > MAX_BYTES:
        raise CsvProblem(f"The file must be {MAX_BYTES // 1024} KB or smaller")
    text = decode(data)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text)))
    except csv.Error:
        raise CsvProblem(f"The file is not a CSV file we can read. {SAVE_AS}") from None
    lines = [
        (number, cells) for number, cells in enumerate(records, 1) if any(c.strip() for c in cells)
    ]
    if not lines:
        raise CsvProblem("The file is empty")
    places: dict[str, int] = {}
    for index, title in enumerate(lines[0][1]):
        places.setdefault(heading(title), index)
    missing = [column for column in COLUMNS if column not in places]
    if missing:
        raise CsvProblem(
            "The first row must be the headings name, email, role and learning set. "
            f"Missing: {', '.join(missing)}"
        )
    people = lines[1:]
    if not people:
        raise CsvProblem("The file has headings but nobody to invite under them")
    if len(people) > MAX_ROWS:
        raise CsvProblem(
            f"The file has {len(people):,} rows of people. Upload at most {MAX_ROWS:,} at a time"
        )

    def cell(cells: list[str], column: str) -> str:
        index = places[column]
        return cells[index].strip() if index < len(cells) else ""

    return [
        CsvRow(number, *(cell(cells, column) for column in COLUMNS)) for number, cells in people
    ]


def template_csv(example_set: str) -> bytes:
    """The template to download: the headings and one example row, with a byte order mark so
    that Excel opens names with accents as they were written."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow(["Amara Okafor", "amara.okafor@example.org", "participant", example_set])
    return out.getvalue().encode("utf-8-sig")
