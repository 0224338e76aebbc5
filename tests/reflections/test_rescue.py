"""Never lost, part two, without letting anyone else write for you (issue 12, item 2).

Text posted after the sign-in expired or the form went stale is kept only when the post
carries a CSRF token issued to this browser; it goes back only to its owner, in the browser
that kept it, and only when they choose. The rules are in learnset/reflections/rescue.py.
"""

from datetime import timedelta

from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from learnset.db import utcnow
from learnset.reflections import drafts, rescue
from learnset.reflections.models import Reflection, ReflectionDraft, ReflectionRescue
from learnset.reflections.rescue import SESSION_KEY
from tests import factories
from tests.helpers import (
    CSRF_INPUT,
    autosave,
    count_rows,
    csrf_from,
    csrf_token_signed_ago,
    editor_fields,
    editor_tokens,
    html_of,
    new_editor,
    sign_in,
    sign_out,
    submit,
)

HEADING = "Text you typed before you were signed out"
LOST_USER_KEYS = ("_user_id", "_fresh", "_id")


def _lose_the_user(browser):
    """The session outlives the sign-in (it timed out, or was ended elsewhere)."""
    with browser.session_transaction() as session:
        for key in LOST_USER_KEYS:
            session.pop(key, None)


def _signed_in_as(browser, user):
    return f"Hello, {user.name}" in html_of(browser.get("/"))


def _kept_after_expiry(browser, path, cohort, **fields):
    """Open the editor, lose the sign-in, then post it as the open page would."""
    tokens = editor_tokens(browser, path)
    _lose_the_user(browser)
    return browser.post(path, data={**editor_fields(cohort, **fields), **tokens})


def _draft_of(db, reflection):
    return drafts.draft_for_reflection(db, reflection)


# --- Only a token issued to this browser keeps anything ---------------------------------------


def test_cross_site_post_while_signed_in_is_refused_and_changes_nothing(login, db, people):
    """Same site, other origin: the cookies go with the form, the token cannot."""
    reflection = factories.make_reflection(db, people.participant, title="Mine")
    drafts.save_draft(
        db, people.participant, {"title": ["My draft"]}, utcnow(), reflection=reflection
    )
    db.commit()
    browser = login(people.participant)
    response = browser.post(
        f"/reflections/{reflection.id}/edit",
        data=editor_fields(people.cohort, title="Attacker's words"),
    )
    assert response.status_code == 400
    assert "This form has expired" in html_of(response, 400)
    assert count_rows(db, ReflectionRescue) == 0
    assert "Set-Cookie" not in response.headers
    assert _signed_in_as(browser, people.participant)
    page = html_of(browser.get(f"/reflections/{reflection.id}/edit"))
    assert HEADING not in page and "Attacker" not in page
    assert _draft_of(db, reflection).data == {"title": ["My draft"]}


def test_cross_site_post_without_cookies_is_refused_and_sets_no_cookie(app, db, people):
    """Cross-site: SameSite=Lax keeps the cookies back, so the post arrives with none. Its
    answer must not set one either: that would replace the victim's session (signing them
    out) with one the attacker chose."""
    reflection = factories.make_reflection(db, people.participant)
    db.commit()
    response = app.test_client().post(
        f"/reflections/{reflection.id}/edit", data=editor_fields(people.cohort, title="Planted")
    )
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers
    assert count_rows(db, ReflectionRescue) == 0


def test_token_issued_to_another_browser_keeps_nothing(app, login, db, people):
    reflection = factories.make_reflection(db, people.participant, title="Before")
    db.commit()
    path = f"/reflections/{reflection.id}/edit"
    elsewhere = editor_tokens(login(people.participant), path)
    # The same person's other browser, or an attacker who opened their own editor.
    browser = login(people.participant)
    response = browser.post(path, data={**editor_fields(people.cohort, title="x"), **elsewhere})
    assert response.status_code == 400
    fresh = app.test_client()
    response = fresh.post(path, data={**editor_fields(people.cohort, title="y"), **elsewhere})
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers
    assert count_rows(db, ReflectionRescue) == 0


