"""The tutor's dashboard as CSV and JSON: the same figures as the page, built from the same data.

A suppressed figure is written as a blank (CSV) or null (JSON) with a suppressed flag, and
without the number of responses, exactly as the page says "fewer than 3 responses". Each
participant's own ratings appear only for the cohort's tutors, and only from shared
self-assessments (the heat map's data); reflections are counts, never titles or text.
"""

from __future__ import annotations

import csv
import functools
import io
from datetime import datetime
from decimal import Decimal
from typing import Any

from learnset.dashboards.engagement import Engagement, MonthActivity
from learnset.dashboards.figures import MIN_RESPONSES, SUPPRESSED, Distribution, Figure
from learnset.dashboards.kept import Kept
from learnset.dashboards.pages import TutorDashboard
from learnset.dashboards.releases import ReleasedFigures
from learnset.framework.models import LEVELS

DEFINITIONS = {
    "shared": "Only self-assessments shared with tutors count.",
    "baseline": "Each participant's first self-assessment shared with tutors in this set.",
    "latest": "Each participant's most recent self-assessment shared with tutors; ratings "
    "carried forward in a check-in count as that check-in's ratings.",
    "change": "The mean, over participants rated at both, of latest level minus baseline level.",
    "mean_gap": "The mean, over participants, of latest target minus latest level (0 when the "
    "target is reached).",
    "growth": "For each calendar month, each participant's latest shared rating by the end of "
    "that month, averaged over the capabilities of the domain.",
    "suppression": f"A figure to which fewer than {MIN_RESPONSES} participants contribute is "
    f"not given: its value is empty and suppressed is true. So is a count of people below "
    f"{MIN_RESPONSES}, and enough others beside it that the total cannot give it back.",
    "released": "Figures from ratings are released, not live: worked out when a check-in round "
    f"closes with new check-ins from at least {MIN_RESPONSES} participants, and unchanged "
    "until the next release. released_at says when.",
    "reflections": "Reflections written in the month (not in the bin), whatever their "
    "visibility; shared means shared with the tutors or the set now.",
    "live_challenges_updated": "The participant's own live challenges in this set that they "
    "recorded, edited or added an action, experiment, gain or insight to in the month.",
    "gains": "Gains recorded on the set's live challenges, by kind, while their owners take part.",
}
CSV_HEADER = [
    "section",
    "domain",
    "capability",
    "participant",
    "month",
    "measure",
    "value",
    "responses",
    "suppressed",
]
# Spreadsheets run a cell starting with one of these as a formula: names are typed by people.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# csv.writer's dialect (excel): the end of a row, and what makes it quote a cell.
CSV_LINE_END = "\r\n"
# A participant's month in the downloads: its counts' names, in MonthActivity's order.
MONTH_COUNTS = (
    "sessions_attended",
    "sessions_recorded",
    "reflections_written",
    "reflections_shared",
    "self_assessments_shared",
    "live_challenges_updated",
)
# The CSV's lines of a month, {0} its place: written with one format() a month.
_MONTH_LINES = CSV_LINE_END.join(
    f"{{0}}{name},{{{number}}},,no" for number, name in enumerate(MONTH_COUNTS, 1)
)
CSV_QUOTED = (",", '"', "\r", "\n")


def _number(value: Decimal | int | None) -> float | int | None:
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def figure_json(figure: Figure) -> dict[str, Any]:
    return {
        "value": _number(figure.value),
        "responses": figure.responses,
        "suppressed": figure.suppressed,
    }


def distribution_json(distribution: Distribution) -> dict[str, Any]:
    counts = distribution.counts
    return {
        # A level whose count is hidden is null.
        "counts": {str(level): counts[level - 1] for level in LEVELS} if counts else None,
        "responses": distribution.responses,
        "suppressed": distribution.suppressed,
    }


