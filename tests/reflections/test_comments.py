"""The conversation on shared reflections: who may comment, who sees what, and the author's news."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learnset import authz
from learnset.db import utcnow
from learnset.reflections import comments, queries, services
from learnset.reflections.models import ReflectionComment
from tests import factories
from tests.helpers import csrf_from, editor_fields, html_of, submit


def _comment(browser, reflection, body, **extra):
    """Post the comment form from the reflection's page, with that page's token."""
    token = csrf_from(browser, f"/reflections/{reflection.id}")
    return browser.post(
        f"/reflections/{reflection.id}/comments", data={"body": body, **extra, "csrf_token": token}
    )


def test_tutor_comments_and_the_author_is_told_on_their_home_page(login, db, people):
    reflection = factories.make_reflection(
        db, people.participant, title="The data pack", visibility="tutors"
    )
    db.commit()
    tutor = login(people.tutor)
    response = _comment(tutor, reflection, "What surprised the **managers** most?")
    assert response.status_code == 302
    assert response.location.endswith("#comments")
    author = login(people.participant)
    home = html_of(author.get("/"))
    assert "New comments on your reflections" in home
    assert "The data pack</a>: 1 new comment" in home
    page = html_of(author.get(f"/reflections/{reflection.id}"))
    assert "Tess Tutor" in page
    assert "<strong>managers</strong>" in page
    # Opening the page changes nothing; marking the comments as read does.
    assert "New comments on your reflections" in html_of(author.get("/"))
    upto = re.search(r'name="upto" (?:type="hidden" )?value="([^"]+)"', page)
    assert upto
    token = csrf_from(author, f"/reflections/{reflection.id}")
    author.post(
        f"/reflections/{reflection.id}/comments/seen",
        data={"upto": upto.group(1), "csrf_token": token},
    )
    assert "New comments on your reflections" not in html_of(author.get("/"))
    # The author's own reply is never news to them.
    _comment(author, reflection, "The length of stay figures.")
    assert "New comments on your reflections" not in html_of(author.get("/"))


def test_fellow_comments_on_a_set_shared_reflection(login, db, people):
    reflection = factories.make_reflection(db, people.participant, visibility="set")
    db.commit()
    assert _comment(login(people.fellow), reflection, "This helped me too.").status_code == 302
    assert "This helped me too." in html_of(
        login(people.tutor).get(f"/reflections/{reflection.id}")
    )


def test_comment_form_is_hidden_from_those_who_may_not_comment(login, db, people):
    private = factories.make_reflection(db, people.participant)
    db.commit()
    page = html_of(login(people.participant).get(f"/reflections/{private.id}"))
    assert "Add comment" not in page


def test_withdrawing_the_share_hides_the_comments_and_sharing_again_brings_them_back(
    login, db, people
):
    reflection = factories.make_reflection(db, people.participant, visibility="set")
    factories.make_comment(db, reflection, people.fellow, body="Thoughts from Fay")
    db.commit()
    author = login(people.participant)
    submit(author, f"/reflections/{reflection.id}/sharing", {"visibility": "private"})
    page = html_of(author.get(f"/reflections/{reflection.id}"))
    assert "Thoughts from Fay" not in page
    assert "1 comment is hidden because this reflection is not shared" in page
    assert "show again if you share it again" in page
    assert db.scalar(select(func.count()).select_from(ReflectionComment)) == 1  # kept
    sharing = html_of(author.get(f"/reflections/{reflection.id}/sharing"))
    assert "1 earlier comment will show again when you share it" in sharing
    submit(author, f"/reflections/{reflection.id}/sharing", {"visibility": "set"})
    assert "Thoughts from Fay" in html_of(login(people.tutor).get(f"/reflections/{reflection.id}"))


def test_comments_written_for_the_tutors_never_reach_the_set(login, db, people):
    reflection = factories.make_reflection(db, people.participant, visibility="tutors")
    db.commit()
    _comment(login(people.tutor), reflection, "Just between us: well done.")
    submit(
        login(people.participant), f"/reflections/{reflection.id}/sharing", {"visibility": "set"}
    )
    _comment(login(people.fellow), reflection, "Thanks for sharing with us all.")
    fellow_page = html_of(login(people.fellow).get(f"/reflections/{reflection.id}"))
    assert "Just between us" not in fellow_page
    assert "Thanks for sharing with us all." in fellow_page
    for role in ("participant", "tutor"):
        page = html_of(login(people.by_role(role)).get(f"/reflections/{reflection.id}"))
        assert "Just between us" in page and "Thanks for sharing" in page


def test_comment_notifications_need_the_share_to_be_on(db, people):
    reflection = factories.make_reflection(db, people.participant, visibility="set")
    factories.make_comment(db, reflection, people.fellow)
    assert [n.count for n in queries.new_comments(db, people.participant)] == [1]
    reflection.visibility = "private"
    db.flush()
    assert queries.new_comments(db, people.participant) == []


def test_only_comments_newer_than_the_last_visit_are_news(db, people):
    reflection = factories.make_reflection(db, people.participant, visibility="set")
    now = utcnow()
    factories.make_comment(db, reflection, people.fellow, created_at=now - timedelta(hours=2))
    comments.mark_comments_seen(db, reflection, now - timedelta(hours=1))
    factories.make_comment(db, reflection, people.tutor, created_at=now)
    assert [n.count for n in queries.new_comments(db, people.participant)] == [1]


@pytest.mark.parametrize(
    "body,message",
    [
        ("", "Write your comment"),
        (" \r\n\t ", "Write your comment"),
        ("x" * 5001, "Comment must be 5,000 characters or fewer"),
    ],
)
def test_comment_validation(login, db, people, body, message):
    reflection = factories.make_reflection(db, people.participant, visibility="set")
    db.commit()
    response = _comment(login(people.fellow), reflection, body)
    assert response.status_code == 422
    assert message in html_of(response, 422)
    assert db.scalar(select(func.count()).select_from(ReflectionComment)) == 0


def test_service_refuses_a_comment_from_outside_the_audience(db, people):
    reflection = factories.make_reflection(db, people.participant, visibility="tutors")
    with pytest.raises(services.ReflectionError):
        comments.add_comment(db, reflection, people.fellow, "Let me in", utcnow())
    assert authz.can(people.tutor, "reflection:comment", reflection)


@pytest.mark.parametrize("visibility", ["set", "private"])
def test_a_conversation_never_follows_its_reflection_into_another_set(
    login, db, people, visibility
):
    """Comments are written for one set's eyes: moving the reflection to another set the author
    takes part in would show them there (also after a withdrawn share is shared again)."""
    factories.make_member(db, people.other_cohort, "participant", user=people.participant)
    reflection = factories.make_reflection(
        db, people.participant, cohort=people.cohort, visibility=visibility
    )
    factories.make_comment(db, reflection, people.fellow, audience="set", body="Riverside only")
    db.commit()
    browser = login(people.participant)
    response = submit(
        browser,
        f"/reflections/{reflection.id}/edit",
        editor_fields(people.other_cohort, visibility="set"),
    )
    assert response.status_code == 422
    assert "has comments from" in html_of(response, 422)
    db.refresh(reflection)
    assert reflection.cohort_id == people.cohort.id
    for reader in (people.outsider, people.other_tutor):
        assert login(reader).get(f"/reflections/{reflection.id}").status_code == 404


def test_a_reflection_with_only_its_authors_words_can_move_to_another_set(login, db, people):
    factories.make_member(db, people.other_cohort, "participant", user=people.participant)
    reflection = factories.make_reflection(db, people.participant, cohort=people.cohort)
    factories.make_comment(db, reflection, people.participant, audience="set")
    db.commit()
    response = submit(
        login(people.participant),
        f"/reflections/{reflection.id}/edit",
        editor_fields(people.other_cohort),
    )
    assert response.status_code == 302
    db.refresh(reflection)
    assert reflection.cohort_id == people.other_cohort.id
