"""Building the editor form with the writer's own choices, and keeping unsaved writing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.dates import uk_date
from learnset.reflections import drafts, linkable
from learnset.reflections.forms import (
    FORM_CLASSES,
    MAX_TITLE,
    ReflectionForm,
    has_writing,
    id_choices,
    parts_in,
    same_fields,
    saved_fields,
    structure_in,
    with_structure,
)
from learnset.reflections.models import Reflection, ReflectionDraft, Visibility
from learnset.reflections.rescue import Target
from learnset.reflections.structures import (
    DEFAULT_STRUCTURE,
    STRUCTURES,
    Structure,
    convert_parts,
    structure_named,
)


@dataclass
class Editor:
    form: ReflectionForm
    capability_groups: list[tuple[linkable.Named, list[linkable.Named]]]
    cohort_names: dict[int, str]


def build(
    db: Session,
    user: User,
    structure: str | None,
    formdata: Any,
    today: date,
    reflection: Reflection | None = None,
    about_challenge: str | None = None,
    suggested_title: str | None = None,
    suggested_capabilities: list[str] | None = None,
) -> Editor:
    """The editor for a structure, its choices limited to what this writer may link to."""
    form_class = FORM_CLASSES[structure_named(structure).name]
    form = form_class(formdata=formdata, today=today)
    form.structure.data = form.structure_spec.name

    cohort_names = linkable.participant_cohort_names(db, user)
    if reflection is not None and reflection.cohort_id not in (None, *cohort_names):
        left = reflection.cohort  # a set the writer has left: loaded only then
        assert left is not None
        cohort_names[left.id] = f"{left.name} (you are no longer taking part)"
    if cohort_names:
        form.cohort.choices = id_choices(cohort_names.items())
        if not form.cohort.data and len(cohort_names) == 1:
            form.cohort.data = str(next(iter(cohort_names)))
    else:
        del form.cohort

    several = len(cohort_names) > 1
    meetings = linkable.linkable_meetings(db, user, reflection.meeting_id if reflection else None)
    form.meeting.choices = id_choices(
        [
            (
                meeting.id,
                (f"{meeting.cohort_name}: " if several else "")
                + f"Session {meeting.number}"
                + (f": {meeting.title}" if meeting.title else "")
                + f" ({uk_date(meeting.starts_at)})",
            )
            for meeting in meetings
        ],
        empty="Not linked to a session",
    )
    items = linkable.linkable_items(db, reflection.content_item_id if reflection else None)
    form.content_item.choices = id_choices(
        [(item.id, f"{item.kind.capitalize()}: {item.title}") for item in items],
        empty="Not linked to a library item",
    )
    challenges = linkable.linkable_challenges(
        db, user, reflection.challenge_id if reflection else None
    )
    form.challenge.choices = id_choices(
        [
            (challenge.id, (f"{challenge.cohort_name}: " if several else "") + challenge.title)
            for challenge in challenges
        ],
        empty="Not about one of your live challenges",
    )
    # "Write a reflection about this challenge": a new, empty editor starts linked to it.
    suggested = next((c for c in challenges if str(c.id) == about_challenge), None)
    if formdata is None and reflection is None and suggested is not None:
        form.challenge.data = str(suggested.id)
        if "cohort" in form._fields:
            form.cohort.data = str(suggested.cohort_id)
    groups = linkable.capability_groups(
        db, [capability.id for capability in reflection.capabilities] if reflection else None
    )
    form.capabilities.choices = id_choices(
        [(capability.id, capability.name) for _domain, group in groups for capability in group]
    )
    # "Add a reflection on this report" (feedback from colleagues): a new editor starts with a
    # title and the capabilities it was about, which the writer can change.
    if formdata is None and reflection is None:
        if suggested_title:
            form.title.data = suggested_title.strip()[:MAX_TITLE]
        offered = {str(capability.id) for _domain, group in groups for capability in group}
        chosen = [value for value in suggested_capabilities or [] if value in offered]
        if chosen:
            form.capabilities.data = chosen
    return Editor(form, groups, cohort_names)


def capability_checkboxes(
    groups: list[tuple[linkable.Named, list[linkable.Named]]], chosen: list[str] | None
) -> list[tuple[linkable.Named, list[dict[str, Any]]]]:
    """Each domain with its capabilities as the NHS.UK checkboxes' items, the chosen ones
    ticked."""
    ticked = set(chosen or [])
    return [
        (
            domain,
            [
                {
                    "value": str(capability.id),
                    "text": capability.name,
                    "checked": str(capability.id) in ticked,
                }
                for capability in group
            ],
        )
        for domain, group in groups
    ]


def keep_draft(
    db: Session,
    user: User,
    target: Target,
    data: dict[str, list[str]],
    now: datetime,
    reflection: Reflection | None = None,
) -> ReflectionDraft | None:
    """Keep unsaved writing unless there is nothing to keep; None when nothing was kept."""
    if reflection is not None:
        existing = drafts.draft_for_reflection(db, reflection)
        if same_fields(data, saved_fields(reflection)):
            # Back to what is saved: an "unsaved changes" banner would only confuse.
            if existing is not None:
                drafts.discard_draft(db, existing)
            return None
        return drafts.save_draft(db, user, data, now, reflection=reflection)
    assert target.draft_key is not None
    existing = drafts.draft_for_key(db, user, target.draft_key)
    if existing is None and not has_writing(data):
        return None
    return drafts.save_draft(db, user, data, now, key=target.draft_key)


def restructured(data: dict[str, list[str]]) -> tuple[dict[str, list[str]], Structure]:
    """The editor's fields moved to the other structure, with every word kept."""
    source = structure_in(data) or DEFAULT_STRUCTURE
    destination = next(name for name in STRUCTURES if name != source)
    parts = convert_parts(parts_in(data, source), source, destination)
    return with_structure(data, parts, destination), STRUCTURES[destination]


