"""The programmes' pages: month by month, facilitator notes for tutors and admins only, items
linked to the library, and a fixed number of queries however long the programme."""

import pytest

from learnset.db import utcnow
from tests.curriculum.programmes import make_programme
from tests.helpers import html_of, missing_from, statements_for, text_of


def test_the_list_shows_current_programmes_only(login, db, people):
    make_programme(db)
    make_programme(db, slug="old-course", title="An old course", archived_at=utcnow())
    db.commit()
    page = text_of(login(people.participant).get("/programmes"))
    assert "The year" in page
    assert "3 sessions of 180 minutes" in page
    assert "An old course" not in page


def test_a_tutor_sees_the_months_running_order_items_and_facilitator_notes(login, db, people):
    programme = make_programme(db)
    db.commit()
    item = programme.sessions[0].steps[1].content_item
    page = text_of(login(people.tutor).get("/programmes/the-year"))
    assert not missing_from(
        page,
        "Month 1: Month 1 theme",
        "Aim of month 1",
        "Towards: Feel supported and connected.",
        "10am to 10:15am",
        "10:15am to 10:40am",
        f'href="/library/{item.slug}"',
        "Bring something to month 1.",
        "Facilitator notes",
        "Tutors only: how to run month 1.",
        f"Create sessions for {people.cohort.name}",
    )
    assert people.other_cohort.name not in page


@pytest.mark.parametrize("role", ["participant", "outsider"])
def test_participants_see_the_programme_without_facilitator_notes(login, db, people, role):
    make_programme(db)
    db.commit()
    page = text_of(login(getattr(people, role)).get("/programmes/the-year"))
    assert "Bring something to month 2." in page
    assert "Tutors only" not in page
    assert "Facilitator notes" not in page
    assert "Create sessions for" not in page


def test_an_admin_sees_the_notes_and_the_sets_to_use_it_for(login, db, people):
    make_programme(db)
    db.commit()
    page = text_of(login(people.admin).get("/programmes/the-year"))
    assert "Tutors only: how to run month 3." in page
    assert f"Create sessions for {people.other_cohort.name}" in page


def test_an_unknown_or_archived_programme_is_not_found(login, db, people):
    make_programme(db, archived_at=utcnow())
    db.commit()
    client = login(people.tutor)
    html_of(client.get("/programmes/the-year"), 404)
    html_of(client.get("/programmes/no-such-programme"), 404)


def test_the_programme_page_costs_the_same_however_long_it_is(login, db, people, count_queries):
    make_programme(db, sessions=2, slug="short")
    make_programme(db, sessions=12, slug="long")
    db.commit()
    client = login(people.tutor)
    short = statements_for(count_queries, client, "/programmes/short")
    assert statements_for(count_queries, client, "/programmes/long") == short
    listing = statements_for(count_queries, client, "/programmes")
    make_programme(db, sessions=4, slug="another")
    db.commit()
    assert statements_for(count_queries, client, "/programmes") == listing
