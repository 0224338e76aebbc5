"""The dashboard's one form: a button that adds a suggested library item to the next session."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput


class AddSuggestionForm(FlaskForm):
    """The session the tutor was shown and the item they chose, both as hidden fields."""

    meeting = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    item = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
