"""The notifications in the app: the header's count (one statement, however many), the paged
list, reading one or all by POST, following one through the usual checks, and the settings
form (issue 19, item 2)."""

from sqlalchemy import select

from learnset.db import utcnow
from learnset.notifications.models import NotificationKind, NotificationPreference
from learnset.notifications.services import notify
from learnset.reflections import binned
from learnset.reflections import services as reflections
from tests import factories
from tests.helpers import html_of, press, statements_for, submit


def _tell(db, person, count=1, link="/notifications"):
    for _ in range(count):
        notify(
            db,
            [person],
            NotificationKind.COMMENT,
            actor=None,
            link=link,
            description="Someone commented on a reflection you shared",
            now=utcnow(),
        )
    db.commit()


def test_the_header_counts_unread_ones_and_the_list_shows_them(login, db, people):
    browser = login(people.participant)
    assert "unread)" not in html_of(browser.get("/"))
    _tell(db, people.participant, 3)
    _tell(db, people.fellow, 2)
    page = html_of(browser.get("/"))
    assert "Notifications (3 unread)" in page
    listing = html_of(browser.get("/notifications"))
    assert listing.count("Someone commented on a reflection you shared") == 3


def test_the_header_costs_the_same_however_many_there_are(login, db, people, count_queries):
    browser = login(people.participant)
    _tell(db, people.participant, 1)
    few = statements_for(count_queries, browser, "/")
    few_list = statements_for(count_queries, browser, "/notifications")
    _tell(db, people.participant, 45)
    assert statements_for(count_queries, browser, "/") == few
    # The count comes with the sign-in's own query: no statement of its own.
    with count_queries() as statements:
        assert "Notifications (46 unread)" in html_of(browser.get("/"))
    reading = [s for s in statements if "FROM notifications" in s]
    assert len(reading) == 1 and "sign_in_sessions" in reading[0], reading
    assert statements_for(count_queries, browser, "/notifications") == few_list
    assert statements_for(count_queries, browser, "/notifications?page=2") == few_list


def test_reading_one_and_all_is_a_post_and_only_ones_own(login, db, people):
    _tell(db, people.participant, 2)
    _tell(db, people.fellow, 1)
    mine = notify(
        db, [people.participant], NotificationKind.TOPIC, actor=None, link="/", description="x",
        now=utcnow(),
    )[0]  # fmt: skip
    theirs = notify(
        db, [people.fellow], NotificationKind.TOPIC, actor=None, link="/", description="y",
        now=utcnow(),
    )[0]  # fmt: skip
    db.commit()
    browser = login(people.participant)
    assert browser.get(f"/notifications/{mine.id}/read").status_code == 405
    assert press(browser, f"/notifications/{theirs.id}/read").status_code == 404
    assert press(browser, f"/notifications/{theirs.id}/open").status_code == 404
    assert press(browser, f"/notifications/{mine.id}/read").status_code == 302
    assert "Notifications (2 unread)" in html_of(browser.get("/"))
    assert press(browser, "/notifications/read-all").status_code == 302
    assert "unread)" not in html_of(browser.get("/"))
    db.expire_all()
    assert theirs.read_at is None
    assert "Notifications (2 unread)" in html_of(login(people.fellow).get("/"))


def test_a_post_without_its_token_is_refused(login, db, people):
    _tell(db, people.participant)
    assert login(people.participant).post("/notifications/read-all").status_code == 400


def test_following_one_reads_it_and_the_page_it_names_still_checks(login, db, people):
    reflection = factories.make_reflection(db, people.participant)
    reflections.change_visibility(db, reflection, "tutors", utcnow())
    db.commit()
    tutor = login(people.tutor)
    (notification_id,) = [
        int(line.split("/notifications/")[1].split("/")[0])
        for line in html_of(tutor.get("/notifications")).splitlines()
        if "/open" in line
    ]
    followed = press(tutor, f"/notifications/{notification_id}/open")
    assert followed.status_code == 302
    assert followed.location == f"/reflections/{reflection.id}"
    assert tutor.get(followed.location).status_code == 200
    # Withdrawn, then deleted: the link leads where it always did, and that page says 404.
    reflections.change_visibility(db, reflection, "private", utcnow())
    db.commit()
    assert (
        tutor.get(press(tutor, f"/notifications/{notification_id}/open").location).status_code
        == 404
    )
    binned.move_to_bin(db, reflection, utcnow())
    db.commit()
    assert tutor.get(f"/reflections/{reflection.id}").status_code == 404


def test_the_settings_form_keeps_choices_and_refuses_nonsense(login, db, people):
    browser = login(people.tutor)
    page = html_of(browser.get("/account/notifications"))
    assert "A reflection shared with you" in page
    choices = {kind.value: "weekly" for kind in NotificationKind}
    bad = submit(browser, "/account/notifications", {**choices, "shared": "hourly"})
    assert bad.status_code == 422
    assert "Choose how to be told about: a reflection shared with you" in html_of(bad, 422)
    assert db.scalars(select(NotificationPreference)).all() == []
    good = submit(browser, "/account/notifications", {**choices, "shared": "off"})
    assert good.status_code == 302
    saved = {p.kind: p.frequency for p in db.scalars(select(NotificationPreference))}
    assert saved == {**choices, "shared": "off"}
    assert 'value="off" checked' in html_of(browser.get("/account/notifications"))
