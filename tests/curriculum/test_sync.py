"""Programmes in the content sync: loaded, rebuilt when changed, archived when gone, and each
check refusing a broken file with a message naming the file and the field."""

import pytest
from sqlalchemy import func, select

from learnset.content import ContentError
from learnset.curriculum.models import Programme, ProgrammeSession, ProgrammeStep
from learnset.library.sync import sync_content
from tests.content import FIRST, SECOND, snapshot, stored, synced
from tests.curriculum.programmes import write_programme, write_session

SESSION_FILE = "programme/year/01-month.md"


def test_a_programme_is_loaded_with_its_sessions_steps_and_items(db, content):
    write_programme(content)
    report = synced(db, content, FIRST)
    assert report.count("programme", "added") == 1
    assert "Programmes: 1 added." in report.lines()
    programme = stored(db, Programme, "year")
    assert programme.title == "The year"
    assert programme.session_minutes == 120
    assert [aim["slug"] for aim in programme.aims] == ["conversations", "supported"]
    first = programme.sessions[0]
    assert [session.number for session in programme.sessions] == [1, 2]
    assert first.title == "Month 1"
    assert first.facilitator_notes == "Notes for tutors only."
    assert first.preparation == "Something to bring to month 1."
    assert first.aims[0]["aim"] == "conversations"
    assert [step.minutes for step in first.steps] == [15, 20, 30, 55]
    assert [step.content_item.slug if step.content_item else None for step in first.steps] == [
        None,
        "lenses",
        "paired-listening",
        None,
    ]


def test_a_changed_programme_is_rebuilt_and_a_missing_one_archived(db, content):
    folder = write_programme(content)
    synced(db, content, FIRST)
    write_session(content, 2, title="A new title")
    report = synced(db, content, SECOND)
    assert report.count("programme", "updated") == 1
    assert stored(db, Programme, "year").sessions[1].title == "A new title"
    assert db.scalar(select(func.count()).select_from(ProgrammeSession)) == 2
    assert db.scalar(select(func.count()).select_from(ProgrammeStep)) == 8
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    report = synced(db, content, SECOND)
    assert report.count("programme", "archived") == 1
    assert stored(db, Programme, "year").archived_at == SECOND


def _refused(db, content) -> list[str]:
    before = snapshot(db)
    with pytest.raises(ContentError) as refused:
        sync_content(db, content, SECOND)
    db.rollback()
    assert snapshot(db) == before
    return [str(problem) for problem in refused.value.problems]


BROKEN_SESSIONS = {
    "steps longer than the session": (
        {
            "running_order": [
                {"minutes": 15, "activity": "Check-in"},
                {"minutes": 20, "activity": "Lenses", "item": "lenses"},
                {"minutes": 100, "activity": "Live challenges"},
            ]
        },
        "running_order: the steps add up to 135 minutes, but the session is 120 minutes long "
        "(over by 15)",
    ),
    "a step shorter than its item": (
        {
            "running_order": [
                {"minutes": 10, "activity": "Lenses", "item": "lenses"},
                {"minutes": 110, "activity": "Live challenges"},
            ]
        },
        "running_order: step 1: 'lenses' takes 20 minutes but the step gives it only 10",
    ),
    "an unknown library item": (
        {
            "running_order": [
                {"minutes": 60, "activity": "A lost item", "item": "no-such-item"},
                {"minutes": 60, "activity": "Live challenges"},
            ]
        },
        "running_order: step 1: 'no-such-item' is not in the library (no item has that slug)",
    ),
    "an unknown capability": (
        {
            "aims": [
                {"text": "Something.", "aim": "conversations", "capabilities": ["no-such-thing"]}
            ]
        },
        "aims: aim 1: unknown capability 'no-such-thing' (it is not in the framework)",
    ),
    "an aim the programme does not have": (
        {"aims": [{"text": "Something.", "aim": "world-peace", "capabilities": ["listening"]}]},
        "aims: aim 1: 'world-peace' is not one of the programme's aims (conversations, supported)",
    ),
}


@pytest.mark.parametrize("change", BROKEN_SESSIONS.values(), ids=BROKEN_SESSIONS.keys())
def test_a_broken_session_is_refused_naming_its_file_and_field(db, content, change):
    fields, problem = change
    write_programme(content)
    synced(db, content, FIRST)
    write_session(content, 1, **fields)
    assert _refused(db, content) == [f"{SESSION_FILE}: {problem}"]


def test_an_item_whose_file_has_gone_is_missing_for_programmes_too(db, content):
    write_programme(content)
    synced(db, content, FIRST)
    (content / "theory" / "lenses.md").unlink()
    gone = "running_order: step 2: 'lenses' is not in the library (no item has that slug)"
    assert _refused(db, content) == [
        f"programme/year/01-month.md: {gone}",
        f"programme/year/02-month.md: {gone}",
    ]


def test_an_item_used_twice_in_a_session_and_an_aim_listed_twice_are_refused(db, content):
    write_programme(
        content, aims=[{"slug": "same", "text": "One."}, {"slug": "same", "text": "Two."}]
    )
    steps = [
        {"minutes": 60, "activity": "Lenses", "item": "lenses"},
        {"minutes": 60, "activity": "Lenses again", "item": "lenses"},
    ]
    aims = [{"text": "Something.", "aim": "same", "capabilities": ["listening"]}]
    write_session(content, 1, running_order=steps, aims=aims)
    problems = _refused(db, content)
    assert f"{SESSION_FILE}: running_order: 'lenses' is used in more than one step" in problems
    assert (
        "programme/year/programme.yaml: aims: aim 2: the aim 'same' is listed more than once"
        in (problems)
    )


def test_missing_fields_and_numbers_used_twice_are_refused(db, content):
    write_programme(content)
    write_session(content, 1, title=None, prepare=None)
    write_session(content, 1, notes="", folder="year").rename(
        content / "programme" / "year" / "03-month.md"
    )
    write_session(content, 1, title=None, prepare=None)
    problems = _refused(db, content)
    assert f"{SESSION_FILE}: the field 'title' is missing" in problems
    assert f"{SESSION_FILE}: the field 'prepare' is missing" in problems
    assert "programme/year/03-month.md: there are no facilitator notes after the front matter" in (
        problems
    )
    assert "programme/year/03-month.md: 'number' 1 is also used by " + SESSION_FILE in problems


def test_a_programme_without_its_yaml_or_with_a_wrong_slug_is_refused(db, content):
    folder = write_programme(content)
    (folder / "programme.yaml").unlink()
    assert _refused(db, content) == [
        "programme/year/programme.yaml: the file is missing: every programme folder needs one"
    ]
    write_programme(content, sessions=0, slug="year", title=None)
    (folder / "programme.yaml").write_text(
        (folder / "programme.yaml").read_text().replace("slug: year", "slug: other")
    )
    problems = _refused(db, content)
    assert (
        "programme/year/programme.yaml: the slug 'other' does not match the folder name 'year'"
        in problems
    )


def test_the_starter_programmes_are_valid_and_add_up(db):
    from pathlib import Path

    root = Path(__file__).parents[2] / "content"
    report = sync_content(db, root, FIRST)
    assert report.count("programme", "added") == 2
    year = db.scalar(select(Programme).where(Programme.slug == "unlocking-commissioning"))
    assert year is not None
    assert len(year.sessions) == 12
    for session in year.sessions:
        assert sum(step.minutes for step in session.steps) == session.minutes == 180
    short = db.scalar(select(Programme).where(Programme.slug == "short-course"))
    assert short is not None
    assert len(short.sessions) == 6
