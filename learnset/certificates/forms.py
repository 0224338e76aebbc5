"""What is typed to get a certificate, and to check one."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from learnset.certificates.services import Period
from learnset.forms import DateInputField, choices
from learnset.once import OnceForm

CHOSEN_DATES = "dates"


class CertificateForm(OnceForm):
    period = RadioField(
        "Which dates should the certificate cover?",
        validators=[InputRequired("Choose the dates the certificate covers")],
    )
    date_from = DateInputField("From")
    date_to = DateInputField("To")

    def __init__(self, periods: list[Period], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.periods = {period.key: period for period in periods}
        self.period.choices = choices(
            [(period.key, period.label) for period in periods] + [(CHOSEN_DATES, "Dates I choose")]
        )
        if len(periods) == 0 and not self.is_submitted():
            self.period.data = CHOSEN_DATES

    def validate_date_from(self, field: DateInputField) -> None:
        if self.period.data == CHOSEN_DATES and field.data is None and not field.raw_parts:
            raise ValidationError("Enter the date the certificate starts from")

    def validate_date_to(self, field: DateInputField) -> None:
        if self.period.data == CHOSEN_DATES and field.data is None and not field.raw_parts:
            raise ValidationError("Enter the date the certificate runs to")

    def dates(self) -> tuple[Any, Any]:
        """The start and end dates chosen (a programme year's, or those typed)."""
        chosen = self.periods.get(self.period.data or "")
        if chosen is not None:
            return chosen.date_from, chosen.date_to
        return self.date_from.data, self.date_to.data


class VerifyForm(FlaskForm):
    """Looking a certificate up changes nothing, so the form is sent by GET without a token."""

    class Meta:
        csrf = False

    reference = StringField(
        "Certificate reference",
        validators=[
            InputRequired("Enter the reference printed on the certificate"),
            Length(max=60, message="A reference is 20 letters and numbers"),
        ],
    )
