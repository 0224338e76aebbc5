from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    IntegerField,
    SelectField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from learnset.forms import DateInputField, MultiCheckboxField, choices, max_length, text_field
from learnset.meetings.schedule import MAX_MONTHS, OCCURRENCES, WEEKDAY_NAMES
from learnset.once import OnceForm


class _SaysWhatIsWrong(Field):
    """A field that cannot read what was typed says so with an NHS-style message of its own."""

    def __init__(self, label: str, invalid_message: str, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(self.invalid_message) from error


class ClockField(_SaysWhatIsWrong, TimeField):
    """A time of day typed as 13:30."""


class WholeNumberField(_SaysWhatIsWrong, IntegerField):
    """A whole number, such as a count of months."""


def web_link(_form: FlaskForm, field: Field) -> None:
    """Only web addresses: a javascript: or data: link must never reach a session page."""
    value = (field.data or "").strip()
    if value and not value.lower().startswith(("https://", "http://")):
        raise ValidationError("Enter a link that starts with https://")
    if value and (" " in value or len(value) < 12):
        raise ValidationError(
            "Enter a link in the correct format, like https://meet.example.org/set"
        )


def _time_of_day(which: str, example: str) -> ClockField:
    """A session's start or end time: "Start time", "Enter a start time, like 13:30"."""
    a_time = f"{'an' if which[0] in 'aeiou' else 'a'} {which} time"
    return ClockField(
        f"{which.capitalize()} time",
        description=f"In UK time, for example {example}",
        invalid_message=f"Enter {a_time}, like {example}",
        validators=[InputRequired(f"Enter {a_time}")],
    )


def _place() -> Field:
    return text_field(
        "Place (optional)",
        300,
        description="The room and building, for example Room 2, Riverside House",
    )


def _online_link() -> URLField:
    return URLField(
        "Online meeting link (optional)",
        description="For people joining online. It must start with https://",
        validators=[Optional(), max_length("Link", 500), web_link],
    )


class MeetingForm(OnceForm):
    title = text_field(
        "Title (optional)",
        200,
        description="For example, The unlocking lens. Without one, the session is called by its "
        "number",
    )
    day = DateInputField(
        "Date",
        description="For example, 10 3 2026",
        invalid_message="Date must be a real date, like 10 3 2026",
        validators=[InputRequired("Enter the date of the session")],
    )
    starts = _time_of_day("start", "13:30")
    ends = _time_of_day("end", "16:30")
    place = _place()
    online_link = _online_link()
    agenda = text_field(
        "Agenda (optional)",
        20000,
        kind=TextAreaField,
        description="What happens when. You can use Markdown: a line starting with - makes a "
        "list, **words** in double asterisks are bold, and ## starts a heading",
    )


class ScheduleForm(OnceForm):
    first_month = DateInputField(
        "First month",
        parts=("month", "year"),
        description="For example, 3 2026",
        invalid_message="First month must be a real month, like 3 2026",
        validators=[InputRequired("Enter the month of the first session")],
    )
    occurrence = SelectField(
        "Week of the month",
        coerce=int,
        choices=choices([(value, label.capitalize()) for value, label in OCCURRENCES.items()]),
        default=2,
        description="Not every month has a fifth weekday: months without one get no session",
        validators=[InputRequired("Choose the week of the month")],
    )
    weekday = SelectField(
        "Day of the week",
        coerce=int,
        choices=choices(list(enumerate(WEEKDAY_NAMES))),
        default=1,
        validators=[InputRequired("Choose the day of the week")],
    )
    starts = _time_of_day("start", "13:30")
    ends = _time_of_day("end", "16:30")
    months = WholeNumberField(
        "Number of months",
        description=f"How many months the schedule covers, up to {MAX_MONTHS}",
        invalid_message="Number of months must be a whole number, like 10",
        default=10,
        validators=[
            InputRequired("Enter the number of months"),
            NumberRange(1, MAX_MONTHS, f"Number of months must be between 1 and {MAX_MONTHS}"),
        ],
    )
    place = _place()
    online_link = _online_link()


class PublishForm(FlaskForm):
    notify = BooleanField(
        "Email the members of this learning set now",
        description="Otherwise each member is told in Learnset, and by email as they have chosen. "
        "Nobody who has turned these notifications off is emailed.",
        default=True,
    )


class AttendanceForm(FlaskForm):
    present = MultiCheckboxField("Who attended?", coerce=int, validate_choice=True)


def optional_id(value: Any) -> int | None:
    """A select's value as an id, or None for its "Choose..." option."""
    if value in ("", None):
        return None
    return int(value)


class PresenterSlotForm(OnceForm):
    challenge = SelectField(
        "Live challenge",
        coerce=optional_id,
        validate_choice=False,
        description="One of the set's open challenges. Its owner presents it",
        validators=[InputRequired("Choose a challenge")],
    )


class LibraryFilterForm(FlaskForm):
    """Filters on a GET page: no CSRF, nothing changes."""

    class Meta:
        csrf = False

    kind = SelectField("Kind", validators=[Optional()])
    capability = SelectField("Capability it develops", validators=[Optional()])


class TopicForm(OnceForm):
    title = text_field(
        "Topic",
        160,
        required="Enter the topic you would like the set to explore",
        description="In a few words, for example Decommissioning a service people love",
    )
    details = text_field(
        "Why it matters now (optional)",
        1000,
        name="This",
        kind=TextAreaField,
        description="A sentence or two for the set. Do not include anything that could "
        "identify a patient",
    )


class CloseTopicForm(FlaskForm):
    reason = text_field(
        "Reason",
        300,
        required="Enter a short reason for closing the topic",
        kind=TextAreaField,
        description="A sentence the set will see, for example Covered in the March session",
    )


class TakeUpForm(FlaskForm):
    meeting = SelectField("Session", coerce=int, validators=[InputRequired("Choose a session")])


class FromProgrammeForm(OnceForm):
    """Making a set's sessions from a programme: which, from when, and where."""

    programme = SelectField(
        "Programme",
        validate_choice=False,
        validators=[InputRequired("Choose a programme")],
    )
    first_day = DateInputField(
        "Date of the first session",
        description="For example, 9 3 2027. The others follow monthly on the same weekday of "
        "the month, such as the second Tuesday",
        invalid_message="Date of the first session must be a real date, like 9 3 2027",
        validators=[InputRequired("Enter the date of the first session")],
    )
    starts = _time_of_day("start", "10:00")
    place = _place()
