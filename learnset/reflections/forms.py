"""The reflection editor and the forms around it. Forms check shape; services check rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateField,
    Field,
    HiddenField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from learnset.forms import DateInputField, MultiCheckboxField, choices, max_length, one_line
from learnset.ids import number_in
from learnset.nhs_numbers import nhs_numbers_in
from learnset.once import OnceForm
from learnset.reflections.models import MAX_CPD_MINUTES, Reflection, Visibility
from learnset.reflections.revalidation import OutputKind
from learnset.reflections.services import ReflectionInput
from learnset.reflections.structures import ALL_PART_KEYS, STRUCTURES, Structure, structure_named

MAX_TITLE = 200
MAX_PART = 20_000
MAX_COMMENT = 5_000
NO_LINK = ""

VISIBILITY_CHOICES = choices(Visibility.pairs())


def _whole_minutes(form: FlaskForm, field: StringField) -> None:
    value = (field.data or "").strip()
    if not value:
        return
    minutes = number_in(value)
    if minutes is None:
        raise ValidationError("CPD time must be a whole number of minutes, like 45")
    if minutes > MAX_CPD_MINUTES:
        raise ValidationError(
            f"CPD time must be {MAX_CPD_MINUTES:,} minutes (24 hours) or fewer. "
            "Record a longer activity as more than one reflection"
        )


def _not_in_future(today: date) -> Callable[[FlaskForm, DateInputField], None]:
    def check(form: FlaskForm, field: DateInputField) -> None:
        if isinstance(field.data, date) and field.data > today:
            raise ValidationError("Date of the experience must be today or in the past")

    return check


def _part_field_name(key: str) -> str:
    return f"part_{key}"


class ReflectionForm(FlaskForm):
    """The editor. Subclassed once per structure, each adding its part fields."""

    structure_spec: Structure

    structure = HiddenField()
    title = StringField(
        "Title",
        filters=[one_line],
        description='A few words you will recognise later, like "Session 3: the data pack '
        'conversation"',
        validators=[
            # Spaces alone are no title: it would be saved empty, a blank link in the log.
            DataRequired("Enter a title"),
            max_length("Title", MAX_TITLE),
        ],
    )
    experienced_on = DateInputField(
        "Date of the experience",
        description="For example, 15 3 2026",
        validators=[InputRequired("Enter the date of the experience")],
    )
    cohort = RadioField(
        "Learning set",
        validators=[InputRequired("Choose the learning set this reflection belongs to")],
    )
    meeting = SelectField("Session (optional)", validators=[Optional()])
    content_item = SelectField("Library item (optional)", validators=[Optional()])
    challenge = SelectField("Live challenge (optional)", validators=[Optional()])
    capabilities = MultiCheckboxField("Capabilities this reflection shows", validators=[Optional()])
    cpd_minutes = StringField(
        "CPD time (optional)",
        description="Time spent on the activity and on reflecting on it, in minutes",
        validators=[_whole_minutes],
    )
    visibility = RadioField(
        "Who can read this reflection?",
        choices=VISIBILITY_CHOICES,
        default=Visibility.PRIVATE.value,
        validators=[InputRequired("Choose who can read this reflection")],
    )
    confirm_not_nhs_number = BooleanField("I confirm this is not an NHS number")

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.experienced_on.validators = [*self.experienced_on.validators, _not_in_future(today)]
        self.nhs_numbers: list[tuple[str, str]] = []

    @property
    def part_fields(self) -> list[tuple[Any, Field]]:
        return [(spec, self[_part_field_name(spec.key)]) for spec in self.structure_spec.parts]

    def parts_text(self) -> dict[str, str]:
        return {spec.key: (field.data or "") for spec, field in self.part_fields}

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        if not any(text.strip() for text in self.parts_text().values()):
            first = self.part_fields[0][1]
            first.errors = [*first.errors, "Write something in at least one part"]
            valid = False
        self.nhs_numbers = self._nhs_numbers()
        if self.nhs_numbers and not self.confirm_not_nhs_number.data:
            where, number = self.nhs_numbers[0]
            self.confirm_not_nhs_number.errors = [
                f"{where} contains {number}, which looks like an NHS number. Remove it, or "
                "confirm it is not an NHS number"
            ]
            valid = False
        return valid

    def _nhs_numbers(self) -> list[tuple[str, str]]:
        texts = [("The title", self.title.data or "")]
        texts += [
            (f"\u201c{spec.label}\u201d", field.data or "") for spec, field in self.part_fields
        ]
        return [(where, number) for where, text in texts for number in nhs_numbers_in(text)]

    def to_input(self) -> ReflectionInput:
        assert isinstance(self.experienced_on.data, date)
        cohort = self._fields.get("cohort")
        return ReflectionInput(
            title=self.title.data.strip(),
            structure=self.structure_spec.name,
            parts={key: text.strip() for key, text in self.parts_text().items()},
            experienced_on=self.experienced_on.data,
            cpd_minutes=int(self.cpd_minutes.data or 0),
            cohort_id=int(cohort.data) if cohort is not None and cohort.data else None,
            meeting_id=int(self.meeting.data) if self.meeting.data else None,
            content_item_id=int(self.content_item.data) if self.content_item.data else None,
            challenge_id=int(self.challenge.data) if self.challenge.data else None,
            capability_ids=[int(value) for value in self.capabilities.data or []],
            visibility=self.visibility.data,
        )


def _form_class(structure: Structure) -> type[ReflectionForm]:
    fields: dict[str, Any] = {"structure_spec": structure}
    for spec in structure.parts:
        fields[_part_field_name(spec.key)] = TextAreaField(
            spec.label,
            description=spec.hint,
            validators=[
                Length(
                    max=MAX_PART,
                    message=f"{spec.label} must be {MAX_PART:,} characters or fewer. "
                    "Split a long reflection into two",
                )
            ],
        )
    return type(f"{structure.name.title()}ReflectionForm", (ReflectionForm,), fields)


FORM_CLASSES = {name: _form_class(structure) for name, structure in STRUCTURES.items()}


# Every name the editor posts: drafts and rescues keep these and nothing else.
EDITOR_FIELDS = (
    "structure", "title", "experienced_on-day", "experienced_on-month", "experienced_on-year",
    "cohort", "meeting", "content_item", "challenge", "capabilities", "cpd_minutes", "visibility",
    *(_part_field_name(key) for key in ALL_PART_KEYS),
)  # fmt: skip
MAX_VALUES = 100


def posted_fields(formdata: Any) -> dict[str, list[str]]:
    """The editor's fields from posted form data, exactly as typed: the shape drafts keep."""
    return {
        name: [str(value) for value in formdata.getlist(name)[:MAX_VALUES]]
        for name in EDITOR_FIELDS
        if name in formdata
    }


