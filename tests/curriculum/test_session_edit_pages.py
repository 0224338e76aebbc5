"""Editing a programme session in the browser: the Edit link for those allowed, the editor with
its preview, problems beside the field, someone else's save, history, compare and restore."""

import pytest

from learnset.curriculum.models import Programme
from learnset.curriculum.texts import session_text
from learnset.library import editing
from learnset.library.models import ContentVersion
from tests import factories
from tests.content import FIRST, stored, synced
from tests.curriculum.programmes import write_programme
from tests.helpers import count_rows, csrf_from, html_of, open_page, submit, text_of

PAGE = "/programmes/year"
EDIT = "/library/programmes/year/1/edit"


@pytest.fixture
def programme(db, content):
    write_programme(content)
    synced(db, content, FIRST)
    return stored(db, Programme, "year")


def _text(db, notes="Notes rewritten in the browser."):
    db.expire_all()
    head, _old = session_text(stored(db, Programme, "year").sessions[0]).rsplit("---\n", 1)
    return f"{head}---\n{notes}\n"


def _form(db, based_on="0", action="save", **overrides):
    return {"text": _text(db), "based_on": based_on, "action": action, **overrides}


def test_admins_see_an_edit_link_on_each_session_and_others_do_not(login, people, programme):
    assert EDIT in open_page(login(people.admin), PAGE)
    assert EDIT not in open_page(login(people.tutor), PAGE)
    assert EDIT not in open_page(login(people.participant), PAGE)


def test_tutors_edit_when_the_programme_allows_it(app, login, people, programme, db):
    app.config["TUTORS_EDIT_CONTENT"] = True
    tutor = login(people.tutor)
    assert EDIT in open_page(tutor, PAGE)
    assert submit(tutor, EDIT, _form(db)).status_code == 302
    # Participants still may not, and are not told the page is there.
    assert login(people.participant).get(EDIT).status_code == 404


def test_the_editor_opens_with_the_sessions_file(login, people, programme):
    html = open_page(login(people.admin), EDIT)
    assert "running_order:" in html and "Notes for tutors only." in html


def test_preview_shows_the_notes_and_saves_nothing(login, people, programme, db):
    text = _text(db, "## A heading\n\n**Bold** <script>alert(1)</script>")
    html = html_of(submit(login(people.admin), EDIT, _form(db, text=text, action="preview")))
    assert "<h2>A heading</h2>" in html and "<strong>Bold</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert count_rows(db, ContentVersion, ContentVersion.programme_session_id.is_not(None)) == 0


def test_saving_shows_the_new_notes_on_the_programme_page(login, people, programme, db):
    admin = login(people.admin)
    response = submit(admin, EDIT, _form(db))
    assert response.status_code == 302 and response.location == f"{PAGE}#session-1"
    html = open_page(admin, PAGE)
    assert "Notes rewritten in the browser." in html and "saved as a new version" in html


def test_timings_that_do_not_add_up_are_shown_beside_the_field(login, people, programme, db):
    text = _text(db).replace("minutes: 55", "minutes: 50")
    page = text_of(submit(login(people.admin), EDIT, _form(db, text=text)), 422)
    assert 'id="text-error"' in page
    assert "the steps add up to 115 minutes, but the session is 120 minutes long" in page
    assert count_rows(db, ContentVersion, ContentVersion.programme_session_id.is_not(None)) == 0


def test_a_save_over_someone_elses_says_so_and_overwrites_nothing(login, people, programme, db):
    admin, other = login(people.admin), login(factories.make_user(db, is_admin=True, name="Bo"))
    db.commit()
    token = csrf_from(admin, EDIT)
    assert submit(other, EDIT, _form(db)).status_code == 302
    mine = _text(db, "Ada's notes.")
    response = admin.post(EDIT, data={**_form(db, text=mine), "csrf_token": token})
    html = html_of(response, 422)
    assert "Bo saved a new version (version 2) after you opened this page" in html
    assert "Ada&#39;s notes." in html
    db.expire_all()
    assert stored(db, Programme, "year").sessions[0].facilitator_notes == (
        "Notes rewritten in the browser."
    )


def test_history_compare_and_restore(login, people, programme, db):
    admin = login(people.admin)
    submit(admin, EDIT, _form(db))
    history = text_of(admin.get("/library/programmes/year/1/history"))
    assert "History of month 1: Month 1" in history and "Ada Admin" in history
    compare = text_of(admin.get("/library/programmes/year/1/compare?older=1&newer=2"))
    assert "Notes rewritten in the browser." in compare and "Notes for tutors only." in compare
    restore = "/library/programmes/year/1/versions/1/restore"
    response = submit(admin, restore, {"based_on": "2"})
    assert response.status_code == 302
    db.expire_all()
    assert stored(db, Programme, "year").sessions[0].facilitator_notes == "Notes for tutors only."
    assert count_rows(db, ContentVersion, ContentVersion.programme_session_id.is_not(None)) == 3


def test_an_unknown_month_or_programme_is_404(login, people, programme):
    admin = login(people.admin)
    assert admin.get("/library/programmes/year/9/edit").status_code == 404
    assert admin.get("/library/programmes/no-such/1/history").status_code == 404


def test_the_history_is_paged_at_a_fixed_number_of_queries(
    login, people, programme, db, count_queries
):
    admin = login(people.admin)
    history = "/library/programmes/year/1/history"

    def queries() -> int:
        admin.get(history)  # warm up: the sign-in's own writes
        with count_queries() as statements:
            assert admin.get(history).status_code == 200
        return len(statements)

    def save(number):
        session = stored(db, Programme, "year").sessions[0]
        editing.save_session(
            db, people.admin, session, _text(db, f"Notes {number}."), number, FIRST
        )
        db.commit()

    save(0)
    few = queries()
    for number in range(2, 25):
        save(number)
    assert queries() == few
    assert "Notes 24." in open_page(admin, PAGE)
