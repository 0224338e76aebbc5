"""The reflection page: opening it changes nothing (issue 13 item 2, issue 14 item 1); new
comments are marked "New" until the author marks them as read with a POST (a button, pressed
by the page's script when JavaScript runs); the conversation and the earlier versions are paged
(issue 14 item 1), in a fixed number of queries however long they grow."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from learnset.db import utcnow
from learnset.pagination import PER_PAGE
from learnset.reflections import services
from learnset.reflections.models import Reflection, ReflectionVersion
from tests import factories
from tests.helpers import CSRF_INPUT, csrf_in, html_of

UPTO = re.compile(r'name="upto" type="hidden" value="([^"]+)"|name="upto" value="([^"]+)"')
NEW_TAG = re.compile(r'<strong class="nhsuk-tag nhsuk-tag--blue"\s*>\s*New\s*</strong>')


def _shared(db, people, comments=1, **overrides):
    reflection = factories.make_reflection(db, people.participant, visibility="set", **overrides)
    start = utcnow() - timedelta(hours=comments + 1)
    for n in range(comments):
        factories.make_comment(
            db, reflection, people.fellow, body=f"Comment number {n + 1}.",
            created_at=start + timedelta(minutes=n),
        )  # fmt: skip
    db.commit()
    return reflection


def _seen_form(html):
    """The "Mark comments as read" form's fields, as the page drew them."""
    start = html.index("data-comments-seen")
    form = html[start : html.index("</form>", start)]
    token = CSRF_INPUT.search(form)
    upto = UPTO.search(form)
    assert token and upto
    return {"csrf_token": token.group(1) or token.group(2), "upto": upto.group(1) or upto.group(2)}


def _news_on_home(browser):
    return "New comments on your reflections" in html_of(browser.get("/"))


def test_opening_the_page_marks_nothing_and_shows_what_is_new(login, db, people):
    reflection = _shared(db, people, comments=2)
    author = login(people.participant)
    for _ in range(2):
        page = author.get(f"/reflections/{reflection.id}").get_data(as_text=True)
        assert len(NEW_TAG.findall(page)) == 2
        assert "2 new comments since you last read them" in page
        assert "Mark comments as read" in page
        assert "app/comments-seen.js" in page
    assert _news_on_home(author)
    db.expire_all()
    assert db.get(Reflection, reflection.id).comments_seen_at is None


def test_the_button_marks_them_read(login, db, people):
    reflection = _shared(db, people, comments=2)
    author = login(people.participant)
    page = author.get(f"/reflections/{reflection.id}").get_data(as_text=True)
    response = author.post(f"/reflections/{reflection.id}/comments/seen", data=_seen_form(page))
    assert response.status_code == 302
    assert response.location.endswith(f"/reflections/{reflection.id}#comments")
    page = html_of(author.get(response.location))
    assert "The comments are marked as read." in page
    assert not NEW_TAG.search(page) and "Mark comments as read" not in page
    assert "Comment number 2." in page
    assert not _news_on_home(author)


