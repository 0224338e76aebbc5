"""The forms of feedback from colleagues: opening a round, adding colleagues, and the rater's
questions (built for the capabilities the round asks about)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, RadioField, SelectField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional

from learnset.colleague_feedback.models import RaterRelationship
from learnset.colleague_feedback.services import MAX_ANSWER, MAX_NOTE, RaterInput
from learnset.forms import DateInputField, MultiCheckboxField, choices, max_length
from learnset.framework.models import LEVEL_NAMES, Capability
from learnset.ids import number_in
from learnset.once import OnceForm

CANT_SAY = "0"


class RaterRows:
    """Rows of (email, relationship) fields named email_1, relation_1, ...: a row is used when
    its email is filled in."""

    rows: int

    def rater_fields(self) -> list[tuple[Field, Field]]:
        return [(self[f"email_{n}"], self[f"relation_{n}"]) for n in range(1, self.rows + 1)]  # type: ignore[index]  # a FlaskForm's fields by name

    def raters(self) -> list[RaterInput]:
        return [
            RaterInput(email.data.strip(), relation.data or "")
            for email, relation in self.rater_fields()
            if (email.data or "").strip()
        ]

    def check_rows(self) -> bool:
        """Each filled row needs a relationship; an empty row is left out."""
        ok = True
        for email, relation in self.rater_fields():
            if (email.data or "").strip() and not relation.data:
                relation.errors = [*relation.errors, "Choose how this colleague knows you"]
                ok = False
        return ok


def _with_rows(base: type[FlaskForm], rows: int) -> type[FlaskForm]:
    attributes: dict[str, Any] = {"rows": rows}
    for n in range(1, rows + 1):
        attributes[f"email_{n}"] = EmailField(
            f"Colleague {n}: email address",
            validators=[
                Optional(),
                Length(max=254, message="Enter an email address of 254 characters or fewer"),
                Email(message="Enter an email address in the correct format, like name@nhs.net"),
            ],
        )
        attributes[f"relation_{n}"] = SelectField(
            f"Colleague {n}: how they know you",
            choices=choices([("", "Choose"), *RaterRelationship.pairs()]),
            validators=[Optional()],
        )
    return type(base.__name__, (base, RaterRows), attributes)


class _RoundForm(OnceForm):
    cohort = SelectField("Learning set", validators=[InputRequired("Choose a learning set")])
    domains = MultiCheckboxField(
        "Whole domains",
        description="Ask about every capability in a domain.",
        validators=[Optional()],
    )
    capabilities = MultiCheckboxField(
        "Or single capabilities",
        description="Fewer questions get more answers: five or six is plenty.",
        validators=[Optional()],
    )
    note = TextAreaField(
        "A note to your colleagues",
        description="Say why you are asking and what would help you. They see it with the "
        "questions. Do not include anything about patients.",
        validators=[Optional(), max_length("The note", MAX_NOTE)],
    )
    closes_on = DateInputField(
        "Closing date",
        description="Between 3 and 60 days from today. You will see the report once it closes.",
        validators=[InputRequired("Enter a closing date")],
    )


def round_form(rows: int = 15, **kwargs: Any) -> Any:
    return _with_rows(_RoundForm, rows)(**kwargs)


class _AddRatersForm(OnceForm):
    pass


def add_raters_form(rows: int, **kwargs: Any) -> Any:
    return _with_rows(_AddRatersForm, rows)(**kwargs)


class _AnswerForm(FlaskForm):
    keep_doing = TextAreaField(
        "What should they keep doing?",
        validators=[Optional(), max_length("Your answer", MAX_ANSWER)],
    )
    start_doing = TextAreaField(
        "What could they start doing?",
        validators=[Optional(), max_length("Your answer", MAX_ANSWER)],
    )
    change = TextAreaField(
        "What could they do differently?",
        validators=[Optional(), max_length("Your answer", MAX_ANSWER)],
    )


def rating_field_name(capability_id: int) -> str:
    return f"capability_{capability_id}"


def answer_form(capabilities: list[Capability], **kwargs: Any) -> Any:
    """The rater's questions: a level (or "I can't say") for each capability, then three
    questions in their own words."""
    attributes: dict[str, Any] = {}
    for capability in capabilities:
        attributes[rating_field_name(capability.id)] = RadioField(
            capability.name,
            choices=choices(
                [
                    *((str(level), f"{level}: {name}") for level, name in LEVEL_NAMES.items()),
                    (CANT_SAY, "I can\u2019t say"),
                ]
            ),
            validators=[Optional()],
        )
    form = type("AnswerForm", (_AnswerForm,), attributes)(**kwargs)
    form.capabilities = capabilities
    return form


def answers_from(form: Any) -> dict[str, Any]:
    """The form's answers as services.save_draft and submit take them."""
    ratings = {}
    for capability in form.capabilities:
        value = form[rating_field_name(capability.id)].data
        level = number_in(str(value)) if value is not None else None
        if level is not None:
            ratings[str(capability.id)] = level
    return {
        "ratings": ratings,
        "keep_doing": form.keep_doing.data or "",
        "start_doing": form.start_doing.data or "",
        "change": form.change.data or "",
    }


def draft_data(draft: dict[str, Any] | None) -> dict[str, Any]:
    """Saved answers as the form's starting data."""
    if not draft:
        return {}
    data: dict[str, Any] = {
        rating_field_name(int(cid)): str(level) for cid, level in draft["ratings"].items()
    }
    for question in ("keep_doing", "start_doing", "change"):
        data[question] = draft.get(question, "")
    return data


__all__ = ["MAX_ANSWER"]
