"""People: the admin's list of accounts, a person's page, deactivating and admin rights."""

from sqlalchemy import select

from learnset.accounts.models import User
from tests import factories
from tests.helpers import html_of, submit
from tests.matrix import SIGNED_IN


def test_admins_find_everyone_with_their_sets(login, people):
    html = html_of(login(people.admin).get("/people"))
    for person in (people.admin, people.tutor, people.participant, people.outsider):
        assert person.name in html and person.email in html
    assert f"{people.cohort.name} (tutor)" in html
    assert f"{people.other_cohort.name} (participant)" in html


def test_search_by_part_of_a_name_or_an_email_address(login, people):
    browser = login(people.admin)
    html = html_of(browser.get("/people?q=oona"))
    assert people.outsider.name in html and people.participant.name not in html
    html = html_of(browser.get(f"/people?q={people.tutor.email.split('@')[0]}"))
    assert people.tutor.name in html and people.outsider.name not in html
    # Every word must match; a LIKE wildcard is an ordinary character.
    assert "Nobody matches" in html_of(browser.get("/people?q=oona+tess"))
    assert "Nobody matches" in html_of(browser.get("/people?q=%25"))


def test_filters_by_status(db, login, people):
    loner = factories.make_user(db, name="Lee Loner")
    gone = factories.make_user(db, name="Gil Gone", is_active=False)
    db.commit()
    browser = login(people.admin)
    html = html_of(browser.get("/people?status=no-set"))
    assert loner.name in html and gone.name in html and people.participant.name not in html
    html = html_of(browser.get("/people?status=deactivated"))
    assert gone.name in html and loner.name not in html
    html = html_of(browser.get("/people?status=admins"))
    assert people.admin.name in html and people.tutor.name not in html
    # An unknown status or an over-long search shows everyone rather than failing.
    assert loner.name in html_of(browser.get("/people?status=nonsense"))
    assert loner.name in html_of(browser.get("/people?q=" + "x" * 500))


def test_long_lists_are_paginated_in_a_fixed_number_of_queries(db, login, people, count_queries):
    browser = login(people.admin)
    browser.get("/people")

    def statements():
        with count_queries() as seen:
            assert browser.get("/people").status_code == 200
        return len(seen)

    few = statements()
    for number in range(40):
        factories.make_member(db, people.cohort, "participant", name=f"Zed {number:02}")
    db.commit()
    assert statements() == few
    html = html_of(browser.get("/people?page=3"))
    assert "Showing 41 to" in html and "Zed 39" in html


def test_a_person_s_page_shows_who_they_are_not_what_they_wrote(db, login, people):
    reflection = factories.make_reflection(db, people.participant, title="PRIVATE-TITLE")
    db.commit()
    html = html_of(login(people.admin).get(f"/people/{people.participant.id}"))
    assert people.participant.email in html and people.cohort.name in html
    assert reflection.title not in html


def test_nobody_but_an_admin_sees_people(login, people):
    for role in SIGNED_IN:
        if role == "admin":
            continue
        browser = login(people.by_role(role))
        assert browser.get("/people").status_code == 403, role
        assert browser.get(f"/people/{people.fellow.id}").status_code == 404, role
        assert browser.get(f"/people/{people.admin.id}/deactivate").status_code == 404, role
    assert login(people.admin).get("/people/999999").status_code == 404
    assert login(people.admin).get(f"/people/{people.fellow.id}/delete").status_code == 404


def test_deactivating_signs_them_out_and_keeps_them_out(db, app, login, people):
    fellow = login(people.fellow)
    assert fellow.get("/account").status_code == 200
    admin = login(people.admin)
    page = f"/people/{people.fellow.id}/deactivate"
    assert "Deactivate Fay Fellow?" in html_of(admin.get(page))
    response = submit(admin, page, {})
    assert response.status_code == 302 and response.location == f"/people/{people.fellow.id}"
    db.expire_all()
    assert people.fellow.is_active is False
    # Their open session no longer works, and their password no longer signs them in.
    assert fellow.get("/account").location.startswith("/sign-in")
    fresh = app.test_client()
    submit(fresh, "/sign-in", {"email": people.fellow.email, "password": "whatever"})
    assert fresh.get("/account").location.startswith("/sign-in")
    # Nothing of theirs went: still a member of the set.
    assert people.cohort.id in {m.cohort_id for m in people.fellow.memberships}

    submit(admin, f"/people/{people.fellow.id}/reactivate", {})
    db.expire_all()
    assert people.fellow.is_active is True


def test_an_admin_cannot_deactivate_themselves_or_remove_their_own_rights(db, login, people):
    admin = login(people.admin)
    for change in ("deactivate", "remove-admin"):
        response = submit(admin, f"/people/{people.admin.id}/{change}", {}, follow_redirects=True)
        assert response.status_code == 200
        assert "You cannot" in response.get_data(as_text=True)
    db.expire_all()
    assert people.admin.is_active and people.admin.is_admin


def test_an_admin_refused_a_change_goes_back_to_the_person_with_the_reason(db, login, people):
    admin = login(people.admin)
    response = submit(admin, f"/people/{people.admin.id}/sign-out", {})
    assert response.status_code == 302 and response.location == f"/people/{people.admin.id}"
    assert "use &#39;Sign out of all other devices&#39; on your account page" in html_of(
        admin.get(response.location)
    )
    assert admin.get("/account").status_code == 200


def test_making_and_removing_an_admin(db, login, people):
    admin = login(people.admin)
    submit(admin, f"/people/{people.tutor.id}/make-admin", {})
    tutor = login(people.tutor)
    assert tutor.get("/people").status_code == 200
    html = html_of(tutor.get(f"/people/{people.admin.id}"))
    assert "Remove admin rights" in html
    submit(tutor, f"/people/{people.admin.id}/remove-admin", {})
    db.expire_all()
    assert not people.admin.is_admin
    assert db.scalar(select(User.is_admin).where(User.id == people.tutor.id))


def test_a_deactivated_account_cannot_be_made_an_admin(db, login, people):
    people.fellow.is_active = False
    db.commit()
    response = submit(
        login(people.admin), f"/people/{people.fellow.id}/make-admin", {}, follow_redirects=True
    )
    assert "Reactivate the account before" in response.get_data(as_text=True)
    db.expire_all()
    assert not people.fellow.is_admin


def test_changes_need_the_form_token(login, people, db):
    admin = login(people.admin)
    assert admin.post(f"/people/{people.fellow.id}/deactivate").status_code == 400
    db.expire_all()
    assert people.fellow.is_active


def test_people_is_in_the_header_for_admins_only(login, people):
    assert 'href="/people"' in html_of(login(people.admin).get("/"))
    assert 'href="/people"' not in html_of(login(people.tutor).get("/"))
