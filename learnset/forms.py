"""Shared form pieces, the thin layer that renders WTForms fields through the NHS.UK macros, and
the tail of a view that changed something (`done`: commit once, say so, redirect)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, TypeVar, overload

from flask import abort, flash, redirect, render_template
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.wrappers import Response
from wtforms import Field, SelectMultipleField, StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from learnset.db import get_db

AnyForm = TypeVar("AnyForm", bound=FlaskForm)

INPUT_TYPES = {
    "StringField": "text",
    "EmailField": "email",
    "TelField": "tel",
    "URLField": "url",
    "SearchField": "search",
    "IntegerField": "number",
    "DecimalField": "text",
    "DateField": "date",
    "FileField": "file",
    "TimeField": "time",
    "DateTimeLocalField": "datetime-local",
}


class AttachForm(FlaskForm):
    """One file to keep as evidence (a reflection's, a challenge update's)."""

    # Kinds are judged from the content on the server; `accept` only helps the file picker.
    file = FileField(
        "Choose a file",
        validators=[FileRequired("Choose a file to add")],
        render_kw={"accept": ".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.pptx,.txt,.csv"},
    )


class EmptyForm(FlaskForm):
    """For buttons that change something: the form exists so CSRF covers them."""


def require_button() -> None:
    """A button-only POST: its CSRF token is checked like any form's, and a bad one is a 400."""
    require_valid(EmptyForm())


def require_valid(form: AnyForm) -> AnyForm:
    """A POST of a form with nothing typed in it (buttons, hidden fields): one that does not
    validate was tampered with, or its CSRF token is bad, and is a 400."""
    if not form.validate_on_submit():
        abort(400)
    return form


def confirmed() -> bool:
    """Whether a page's button (the one a page that asks first shows, or a lone button) was
    pressed: a POST whose CSRF token checks out, like any form's."""
    return bool(EmptyForm().validate_on_submit())


