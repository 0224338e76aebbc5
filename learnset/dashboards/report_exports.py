"""The programme report as a spreadsheet (a sheet per section) and as CSV (one tidy row per
figure), built from the same report as the page.

A hidden figure is written as the words "Not shown", never as a number or a blank a formula
would count as 0. Every name (learning sets, sessions, themes) goes through `safe_cell`, and the
spreadsheet's text cells are typed as text, so nothing a person typed can run as a formula.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from learnset.dashboards.exports import safe_cell
from learnset.dashboards.figures import MIN_RESPONSES, Figure
from learnset.dashboards.programme_report import (
    ENROLMENT,
    ENROLMENT_LABELS,
    FeedbackThemes,
    ProgrammeReport,
    gain_kinds,
)
from learnset.dashboards.report_queries import Measure
from learnset.dates import uk_date

HIDDEN = "Not shown"
# The whole programme's figures come only from the sets' figures shown (report_cells.py).
WHOLE_PROGRAMME = "Whole programme (figures shown)"
NONE_RECORDED = "None recorded"
NO_FEEDBACK = "No session feedback released yet"
NOTES = [
    f"A figure that comes from fewer than {MIN_RESPONSES} people is not shown, and neither "
    "are enough of the figures beside it in its learning set's row that it cannot be worked "
    "out from the row's total. A learning set's figures are the same in every year's report.",
    "The whole programme's figures add up (or, for a rate or mean, pool) only the learning "
    "sets' figures that are shown, so they are lower than the true totals where a figure is "
    "not shown, and no two reports can be compared to work out a figure that is not shown.",
    "Every figure is as its learning set last released its figures, and changes only at a "
    "release; a learning set with no figures released yet shows none.",
    "Capability growth comes only from each learning set's latest released figures; the "
    "programme's means weight each set's released mean by how many people it comes from.",
    "Engagement is counted, never read: no reflection, comment or check-in is quoted.",
    "Attendance is the share of places recorded present, as a percentage.",
]


@dataclass(frozen=True)
class Table:
    """One section of the report: a row per learning set, then the whole programme."""

    title: str
    columns: list[str]
    rows: list[list[Any]]


def _value(figure: Figure | None) -> Any:
    if figure is None or figure.suppressed:
        return HIDDEN
    if figure.value is None:
        return NONE_RECORDED
    return float(figure.value) if isinstance(figure.value, Decimal) else figure.value


def _places(rate: Figure) -> Any:
    return HIDDEN if rate.suppressed else rate.responses


def report_tables(report: ProgrammeReport) -> list[Table]:
    """The report's sections as tables, in the page's order."""
    domains = [domain.name for domain in report.growth]
    enrolment = Table(
        "Enrolment",
        ["Learning set", *[ENROLMENT_LABELS[key] for key in ENROLMENT]],
        [[s.name, *[_value(s.enrolment.get(key)) for key in ENROLMENT]] for s in report.sets]
        + [[WHOLE_PROGRAMME, *[_value(report.enrolment[key]) for key in ENROLMENT]]],
    )
    attendance = Table(
        "Attendance",
        ["Learning set", "Attendance (%)", "Places recorded"],
        [[s.name, _value(s.attendance), _places(s.attendance)] for s in report.sets]
        + [
            [
                WHOLE_PROGRAMME,
                _value(report.attendance),
                _places(report.attendance),
            ]
        ],
    )
    sessions = Table(
        "Sessions",
        ["Learning set", "Session", "Date", "Attendance (%)", "Places recorded"],
        [
            [
                s.name,
                f"{session.number}. {session.title}".strip(". ") or f"Session {session.number}",
                uk_date(session.starts_at),
                _value(session.rate),
                _places(session.rate),
            ]
            for s in report.sets
            for session in s.sessions
        ],
    )
    engagement = Table(
        "Engagement",
        ["Learning set", *[measure.label for measure in Measure]],
        [[s.name, *[_value(s.engagement.get(m)) for m in Measure]] for s in report.sets]
        + [[WHOLE_PROGRAMME, *[_value(report.engagement[m]) for m in Measure]]],
    )
    growth = Table(
        "Capability growth",
        ["Learning set", "Figures released", *[f"{name}: change" for name in domains]],
        [
            [
                s.name,
                uk_date(s.released_at) if s.released_at else "Not yet",
                *[_value(domain.change) for domain in s.growth],
            ]
            for s in report.sets
        ]
        + [[WHOLE_PROGRAMME, "", *[_value(domain.change) for domain in report.growth]]],
    )
    gains = Table(
        "Gains",
        ["Learning set", *[label for _, label in gain_kinds()]],
        [[s.name, *[_value(s.gains.get(key)) for key, _ in gain_kinds()]] for s in report.sets]
        + [[WHOLE_PROGRAMME, *[_value(report.gains[key]) for key, _ in gain_kinds()]]],
    )
    return [enrolment, attendance, sessions, engagement, growth, gains, _feedback(report)]


def _feedback(report: ProgrammeReport) -> Table:
    entries: list[tuple[str, FeedbackThemes]] = [
        (s.name, s.feedback) for s in report.sets if s.feedback is not None
    ]
    if report.feedback is not None:
        entries.append((WHOLE_PROGRAMME, report.feedback))
    rows: list[list[Any]] = []
    for name, themes in entries:
        rows.append([name, "Responses", _value(themes.responses)])
        rows.append([name, "Mean usefulness (1 to 5)", _value(themes.usefulness)])
        rows.extend(
            [name, f"Theme: {theme.theme}", _value(theme.mentions)] for theme in themes.themes
        )
    return Table("Session feedback", ["Learning set", "Measure", "Value"], rows)


def report_csv(report: ProgrammeReport) -> str:
    """One row per figure: section, learning set, measure and value ("Not shown" if hidden)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["section", "learning_set", "measure", "value"])
    for table in report_tables(report):
        if table.title == "Session feedback" and not table.rows:
            writer.writerow([table.title, "", NO_FEEDBACK, ""])
        for row in table.rows:
            if table.title == "Sessions":
                name, label, day, *values = row
                measures = [f"{label} ({day}): {column}" for column in table.columns[3:]]
            elif table.title == "Session feedback":
                name, label, *values = row
                measures = [label]
            else:
                name, *values = row
                measures = table.columns[1:]
            for measure, value in zip(measures, values, strict=True):
                writer.writerow([table.title, safe_cell(name), safe_cell(measure), _text(value)])
    return buffer.getvalue()


def _text(value: Any) -> str:
    return safe_cell(value) if isinstance(value, str) else str(value)


def report_xlsx(report: ProgrammeReport, title: str) -> bytes:
    """A workbook with a sheet per section and a sheet saying how the figures are worked out."""
    workbook = Workbook()
    about = workbook.active
    about.title = "About"
    _write(about, [[title], *[[note] for note in NOTES]])
    for table in report_tables(report):
        sheet = workbook.create_sheet(table.title)
        rows = table.rows or [[NO_FEEDBACK if table.title == "Session feedback" else "None yet"]]
        _write(sheet, [table.columns, *rows])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write(sheet: Any, rows: list[list[Any]]) -> None:
    for row in rows:
        sheet.append([safe_cell(value) if isinstance(value, str) else value for value in row])
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                # Text stays text: openpyxl would otherwise store "=..." as a formula.
                cell.data_type = "s"