def test_forged_token_keeps_nothing(app, login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    tokens = editor_tokens(browser, path)
    with browser.session_transaction() as session:
        raw = session["csrf_token"]
    forged = URLSafeTimedSerializer("a guessed secret", salt="wtf-csrf-token").dumps(raw)
    _lose_the_user(browser)
    for token in (forged, tokens["csrf_token"][:-2] + "xx", "not-a-token"):
        response = browser.post(
            path,
            data={**editor_fields(people.cohort), "writer": tokens["writer"], "csrf_token": token},
        )
        assert response.status_code == 400
    assert count_rows(db, ReflectionRescue) == 0


def test_stale_token_of_this_browser_keeps_the_text_for_up_to_7_days(app, login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    csrf_from(browser, path)
    nine_hours = csrf_token_signed_ago(app, browser, 9 * 3600)
    response = browser.post(
        path,
        data={**editor_fields(people.cohort, title="Nine hours later"), "csrf_token": nine_hours},
    )
    assert response.status_code == 302 and response.location == path
    assert count_rows(db, Reflection) == 0
    page = html_of(browser.get(path))
    assert "The page had been open too long" in page
    assert HEADING in page and "Nine hours later" in page
    assert db.scalar(select(ReflectionRescue)).user_id == people.participant.id

    eight_days = csrf_token_signed_ago(app, browser, 8 * 86400)
    response = browser.post(
        path, data={**editor_fields(people.cohort, title="Too late"), "csrf_token": eight_days}
    )
    assert response.status_code == 400
    assert count_rows(db, ReflectionRescue) == 1


def test_expired_sign_in_keeps_text_posted_with_this_browsers_token(login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    response = _kept_after_expiry(browser, path, people.cohort, title="As the sign-in ran out")
    assert response.status_code == 302
    assert response.location.startswith("/sign-in?next=")
    assert count_rows(db, Reflection) == 0
    kept = db.scalar(select(ReflectionRescue))
    assert kept.data["title"] == ["As the sign-in ran out"]
    assert kept.user_id == people.participant.id
    with browser.session_transaction() as session:
        assert "ran out" not in session[SESSION_KEY]  # only a random key is in the cookie
    assert "We have kept what you wrote" in html_of(browser.get(response.location))

    assert sign_in(browser, people.participant, path).location == path
    page = html_of(browser.get(path))
    assert HEADING in page and "As the sign-in ran out" in page
    # Shown, not used: the form and the drafts are as they were until the writer chooses.
    assert 'value="As the sign-in ran out"' not in page
    assert count_rows(db, ReflectionDraft) == 0 and count_rows(db, ReflectionRescue) == 1


def test_autosave_after_the_sign_in_expired_keeps_the_text(app, login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    tokens = editor_tokens(browser, path)
    _lose_the_user(browser)
    response = autosave(browser, path, {"title": "Autosaved late"}, tokens)
    assert response.status_code == 302  # the script tells the writer they were signed out
    assert db.scalar(select(ReflectionRescue)).data == {"title": ["Autosaved late"]}
    # Typing on: the same kept text is brought up to date, not multiplied.
    autosave(browser, path, {"title": "Autosaved later"}, tokens)
    assert [r.data for r in db.scalars(select(ReflectionRescue))] == [
        {"title": ["Autosaved later"]}
    ]


def test_signed_out_post_without_the_pages_writer_is_not_kept_and_is_given_back(login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    token = csrf_from(browser, path)
    _lose_the_user(browser)
    response = browser.post(
        path, data={**editor_fields(people.cohort, title="Whose is this?"), "csrf_token": token}
    )
    assert response.status_code == 400
    page = html_of(response, 400)
    assert "Your writing has not been kept" in page
    assert "We could not tell whose writing this is" in page
    assert "Whose is this?" in page and "Copy your text" in page
    assert count_rows(db, ReflectionRescue) == 0


def test_writer_field_for_another_editor_is_not_accepted(login, db, people):
    browser = login(people.participant)
    first, second = new_editor(browser), new_editor(browser)
    tokens = editor_tokens(browser, first)
    _lose_the_user(browser)
    response = browser.post(second, data={**editor_fields(people.cohort), **tokens})
    assert response.status_code == 400
    assert count_rows(db, ReflectionRescue) == 0


# --- Never silently: the writer sees both and chooses ----------------------------------------


def test_kept_text_never_replaces_a_draft_until_the_writer_chooses(app, login, db, people):
    reflection = factories.make_reflection(db, people.participant, title="Saved title")
    drafts.save_draft(
        db, people.participant, {"title": ["Draft title"]}, utcnow(), reflection=reflection
    )
    db.commit()
    browser = login(people.participant)
    path = f"/reflections/{reflection.id}/edit"
    csrf_from(browser, path)
    stale = csrf_token_signed_ago(app, browser, 9 * 3600)
    browser.post(
        path, data={**editor_fields(people.cohort, title="Kept title"), "csrf_token": stale}
    )
    page = html_of(browser.get(path))
    assert HEADING in page
    assert "Kept title" in page and "Draft title" in page
    assert 'value="Draft title"' in page and 'value="Kept title"' not in page
    assert _draft_of(db, reflection).data == {"title": ["Draft title"]}
    db.expire_all()
    assert reflection.title == "Saved title"


def test_use_this_text_puts_the_kept_text_in_the_form_not_in_the_log(login, db, people):
    reflection = factories.make_reflection(db, people.participant, title="Before")
    db.commit()
    browser = login(people.participant)
    path = f"/reflections/{reflection.id}/edit"
    _kept_after_expiry(browser, path, people.cohort, title="After")
    sign_in(browser, people.participant, path)
    kept = db.scalar(select(ReflectionRescue))
    token = csrf_from(browser, path)
    response = browser.post(f"/reflections/kept/{kept.id}/use", data={"csrf_token": token})
    assert response.status_code == 302 and response.location == path
    page = html_of(browser.get(path))
    assert "is now in the form" in page
    assert 'value="After"' in page and HEADING not in page
    assert count_rows(db, ReflectionRescue) == 0
    assert _draft_of(db, reflection).data["title"] == ["After"]
    db.expire_all()
    assert reflection.title == "Before"  # the log changes only when the writer saves
    assert submit(browser, path, editor_fields(people.cohort, title="After")).status_code == 302
    db.expire_all()
    assert reflection.title == "After"


def test_discard_it_asks_first_then_deletes_only_the_kept_text(login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    submit(browser, path, editor_fields(people.cohort, title="My draft", action="draft"))
    _kept_after_expiry(browser, path, people.cohort, title="Kept words")
    sign_in(browser, people.participant, path)
    kept = db.scalar(select(ReflectionRescue))
    confirm = browser.get(f"/reflections/kept/{kept.id}/discard")
    assert confirm.status_code == 200
    assert "Discard the text you typed before you were signed out?" in html_of(confirm)
    assert "Kept words" in html_of(confirm)
    assert count_rows(db, ReflectionRescue) == 1
    response = submit(browser, f"/reflections/kept/{kept.id}/discard", {})
    assert response.status_code == 302 and response.location == path
    assert "has been discarded" in html_of(browser.get(path))
    assert count_rows(db, ReflectionRescue) == 0
    assert db.scalar(select(ReflectionDraft)).data["title"] == ["My draft"]
    with browser.session_transaction() as session:
        assert SESSION_KEY not in session


# --- Only its owner, only in this browser -----------------------------------------------------


def test_shared_computer_next_person_never_sees_kept_text_and_its_owner_still_can(
    app, login, db, people
):
    """A's sign-in expires while writing a new reflection; B signs in on the same browser."""
    browser = login(people.participant)
    path = new_editor(browser)
    _kept_after_expiry(browser, path, people.cohort, title="Private words of Pat")
    kept = db.scalar(select(ReflectionRescue))
    assert kept.user_id == people.participant.id

    sign_in(browser, people.fellow)
    assert _signed_in_as(browser, people.fellow)
    for page in (browser.get("/"), browser.get(path), browser.get("/reflections")):
        assert "Private words of Pat" not in html_of(page)
        assert "We kept some writing for you" not in html_of(page) and HEADING not in html_of(page)
    token = csrf_from(browser, "/account")
    assert browser.get(f"/reflections/kept/{kept.id}/discard").status_code == 404
    for action in ("use", "discard"):
        response = browser.post(f"/reflections/kept/{kept.id}/{action}", data={"csrf_token": token})
        assert response.status_code == 404
    assert count_rows(db, ReflectionRescue) == 1
    assert count_rows(db, ReflectionDraft) == 0

    sign_out(browser)
    sign_in(browser, people.participant)
    home = html_of(browser.get("/"))
    assert "We kept some writing for you" in home and f'href="{path}"' in home
    assert "Private words of Pat" in html_of(browser.get(path))


def test_kept_text_stays_in_the_browser_that_kept_it(app, login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    _kept_after_expiry(browser, path, people.cohort, title="Typed on the ward PC")
    kept = db.scalar(select(ReflectionRescue))
    laptop = app.test_client()
    sign_in(laptop, people.participant)
    assert "We kept some writing for you" not in html_of(laptop.get("/"))
    assert HEADING not in html_of(laptop.get(path))
    token = csrf_from(laptop, "/account")
    response = laptop.post(f"/reflections/kept/{kept.id}/use", data={"csrf_token": token})
    assert response.status_code == 404


def test_page_opened_by_someone_else_is_never_saved_for_whoever_is_signed_in(login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    tokens = editor_tokens(browser, path)
    _lose_the_user(browser)
    sign_in(browser, people.fellow)
    # Pat's old tab goes on saving while Fay is signed in on the browser. Signing in gave the
    # browser a new form secret, so the old page's token is no longer this browser's.
    fields = editor_fields(people.cohort, title="Old tab of Pat")
    response = browser.post(path, data={**fields, **tokens})
    assert response.status_code == 400
    response = autosave(browser, path, {"title": "Old tab of Pat, later"}, tokens)
    assert response.status_code == 400
    assert count_rows(db, ReflectionDraft) == 0 and count_rows(db, Reflection) == 0
    assert count_rows(db, ReflectionRescue) == 0
    # Fay is still signed in.
    assert "Sign out" in html_of(browser.get("/account"))


def test_signed_in_stale_post_to_someone_elses_reflection_keeps_nothing(app, login, db, people):
    reflection = factories.make_reflection(db, people.participant, visibility="set")
    db.commit()
    browser = login(people.fellow)
    csrf_from(browser, "/account")
    stale = csrf_token_signed_ago(app, browser, 9 * 3600)
    answers = []
    for reflection_id in (reflection.id, 999_999):
        response = browser.post(
            f"/reflections/{reflection_id}/edit",
            data={**editor_fields(people.cohort, title="Not mine"), "csrf_token": stale},
        )
        page = CSRF_INPUT.sub("", html_of(response, status=None)).replace(
            f"/reflections/{reflection_id}/", "/N/"
        )
        answers.append((response.status_code, page))
    assert answers[0] == answers[1]
    assert answers[0][0] == 400
    assert count_rows(db, ReflectionRescue) == 0


def test_anonymous_post_shows_nothing_about_which_reflections_exist(app, db, people):
    """Regression (item 6): the rescue looked the reflection up before anyone signed in."""
    reflection = factories.make_reflection(db, people.participant)
    db.commit()
    answers = []
    for reflection_id in (reflection.id, 999_999):
        stranger = app.test_client()
        token = csrf_from(stranger, "/sign-in")
        response = stranger.post(
            f"/reflections/{reflection_id}/edit",
            data={**editor_fields(people.cohort), "csrf_token": token},
        )
        with stranger.session_transaction() as session:
            flashes = session.get("_flashes")
        location = (response.location or "").replace(str(reflection_id), "N")
        answers.append((response.status_code, location, flashes))
    assert answers[0] == answers[1]
    assert count_rows(db, ReflectionRescue) == 0


# --- Limits -----------------------------------------------------------------------------------


def test_text_too_long_to_keep_is_refused_and_given_back(login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    huge = "word " * (rescue.MAX_BYTES // 5 + 1)
    response = _kept_after_expiry(browser, path, people.cohort, part_what=huge)
    assert response.status_code == 413
    page = html_of(response, 413)
    assert "too long for us to keep" in page and "Copy your text" in page
    assert "word word word" in page
    assert count_rows(db, ReflectionRescue) == 0


def test_a_browser_keeps_at_most_five_texts(login, db, people):
    browser = login(people.participant)
    paths = [new_editor(browser) for _ in range(rescue.MAX_PER_BROWSER + 1)]
    pages = [editor_tokens(browser, path) for path in paths]
    _lose_the_user(browser)
    for path, tokens in zip(paths, pages, strict=True):
        response = browser.post(path, data={**editor_fields(people.cohort), **tokens})
    assert response.status_code == 429
    assert "This browser already holds 5 pieces of writing" in html_of(response, 429)
    assert count_rows(db, ReflectionRescue) == rescue.MAX_PER_BROWSER
    # Writing again from an editor already kept replaces its text: that is not a new one.
    response = browser.post(paths[0], data={**editor_fields(people.cohort, title="v2"), **pages[0]})
    assert response.status_code == 302


def test_autosave_refused_by_a_limit_says_so(login, db, people, monkeypatch):
    monkeypatch.setattr(rescue, "OVERALL_PER_HOUR", 0)
    browser = login(people.participant)
    path = new_editor(browser)
    tokens = editor_tokens(browser, path)
    _lose_the_user(browser)
    response = autosave(browser, path, {"title": "Busy"}, tokens)
    assert response.status_code == 429
    assert response.json["status"] == "not-kept"
    assert "too much writing" in response.json["message"]
    assert "Copy your text" in response.json["message"]


# --- Seven days at most ---------------------------------------------------------------------


def test_kept_text_is_offered_for_7_days_then_purged(login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    _kept_after_expiry(browser, path, people.cohort, title="A week ago")
    sign_in(browser, people.participant)
    kept = db.scalar(select(ReflectionRescue))
    now = utcnow()
    kept.created_at = now - timedelta(days=6, hours=23)
    db.commit()
    assert "A week ago" in html_of(browser.get(path))
    kept.created_at = now - timedelta(days=7, minutes=1)
    db.commit()
    assert HEADING not in html_of(browser.get(path))
    assert "We kept some writing for you" not in html_of(browser.get("/"))
    assert browser.get(f"/reflections/kept/{kept.id}/discard").status_code == 404
    assert rescue.purge_kept_text(db, now) == 1
    assert count_rows(db, ReflectionRescue) == 0