def saved_fields(reflection: Reflection) -> dict[str, list[str]]:
    """A saved reflection as the editor would post it."""
    data: dict[str, list[str]] = {
        "structure": [reflection.structure],
        "title": [reflection.title],
        "experienced_on-day": [str(reflection.experienced_on.day)],
        "experienced_on-month": [str(reflection.experienced_on.month)],
        "experienced_on-year": [str(reflection.experienced_on.year)],
        "cohort": [str(reflection.cohort_id or "")],
        "meeting": [str(reflection.meeting_id or "")],
        "content_item": [str(reflection.content_item_id or "")],
        "challenge": [str(reflection.challenge_id or "")],
        "capabilities": [str(capability.id) for capability in reflection.capabilities],
        "cpd_minutes": [str(reflection.cpd_minutes)],
        "visibility": [reflection.visibility],
    }
    text = reflection.text_by_part
    for key in reflection.structure_spec.keys:
        data[_part_field_name(key)] = [text.get(key, "")]
    return data


def to_multidict(data: dict[str, list[str]]) -> MultiDict[str, str]:
    return MultiDict([(name, value) for name, values in data.items() for value in values])


def _meaningful(data: dict[str, list[str]]) -> dict[str, list[str]]:
    return {
        name: [value.replace("\r\n", "\n").strip() for value in values]
        for name, values in data.items()
        if any(value.strip() for value in values)
    }


def same_fields(one: dict[str, list[str]], other: dict[str, list[str]]) -> bool:
    """Whether two sets of editor fields say the same thing (blank boxes aside)."""
    return _meaningful(one) == _meaningful(other)


