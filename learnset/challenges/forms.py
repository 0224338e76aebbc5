"""The forms of live challenges, in the programme's own words. Forms check shape; services
check the rules."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from learnset.challenges.models import (
    TRAPPED_ORDER,
    ChallengeStatus,
    GainFor,
    GainKind,
    Spend,
    TrappedKind,
    UpdateKind,
)
from learnset.challenges.services import ChallengeInput, GainInput, PlanInput
from learnset.forms import MultiCheckboxField, choices, max_length, one_line
from learnset.nhs_numbers import nhs_numbers_in
from learnset.once import OnceForm

MAX_TITLE = 200
MAX_TEXT = 5_000
MAX_NOTE = 1_000

# The form asks "Is it an action or an experiment?", so its choices are worded as answers.
PLAN_CHOICES = [
    (UpdateKind.ACTION.value, "An action"),
    (UpdateKind.EXPERIMENT.value, "A low- or no-spend experiment"),
]
TRAPPED_KINDS = tuple(kind.value for kind in TrappedKind)


def no_nhs_numbers(_form: FlaskForm, field: Field) -> None:
    """The whole set reads a challenge: a number that passes the NHS number check stays out."""
    found = nhs_numbers_in(field.data)
    if found:
        raise ValidationError(
            f"{found[0]} looks like an NHS number. Remove it: do not identify patients"
        )


def _text(
    label: str, maximum: int = MAX_TEXT, required: str | None = None, **kwargs: Any
) -> TextAreaField:
    name = label.removesuffix(" (optional)")
    validators: list[Any] = [DataRequired(required)] if required else [Optional()]
    return TextAreaField(
        label, validators=[*validators, max_length(name, maximum), no_nhs_numbers], **kwargs
    )


class ChallengeForm(OnceForm):
    title = StringField(
        "Title",
        filters=[one_line],
        description="A few words the set will recognise, like "
        "“Frailty support that keeps people at home”",
        validators=[
            DataRequired("Enter a title for your challenge"),
            max_length("Title", MAX_TITLE),
            no_nhs_numbers,
        ],
    )
    context = _text(
        "The context",
        required="Describe the context of your challenge",
        description="What is happening now, where, and why it matters to you",
    )
    outcomes = _text(
        "Outcomes you want for people and communities",
        required="Describe the outcomes you want for people and communities",
        description="The difference you want to see in people's lives, not the service you "
        "expect to buy. For example, “Older people in the north of the borough stay well at "
        "home for longer” rather than “A new falls service”",
    )
    stakeholders = _text(
        "Who has a stake in it across the system (optional)",
        description="People and organisations: patients and carers, practices, providers, the "
        "council, the voluntary sector, communities",
    )
    trapped = MultiCheckboxField(
        "What is trapped?", choices=choices(TrappedKind.pairs()), validate_choice=False
    )

    def to_input(self) -> ChallengeInput:
        ticked = {kind for kind in self.trapped.data or [] if kind in TRAPPED_KINDS}
        notes = {kind: (self[f"note_{kind}"].data or "") for kind in TRAPPED_KINDS}
        # A note counts as a tick: typed words are never thrown away.
        trapped = {
            kind: notes[kind].strip()
            for kind in TRAPPED_KINDS
            if kind in ticked or notes[kind].strip()
        }
        return ChallengeInput(
            title=self.title.data or "",
            context=self.context.data or "",
            outcomes=self.outcomes.data or "",
            stakeholders=self.stakeholders.data or "",
            trapped=trapped,
        )


for _kind in TRAPPED_ORDER:
    setattr(
        ChallengeForm,
        f"note_{_kind.value}",
        _text(f"Note on {_kind.label.lower()} (optional)", MAX_NOTE),
    )


class StatusForm(FlaskForm):
    status = RadioField(
        "Where is this challenge now?",
        choices=choices(ChallengeStatus.pairs()),
        validators=[InputRequired("Choose open, paused or closed")],
    )


class QuestionForm(OnceForm):
    body = _text("Ask an open question", 2_000, required="Write your question")

    def to_input(self) -> str:
        return self.body.data or ""


class InsightForm(OnceForm):
    body = _text("Share an insight", 2_000, required="Write your insight")

    def to_input(self) -> str:
        return self.body.data or ""


class PlanForm(OnceForm):
    kind = RadioField(
        "Is it an action or an experiment?",
        choices=choices(PLAN_CHOICES),
        default=UpdateKind.ACTION.value,
        validators=[InputRequired("Choose an action or an experiment")],
    )
    body = _text(
        "What you will do",
        required="Say what you will try before the next session",
        description="Be specific: what, with whom, and by when. For example, “Ask three "
        "practice managers what a good discharge looks like for their patients”",
    )
    expected_learning = _text(
        "What do you expect to learn?",
        description="For an experiment: what would tell you to do more of it, change it or stop",
    )
    spend = RadioField(
        "What will it cost?",
        choices=choices(Spend.pairs()),
        validators=[Optional()],
    )

    def to_input(self) -> PlanInput:
        return PlanInput(
            kind=self.kind.data,
            body=self.body.data or "",
            expected_learning=self.expected_learning.data or "",
            spend=self.spend.data or None,
        )


class OutcomeForm(FlaskForm):
    outcome = _text(
        "What happened?",
        required="Say what happened",
        description="What you did, what you noticed, and what it taught you about how the "
        "system works. Not what you hoped would happen",
    )


class GainForm(OnceForm):
    body = _text(
        "What is the gain?",
        2_000,
        required="Describe the gain",
        description="The difference, in plain words. For example, “Twelve people came home "
        "from hospital a day sooner in March”",
    )
    gain_for = RadioField(
        "Who gains?",
        choices=choices(GainFor.pairs()),
        validators=[InputRequired("Choose who gains")],
    )
    gain_kind = RadioField(
        "What kind of gain is it?",
        choices=choices(GainKind.pairs()),
        validators=[InputRequired("Choose what kind of gain it is")],
    )
    evidence = _text(
        "How do you know? (optional)",
        2_000,
        description="A figure, something people said, something you saw for yourself",
    )

    def to_input(self) -> GainInput:
        return GainInput(
            body=self.body.data or "",
            gain_for=self.gain_for.data,
            gain_kind=self.gain_kind.data,
            evidence=self.evidence.data or "",
        )


class StoryForm(FlaskForm):
    summary = _text(
        "Your story",
        3_000,
        required="Write your story",
        description="A short account for colleagues across the programme: what the challenge "
        "was, what you tried, and what changed. Write it afresh for them",
    )
    consent = BooleanField("I agree to publish this story")


class ChallengeFilterForm(FlaskForm):
    """The list's filter, in the query string: nothing changes, so no CSRF."""

    class Meta:
        csrf = False

    status = SelectField(
        "Show",
        choices=choices(
            [("current", "Open and paused"), ("closed", "Closed"), ("all", "All challenges")]
        ),
        default="current",
        validators=[Optional()],
    )


class GainFilterForm(FlaskForm):
    class Meta:
        csrf = False

    kind = SelectField(
        "Kind of gain",
        choices=choices([("", "All kinds"), *GainKind.pairs()]),
        validators=[Optional()],
    )
