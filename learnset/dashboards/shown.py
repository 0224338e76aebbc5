"""A figure in a dashboard's table, as HTML: the `mean` and `change` macros of
templates/dashboards/_macros.html, in Python, because a dashboard shows a few hundred of them
(a month's mean in each domain, each capability's means) and a Jinja macro call costs several
times what the figure's few characters do."""

from __future__ import annotations

from markupsafe import Markup, escape

from learnset.dashboards.figures import Figure

SUPPRESSED_HTML = Markup('<span class="app-suppressed">Fewer than 3 responses</span>')


def mean_html(figure: Figure) -> Markup:
    """A mean level, or why there is none."""
    return SUPPRESSED_HTML if figure.suppressed else escape(figure.value)


def change_html(figure: Figure) -> Markup:
    """A change in words: "Up 0.8", "Down 0.2", "No change"."""
    if figure.suppressed or figure.value is None:
        return SUPPRESSED_HTML
    if figure.value > 0:
        return Markup("Up ") + escape(figure.value)
    if figure.value < 0:
        return Markup("Down ") + escape(-figure.value)
    return Markup("No change")
