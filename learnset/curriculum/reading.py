"""Reading and checking content/programme/: each programme is a folder holding programme.yaml
and one Markdown file per session, whose front matter gives its aims, running order and
preparation and whose body is the facilitator notes.

Nothing here touches the database. Every problem names the file and the field.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from learnset.content import (
    Fields,
    Problem,
    SourceFile,
    front_matter_fields,
    parse_yaml,
    read_source,
    used_before,
)

FOLDER = "programme"
PROGRAMME_FIELDS = ("slug", "title", "summary", "position", "session_minutes", "aims")
SESSION_FIELDS = ("number", "title", "minutes", "aims", "running_order", "prepare")
MAX_SLUG, MAX_TITLE, MAX_SUMMARY, MAX_ACTIVITY, MAX_AIM = 120, 200, 500, 300, 400


@dataclass(frozen=True)
class StepSpec:
    minutes: int
    activity: str
    item: str | None


@dataclass(frozen=True)
class SessionSpec:
    number: int
    title: str
    minutes: int
    aims: list[dict[str, Any]]
    steps: list[StepSpec]
    preparation: str
    facilitator_notes: str
    source_path: str


@dataclass(frozen=True)
class ProgrammeSpec:
    slug: str
    title: str
    summary: str
    position: int
    session_minutes: int
    aims: list[dict[str, str]]
    sessions: list[SessionSpec]
    source_path: str
    content_hash: str


def _programme_aims(fields: Fields) -> list[dict[str, str]]:
    raw = fields.data.get("aims")
    if not isinstance(raw, list) or not raw:
        fields.problem("'aims' must list the programme's aims, each with a slug and its words")
        return []
    aims: list[dict[str, str]] = []
    first_use: dict[str, str] = {}
    for number, entry in enumerate(raw, start=1):
        where = f"aim {number}"
        if not isinstance(entry, dict):
            fields.problem(f"{where} must have a 'slug' and a 'text'")
            continue
        aim = Fields(entry, fields.path, fields.problems, where=f"aims: {where}")
        aim.only(("slug", "text"))
        slug, text = aim.slug("slug", MAX_SLUG), aim.text("text", MAX_AIM)
        if used_before(slug, where, first_use):
            aim.problem(f"the aim '{slug}' is listed more than once")
        aims.append({"slug": slug, "text": text})
    return aims


def _session_aims(
    fields: Fields, programme_aims: set[str], capabilities: set[str]
) -> list[dict[str, Any]]:
    raw = fields.data.get("aims")
    if not isinstance(raw, list) or not raw:
        fields.problem("'aims' must list what the session aims at, each mapped to an aim")
        return []
    aims: list[dict[str, Any]] = []
    for number, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            fields.problem(f"aims: aim {number} must have 'text', 'aim' and 'capabilities'")
            continue
        aim = Fields(entry, fields.path, fields.problems, where=f"aims: aim {number}")
        aim.only(("text", "aim", "capabilities"))
        text, slug = aim.text("text", MAX_AIM), aim.slug("aim", MAX_SLUG)
        if slug and slug not in programme_aims:
            aim.problem(
                f"'{slug}' is not one of the programme's aims "
                f"({', '.join(sorted(programme_aims)) or 'none are listed'})"
            )
        named = aim.text_list("capabilities", "capability")
        for capability in named:
            if capability not in capabilities:
                aim.problem(f"unknown capability '{capability}' (it is not in the framework)")
        aims.append({"text": text, "aim": slug, "capabilities": named})
    return aims


def _steps(fields: Fields, item_minutes: dict[str, int]) -> list[StepSpec]:
    raw = fields.data.get("running_order")
    if not isinstance(raw, list) or not raw:
        fields.problem("'running_order' must list the session's parts, each with its minutes")
        return []
    steps: list[StepSpec] = []
    for number, entry in enumerate(raw, start=1):
        where = f"running_order: step {number}"
        if not isinstance(entry, dict):
            fields.problems.append(Problem(fields.path, f"{where} must have minutes and activity"))
            continue
        step = Fields(entry, fields.path, fields.problems, where=where)
        step.only(("minutes", "activity", "item"))
        minutes = step.whole_number("minutes", minimum=1) or 0
        activity = step.text("activity", MAX_ACTIVITY)
        item = None
        if entry.get("item") is not None:
            item = step.slug("item", MAX_SLUG)
            needs = item_minutes.get(item)
            if item and needs is None:
                step.problem(f"'{item}' is not in the library (no item has that slug)")
            elif needs is not None and minutes and needs > minutes:
                step.problem(f"'{item}' takes {needs} minutes but the step gives it only {minutes}")
        steps.append(StepSpec(minutes, activity, item))
    return steps


def session_from_source(
    source: SourceFile,
    programme: dict[str, Any],
    item_minutes: dict[str, int],
    capabilities: set[str],
    problems: list[Problem],
) -> SessionSpec | None:
    """One session's file checked, from its text: by the sync, and by the editor in the app.
    `programme` gives the programme's "session_minutes" and its "aim_slugs"."""
    parts = front_matter_fields(source, SESSION_FIELDS, problems)
    if parts is None:
        return None
    fields, notes = parts
    number = fields.whole_number("number", minimum=1) or 0
    minutes = fields.whole_number("minutes", minimum=1, required=False)
    minutes = minutes or programme["session_minutes"]
    aims = _session_aims(fields, programme["aim_slugs"], capabilities)
    steps = _steps(fields, item_minutes)
    total = sum(step.minutes for step in steps)
    if steps and minutes and total != minutes:
        fields.problem(
            f"running_order: the steps add up to {total} minutes, but the session is "
            f"{minutes} minutes long ({'over' if total > minutes else 'under'} by "
            f"{abs(total - minutes)})"
        )
    items = [step.item for step in steps if step.item]
    for item in sorted({item for item in items if items.count(item) > 1}):
        fields.problem(f"running_order: '{item}' is used in more than one step")
    if not notes:
        fields.problem("there are no facilitator notes after the front matter")
    return SessionSpec(
        number=number,
        title=fields.text("title", MAX_TITLE),
        minutes=minutes,
        aims=aims,
        steps=steps,
        preparation=fields.text("prepare", 4000),
        facilitator_notes=notes,
        source_path=source.path,
    )


