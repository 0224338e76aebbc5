"""Self-assessment forms. The rating forms are built per domain, a field set per capability."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, StopValidation

from learnset.assessment.models import Rating
from learnset.assessment.services import (
    EVIDENCE_TOO_LONG,
    MAX_CHANGE_REASON,
    MAX_EVIDENCE,
    REASON_TOO_LONG,
    Answer,
)
from learnset.dates import uk_date
from learnset.forms import MultiCheckboxField, choices
from learnset.framework.models import LEVEL_NAMES, LEVELS, Capability
from learnset.framework.queries import DomainCapabilities
from learnset.reflections.models import Reflection

LEVEL_CHOICES = choices([(str(level), f"{level}: {LEVEL_NAMES[level]}") for level in LEVELS])
TARGET_CHOICES = choices([(str(level), str(level)) for level in LEVELS])
LEVEL_VALUES = {str(level) for level in LEVELS}


class Level:
    """A level from 1 to 5 was chosen; anything else gets a message beside the field."""

    def __init__(self, missing: str, invalid: str) -> None:
        self.missing = missing
        self.invalid = invalid

    def __call__(self, _form: FlaskForm, field: Field) -> None:
        value = field.raw_data[0] if field.raw_data else ""
        if not value:
            raise StopValidation(self.missing)
        if value not in LEVEL_VALUES:
            raise StopValidation(self.invalid)


class KnownChoices:
    """Every ticked value is one of the field's choices."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, _form: FlaskForm, field: Field) -> None:
        allowed = {str(choice.value) for choice in field.iter_choices()}
        if any(value not in allowed for value in field.data or []):
            raise StopValidation(self.message)


def field_name(capability: Capability, part: str) -> str:
    """A rating field's name: the capability's slug and the part ("current", "target", ...)."""
    return f"{capability.slug}-{part}"


class RatingForm(FlaskForm):
    """One domain's capabilities: where you are, where you want to be, evidence, what changed."""

    capabilities: list[Capability]

    def answers(self) -> dict[str, Answer]:
        result = {}
        for capability in self.capabilities:
            reason = self._fields.get(field_name(capability, "reason"))
            linked = self._fields.get(field_name(capability, "reflections"))
            result[capability.slug] = Answer(
                current=self[field_name(capability, "current")].data,
                target=self[field_name(capability, "target")].data,
                evidence=self[field_name(capability, "evidence")].data or "",
                change_reason=(reason.data or "") if reason is not None else "",
                reflection_ids=tuple(linked.data or ()) if linked is not None else (),
            )
        return result


def _level_field(
    label: str, choices: list[SelectChoice], where: str, capability_name: str
) -> RadioField:
    """Levels 1 to 5 as radios; the messages name the capability and what is being rated."""
    return RadioField(
        label,
        choices=choices,
        validate_choice=False,
        validators=[
            Level(
                f"Choose {where} for {capability_name}",
                f"Choose a level from 1 to 5 for {where} in {capability_name}",
            )
        ],
    )


def rating_form(
    capabilities: list[Capability],
    saved: dict[int, Rating],
    previous: dict[int, Rating],
    evidence: dict[int, list[Reflection]],
) -> RatingForm:
    """The form for some capabilities, filled from the draft's answers or, for targets, the
    previous assessment; "what changed" is asked wherever there is an earlier rating, and the
    participant's reflections on a capability are offered as its evidence."""
    fields: dict[str, Field] = {}
    data: dict[str, Any] = {}
    for capability in capabilities:
        name = capability.name
        fields[field_name(capability, "current")] = _level_field(
            "Where are you now?", LEVEL_CHOICES, "where you are now", name
        )
        fields[field_name(capability, "target")] = _level_field(
            "Where do you want to be by the end of the programme?",
            TARGET_CHOICES,
            "where you want to be",
            name,
        )
        fields[field_name(capability, "evidence")] = TextAreaField(
            "Evidence (optional)",
            validators=[Length(max=MAX_EVIDENCE, message=EVIDENCE_TOO_LONG)],
        )
        if capability.id in previous:
            fields[field_name(capability, "reason")] = TextAreaField(
                "If your level has moved, what changed? (optional)",
                validators=[Length(max=MAX_CHANGE_REASON, message=REASON_TOO_LONG)],
            )
        if evidence.get(capability.id):
            fields[field_name(capability, "reflections")] = MultiCheckboxField(
                "Reflections that show this (optional)",
                choices=choices(
                    (str(r.id), f"{r.title} ({uk_date(r.experienced_on)})")
                    for r in evidence[capability.id]
                ),
                validate_choice=False,
                validators=[KnownChoices("Choose reflections from your own log")],
            )
        rating = saved.get(capability.id)
        earlier = previous.get(capability.id)
        if rating is not None:
            data[field_name(capability, "current")] = str(rating.current_level)
            data[field_name(capability, "target")] = str(rating.target_level)
            data[field_name(capability, "evidence")] = rating.evidence
            data[field_name(capability, "reason")] = rating.change_reason
            data[field_name(capability, "reflections")] = [str(r.id) for r in rating.reflections]
        elif earlier is not None:
            # Targets usually hold from one month to the next; where you are is asked afresh.
            data[field_name(capability, "target")] = str(earlier.target_level)
    form_class = type("DomainRatingForm", (RatingForm,), fields)
    form: RatingForm = form_class(data=data)
    form.capabilities = capabilities
    return form


class ScopeForm(FlaskForm):
    """A check-in's first question: every capability, or a few the participant chooses next."""

    scope = RadioField(
        "Which capabilities do you want to rate?",
        choices=choices([("all", "All of them"), ("chosen", "Only some of them")]),
        default="all",
        validate_choice=False,
        validators=[
            InputRequired("Choose which capabilities to rate"),
            AnyOf(["all", "chosen"], message="Choose which capabilities to rate"),
        ],
    )


class ChooseCapabilitiesForm(FlaskForm):
    """The capabilities a check-in rates, a group of checkboxes per domain."""

    domain_fields: list[str]

    def chosen(self) -> list[str]:
        return [slug for name in self.domain_fields for slug in (self[name].data or [])]

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.chosen():
            first = self[self.domain_fields[0]]
            first.errors = ["Choose at least one capability to rate"]
            return False
        return True


def choose_form(framework: list[DomainCapabilities]) -> ChooseCapabilitiesForm:
    fields = {
        f"capabilities-{entry.domain.slug}": MultiCheckboxField(
            entry.domain.name,
            choices=choices([(c.slug, c.name) for c in entry.capabilities]),
            validate_choice=False,
            validators=[KnownChoices("Choose capabilities from the list")],
        )
        for entry in framework
    }
    form_class = type("ChooseCapabilitiesForm", (ChooseCapabilitiesForm,), fields)
    form: ChooseCapabilitiesForm = form_class()
    form.domain_fields = list(fields)
    return form


class SubmitForm(FlaskForm):
    share = RadioField(
        "Do you want to share this with your tutors?",
        choices=choices([("yes", "Yes, share it with my tutors"), ("no", "No, keep it to myself")]),
        validate_choice=False,
        validators=[
            InputRequired("Choose whether to share this with your tutors"),
            AnyOf(["yes", "no"], message="Choose whether to share this with your tutors"),
        ],
    )


class SharingForm(FlaskForm):
    share = HiddenField(validators=[InputRequired(), AnyOf(["yes", "no"])])


class FocusForm(FlaskForm):
    item = HiddenField(validators=[InputRequired()])
    capability = HiddenField()