@dataclass(frozen=True)
class KeptRow:
    """One field of kept text beside what the form holds now."""

    label: str
    kept: str
    now: str


def _first(data: dict[str, list[str]], name: str) -> str:
    return ((data.get(name) or [""])[0] or "").replace("\r\n", "\n")


def _words(data: dict[str, list[str]]) -> dict[str, tuple[str, str]]:
    """Field name to (label, value as a person reads it), in the editor's order."""
    day, month, year = (_first(data, f"experienced_on-{part}") for part in ("day", "month", "year"))
    minutes = _first(data, "cpd_minutes").strip()
    visibility = _first(data, "visibility")
    words = {
        "title": ("Title", _first(data, "title")),
        "experienced_on": (
            "Date of the experience",
            "/".join(part.strip() for part in (day, month, year))
            if (day + month + year).strip()
            else "",
        ),
    }
    for spec in structure_named(structure_in(data)).parts:
        words[f"part_{spec.key}"] = (spec.label, _first(data, f"part_{spec.key}"))
    words["cpd_minutes"] = ("CPD time", f"{minutes} minutes" if minutes else "")
    words["visibility"] = (
        "Who can read it",
        next((v.label for v in Visibility if v == visibility), ""),
    )
    return words


def readable(data: dict[str, list[str]]) -> list[tuple[str, str]]:
    """The words of posted editor fields, labelled as the editor labels them, for copying."""
    return [(label, value) for label, value in _words(data).values() if value.strip()]


def compare(kept: dict[str, list[str]], current: dict[str, list[str]]) -> list[KeptRow]:
    """Each field where kept text and the form differ, kept text's fields first."""
    kept_words, current_words = _words(kept), _words(current)
    rows = []
    for name in [*kept_words, *(name for name in current_words if name not in kept_words)]:
        label = (kept_words.get(name) or current_words[name])[0]
        kept_value = kept_words[name][1] if name in kept_words else ""
        now_value = current_words[name][1] if name in current_words else ""
        if kept_value.strip() != now_value.strip():
            rows.append(KeptRow(label, kept_value, now_value))
    return rows
