from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import AnyOf, InputRequired

from learnset.forms import choices
from learnset.notifications.models import Frequency, NotificationKind


def _frequency_field(kind: NotificationKind) -> RadioField:
    message = f"Choose how to be told about: {kind.label.lower()}"
    return RadioField(
        kind.label,
        description=kind.hint,
        choices=choices(Frequency.pairs()),
        validate_choice=False,
        validators=[
            InputRequired(message),
            AnyOf([f.value for f in Frequency], message=message),
        ],
    )


class PreferencesForm(FlaskForm):
    """One question per kind of notification: how often to be emailed, or not at all."""

    def frequency_fields(self) -> list[Any]:
        return [self[kind.value] for kind in NotificationKind]

    def chosen(self) -> dict[NotificationKind, Frequency]:
        return {kind: Frequency(self[kind.value].data) for kind in NotificationKind}


for _kind in NotificationKind:
    setattr(PreferencesForm, _kind.value, _frequency_field(_kind))
