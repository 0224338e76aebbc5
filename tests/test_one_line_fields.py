"""A one-line box keeps its text on one line, however the request was made: a browser sends
no line break from one, but a hand-made post can, and titles and names go where a line break
breaks things (an email's subject, a calendar file's name, a Markdown heading)."""

from __future__ import annotations

from datetime import date

import pytest
from wtforms import TextAreaField

from learnset.accounts.forms import ProfileForm
from learnset.challenges.forms import ChallengeForm
from learnset.cohorts.forms import CohortForm
from learnset.forms import one_line, text_field
from learnset.library.forms import ItemEditForm
from learnset.meetings.forms import MeetingForm, TopicForm
from learnset.reflections.forms import _form_class
from learnset.reflections.structures import DRISCOLL

PASTED = " Riverside\r\nlearning\tset \n2026 "


@pytest.mark.parametrize(
    ("form_class", "field"),
    [
        (CohortForm, "name"),
        (MeetingForm, "title"),
        (MeetingForm, "place"),
        (TopicForm, "title"),
        (ProfileForm, "name"),
        (ProfileForm, "organisation"),
        (ChallengeForm, "title"),
        (_form_class(DRISCOLL), "title"),
        (ItemEditForm, "title"),
    ],
)
def test_a_one_line_box_keeps_what_is_posted_on_one_line(app, form_class, field):
    # The reflection editor checks the date against today.
    extra = (
        {"today": date(2026, 12, 5)}
        if field == "title" and form_class.__name__.endswith("ReflectionForm")
        else {}
    )
    with app.test_request_context(method="POST", data={field: PASTED}):
        form = form_class(meta={"csrf": False}, **extra)
        assert form[field].data == "Riverside learning set 2026"


def test_a_text_area_keeps_its_lines(app):
    with app.test_request_context(method="POST", data={"agenda": "- One\r\n- Two"}):
        form = MeetingForm(meta={"csrf": False})
        assert form.agenda.data.splitlines() == ["- One", "- Two"]


def test_only_one_line_boxes_are_folded():
    assert one_line(None) is None and one_line("  ") == ""
    box = text_field("Name", 10)
    area = text_field("Notes", 10, kind=TextAreaField)
    assert one_line in box.kwargs["filters"]
    assert one_line not in area.kwargs.get("filters", ())
