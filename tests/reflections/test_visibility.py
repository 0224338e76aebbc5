"""Who reads what: a private reflection is its author's alone; shares reach exactly their audience.

The role matrix (tests/reflections/routes.py) walks every route; these tests look at the rules,
the scoped queries behind lists, searches and counts, and what changes when shares change.
"""

import pytest
from sqlalchemy import delete, func, select

from learnset import authz
from learnset.cohorts.models import Membership
from learnset.db import utcnow
from learnset.reflections import queries, services
from tests import factories
from tests.helpers import csrf_in, html_of, submit

READERS = {
    "private": {"participant"},
    "tutors": {"participant", "tutor"},
    "set": {"participant", "tutor", "fellow"},
}
EVERY_ROLE = ["participant", "fellow", "tutor", "other_tutor", "outsider", "admin"]


@pytest.mark.parametrize("visibility", READERS)
@pytest.mark.parametrize("role", EVERY_ROLE)
def test_who_can_view_edit_and_comment(db, people, visibility, role):
    reflection = factories.make_reflection(db, people.participant, visibility=visibility)
    user = people.by_role(role)
    may_read = role in READERS[visibility]
    assert authz.can(user, "reflection:view", reflection) is may_read
    assert authz.can(user, "reflection:edit", reflection) is (role == "participant")
    assert authz.can(user, "reflection:comment", reflection) is (
        may_read and visibility != "private"
    )
    listed = db.scalars(authz.visible_reflections(user)).all()
    assert (reflection in listed) is may_read
    shared = db.scalars(authz.reflections_shared_with(user)).all()
    assert (reflection in shared) is (may_read and role != "participant")


@pytest.mark.parametrize("role", ["fellow", "tutor", "other_tutor", "outsider", "admin"])
def test_private_reflection_is_a_404_for_everyone_but_its_author(login, db, people, role):
    reflection = factories.make_reflection(
        db, people.participant, title="My private doubts", visibility="private"
    )
    db.commit()
    response = login(people.by_role(role)).get(f"/reflections/{reflection.id}")
    assert response.status_code == 404
    assert "My private doubts" not in html_of(response, 404)
    assert "Page not found" in html_of(response, 404)


@pytest.mark.parametrize("page", ["", "/history"], ids=["reflection", "history"])
def test_tutor_of_other_cohort_gets_404_on_reflection_shared_with_the_set(login, db, people, page):
    reflection = factories.make_reflection(db, people.participant, visibility="set")
    db.commit()
    assert login(people.other_tutor).get(f"/reflections/{reflection.id}{page}").status_code == 404


def test_admin_has_no_special_right_even_as_member_elsewhere(login, db, people):
    reflection = factories.make_reflection(db, people.participant, visibility="tutors")
    db.commit()
    assert login(people.admin).get(f"/reflections/{reflection.id}").status_code == 404
    assert reflection not in db.scalars(authz.visible_reflections(people.admin)).all()


def test_admin_who_tutors_the_cohort_reads_what_tutors_read(login, db, people):
    factories.make_member(db, people.cohort, "tutor", user=people.admin)
    reflection = factories.make_reflection(db, people.participant, visibility="tutors")
    private = factories.make_reflection(db, people.participant, visibility="private")
    db.commit()
    browser = login(people.admin)
    assert browser.get(f"/reflections/{reflection.id}").status_code == 200
    assert browser.get(f"/reflections/{private.id}").status_code == 404


def test_lists_searches_and_counts_never_include_what_is_not_shared(login, db, people):
    factories.make_reflection(db, people.participant, title="Secret frailty notes")
    factories.make_reflection(
        db, people.participant, title="Tutors frailty notes", visibility="tutors"
    )
    factories.make_reflection(db, people.participant, title="Set frailty notes", visibility="set")
    factories.make_reflection(db, people.outsider, title="Eastvale frailty notes", visibility="set")
    db.commit()

    def titles(user, search=""):
        page = queries.shared_page(db, user, None, 1)
        own = queries.log_page(db, user, queries.LogFilters(text=search), 1)
        return {r.title for r in page.items}, {r.title for r in own.items}, page.total

    shared, own, count = titles(people.fellow, "frailty")
    assert shared == {"Set frailty notes"} and own == set() and count == 1
    shared, own, count = titles(people.tutor, "frailty")
    assert shared == {"Tutors frailty notes", "Set frailty notes"} and count == 2
    shared, own, count = titles(people.other_tutor, "frailty")
    assert shared == {"Eastvale frailty notes"} and count == 1
    shared, own, count = titles(people.admin, "frailty")
    assert shared == set() and own == set() and count == 0

    page = html_of(login(people.fellow).get("/reflections/shared"))
    assert "Set frailty notes" in page
    assert "Secret" not in page and "Tutors frailty" not in page and "Eastvale" not in page
    # A search in someone's own log never reaches anyone else's reflections.
    page = html_of(login(people.fellow).get("/reflections?q=frailty"))
    assert "frailty notes" not in page
    assert "No reflections match your search" in page


def test_a_tutor_of_two_sets_can_narrow_the_shared_list_to_one(login, db, people):
    factories.make_member(db, people.other_cohort, "tutor", user=people.tutor)
    factories.make_reflection(db, people.participant, title="Riverside notes", visibility="set")
    factories.make_reflection(db, people.outsider, title="Eastvale notes", visibility="tutors")
    db.commit()
    tutor = login(people.tutor)
    page = html_of(tutor.get("/reflections/shared"))
    assert "All your learning sets" in page and people.other_cohort.name in page
    assert "Riverside notes" in page and "Eastvale notes" in page
    page = html_of(tutor.get(f"/reflections/shared?cohort={people.other_cohort.id}"))
    assert "Eastvale notes" in page and "Riverside notes" not in page
    # Another person's set is not a way in: the filter only narrows what reaches the reader.
    page = html_of(login(people.fellow).get(f"/reflections/shared?cohort={people.other_cohort.id}"))
    assert "Eastvale notes" not in page and "Nothing has been shared with you yet" in page


