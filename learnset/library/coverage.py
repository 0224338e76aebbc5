"""content/coverage.md: every idea in the source documents, the items that carry it, a status.

The file is for people (it is the programme team's map of what the library covers), but the
sync reads its tables so that it never names an item that does not exist: a renamed or
removed item shows up as a broken line here rather than as a silent gap.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from learnset.content import Problem, read_source

COVERAGE_FILE = "coverage.md"
STATUSES = ("covered", "partial", "missing")
# The columns every coverage table has, in this order (more may follow).
COLUMNS = ("idea", "source", "items", "status")
ITEM_NAME = re.compile(r"`([^`]*)`")
# The file's summary line, checked against its tables.
COUNTS = re.compile(
    r"^Counted: (?P<ideas>\d+) ideas, (?P<covered>\d+) covered, (?P<partial>\d+) partial, "
    r"(?P<missing>\d+) missing\.?\s*$",
    re.M,
)


@dataclass(frozen=True)
class Idea:
    idea: str
    source: str
    items: list[str]
    status: str
    line: int


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _is_rule(line: str) -> bool:
    return bool(re.fullmatch(r"\|?[\s:|-]+\|?", line.strip())) and "-" in line


def read_coverage(text: str, path: str, problems: list[Problem]) -> list[Idea]:
    """The rows of every table whose header starts Idea | Source | Items | Status."""
    ideas: list[Idea] = []
    in_table = False
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip().startswith("|"):
            in_table = False
            continue
        cells = _cells(line)
        if [cell.lower() for cell in cells[: len(COLUMNS)]] == list(COLUMNS):
            in_table = True
            continue
        if not in_table or _is_rule(line):
            continue
        where = f"line {number}"
        if len(cells) < len(COLUMNS):
            problems.append(
                Problem(path, f"{where}: a row needs an idea, source, items and status")
            )
            continue
        idea, source, items_cell, status = cells[: len(COLUMNS)]
        status = status.strip("*_ ").lower()
        items = ITEM_NAME.findall(items_cell)
        if not idea:
            problems.append(Problem(path, f"{where}: the idea is empty"))
        if status not in STATUSES:
            problems.append(
                Problem(path, f"{where}: the status must be {', '.join(STATUSES)}, not '{status}'")
            )
        elif status != "missing" and not items:
            problems.append(
                Problem(
                    path,
                    f"{where}: an idea that is {status} must name the items that "
                    "carry it, each in backticks",
                )
            )
        ideas.append(Idea(idea, source, items, status, number))
    return ideas


def check_coverage(root: Path, slugs: set[str], problems: list[Problem]) -> list[Idea]:
    """Note a problem for every item the coverage file names that the library does not hold.
    A content folder without the file (a test's, say) has nothing to check."""
    path = root / COVERAGE_FILE
    if not path.is_file():
        return []
    source = read_source(root, path, problems)
    if source is None:
        return []
    ideas = read_coverage(source.text, source.path, problems)
    if not ideas:
        problems.append(
            Problem(
                source.path, "there is no table with the columns Idea | Source | Items | Status"
            )
        )
    check_counts(source.text, source.path, ideas, problems)
    for idea in ideas:
        for slug in idea.items:
            if slug not in slugs:
                problems.append(
                    Problem(
                        source.path,
                        f"line {idea.line}: names the item '{slug}', which is not in the library",
                    )
                )
    return ideas


def check_counts(text: str, path: str, ideas: list[Idea], problems: list[Problem]) -> None:
    """The 'Counted: ...' line, where there is one, must agree with the rows."""
    match = COUNTS.search(text)
    if match is None:
        return
    counts = tally(ideas)
    actual = {"ideas": len(ideas), **{status: counts[status] for status in STATUSES}}
    stated = {key: int(value) for key, value in match.groupdict().items()}
    if stated != actual:
        problems.append(
            Problem(
                path,
                f"the counts say {_said(stated)} but the tables hold {_said(actual)}",
            )
        )


def _said(counts: dict[str, int]) -> str:
    return (
        f"{counts['ideas']} ideas, {counts['covered']} covered, {counts['partial']} partial, "
        f"{counts['missing']} missing"
    )


def tally(ideas: list[Idea]) -> Counter[str]:
    """How many ideas are covered, partial and missing."""
    return Counter(idea.status for idea in ideas)
