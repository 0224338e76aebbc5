from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from learnset.audit import AuditKind
from learnset.forms import DateInputField, choices


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    kind = SelectField(
        "Event",
        choices=choices([("", "Every event"), *((kind.value, kind.label) for kind in AuditKind)]),
        validators=[Optional()],
    )
    person = StringField(
        "Person",
        description="Part of a name or email address, or an account number",
        validators=[Optional(), Length(max=200, message="Search for 200 characters or fewer")],
    )
    date_from = DateInputField("From", validators=[Optional()])
    date_to = DateInputField("To", validators=[Optional()])

    def validate(self, extra_validators: object = None) -> bool:
        valid: bool = super().validate(extra_validators)
        start, end = self.date_from.data, self.date_to.data
        if valid and start and end and start > end:
            self.date_to.errors = ["The end date must be the same as or after the start date"]
            return False
        return valid