def confirm_page(template: str, **context: Any) -> str:
    """A page that asks before doing something: the `template`, with the form its button posts
    (the view acts once `confirmed()`)."""
    return render_template(template, form=EmptyForm(), **context)


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as NHS.UK checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DateInputField(Field):
    """A date typed into separate day, month and year boxes (the NHS.UK date input).

    With parts=("month", "year") it asks for a month and gives the first day of it. The boxes
    post as `<name>-day`, `<name>-month` and `<name>-year`; what was typed comes back as typed,
    even when it is not a date. Messages follow the NHS.UK pattern: "Date must include a
    month", "Date must be a real date" (or `invalid_message`).
    """

    PART_LABELS = {"day": "Day", "month": "Month", "year": "Year"}

    def __init__(
        self,
        label: str | None = None,
        validators: Any = None,
        parts: tuple[str, ...] = ("day", "month", "year"),
        invalid_message: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.parts = parts
        self.invalid_message = invalid_message
        self.raw_parts: dict[str, str] = {}

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        self.process_errors: list[str] = []
        self.raw_data = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = self.data = data
        self.raw_parts = {}
        # A submission without any of the boxes (an autosave of other fields) keeps the data.
        if formdata is None or not any(f"{self.name}-{part}" in formdata for part in self.parts):
            return
        self.raw_parts = {
            part: (formdata.get(f"{self.name}-{part}") or "").strip() for part in self.parts
        }
        # InputRequired and Optional look at raw_data: empty when every box is empty.
        self.raw_data = [" ".join(self.raw_parts.values())] if any(self.raw_parts.values()) else []
        self.data = self._parse()

    def _parse(self) -> date | None:
        try:
            numbers = {part: int(value) for part, value in self.raw_parts.items()}
            if not 1000 <= numbers["year"] <= 9999:
                return None
            return date(numbers["year"], numbers["month"], numbers.get("day", 1))
        except (KeyError, ValueError, OverflowError):
            return None

    def pre_validate(self, form: Any) -> None:
        if not any(self.raw_parts.values()):
            return
        missing = [part for part in self.parts if not self.raw_parts[part]]
        if missing:
            raise ValidationError(f"{self.label.text} must include a {' and a '.join(missing)}")
        if self.data is None:
            raise ValidationError(self.invalid_message or f"{self.label.text} must be a real date")

    def part_value(self, part: str) -> str:
        if self.raw_parts:
            return self.raw_parts.get(part, "")
        if isinstance(self.data, date):
            return str(getattr(self.data, part))
        return ""


def _text(value: Any) -> dict[str, Any] | None:
    return {"text": str(value)} if value else None


def _label(field: Field, options: dict[str, Any]) -> dict[str, Any]:
    label: dict[str, Any] = {"text": options.get("label") or field.label.text}
    if options.get("page_heading"):
        label.update(isPageHeading=True, classes="nhsuk-label--l")
    elif options.get("label_classes"):
        label["classes"] = options["label_classes"]
    return label


def _legend(field: Field, options: dict[str, Any]) -> dict[str, Any]:
    legend: dict[str, Any] = {"text": options.get("label") or field.label.text}
    if options.get("page_heading"):
        legend.update(isPageHeading=True, classes="nhsuk-fieldset__legend--l")
    else:
        legend["classes"] = options.get("label_classes", "nhsuk-fieldset__legend--s")
    if options.get("legend_hidden"):
        # Words for screen readers only, when several fieldsets on a page share a question.
        legend["visuallyHiddenText"] = options["legend_hidden"]
    return {"legend": legend}


def _common(field: Field, options: dict[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {"name": field.name}
    hint = options.get("hint", field.description)
    if hint:
        params["hint"] = {"text": hint}
    if field.errors:
        params["errorMessage"] = {"text": field.errors[0]}
    if options.get("attributes"):
        params["attributes"] = options["attributes"]
    if options.get("classes"):
        params["classes"] = options["classes"]
    return params


def _choices(field: Field, options: dict[str, Any], selected_key: str) -> list[dict[str, Any]]:
    item_hints = options.get("item_hints", {})
    items = []
    for choice in field.iter_choices():
        item: dict[str, Any] = {
            "value": choice.value,
            "text": choice.label,
            selected_key: choice.selected,
        }
        if str(choice.value) in item_hints:
            item["hint"] = {"text": item_hints[str(choice.value)]}
        items.append(item)
    return items


def max_length(name: str, maximum: int) -> Length:
    """At most `maximum` characters, in the NHS.UK words: "Name must be 120 characters or fewer"."""
    return Length(max=maximum, message=f"{name} must be {maximum:,} characters or fewer")


@overload
def one_line(value: str) -> str: ...
@overload
def one_line(value: None) -> None: ...
def one_line(value: str | None) -> str | None:
    """Text on one line: each run of white space one space, none at either end. A one-line box
    keeps what is typed so (a browser sends no line break from one, but a hand-made request
    can), and an email's subject and a calendar's name are written so: a line break would end
    the header or the property."""
    return " ".join(value.split()) if isinstance(value, str) else value


def text_field(
    label: str,
    maximum: int,
    *,
    required: str = "",
    name: str = "",
    kind: type[Field] = StringField,
    **kwargs: Any,
) -> Field:
    """A box for text: required (with this message) or not, and at most `maximum` characters,
    the message naming it by its label without " (optional)" unless `name` is given. A
    one-line box keeps its text on one line (`one_line`)."""
    # DataRequired: spaces alone are no answer (InputRequired would take them).
    validators: list[Any] = [DataRequired(required)] if required else []
    too_long = max_length(name or label.removesuffix(" (optional)"), maximum)
    if not issubclass(kind, TextAreaField):
        kwargs["filters"] = [one_line, *kwargs.get("filters", ())]
    return kind(label, validators=[*validators, too_long], **kwargs)


def choices(pairs: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    """Choices for a select, radios or checkboxes field from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def nhs_field(field: Field, **options: Any) -> tuple[str, dict[str, Any]]:
    """Which NHS.UK macro renders this field, and the parameters to give it."""
    kind = field.type
    params = _common(field, options)
    if kind == "PasswordField":
        params.update(id=field.id, label=_label(field, options), value="")
        params["autocomplete"] = options.get("autocomplete", "current-password")
        return "password", params
    if kind == "TextAreaField":
        params.update(id=field.id, label=_label(field, options), value=field._value())
        params["rows"] = options.get("rows", 5)
        return "textarea", params
    if kind == "SelectField":
        params.update(id=field.id, label=_label(field, options))
        params["items"] = _choices(field, options, "selected")
        if field.has_groups():
            # The NHS.UK select has no option groups, so macros/forms.html draws this one.
            params["groups"] = [
                {
                    "label": label,
                    "items": [
                        {"value": c.value, "text": c.label, "selected": c.selected} for c in group
                    ],
                }
                for label, group in field.iter_groups()
            ]
            return "grouped_select", params
        return "select", params
    if kind == "RadioField":
        params.update(idPrefix=field.id, fieldset=_legend(field, options))
        params["items"] = _choices(field, options, "checked")
        if options.get("inline"):
            params["classes"] = "nhsuk-radios--inline"
        return "radios", params
    if kind in {"MultiCheckboxField", "SelectMultipleField"}:
        params.update(idPrefix=field.id, fieldset=_legend(field, options))
        params["items"] = _choices(field, options, "checked")
        return "checkboxes", params
    if kind == "BooleanField":
        params.update(idPrefix=field.id)
        params["items"] = [
            {
                "value": "y",
                "text": options.get("label") or field.label.text,
                "checked": bool(field.data),
                **({"hint": {"text": options["item_hint"]}} if options.get("item_hint") else {}),
            }
        ]
        return "checkboxes", params
    if kind == "DateInputField":
        error_class = " nhsuk-input--error" if field.errors else ""
        params.update(id=field.id, fieldset=_legend(field, options))
        params["items"] = [
            {
                "id": f"{field.id}-{part}",
                "name": f"{field.name}-{part}",
                "label": field.PART_LABELS[part],
                "value": field.part_value(part),
                "width": 4 if part == "year" else 2,
                "classes": error_class.strip(),
            }
            for part in field.parts
        ]
        return "date", params
    if kind == "FileField":
        params.update(id=field.id, label=_label(field, options))
        return "file", params
    params.update(id=field.id, label=_label(field, options), value=field._value())
    params["type"] = options.get("type", INPUT_TYPES.get(kind, "text"))
    for key in ("autocomplete", "width", "inputmode", "spellcheck", "prefix", "suffix"):
        if key in options:
            params[key] = options[key]
    return "input", params


def error_list(form: FlaskForm) -> list[dict[str, str]]:
    """The error summary's entries: each field's first error, linking to the field."""
    entries = []
    for field in form:
        if field.errors and field.type != "CSRFTokenField":
            # A date input's errors link to its first box, as the NHS.UK pattern asks.
            target = f"{field.id}-{field.parts[0]}" if field.type == "DateInputField" else field.id
            entries.append({"text": field.errors[0], "href": f"#{target}"})
    for message in getattr(form, "form_errors", []):
        entries.append({"text": message, "href": "#maincontent"})
    return entries


def render_form(template: str, form: FlaskForm, **context: Any) -> tuple[str, int]:
    """Render a page with a form: 422 when the form carries errors, so bad input is a 4xx."""
    has_errors = any(field.errors for field in form) or bool(getattr(form, "form_errors", []))
    return render_template(template, form=form, **context), 422 if has_errors else 200


def committed(message: str, category: str = "success") -> None:
    """A change's end: commit the request's one transaction, then say what was done (flashed
    only after the commit, so the message never promises what a failed commit lost)."""
    get_db().commit()
    flash(message, category)


def done(message: str, to: str, category: str = "success") -> Response:
    """The tail of a view that changed something: commit once, say so, and go on to `to`."""
    committed(message, category)
    return redirect(to)
