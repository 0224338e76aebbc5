from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length

from learnset.forms import choices
from learnset.session_feedback.models import MAX_TEXT, Usefulness
from learnset.session_feedback.services import Answers


def _too_long(what: str) -> Length:
    return Length(max=MAX_TEXT, message=f"{what} must be {MAX_TEXT} characters or fewer")


class SessionFeedbackForm(FlaskForm):
    usefulness = RadioField(
        "How useful was this session for your work?",
        choices=choices(Usefulness.pairs()),
        validate_choice=False,
        validators=[
            InputRequired("Choose how useful the session was"),
            AnyOf([member.value for member in Usefulness], "Choose how useful the session was"),
        ],
    )
    do_differently = TextAreaField(
        "What will you do differently because of it? (optional)",
        description=f"A sentence or two, up to {MAX_TEXT} characters. Nothing about patients.",
        validators=[_too_long("What you will do differently")],
    )
    change_one_thing = TextAreaField(
        "What is one thing you would change about the session? (optional)",
        description=f"Up to {MAX_TEXT} characters.",
        validators=[_too_long("The one thing you would change")],
    )

    def to_answers(self) -> Answers:
        return Answers(
            usefulness=int(self.usefulness.data),
            do_differently=self.do_differently.data or "",
            change_one_thing=self.change_one_thing.data or "",
        )
