from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from learnset.forms import choices
from learnset.people.queries import STATUSES


class PeopleFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(
        "Name or email address",
        validators=[Optional(), Length(max=200, message="Search for 200 characters or fewer")],
    )
    status = SelectField("Show", choices=choices(STATUSES.items()), validators=[Optional()])


class RequiredDomainForm(FlaskForm):
    domain = StringField(
        "Email domain",
        description="The part of the address after the @, for example nhs.net",
        validators=[
            InputRequired(message="Enter an email domain"),
            Length(max=253, message="Enter a domain of 253 characters or fewer"),
        ],
    )
