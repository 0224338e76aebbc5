"""One way to show a broken rule (issue 13, item 2): a service raises DomainError (or a
feature's subclass), and the view shows it beside the field it names, above the form, or as a
flash; one that no view expects gets a page of its own, and nothing is kept."""

from flask import Flask, get_flashed_messages
from flask_wtf import FlaskForm
from sqlalchemy import update
from wtforms import StringField

from learnset.accounts.models import User
from learnset.challenges.services import ChallengeError
from learnset.db import get_db
from learnset.errors import DomainError, _broken_rule, flashed, shown_on
from learnset.meetings.schedule import ScheduleError
from learnset.meetings.services import MeetingError
from learnset.meetings.topics import TopicError
from learnset.reflections.services import ReflectionError


class _Form(FlaskForm):
    title = StringField()
    body = StringField()


def test_every_feature_error_is_a_domain_error():
    for error in (ChallengeError, MeetingError, ScheduleError, TopicError, ReflectionError):
        assert issubclass(error, DomainError)


def test_shown_beside_the_field_it_names(app: Flask):
    with app.test_request_context(method="POST"):
        form = _Form(meta={"csrf": False})
        with shown_on(form, "title"):
            raise ReflectionError("Too long", "body")
        assert form.body.errors == ["Too long"]
        assert not form.title.errors


def test_shown_beside_the_default_field_else_above_the_form(app: Flask):
    with app.test_request_context(method="POST"):
        form = _Form(meta={"csrf": False})
        with shown_on(form, "title"):
            raise ChallengeError("Choose another title")
        assert form.title.errors == ["Choose another title"]
        with shown_on(form):
            raise ChallengeError("This challenge is closed", "no_such_field")
        assert form.form_errors == ["This challenge is closed"]


def test_the_block_after_the_rule_does_not_run(app: Flask):
    ran = []
    with app.test_request_context(method="POST"):
        with flashed():
            raise MeetingError("This session is already published")
            ran.append(True)  # pragma: no cover
        assert ran == []
        assert get_flashed_messages() == ["This session is already published"]


def test_other_errors_pass_through(app: Flask):
    with app.test_request_context(method="POST"):
        form = _Form(meta={"csrf": False})
        try:
            with shown_on(form, "title"):
                raise ValueError("not a rule")
        except ValueError:
            pass
        else:  # pragma: no cover
            raise AssertionError("a ValueError that is not a DomainError was swallowed")


def test_a_rule_no_view_expects_gets_its_page_and_nothing_is_kept(app: Flask, db, people):
    with app.test_request_context(method="POST"):
        get_db().execute(update(User).where(User.id == people.participant.id).values(name="Gone"))
        body, status = _broken_rule(TopicError("Voting has closed on this topic"))
    assert status == 422
    assert "Voting has closed on this topic" in body
    assert "Nothing has been changed" in body
    db.expire_all()
    assert db.get(User, people.participant.id).name != "Gone"