def _programme(
    folder: Path,
    root: Path,
    item_minutes: dict[str, int],
    capabilities: set[str],
    problems: list[Problem],
) -> ProgrammeSpec | None:
    path = folder / "programme.yaml"
    relative = path.relative_to(root).as_posix()
    if not path.is_file():
        problems.append(Problem(relative, "the file is missing: every programme folder needs one"))
        return None
    source = read_source(root, path, problems)
    data = parse_yaml(source.text, relative, problems) if source else None
    if source is None or data is None:
        return None
    fields = Fields(data, relative, problems)
    fields.only(PROGRAMME_FIELDS)
    slug = fields.slug("slug", MAX_SLUG)
    if slug and slug != folder.name:
        fields.problem(f"the slug '{slug}' does not match the folder name '{folder.name}'")
    aims = _programme_aims(fields)
    session_minutes = fields.whole_number("session_minutes", minimum=1) or 0
    context = {"session_minutes": session_minutes, "aim_slugs": {a["slug"] for a in aims}}
    digest = hashlib.sha256(source.content_hash.encode())
    sessions = []
    for session_path in sorted(folder.glob("*.md")):
        digest.update(session_path.name.encode() + session_path.read_bytes())
        source_of_session = read_source(root, session_path, problems)
        if source_of_session is None:
            continue
        session = session_from_source(
            source_of_session, context, item_minutes, capabilities, problems
        )
        if session is not None:
            sessions.append(session)
    if not sessions:
        fields.problem("the programme has no sessions (one Markdown file per session)")
    first_use: dict[str, str] = {}
    for session in sessions:
        if earlier := used_before(str(session.number), session.source_path, first_use):
            problems.append(
                Problem(session.source_path, f"'number' {session.number} is also used by {earlier}")
            )
    return ProgrammeSpec(
        slug=slug,
        title=fields.text("title", MAX_TITLE),
        summary=fields.text("summary", MAX_SUMMARY),
        position=fields.whole_number("position", minimum=1) or 0,
        session_minutes=session_minutes,
        aims=aims,
        sessions=sorted(sessions, key=lambda session: session.number),
        source_path=relative,
        content_hash=digest.hexdigest(),
    )


def read_programmes(
    root: Path, item_minutes: dict[str, int], capabilities: set[str], problems: list[Problem]
) -> list[ProgrammeSpec]:
    """Every programme under content/programme/, checked against the library items (by slug,
    with their minutes) and the framework's capabilities. No folder means no programmes."""
    base = root / FOLDER
    if not base.is_dir():
        return []
    programmes = []
    for folder in sorted(path for path in base.iterdir() if path.is_dir()):
        programme = _programme(folder, root, item_minutes, capabilities, problems)
        if programme is not None:
            programmes.append(programme)
    return programmes