def test_the_shared_list_is_paged_and_a_page_past_the_end_shows_the_last(login, db, people):
    for number in range(23):
        factories.make_reflection(
            db, people.participant, title=f"Shared note {number:02}", visibility="tutors"
        )
    db.commit()
    tutor = login(people.tutor)
    first = html_of(tutor.get("/reflections/shared"))
    assert first.count("Shared note") == 20
    last = html_of(tutor.get("/reflections/shared?page=2"))
    assert last.count("Shared note") == 3
    # The same page, but for its CSRF token, which carries the second it was signed.
    past_the_end = html_of(tutor.get("/reflections/shared?page=99"))
    assert past_the_end.replace(csrf_in(past_the_end), "") == last.replace(csrf_in(last), "")


def test_withdrawing_a_share_hides_it_at_once(login, db, people):
    reflection = factories.make_reflection(db, people.participant, visibility="set")
    db.commit()
    fellow, tutor = login(people.fellow), login(people.tutor)
    assert fellow.get(f"/reflections/{reflection.id}").status_code == 200
    response = submit(
        login(people.participant),
        f"/reflections/{reflection.id}/sharing",
        {"visibility": "tutors"},
    )
    assert response.status_code == 302
    assert fellow.get(f"/reflections/{reflection.id}").status_code == 404
    assert tutor.get(f"/reflections/{reflection.id}").status_code == 200
    submit(
        login(people.participant),
        f"/reflections/{reflection.id}/sharing",
        {"visibility": "private"},
    )
    assert tutor.get(f"/reflections/{reflection.id}").status_code == 404
    assert "Nothing has been shared with you yet" in html_of(tutor.get("/reflections/shared"))


def test_participant_who_leaves_keeps_their_log_but_shares_stop(login, db, people):
    """Decision: leaving a cohort ends its tutors' and members' access to what was shared."""
    reflection = factories.make_reflection(
        db, people.participant, title="Shared before leaving", visibility="set"
    )
    db.execute(
        delete(Membership).where(
            Membership.user_id == people.participant.id,
            Membership.cohort_id == people.cohort.id,
        )
    )
    db.commit()
    assert login(people.tutor).get(f"/reflections/{reflection.id}").status_code == 404
    assert login(people.fellow).get(f"/reflections/{reflection.id}").status_code == 404
    author = login(people.participant)
    assert author.get(f"/reflections/{reflection.id}").status_code == 200
    assert "Shared before leaving" in html_of(author.get("/reflections"))
    page = html_of(author.get(f"/reflections/{reflection.id}/sharing"))
    assert "you are no longer taking part in Riverside set" in page
    # And they cannot share it with the set again.
    with pytest.raises(services.ReflectionError):
        services.change_visibility(db, reflection, "set", utcnow())


def _leaves_every_set(db, person):
    db.execute(delete(Membership).where(Membership.user_id == person.id))
    db.flush()
    db.expire_all()


def test_rejoining_brings_the_share_back(db, people):
    reflection = factories.make_reflection(db, people.participant, visibility="tutors")
    _leaves_every_set(db, people.participant)
    assert not authz.can(people.tutor, "reflection:view", reflection)
    factories.make_member(db, people.cohort, "participant", user=people.participant)
    db.expire_all()
    assert authz.can(people.tutor, "reflection:view", reflection)


def test_tutor_who_stops_tutoring_stops_reading(db, people):
    reflection = factories.make_reflection(db, people.participant, visibility="tutors")
    _leaves_every_set(db, people.tutor)
    assert not authz.can(people.tutor, "reflection:view", reflection)
    assert db.scalars(authz.reflections_shared_with(people.tutor)).all() == []


def test_a_binned_reflection_is_hidden_from_everyone_it_was_shared_with(login, db, people):
    reflection = factories.make_reflection(
        db, people.participant, visibility="set", deleted_at=utcnow()
    )
    db.commit()
    for role in ("fellow", "tutor"):
        assert login(people.by_role(role)).get(f"/reflections/{reflection.id}").status_code == 404
    assert login(people.participant).get(f"/reflections/{reflection.id}").status_code == 200
    assert reflection not in db.scalars(authz.own_reflections(people.participant)).all()


def test_another_users_reflection_id_is_404_on_every_author_page(login, db, people):
    reflection = factories.make_reflection(db, people.fellow)
    db.commit()
    browser = login(people.participant)
    for path in ("", "/edit", "/history", "/sharing", "/delete", "/discard"):
        assert browser.get(f"/reflections/{reflection.id}{path}").status_code == 404, path


def test_shared_reflection_shows_no_edit_controls_to_readers(login, db, people):
    reflection = factories.make_reflection(db, people.participant, visibility="set")
    db.commit()
    page = html_of(login(people.fellow).get(f"/reflections/{reflection.id}"))
    assert f"/reflections/{reflection.id}/edit" not in page
    assert f"/reflections/{reflection.id}/sharing" not in page
    assert "CPD time" not in page
    assert "Add comment" in page
    mine = html_of(login(people.participant).get(f"/reflections/{reflection.id}"))
    assert f"/reflections/{reflection.id}/edit" in mine


def test_visible_count_is_computed_in_sql(db, people):
    for visibility in ("private", "tutors", "set", "set"):
        factories.make_reflection(db, people.participant, visibility=visibility)
    query = authz.reflections_shared_with(people.fellow)
    assert db.scalar(select(func.count()).select_from(query.subquery())) == 2