def dashboard_json(
    cohort_name: str, dashboard: TutorDashboard, engagement: Engagement, now: datetime
) -> dict[str, Any]:
    """The dashboard as a JSON document (see DEFINITIONS for what each figure means). Its
    parts from the release are made once a release (`_released_json`); the rest is live."""
    released = dashboard.released
    released_parts = _RELEASED_JSON.get(released.key, lambda: _released_json(released))
    keys = [month.key for month in engagement.months]  # named once, not once a participant
    document: dict[str, Any] = {
        "cohort": cohort_name,
        "generated_at": now.isoformat(),
        "released_at": released.released_at.isoformat() if released.released_at else None,
        "minimum_responses": MIN_RESPONSES,
        "definitions": DEFINITIONS,
        "participants": len(dashboard.participants),
        "participants_sharing": released.sharing.participants,
        **released_parts,
        "gains_by_kind": dict(dashboard.gains),
        "engagement": [
            {
                "participant": entry.participant.name,
                "not_seen_for_two_sessions": entry.not_seen_lately,
                "months": [_month_json(key, entry.month(key)) for key in keys],
            }
            for entry in engagement.participants
        ],
    }
    if dashboard.heat_map is not None:
        document["latest_ratings"] = [
            {
                "participant": participant.name,
                "ratings": [
                    {
                        "capability": row.name,
                        "domain": row.domain,
                        "current": cell.current,
                        "target": cell.target,
                        "gap": cell.gap,
                    }
                    for row in dashboard.heat_map.rows
                    if (cell := row.cells.get(participant.id)) is not None
                ],
            }
            for participant in dashboard.heat_map.participants
        ]
    return document


# A release's parts of the JSON document, made once by each worker for each release, as the
# CSV's lines are (below): shared by the documents that hold them, which only read them.
_RELEASED_JSON: Kept[dict[str, Any]] = Kept(256)


def _released_json(released: ReleasedFigures) -> dict[str, Any]:
    """The JSON document's domains, capabilities and growth, from the release alone."""
    return {
        "domains": [
            {
                "domain": domain.name,
                "baseline_mean": figure_json(domain.baseline),
                "latest_mean": figure_json(domain.latest),
                "change": figure_json(domain.change),
            }
            for domain in released.domains
        ],
        "capabilities": [
            {
                "slug": figures.slug,
                "capability": figures.name,
                "domain": figures.domain,
                "baseline_mean": figure_json(figures.baseline),
                "latest_mean": figure_json(figures.latest),
                "change": figure_json(figures.change),
                "current_levels": distribution_json(figures.distribution),
                "participants_with_a_gap": figure_json(figures.with_gap),
                "mean_gap": figure_json(figures.mean_gap),
            }
            for figures in released.capabilities
        ],
        "growth": [
            {
                "month": point.month.key,
                "domains": [
                    {"domain": name, "mean_level": figure_json(point.by_domain[domain_id])}
                    for domain_id, name in released.growth.domains
                ],
            }
            for point in released.growth.points
        ],
    }


def _month_json(key: str, activity: MonthActivity) -> dict[str, Any]:
    """A participant's month (`key`): its counts, named as the CSV names them, in one dict."""
    return {"month": key, **dict(zip(MONTH_COUNTS, activity, strict=True))}


