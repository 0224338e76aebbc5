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
