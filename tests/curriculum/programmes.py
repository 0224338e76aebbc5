"""A small programme written into the test content folder (tests/content.py), for the sync
tests to change and break, and for the pages and the "create sessions" tests to use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

AIMS = [
    {"slug": "conversations", "text": "Hold conversations that connect people."},
    {"slug": "supported", "text": "Feel supported and connected."},
]

# The "create sessions from a programme" form for the programme make_programme writes.
CREATE_SESSIONS = {
    "programme": "the-year",
    "first_day-day": "9",
    "first_day-month": "3",
    "first_day-year": "2032",
    "starts": "10:00",
    "action": "create",
}


def programme_data(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "slug": "year",
        "title": "The year",
        "summary": "Two sessions for the tests.",
        "position": 1,
        "session_minutes": 120,
        "aims": AIMS,
    }
    values.update(overrides)
    return values


def session_front(number: int, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "number": number,
        "title": f"Month {number}",
        "aims": [
            {
                "text": f"What month {number} is for.",
                "aim": "conversations",
                "capabilities": ["listening"],
            }
        ],
        "running_order": [
            {"minutes": 15, "activity": "Check-in"},
            {"minutes": 20, "activity": "Lenses", "item": "lenses"},
            {"minutes": 30, "activity": "Listening in pairs", "item": "paired-listening"},
            {"minutes": 55, "activity": "Live challenges"},
        ],
        "prepare": f"Something to bring to month {number}.",
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


def write_session(
    root: Path,
    number: int,
    notes: str = "Notes for tutors only.",
    folder: str = "year",
    **overrides: Any,
) -> Path:
    path = root / "programme" / folder / f"{number:02d}-month.md"
    front = yaml.safe_dump(session_front(number, **overrides), sort_keys=False)
    path.write_text(f"---\n{front}---\n{notes}\n")
    return path


def write_programme(root: Path, sessions: int = 2, **overrides: Any) -> Path:
    folder = root / "programme" / overrides.get("slug", "year")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "programme.yaml").write_text(
        yaml.safe_dump(programme_data(**overrides), sort_keys=False)
    )
    for number in range(1, sessions + 1):
        write_session(root, number, folder=folder.name)
    return folder


def make_programme(db: Any, sessions: int = 3, **overrides: Any) -> Any:
    """A programme straight into the database (no files): `sessions` months of 180 minutes,
    each using two new library items."""
    from learnset.curriculum.models import Programme, ProgrammeSession, ProgrammeStep
    from tests import factories

    values: dict[str, Any] = {
        "slug": "the-year",
        "title": "The year",
        "summary": "A year of sessions.",
        "position": 1,
        "session_minutes": 180,
        "aims": AIMS,
    }
    values.update(overrides)
    programme = Programme(**values)
    for number in range(1, sessions + 1):
        theory = factories.make_content_item(db, title=f"Theory for month {number}")
        exercise = factories.make_content_item(
            db, kind="exercise", title=f"Exercise for month {number}", minutes=45
        )
        programme.sessions.append(
            ProgrammeSession(
                number=number,
                title=f"Month {number} theme",
                minutes=180,
                aims=[{"text": f"Aim of month {number}", "aim": "supported", "capabilities": []}],
                preparation=f"Bring something to month {number}.",
                facilitator_notes=f"Tutors only: how to run month {number}.",
                steps=[
                    ProgrammeStep(position=1, minutes=15, activity="Check-in"),
                    ProgrammeStep(position=2, minutes=25, activity="Theory", content_item=theory),
                    ProgrammeStep(
                        position=3, minutes=45, activity="Exercise", content_item=exercise
                    ),
                    ProgrammeStep(position=4, minutes=95, activity="Live challenges and close"),
                ],
            )
        )
    db.add(programme)
    db.flush()
    return programme