def has_writing(data: dict[str, list[str]]) -> bool:
    """Whether a draft holds anything a person typed (a title or some text in a part)."""
    return any(
        value.strip()
        for name, values in data.items()
        if name == "title" or name.startswith("part_")
        for value in values
    )


def structure_in(formdata: Any) -> str | None:
    if formdata is None:
        return None
    value = formdata.get("structure")
    if isinstance(value, list):  # fields as drafts keep them: name to list of values
        value = value[0] if value else None
    return value if value in STRUCTURES else None


def parts_in(data: dict[str, list[str]], structure: str) -> dict[str, str]:
    return {
        key: (data.get(_part_field_name(key)) or [""])[0] for key in structure_named(structure).keys
    }


def with_structure(
    data: dict[str, list[str]], parts: dict[str, str], structure: str
) -> dict[str, list[str]]:
    """Form data with its parts replaced by those of another structure."""
    kept = {name: values for name, values in data.items() if not name.startswith("part_")}
    kept["structure"] = [structure]
    kept.update({_part_field_name(key): [text] for key, text in parts.items()})
    return kept


class CommentForm(OnceForm):
    nhs_warning = False
    body = TextAreaField(
        "Add a comment",
        validators=[
            # Spaces alone would be saved as an empty comment, and tell the author of it.
            DataRequired("Write your comment"),
            max_length("Comment", MAX_COMMENT),
        ],
    )
    confirm_not_nhs_number = BooleanField("I confirm this is not an NHS number")

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        numbers = nhs_numbers_in(self.body.data)
        self.nhs_warning = bool(numbers)
        if numbers and not self.confirm_not_nhs_number.data:
            self.confirm_not_nhs_number.errors = [
                f"Your comment contains {numbers[0]}, which looks like an NHS number. Remove "
                "it, or confirm it is not an NHS number"
            ]
            valid = False
        return valid


class CommentsSeenForm(FlaskForm):
    """ "Mark comments as read", up to the newest comment the page showed: one written after
    the page was drawn is still news."""

    upto = HiddenField(validators=[InputRequired()])
    seen_up_to: datetime | None = None

    def validate_upto(self, field: Field) -> None:
        try:
            upto = datetime.fromisoformat(field.data)
        except (TypeError, ValueError) as error:
            raise ValidationError("Not a time") from error
        if upto.tzinfo is None:
            raise ValidationError("Not a time with its zone")
        self.seen_up_to = upto.astimezone(UTC)


class SharingForm(FlaskForm):
    visibility = RadioField(
        "Who can read this reflection?",
        choices=VISIBILITY_CHOICES,
        validators=[InputRequired("Choose who can read this reflection")],
    )


class LogFilterForm(FlaskForm):
    """The log's filters, sent in the query string (no CSRF: a search changes nothing)."""

    class Meta:
        csrf = False

    q = SearchField("Search your reflections", validators=[Optional(), Length(max=200)])
    cohort = SelectField("Learning set", validators=[Optional()])
    meeting = SelectField("Session", validators=[Optional()])
    capability = SelectField("Capability", validators=[Optional()])
    visibility = SelectField(
        "Who can read it",
        choices=choices([(NO_LINK, "Anyone"), *Visibility.pairs()]),
        validators=[Optional()],
    )
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])


class PortfolioForm(FlaskForm):
    class Meta:
        csrf = False

    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])
    full_text = BooleanField("Include the full text of each reflection")


def id_choices(pairs: Iterable[tuple[int, str]], empty: str | None = None) -> list[Any]:
    options = [(NO_LINK, empty)] if empty is not None else []
    return choices([*options, *((str(value), label) for value, label in pairs)])


class RevalidationForm(FlaskForm):
    """Choosing reflections for a revalidation or appraisal output. Sent by GET: making the
    output changes nothing, so it needs no token."""

    class Meta:
        csrf = False

    kind = RadioField(
        "What do you need?",
        choices=choices(OutputKind.pairs()),
        validators=[InputRequired("Choose what you need")],
    )
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])
    reflection = MultiCheckboxField("Reflections to include", choices=[], validate_choice=False)
    significant = MultiCheckboxField(
        "Which of these are significant events?", choices=[], validate_choice=False
    )
    colleagues = BooleanField("Include my latest report of feedback from colleagues")
