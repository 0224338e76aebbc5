"""Never lost, part two: text posted after the sign-in expired or the form went stale.

Nothing is saved to the log by such a request. The text waits in `reflection_rescues` for the
browser that sent it (its session holds a random key, never the text) and comes back in the
editor, with a message, once the writer is signed in.
"""

import time

from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from learnset.reflections.models import Reflection, ReflectionDraft, ReflectionRescue
from learnset.reflections.rescue import SESSION_KEY
from tests import factories
from tests.conftest import TEST_PASSWORD, csrf_from, submit
from tests.reflections.helpers import editor_fields, new_editor, text

KEPT = "We have put back the text you wrote when your sign-in expired"
LOST_USER_KEYS = ("_user_id", "_fresh", "_id")


def _count(db, model):
    return db.scalar(select(func.count()).select_from(model))


def _lose_the_user(browser):
    """The session outlives the sign-in (signed out elsewhere, or the sign-in timed out)."""
    with browser.session_transaction() as session:
        for key in LOST_USER_KEYS:
            session.pop(key, None)


def _sign_in(browser, user, next_path):
    return submit(
        browser, f"/sign-in?next={next_path}", {"email": user.email, "password": TEST_PASSWORD}
    )


def test_expired_sign_in_keeps_a_new_reflection_and_restores_it(login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    token = csrf_from(browser, path)
    _lose_the_user(browser)
    fields = editor_fields(people.cohort, title="Written as the sign-in ran out")
    response = browser.post(path, data={**fields, "csrf_token": token})
    assert response.status_code == 302
    assert response.location.startswith("/sign-in?next=")
    assert _count(db, Reflection) == 0
    rescue = db.scalar(select(ReflectionRescue))
    assert rescue.data["title"] == ["Written as the sign-in ran out"]
    with browser.session_transaction() as session:
        key = session[SESSION_KEY]
    assert "Written as" not in key  # only a random key travels in the cookie
    sign_in_page = text(browser.get(response.location))
    assert "We have kept what you wrote" in sign_in_page

    response = _sign_in(browser, people.participant, path)
    assert response.location == path
    page = text(browser.get(path))
    assert KEPT in page
    assert 'value="Written as the sign-in ran out"' in page
    assert "Start each locality meeting with one chart" in page
    assert _count(db, ReflectionRescue) == 0
    assert db.scalar(select(ReflectionDraft)).data["title"] == ["Written as the sign-in ran out"]
    with browser.session_transaction() as session:
        assert SESSION_KEY not in session


def test_expired_sign_in_while_editing_a_saved_reflection(login, db, people):
    reflection = factories.make_reflection(db, people.participant, title="Before")
    db.commit()
    browser = login(people.participant)
    path = f"/reflections/{reflection.id}/edit"
    token = csrf_from(browser, path)
    _lose_the_user(browser)
    browser.post(path, data={**editor_fields(people.cohort, title="After"), "csrf_token": token})
    db.expire_all()
    assert reflection.title == "Before"
    _sign_in(browser, people.participant, path)
    page = text(browser.get(path))
    assert KEPT in page and 'value="After"' in page
    # Saving then works as usual.
    response = submit(browser, path, editor_fields(people.cohort, title="After"))
    assert response.status_code == 302
    db.expire_all()
    assert reflection.title == "After"


def test_session_cookie_gone_keeps_the_text_too(app, login, db, people):
    """The browser was closed: a new session, so the old form's token no longer matches."""
    reflection = factories.make_reflection(db, people.participant, title="Before")
    db.commit()
    path = f"/reflections/{reflection.id}/edit"
    old_token = csrf_from(login(people.participant), path)
    fresh = app.test_client()
    response = fresh.post(
        path, data={**editor_fields(people.cohort, title="Typed long ago"), "csrf_token": old_token}
    )
    assert response.status_code == 302
    assert response.location.startswith("/sign-in?next=")
    rescue = db.scalar(select(ReflectionRescue))
    assert rescue.user_id == people.participant.id  # only the author may claim it
    _sign_in(fresh, people.participant, path)
    page = text(fresh.get(path))
    assert KEPT in page and 'value="Typed long ago"' in page


def test_stale_token_from_another_session_while_signed_in(app, login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    other_session_token = csrf_from(login(people.participant), path)
    fields = editor_fields(people.cohort, title="Kept despite the stale form")
    response = browser.post(path, data={**fields, "csrf_token": other_session_token})
    assert response.status_code == 302 and response.location == path
    assert _count(db, Reflection) == 0
    page = text(browser.get(path))
    assert "The page had been open too long to save your reflection safely" in page
    assert 'value="Kept despite the stale form"' in page


def test_token_older_than_the_time_limit(app, login, db, people, monkeypatch):
    browser = login(people.participant)
    path = new_editor(browser)
    csrf_from(browser, path)
    # The page was opened longer ago than tokens last (8 hours): sign this session's CSRF
    # secret as Flask-WTF does, with a timestamp from then.
    with browser.session_transaction() as session:
        secret = session["csrf_token"]
    earlier = int(time.time()) - app.config["WTF_CSRF_TIME_LIMIT"] - 60
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: earlier)
    token = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token").dumps(secret)
    monkeypatch.undo()
    fields = editor_fields(people.cohort, title="Nine hours later")
    response = browser.post(path, data={**fields, "csrf_token": token})
    assert response.status_code == 302 and response.location == path
    page = text(browser.get(path))
    assert 'value="Nine hours later"' in page
    assert _count(db, Reflection) == 0


def test_autosave_after_the_sign_in_expired_keeps_the_text(app, login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    token = csrf_from(browser, path)
    _lose_the_user(browser)
    response = browser.post(
        path + "/draft", data={"title": "Autosaved late"}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 302  # the script tells the writer they were signed out
    assert db.scalar(select(ReflectionRescue)).data == {"title": ["Autosaved late"]}
    fresh = app.test_client()
    response = fresh.post(path + "/draft", data={"title": "x"}, headers={"X-CSRFToken": token})
    assert response.status_code == 401
    assert response.json["status"] == "signed-out"


def test_someone_else_signing_in_on_that_browser_does_not_get_the_text(login, db, people):
    reflection = factories.make_reflection(db, people.participant)
    db.commit()
    browser = login(people.participant)
    path = f"/reflections/{reflection.id}/edit"
    token = csrf_from(browser, path)
    _lose_the_user(browser)
    browser.post(
        path, data={**editor_fields(people.cohort, title="Pat's words"), "csrf_token": token}
    )
    _sign_in(browser, people.fellow, "/")
    assert browser.get(path).status_code == 404
    home = text(browser.get("/"))
    assert "We kept some writing for you" not in home
    assert _count(db, ReflectionRescue) == 1


def test_home_page_points_back_to_kept_text(login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    token = csrf_from(browser, path)
    _lose_the_user(browser)
    browser.post(path, data={**editor_fields(people.cohort), "csrf_token": token})
    _sign_in(browser, people.participant, "/")
    home = text(browser.get("/"))
    assert "We kept some writing for you" in home
    assert f'href="{path}"' in home


def test_nothing_is_kept_for_a_reflection_that_does_not_exist(app, db, people):
    fresh = app.test_client()
    response = fresh.post("/reflections/999/edit", data={"title": "x", "csrf_token": "bad"})
    assert response.status_code == 400
    assert "This form has expired" in text(response)
    assert _count(db, ReflectionRescue) == 0


def test_stale_form_elsewhere_shows_the_usual_page(login, db, people):
    reflection = factories.make_reflection(db, people.participant, visibility="set")
    db.commit()
    response = login(people.fellow).post(
        f"/reflections/{reflection.id}/comments", data={"body": "Hello", "csrf_token": "stale"}
    )
    assert response.status_code == 400
    assert "This form has expired" in text(response)
