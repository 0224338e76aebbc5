"""The library's search form."""

from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.fields.choices import SelectChoice

from learnset.forms import choices, max_length
from learnset.framework.models import Capability, CapabilityDomain
from learnset.library.models import ContentKind


class LibrarySearchForm(FlaskForm):
    """The library's search and filters, sent as a GET query string."""

    class Meta:
        # A search changes nothing, and a token would leak into links and browser history.
        csrf = False

    q = SearchField(
        "Search the library",
        description="For example, outcomes or difficult conversations",
        validators=[max_length("Search words", 200)],
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

    def offer_capabilities(self, groups: list[tuple[CapabilityDomain, list[Capability]]]) -> None:
        """The capability choices, grouped under their domains."""
        self.capability.choices = [SelectChoice("", "All capabilities")] + [
            SelectChoice(capability.slug, capability.name, optgroup=domain.name)
            for domain, capabilities in groups
            for capability in capabilities
        ]
