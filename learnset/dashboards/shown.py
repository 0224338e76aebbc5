"""Parts of the dashboards' pages that repeat a few hundred times, as HTML written in Python
(the templates' `mean_html`, `change_html`, `heat_rows`, `activity_cells`, `engagement_rows`
and `programme_rows`): a mean or a change in a table (a month's mean in each domain, each
capability's means, each set's change on the programme view), the heat map's rows, the
engagement tables' rows and the programme view's. As Jinja macros, each cost several times
what its few characters do."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from urllib.parse import quote

from markupsafe import Markup, escape

from learnset.dashboards.cohort_figures import GapCell, GapRow, HeatMap
from learnset.dashboards.engagement import Engagement, MonthActivity
from learnset.dashboards.figures import Figure
from learnset.dashboards.pages import CohortRow
from learnset.dashboards.participants import ParticipantName
from learnset.dates import month_year, uk_date
from learnset.framework.models import CapabilityDomain

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


NOT_RATED_HTML = Markup(
    '<td class="nhsuk-table__cell app-heat__cell app-heat__cell--none">'
    '\N{EN DASH}<span class="nhsuk-u-visually-hidden"> not rated</span></td>'
)


@cache
def _gap_cell(gap: int) -> str:
    # A cell depends on its gap alone (nine of them, -4 to 4): each is written once, shaded as
    # a GapCell with that gap is.
    shade = GapCell(current=0, target=gap).shade
    # Two whole numbers (int() makes sure): nothing to escape.
    return (
        f'<td class="nhsuk-table__cell app-heat__cell app-heat__cell--{int(shade)}">{int(gap)}</td>'
    )


def heat_cells(row: GapRow, participants: list[ParticipantName]) -> Markup:
    """A heat map row's cells, a participant's gap each (a dozen participants on a score of
    capabilities: a few hundred cells a page)."""
    cells: list[str] = []
    for participant in participants:
        cell = row.cells.get(participant.id)
        cells.append(NOT_RATED_HTML if cell is None else _gap_cell(cell.gap))
    return Markup("\n      ".join(cells))  # noqa: S704 - whole numbers and our own HTML only


# What Flask's url_for leaves unquoted in an anchor.
ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"


def heat_rows(heat: HeatMap, framework_url: str) -> Markup:
    """The heat map's rows: a capability, linked to its place on the framework page
    (`framework_url`, with the anchor quoted as `url_for` quotes it), then its cells."""
    rows = []
    for row in heat.rows:
        rows.append(
            HEAT_ROW.format(
                link=escape(f"{framework_url}#{quote(row.slug, safe=ANCHOR_SAFE)}"),
                name=escape(row.name),
                cells=heat_cells(row, heat.participants),
                mean=mean_html(row.mean_gap),
            )
        )
    return Markup("".join(rows))  # noqa: S704 - every value escaped above


# The rows below are written with str.format (markupsafe's own format is several times
# slower), so every value is escaped, or already Markup, where it is put in.
HEAT_ROW = (
    '\n    <tr class="nhsuk-table__row">\n      <th scope="row" '
    'class="nhsuk-table__header app-heat__capability"><a href="{link}">{name}</a></th>\n      '
    '{cells}\n      <td class="nhsuk-table__cell">{mean}</td>\n    </tr>\n    '
)


NUMERIC_CELL = '\n      <td class="nhsuk-table__cell nhsuk-table__cell--numeric">{}</td>'


def activity_cells(activity: MonthActivity) -> Markup:
    """What a participant did in a month, or in all: attendance, then four counts."""
    attended = (
        f"{int(activity.attended)} of {int(activity.attendance_recorded)}"
        if activity.attendance_recorded
        else "Not recorded"
    )
    counts = (
        activity.reflections,
        activity.reflections_shared,
        activity.assessments_shared,
        activity.challenges_updated,
    )
    html = f'<td class="nhsuk-table__cell">{attended}</td>' + "".join(
        NUMERIC_CELL.format(int(count)) for count in counts
    )
    return Markup(html)  # noqa: S704 - whole numbers and our own words only


MISSED_BOTH = Markup('<strong class="nhsuk-tag nhsuk-tag--orange">Missed both</strong>')


def engagement_rows(engagement: Engagement, month_key: str | None) -> Markup:
    """The engagement tables' rows, a participant each: their month `month_key`, or with None
    their whole time and whether they missed the last two sessions."""
    rows = []
    for entry in engagement.participants:
        cells: str
        if month_key is not None:
            cells = activity_cells(entry.month(month_key))
        else:
            missed = MISSED_BOTH if entry.not_seen_lately else ""
            cells = str(activity_cells(entry.total)) + MISSED_CELL.format(missed)
        rows.append(ENGAGEMENT_ROW.format(escape(entry.participant.name), cells))
    return Markup("".join(rows))  # noqa: S704 - every value escaped above


ENGAGEMENT_ROW = (
    '\n    \n    <tr class="nhsuk-table__row">\n      <th scope="row" class="nhsuk-table__header">'
    "{}</th>\n      {}\n    </tr>\n    "
)
MISSED_CELL = '\n      <td class="nhsuk-table__cell">{}</td>'


PROGRAMME_ROW = (
    '\n    <tr class="nhsuk-table__row">\n      <th scope="row" class="nhsuk-table__header">'
    '<a href="{link}">{name}</a>{start}</th>\n      <td class="nhsuk-table__cell">{status}</td>'
    '\n      <td class="nhsuk-table__cell nhsuk-table__cell--numeric">{participants}</td>'
    '\n      <td class="nhsuk-table__cell">{attendance}</td>\n      {growth}'
    '\n      <td class="nhsuk-table__cell">{released}</td>\n    </tr>\n    '
)
START = (
    '<br><span class="nhsuk-u-font-size-16 nhsuk-u-secondary-text-colour '
    'nhsuk-u-font-weight-normal">From {}</span>'
)
ATTENDANCE = (
    '{}%<span class="nhsuk-u-font-size-16 nhsuk-u-secondary-text-colour"> ({} of {})</span>'
)
GROWTH_CELL = '<td class="nhsuk-table__cell">{}</td>'


def programme_rows(
    rows: list[CohortRow],
    domains: list[CapabilityDomain],
    status_html: Callable[[str], Markup],
    dashboard_url: Callable[[int], str],
) -> Markup:
    """The programme view's rows, a learning set each: its name linked to its dashboard
    (`dashboard_url`), start, status (`status_html`, the same few for every set), size,
    attendance, change in each domain and when its figures were released."""
    statuses: dict[str, Markup] = {}
    found = []
    for row in rows:
        if row.status not in statuses:
            statuses[row.status] = status_html(row.status)
        start = row.start_month
        present, recorded = int(row.attendance.present), int(row.attendance.recorded)
        found.append(
            PROGRAMME_ROW.format(
                link=escape(dashboard_url(row.cohort_id)),
                name=escape(row.name),
                start=START.format(month_year(start)) if start else "",
                status=statuses[row.status],
                participants=int(row.participants),
                attendance=ATTENDANCE.format(row.attendance.percent, present, recorded)
                if recorded
                else "Not recorded yet",
                growth="".join(
                    GROWTH_CELL.format(change_html(row.growth[domain.id])) for domain in domains
                ),
                released=escape(uk_date(row.released_at)) if row.released_at else "Not yet",
            )
        )
    return Markup("".join(found))  # noqa: S704 - every value escaped above
