"""The "Jot a note" form: one text box, and optionally the learning set and session."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Optional

from learnset.forms import max_length
from learnset.reflections.models import MAX_NOTE

PHOTO_HINT = (
    "A PNG or JPEG, such as a whiteboard. It is saved again without its camera and location "
    "details, and only you can see it. Written offline, it is kept on this device with the note "
    "and sent with it."
)


class NoteForm(FlaskForm):
    # Made once per note (by the page, or by the browser's script for a note written offline),
    # so the same note sent twice is stored once.
    note_id = HiddenField()
    body = TextAreaField(
        "Your note",
        description=(
            "A few words to come back to. Leave out anything that could identify a patient."
        ),
        validators=[InputRequired("Write your note"), max_length("Your note", MAX_NOTE)],
    )
    cohort = SelectField("Learning set (optional)", validators=[Optional()], validate_choice=False)
    meeting = SelectField("Session (optional)", validators=[Optional()], validate_choice=False)
    # Judged from its content on the server; `accept` only helps the picker (and the camera).
    photo = FileField(
        "A photo (optional)",
        description=PHOTO_HINT,
        render_kw={"accept": "image/png,image/jpeg"},
    )