def safe_cell(value: Any) -> str:
    """Text a spreadsheet shows as text, never runs as a formula, whatever it begins with."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def _means(figures: Any) -> list[tuple[str, Figure]]:
    return [
        ("baseline_mean", figures.baseline),
        ("latest_mean", figures.latest),
        ("change", figures.change),
    ]


def _csv_name(value: Any) -> str:
    """A name typed by people as the CSV holds it: safe for a spreadsheet (`safe_cell`), then
    quoted as csv.writer quotes a cell."""
    return _csv_quoted(safe_cell(value))


def _csv_quoted(text: str) -> str:
    """`text` as csv.writer writes the cell: quoted only when it holds a comma, a quote or a
    line break."""
    if not any(mark in text for mark in CSV_QUOTED):
        return text
    buffer = io.StringIO()
    csv.writer(buffer).writerow([text])
    return buffer.getvalue().removesuffix(CSV_LINE_END)


def _csv_number(value: Any) -> str:
    """A figure's cell (a count, a mean, a level or nothing), as csv.writer writes it: none
    needs quoting."""
    return "" if value is None else str(value)


def _figure_line(place: str, measure: str, figure: Figure) -> str:
    value, responses = _csv_number(figure.value), _csv_number(figure.responses)
    return f"{place}{measure},{value},{responses},{'yes' if figure.suppressed else 'no'}"


# The CSV's lines of a release (its domains, capabilities and growth), written once by each
# worker for each release it hands over, as the pages' tables are (release_html.py): a release
# never changes, and its key changes with anything the lines are made from.
_RELEASED_LINES: Kept[str] = Kept(256)


def dashboard_csv(dashboard: TutorDashboard, engagement: Engagement) -> str:
    """One row per figure (a tidy table a spreadsheet can pivot), in the page's order, with
    the columns of CSV_HEADER. The rows are written as csv.writer writes them, a line at a
    time: each name (domain, capability, participant, typed by people) is made safe and
    quoted once, where it is first met, and a row's place (its section and names) once for
    all its measures. The release's lines are written once a release (`_released_lines`);
    the rest is live, written afresh for each download."""
    text = functools.cache(_csv_name)
    released = dashboard.released
    figures = _RELEASED_LINES.get(released.key, lambda: _released_lines(released))
    lines = [",".join(CSV_HEADER)]
    if figures:
        lines.append(figures)
    for kind, count in dashboard.gains.items():
        lines.append(f"gains,,,,,{_csv_quoted(kind)},{_csv_number(count)},,no")
    keys = [month.key for month in engagement.months]  # formatted once, not once a figure
    for entry in engagement.participants:
        person = text(entry.participant.name)
        for key in keys:
            lines.append(_month_lines(f"engagement,,,{person},{key},", entry.month(key)))
        seen = "yes" if entry.not_seen_lately else "no"
        lines.append(f"engagement,,,{person},,not_seen_for_two_sessions,{seen},,no")
    if dashboard.heat_map is not None:
        # Each capability's place once, not once a participant.
        places = [
            (row, f"latest_rating,{text(row.domain)},{text(row.name)},")
            for row in dashboard.heat_map.rows
        ]
        for participant in dashboard.heat_map.participants:
            person, someone = text(participant.name), participant.id
            for gap_row, place in places:
                cell = gap_row.cells.get(someone)
                if cell is not None:  # levels, never None; three lines in one piece
                    at, current, target = f"{place}{person},,", cell.current, cell.target
                    lines.append(
                        f"{at}current,{current},,no{CSV_LINE_END}{at}target,{target},,no"
                        f"{CSV_LINE_END}{at}gap,{target - current},,no"
                    )
    lines.append("")
    return CSV_LINE_END.join(lines)


def _released_lines(released: ReleasedFigures) -> str:
    """The CSV's lines of a release's figures, in the page's order: domains, capabilities,
    growth."""
    text = functools.cache(_csv_name)
    lines = []
    for domain in released.domains:
        place = f"domain,{text(domain.name)},,,,"
        lines += [_figure_line(place, measure, figure) for measure, figure in _means(domain)]
    for figures in released.capabilities:
        place = f"capability,{text(figures.domain)},{text(figures.name)},,,"
        lines += [_figure_line(place, measure, figure) for measure, figure in _means(figures)]
        spread = figures.distribution
        for level in LEVELS:
            count = spread.at(level)
            figure = SUPPRESSED if count is None else Figure(count, spread.responses)
            lines.append(_figure_line(place, f"at_level_{level}", figure))
        lines.append(_figure_line(place, "participants_with_a_gap", figures.with_gap))
        lines.append(_figure_line(place, "mean_gap", figures.mean_gap))
    for point in released.growth.points:
        for domain_id, name in released.growth.domains:
            place = f"growth,{text(name)},,,{point.month.key},"
            lines.append(_figure_line(place, "mean_level", point.by_domain[domain_id]))
    return CSV_LINE_END.join(lines)


def _month_lines(place: str, activity: MonthActivity) -> str:
    """A participant's month: its counts in MONTH_COUNTS' order, a line each, in one piece
    (counts are never None: written as csv.writer writes an int)."""
    return _MONTH_LINES.format(place, *activity)