def test_the_script_posts_with_the_token_in_a_header_and_gets_json(login, db, people):
    reflection = _shared(db, people)
    author = login(people.participant)
    fields = _seen_form(author.get(f"/reflections/{reflection.id}").get_data(as_text=True))
    response = author.post(
        f"/reflections/{reflection.id}/comments/seen",
        data={"upto": fields["upto"]},
        headers={"X-CSRFToken": fields["csrf_token"], "Accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.get_json() == {"status": "seen"}
    assert not _news_on_home(author)


def test_a_comment_written_after_the_page_was_drawn_is_still_news(login, db, people):
    reflection = _shared(db, people)
    author = login(people.participant)
    fields = _seen_form(author.get(f"/reflections/{reflection.id}").get_data(as_text=True))
    factories.make_comment(db, reflection, people.tutor, body="Written just now.")
    db.commit()
    author.post(f"/reflections/{reflection.id}/comments/seen", data=fields)
    page = author.get(f"/reflections/{reflection.id}").get_data(as_text=True)
    assert len(NEW_TAG.findall(page)) == 1
    assert "1 new comment since you last read them" in page
    # An older page posting late moves nothing back.
    author.post(f"/reflections/{reflection.id}/comments/seen", data=_seen_form(page))
    author.post(f"/reflections/{reflection.id}/comments/seen", data=fields)
    assert not _news_on_home(author)


def test_the_authors_own_comments_are_never_news(login, db, people):
    reflection = _shared(db, people, comments=0)
    factories.make_comment(db, reflection, people.participant, body="My own note.")
    db.commit()
    page = login(people.participant).get(f"/reflections/{reflection.id}").get_data(as_text=True)
    assert "My own note." in page
    assert not NEW_TAG.search(page) and "Mark comments as read" not in page


@pytest.mark.parametrize("role", ["fellow", "tutor", "outsider", "other_tutor", "admin"])
def test_only_the_author_can_mark_them_read(login, db, people, role):
    reflection = _shared(db, people)
    author_page = login(people.participant).get(f"/reflections/{reflection.id}")
    fields = _seen_form(author_page.get_data(as_text=True))
    someone = login(people.by_role(role))
    # The button is the author's only.
    if role in ("fellow", "tutor"):
        page = someone.get(f"/reflections/{reflection.id}").get_data(as_text=True)
        assert "Comment number 1." in page
        assert "Mark comments as read" not in page and not NEW_TAG.search(page)
    token = CSRF_INPUT.search(someone.get("/reflections").get_data(as_text=True))
    data = {**fields, "csrf_token": token.group(1) or token.group(2)}
    assert someone.post(f"/reflections/{reflection.id}/comments/seen", data=data).status_code == 404
    db.expire_all()
    assert db.get(Reflection, reflection.id).comments_seen_at is None


def test_marking_read_needs_the_token_and_a_time(login, db, people):
    reflection = _shared(db, people)
    author = login(people.participant)
    fields = _seen_form(author.get(f"/reflections/{reflection.id}").get_data(as_text=True))
    url = f"/reflections/{reflection.id}/comments/seen"
    assert author.post(url, data={"upto": fields["upto"]}).status_code == 400
    for upto in ("", "yesterday", "2026-01-01T09:00:00"):
        assert author.post(url, data={**fields, "upto": upto}).status_code == 400
    assert _news_on_home(author)


def test_a_time_in_the_future_marks_no_more_than_now(login, db, people):
    reflection = _shared(db, people)
    author = login(people.participant)
    fields = _seen_form(author.get(f"/reflections/{reflection.id}").get_data(as_text=True))
    later = (utcnow() + timedelta(days=3)).isoformat()
    author.post(f"/reflections/{reflection.id}/comments/seen", data={**fields, "upto": later})
    factories.make_comment(db, reflection, people.tutor, created_at=utcnow() + timedelta(hours=1))
    db.commit()
    assert _news_on_home(author)


# --- Pages ---------------------------------------------------------------------------------------


def test_the_conversation_is_paged_oldest_first(login, db, people):
    reflection = _shared(db, people, comments=PER_PAGE + 5)
    reader = login(people.tutor)
    first = html_of(reader.get(f"/reflections/{reflection.id}"))
    assert "Comment number 1." in first and f"Comment number {PER_PAGE}." in first
    assert f"Comment number {PER_PAGE + 1}." not in first
    assert f"/reflections/{reflection.id}?page=2" in first
    second = html_of(reader.get(f"/reflections/{reflection.id}?page=2"))
    assert f"Comment number {PER_PAGE + 1}." in second
    assert f"Comment number {PER_PAGE + 5}." in second
    assert "Comment number 1." not in second
    # Past the end: the last page, as on every list (learnset/pagination.py).
    past = html_of(reader.get(f"/reflections/{reflection.id}?page=99"))
    assert f"Comment number {PER_PAGE + 5}." in past and "Comment number 1." not in past


def test_a_new_comment_lands_on_the_last_page(login, db, people):
    reflection = _shared(db, people, comments=PER_PAGE)
    tutor = login(people.tutor)
    page = tutor.get(f"/reflections/{reflection.id}").get_data(as_text=True)
    token = CSRF_INPUT.search(page)
    response = tutor.post(
        f"/reflections/{reflection.id}/comments",
        data={"body": "The newest word.", "csrf_token": token.group(1) or token.group(2)},
    )
    assert response.status_code == 302
    assert response.location.endswith(f"/reflections/{reflection.id}?page=2#comments")
    assert "The newest word." in html_of(tutor.get(response.location))


def test_new_comments_on_an_earlier_page_are_counted(login, db, people):
    reflection = _shared(db, people, comments=PER_PAGE + 1)
    page = login(people.participant).get(f"/reflections/{reflection.id}?page=2")
    html = page.get_data(as_text=True)
    assert f"{PER_PAGE + 1} new comments since you last read them" in html
    assert len(NEW_TAG.findall(html)) == 1


def _statements(count_queries, browser, path):
    browser.get(path)
    with count_queries() as statements:
        response = browser.get(path)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("role", ["participant", "tutor"])
def test_the_page_costs_the_same_however_long_the_conversation(
    login, db, people, count_queries, role
):
    reflection = _shared(db, people, comments=2)
    browser = login(people.by_role(role))
    path = f"/reflections/{reflection.id}"
    few = _statements(count_queries, browser, path)
    others = [factories.make_member(db, people.cohort, "participant") for _ in range(5)]
    for n in range(3 * PER_PAGE):
        factories.make_comment(db, reflection, others[n % len(others)])
    db.commit()
    assert _statements(count_queries, browser, path) == few
    assert _statements(count_queries, browser, path + "?page=2") == few


def test_a_private_reflection_sends_nothing_for_a_conversation_nobody_can_see(
    login, db, people, count_queries
):
    reflection = _shared(db, people, comments=2)
    author = login(people.participant)
    path = f"/reflections/{reflection.id}"
    shared = _statements(count_queries, author, path)
    reflection.visibility = "private"
    db.commit()
    # Not the conversation's count, its page or the author's news; only how many it hides.
    assert _statements(count_queries, author, path) == shared - 2
    assert "2 comments" in html_of(author.get(path))


def _versions(db, reflection, count):
    """Save the reflection `count` more times, each with new words: a version each."""
    for n in range(count):
        data = services.ReflectionInput(
            title=f"Edited {n}",
            structure=reflection.structure,
            parts=reflection.text_by_part,
            experienced_on=reflection.experienced_on,
            cpd_minutes=reflection.cpd_minutes,
            cohort_id=reflection.cohort_id,
        )
        services.update_reflection(db, reflection, data, utcnow())
    db.commit()


def test_earlier_versions_are_paged_newest_first(login, db, people, count_queries):
    reflection = factories.make_reflection(db, people.participant)
    db.commit()
    author = login(people.participant)
    path = f"/reflections/{reflection.id}/history"
    few = _statements(count_queries, author, path)
    _versions(db, reflection, PER_PAGE + 2)
    assert _statements(count_queries, author, path) == few
    newest = db.scalar(
        select(ReflectionVersion.number)
        .where(ReflectionVersion.reflection_id == reflection.id)
        .order_by(ReflectionVersion.number.desc())
    )
    first = html_of(author.get(path))
    assert f"Version {newest} (the current one)" in first
    assert "<h2>Version 1</h2>" not in first
    assert f"/reflections/{reflection.id}/history?page=2" in first
    second = html_of(author.get(path + "?page=2"))
    assert "<h2>Version 1</h2>" in second and "<h2>Version 2</h2>" in second
    assert "(the current one)" not in second
    assert "Put back version 1" in second
    assert "<h2>Version 1</h2>" in html_of(author.get(path + "?page=9"))


def test_the_button_still_works_on_a_page_drawn_again_after_a_comment_with_an_error(
    login, db, people
):
    reflection = _shared(db, people)
    author = login(people.participant)
    page = html_of(author.get(f"/reflections/{reflection.id}"))
    response = author.post(
        f"/reflections/{reflection.id}/comments",
        data={"body": "", "csrf_token": csrf_in(page)},
    )
    assert response.status_code == 422
    fields = _seen_form(response.get_data(as_text=True))
    assert fields["upto"]
    seen = author.post(f"/reflections/{reflection.id}/comments/seen", data=fields)
    assert seen.status_code == 302
    assert not _news_on_home(author)
