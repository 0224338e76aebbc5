"""Delete moves to a bin for 30 days; restore brings it back; purge removes old ones for good."""

from datetime import timedelta

from sqlalchemy import func, select

from learnset.db import database, utcnow
from learnset.pagination import PER_PAGE
from learnset.reflections import binned
from learnset.reflections.models import (
    Reflection,
    ReflectionComment,
    ReflectionRescue,
    ReflectionVersion,
)
from tests import factories
from tests.apps import fresh_app
from tests.helpers import count_rows, csrf_from, html_of, submit


def test_delete_asks_then_moves_to_the_bin_and_restore_brings_it_back(login, db, people):
    reflection = factories.make_reflection(
        db, people.participant, title="Second thoughts", visibility="set"
    )
    db.commit()
    browser = login(people.participant)
    confirm = html_of(browser.get(f"/reflections/{reflection.id}/delete"))
    assert "Delete &ldquo;Second thoughts&rdquo;?" in confirm
    assert "restore it for 30 days" in confirm
    response = submit(browser, f"/reflections/{reflection.id}/delete", {})
    assert response.location == "/reflections"
    assert "is in the bin. You can restore it until" in html_of(browser.get("/reflections"))
    assert "Second thoughts" in html_of(browser.get("/reflections/bin"))
    assert login(people.fellow).get(f"/reflections/{reflection.id}").status_code == 404

    token = csrf_from(browser, "/reflections/bin")
    response = browser.post(f"/reflections/{reflection.id}/restore", data={"csrf_token": token})
    assert response.status_code == 302
    db.expire_all()
    assert reflection.deleted_at is None
    assert login(people.fellow).get(f"/reflections/{reflection.id}").status_code == 200
    assert "The bin is empty" in html_of(browser.get("/reflections/bin"))


def test_delete_for_good_from_the_bin(login, db, people):
    reflection = factories.make_reflection(db, people.participant, deleted_at=utcnow())
    factories.make_comment(db, reflection, people.tutor)
    db.commit()
    browser = login(people.participant)
    assert "This cannot be undone" in html_of(
        browser.get(f"/reflections/{reflection.id}/delete-for-good")
    )
    assert submit(browser, f"/reflections/{reflection.id}/delete-for-good", {}).status_code == 302
    assert count_rows(db, Reflection) == 0
    assert count_rows(db, ReflectionVersion) == 0
    assert count_rows(db, ReflectionComment) == 0


def test_purge_removes_only_what_has_been_in_the_bin_for_30_days(db, people):
    now = utcnow()
    old = factories.make_reflection(db, people.participant, deleted_at=now - timedelta(days=31))
    recent = factories.make_reflection(db, people.participant, deleted_at=now - timedelta(days=29))
    live = factories.make_reflection(db, people.participant)
    assert binned.purge_bin(db, now) == 1
    remaining = set(db.scalars(select(Reflection.id)))
    assert remaining == {recent.id, live.id}
    assert old.id not in remaining


def test_purge_command_prints_how_many(tmp_path):
    app = fresh_app(tmp_path)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    now = utcnow()
    with database(app).sessions() as session:
        author = factories.make_user(session)
        for days in (40, 35, 3):
            factories.make_reflection(session, author, deleted_at=now - timedelta(days=days))
        for days in (8, 6):
            session.add(
                ReflectionRescue(
                    key_hash="x" * 64,
                    user_id=author.id,
                    data={"title": ["t"]},
                    created_at=now - timedelta(days=days),
                )
            )
        session.commit()
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert (
        "     2  A reflection in the bin, with its parts, versions and drafts (kept: 30 days"
        in (result.output)
    )
    assert "     1  Text kept after a sign-in expired (kept: 7 days" in result.output
    with database(app).sessions() as session:
        assert session.scalar(select(func.count()).select_from(Reflection)) == 1
    again = runner.invoke(args=["purge"])
    assert "     0  A reflection in the bin" in again.output


def test_the_bin_is_paged_latest_deleted_first_at_a_constant_cost(login, db, people, count_queries):
    now = utcnow()

    def binned(count, start):
        for n in range(start, start + count):
            factories.make_reflection(
                db, people.participant, title=f"BINNED-{n:03}",
                deleted_at=now - timedelta(days=1, minutes=n),
            )  # fmt: skip
        db.commit()

    browser = login(people.participant)
    binned(2, 1)
    browser.get("/reflections/bin")
    with count_queries() as few:
        browser.get("/reflections/bin")
    binned(PER_PAGE + 1, 3)
    with count_queries() as many:
        first = html_of(browser.get("/reflections/bin"))
    assert len(many) == len(few)
    # Deleted most recently: the smallest numbers.
    assert "BINNED-001" in first and f"BINNED-{PER_PAGE:03}" in first
    assert f"BINNED-{PER_PAGE + 1:03}" not in first
    second = html_of(browser.get("/reflections/bin?page=2"))
    assert f"BINNED-{PER_PAGE + 1:03}" in second and f"BINNED-{PER_PAGE + 3:03}" in second
    assert "BINNED-001" not in second
    assert f"BINNED-{PER_PAGE + 3:03}" in html_of(browser.get("/reflections/bin?page=7"))
