"""The library's search form."""

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Regexp

from learnset.forms import MultiCheckboxField, choices, max_length, one_line, text_field
from learnset.framework import loading
from learnset.framework.models import LEVEL_NAMES, LEVELS
from learnset.framework.queries import CapabilityChoice, DomainCapabilities
from learnset.library.models import ContentKind


class LibrarySearchForm(FlaskForm):
    """The library's search and filters, sent as a GET query string."""

    class Meta:
        # A search changes nothing, and a token would leak into links and browser history.
        csrf = False

    q = text_field(
        "Search the library",
        200,
        name="Search words",
        kind=SearchField,
        description="For example, outcomes or difficult conversations",
    )
    kind = SelectField(
        "Type",
        choices=choices([("", "All types"), *ContentKind.plural_pairs()]),
        default="",
        invalid_choice_message="Choose a type from the list",
    )
    capability = SelectField(
        "Capability it develops",
        default="",
        invalid_choice_message="Choose a capability from the list",
    )

    def offer_capabilities(self, capabilities: list[CapabilityChoice]) -> None:
        """The capability choices, grouped under their domains."""
        self.capability.choices = [SelectChoice("", "All capabilities")] + [
            SelectChoice(capability.slug, capability.name, optgroup=capability.domain)
            for capability in capabilities
        ]


# --- Editing in the app ------------------------------------------------------------------------

MAX_BODY = 100_000
MARKDOWN_HINT = (
    "Markdown: ## starts a heading, - starts a list item, **two stars** make bold. Press "
    "Preview to see it as people will."
)


class VersionForm(FlaskForm):
    """Names the version a page was opened at; a restore page is this and its button."""

    # The version the page was opened at: a save is refused if someone saved after it.
    based_on = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])

    @property
    def based_on_number(self) -> int:
        return int(self.based_on.data or 0)


class ItemEditForm(VersionForm):
    title = StringField(
        "Title",
        filters=[one_line],
        validators=[InputRequired(message="Enter a title"), max_length("The title", 200)],
    )
    summary = TextAreaField(
        "Summary",
        description="One or two sentences, shown in the library's list and under the title.",
        validators=[InputRequired(message="Enter a summary"), max_length("The summary", 500)],
    )
    minutes = IntegerField(
        "Minutes it takes in a session",
        validators=[
            InputRequired(message="Enter the minutes it takes, as a whole number"),
            NumberRange(min=1, max=600, message="Enter a whole number of minutes from 1 to 600"),
        ],
    )
    capabilities = MultiCheckboxField(
        "Capabilities it develops",
        validators=[InputRequired(message="Choose at least one capability")],
    )
    body = TextAreaField(
        "Text",
        description=MARKDOWN_HINT,
        validators=[InputRequired(message="Enter the text"), max_length("The text", MAX_BODY)],
    )

    def offer_capabilities(self, framework: list[DomainCapabilities]) -> None:
        self.capabilities.choices = [
            (capability.slug, capability.name)
            for group in framework
            for capability in group.capabilities
        ]


LEVEL_FIELDS = {level: f"level_{level}" for level in LEVELS}


class DescriptorEditForm(VersionForm):
    description = TextAreaField(
        "What the capability means",
        validators=[
            InputRequired(message="Enter what the capability means"),
            max_length("The description", loading.LONG_TEXT),
        ],
    )
    level_1 = TextAreaField(
        f"Level 1: {LEVEL_NAMES[1]}",
        validators=[
            InputRequired(message="Enter level 1's words"),
            max_length("Level 1's words", loading.LONG_TEXT),
        ],
    )
    level_2 = TextAreaField(
        f"Level 2: {LEVEL_NAMES[2]}",
        validators=[
            InputRequired(message="Enter level 2's words"),
            max_length("Level 2's words", loading.LONG_TEXT),
        ],
    )
    level_3 = TextAreaField(
        f"Level 3: {LEVEL_NAMES[3]}",
        validators=[
            InputRequired(message="Enter level 3's words"),
            max_length("Level 3's words", loading.LONG_TEXT),
        ],
    )
    level_4 = TextAreaField(
        f"Level 4: {LEVEL_NAMES[4]}",
        validators=[
            InputRequired(message="Enter level 4's words"),
            max_length("Level 4's words", loading.LONG_TEXT),
        ],
    )
    level_5 = TextAreaField(
        f"Level 5: {LEVEL_NAMES[5]}",
        validators=[
            InputRequired(message="Enter level 5's words"),
            max_length("Level 5's words", loading.LONG_TEXT),
        ],
    )

    def levels(self) -> dict[int, str]:
        return {level: self[name].data or "" for level, name in LEVEL_FIELDS.items()}


class CompareForm(FlaskForm):
    """Which two versions to compare, sent as a GET query string."""

    class Meta:
        csrf = False

    older = SelectField("Compare version", coerce=int, invalid_choice_message="Choose a version")
    newer = SelectField("with version", coerce=int, invalid_choice_message="Choose a version")

    def offer(self, numbers: list[int]) -> None:
        self.older.choices = self.newer.choices = [(n, f"Version {n}") for n in numbers]


class SessionEditForm(VersionForm):
    """A programme session's whole file: its front matter, then the facilitator notes."""

    text = TextAreaField(
        "The session's file",
        description=(
            "The front matter between the two '---' lines gives the session's title, aims, "
            "running order and preparation; the facilitator notes follow it, in Markdown. The "
            "running order's minutes must add up to the session's length."
        ),
        validators=[
            InputRequired(message="Enter the session's text"),
            max_length("The session's text", 50_000),
        ],
    )
