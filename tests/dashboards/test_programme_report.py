"""The programme report for the board: figures on a small built programme, the small-number
rules on the page, in the spreadsheet and in the CSV, and who may open it.

Riverside (the `history` set, see conftest.py) has five participants, Pat, Fay, Ann, Ben and
Cal; here 8 people were invited to it and 3 of those who joined have since left. Eastvale has
Oona and three more participants, and one reflection of Oona's.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from learnset.dashboards import programme_report as report_module
from learnset.dashboards import report_cells, report_feedback
from learnset.dashboards.figures import Figure
from learnset.dashboards.programme_report import (
    FeedbackThemes,
    ThemeCount,
    attach_feedback,
    programme_report,
)
from learnset.dashboards.report_cells import Cell, grid_figures, people_table, protect_column
from learnset.dashboards.report_exports import HIDDEN, WHOLE_PROGRAMME
from learnset.dashboards.report_queries import ALL_GAINS, Measure
from learnset.db import utcnow
from learnset.framework.queries import current_framework
from tests import factories
from tests.dashboards.conftest import PRIVATE_TEXT, PRIVATE_TITLE, count_for_report, on
from tests.session_feedback.helpers import answer_as, closed_session, participants

REPORT = "/programme/report"
WHOLE = WHOLE_PROGRAMME


@pytest.fixture
def programme(db, people, history):
    riverside, eastvale = people.cohort, people.other_cohort
    now = utcnow()
    for person in history.everyone:
        factories.make_invitation(
            db, riverside, token=f"t-{person.id}", accepted_at=now, accepted_by_id=person.id
        )
    for number in range(3):
        leaver = factories.make_user(db, name=f"Lee Leaver {number}")
        factories.make_invitation(
            db, riverside, token=f"left-{number}", accepted_at=now, accepted_by_id=leaver.id
        )
    for number in range(3):
        factories.make_invitation(db, riverside, token=f"waiting-{number}")
    # Withdrawn: not counted as invited.
    factories.make_invitation(db, riverside, token="withdrawn", revoked_at=now)
    factories.make_members(db, eastvale, "participant", 3)
    # Two more reflections in Riverside, so its reflections come from four people.
    factories.make_reflection(
        db, history.ann, cohort=riverside, created_at=on(1, 6), visibility="set"
    )
    factories.make_reflection(db, history.ben, cohort=riverside, created_at=on(1, 7))
    shared = factories.make_reflection(
        db, history.fay, cohort=riverside, created_at=on(2, 6), visibility="set"
    )
    for author in (history.pat, history.ann, people.tutor):
        factories.make_comment(db, shared, author)
    # Gains: three people's health gains, and one economic gain of Ben's.
    for person in (history.pat, history.fay, history.ann):
        challenge = factories.make_challenge(db, person, riverside)
        factories.make_update(db, challenge, person, "gain")
    bens = factories.make_challenge(db, history.ben, riverside)
    factories.make_update(db, bens, history.ben, "gain", gain_kind="economic")
    # The report shows what was released: both sets' counts as they are now.
    count_for_report(db, riverside)
    count_for_report(db, eastvale)
    db.commit()
    return people


def _report(db, **options):
    return programme_report(db, current_framework(db), **options)


def _set(report, cohort):
    return next(entry for entry in report.sets if entry.cohort_id == cohort.id)


# --- The small-number rules --------------------------------------------------------------------


def test_a_hidden_cell_brings_enough_beside_it_into_hiding():
    cells = [Cell(5, 5), Cell(1, 1), Cell(7, 7), Cell(0, 0)]
    assert protect_column(cells, {1}) == {1, 0}
    assert protect_column(cells, set()) == set()
    # Only nobody left beside it: everything is hidden.
    assert protect_column([Cell(2, 2), Cell(0, 0)], {0}) == {0, 1}


def test_people_table_hides_the_split_of_those_who_joined_together():
    figures, totals = people_table([[8, 8, 6, 2], [9, 9, 9, 0], [4, 4, 4, 0]], [(2, 3)])
    first = [figure.value for figure in figures[0]]
    # Two left: hidden, and so is how many are still in the set, which would give it back.
    assert first == [8, 8, None, None]
    # The other sets' figures depend on their own counts alone, and each total adds up the
    # figures shown: nobody shown to have left, with one hidden, is no total at all.
    assert [figure.value for figure in figures[1]] == [9, 9, 9, 0]
    assert [t.value for t in totals] == [21, 21, 13, None]
    assert totals[3].suppressed


def test_gains_hidden_by_kind_and_in_all():
    cells, totals, by_kind, grand = grid_figures(
        [[Cell(3, 3), Cell(1, 1)], [Cell(4, 4), Cell(0, 0)]], [Cell(4, 4), Cell(4, 4)]
    )
    # The single gain of the second kind is hidden, and so is the first kind beside it.
    assert cells[0][1].suppressed and cells[0][0].suppressed
    # The other set's gains are its own: shown, and the column's total adds up those shown.
    assert [cell.value for cell in cells[1]] == [4, 0]
    assert totals[0].value == 4
    assert by_kind[0].value == 4
    assert by_kind[1].suppressed
    assert grand.value == 8


# --- Figures on a small built programme ----------------------------------------------------------


def test_enrolment(db, programme):
    report = _report(db)
    riverside = _set(report, programme.cohort)
    assert {key: f.value for key, f in riverside.enrolment.items()} == {
        "invited": 11,
        "joined": 8,
        "current": 5,
        "left": 3,
    }
    eastvale = _set(report, programme.other_cohort)
    assert eastvale.enrolment["current"].value == 4
    assert eastvale.enrolment["invited"].value == 0
    assert {key: f.value for key, f in report.enrolment.items()} == {
        "invited": 11,
        "joined": 12,
        "current": 9,
        "left": 3,
    }


def test_attendance_per_session_and_overall(db, programme):
    report = _report(db)
    riverside = _set(report, programme.cohort)
    assert [session.rate.value for session in riverside.sessions] == [80, 40, 60]
    assert riverside.attendance == Figure(60, 15)
    eastvale = _set(report, programme.other_cohort)
    assert eastvale.attendance.value is None and not eastvale.attendance.suppressed
    assert report.attendance == Figure(60, 15)


def test_engagement_counted_and_small_counts_hidden(db, programme):
    report = _report(db)
    riverside = _set(report, programme.cohort)
    eastvale = _set(report, programme.other_cohort)
    # Pat 3, Fay 2, Ann 1 (one in the bin aside), Ben 1; and Oona 1 in Eastvale.
    assert eastvale.engagement[Measure.REFLECTIONS].suppressed
    # Oona's one reflection is hidden; Riverside's, from four people, is shown, and the
    # programme's total adds up only the figures shown, so it cannot give Oona's back.
    assert riverside.engagement[Measure.REFLECTIONS] == Figure(7, 4)
    assert report.engagement[Measure.REFLECTIONS].value == 7
    assert riverside.engagement[Measure.COMMENTS] == Figure(3, 3)
    assert eastvale.engagement[Measure.CHECK_INS].suppressed
    assert riverside.engagement[Measure.CHECK_INS].value == 8
    assert report.engagement[Measure.CHECK_INS].value == 8
    assert report.engagement[Measure.SHARES].value == 4


def test_gains_by_kind(db, programme):
    report = _report(db)
    riverside = _set(report, programme.cohort)
    assert riverside.gains[ALL_GAINS].value == 4
    # Ben's one economic gain is hidden, and the health gains beside it in the row.
    assert riverside.gains["economic"].suppressed
    assert riverside.gains["health"].suppressed
    assert report.gains[ALL_GAINS].value == 4


def test_growth_only_from_released_figures(db, programme, history):
    report = _report(db)
    riverside = _set(report, programme.cohort)
    assert riverside.released_at is not None
    released = {domain.name: domain.change for domain in riverside.growth}
    programme_growth = {domain.name: domain.change for domain in report.growth}
    # Eastvale has released no figures, so the programme's growth is Riverside's as released.
    assert programme_growth == released
    # A new check-in changes nothing until the next release.
    factories.make_assessment(
        db, history.ann, programme.cohort, {history.framework.listening: (1, 5)}
    )
    db.commit()
    again = _report(db)
    assert {d.name: d.change for d in again.growth} == programme_growth


def test_programme_growth_weights_released_means(db, programme):
    report = _report(db)
    listening_domain = next(d for d in report.growth if not d.change.suppressed)
    assert isinstance(listening_domain.change.value, Decimal)
    assert listening_domain.sets == 1


def test_year_filter(db, programme):
    programme.other_cohort.start_month = on(0, 1).date().replace(year=2019, day=1)
    db.commit()
    report = _report(db, year=2019)
    assert [entry.name for entry in report.sets] == ["Eastvale set"]
    assert 2019 in report.years


def test_a_year_that_is_not_one_shows_every_year(db, login, programme):
    admin = login(programme.admin)
    # "²" is a digit to str.isdigit() but not to int(); "١٢" is one to both.
    for year in ("²⁰²⁶", "abc", "١٩٩٠", "99999"):
        for path in (REPORT, REPORT + ".csv"):
            assert admin.get(f"{path}?year={year}").status_code == 200, (path, year)


def test_feedback_themes_are_placed_by_set(db, programme):
    themes = FeedbackThemes(
        programme.cohort.id,
        Figure(5, 5),
        Figure(Decimal("4.2"), 5),
        [ThemeCount("More time on live challenges", Figure(3, 5))],
    )
    report = _report(db, feedback=[themes])
    assert _set(report, programme.cohort).feedback == themes
    assert _set(report, programme.other_cohort).feedback is None
    assert report.feedback is None
    # Or put in place afterwards, once the report knows its sets, as the view does.
    later = _report(db)
    programme_wide = FeedbackThemes(None, Figure(9, 9))
    attach_feedback(later, [themes, programme_wide])
    assert _set(later, programme.cohort).feedback == themes
    assert later.feedback == programme_wide


# --- The page and its downloads ------------------------------------------------------------------


def test_page_shows_figures_and_hides_small_ones(db, login, programme):
    # A third domain, so the programme's growth is drawn as a radar.
    factories.make_capability(db, factories.make_domain(db, name="Commissioning for outcomes"))
    db.commit()
    response = login(programme.admin).get(REPORT)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Programme report" in page
    assert "Not shown" in page
    assert "No session feedback released yet" in page
    assert "Riverside set" in page and "Eastvale set" in page
    assert PRIVATE_TITLE not in page and PRIVATE_TEXT not in page
    assert "<svg" in page


def test_spreadsheet_has_a_sheet_per_section_and_hides_small_cells(db, login, programme):
    response = login(programme.admin).get(REPORT + ".xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == [
        "About",
        "Enrolment",
        "Attendance",
        "Sessions",
        "Engagement",
        "Capability growth",
        "Gains",
        "Session feedback",
    ]
    enrolment = {row[0]: row[1:] for row in workbook["Enrolment"].iter_rows(values_only=True)}
    assert enrolment["Riverside set"] == (11, 8, 5, 3)
    assert enrolment[WHOLE] == (11, 12, 9, 3)
    engagement = {row[0]: row[1:] for row in workbook["Engagement"].iter_rows(values_only=True)}
    # Reflections written, shared, check-ins, comments.
    assert engagement["Eastvale set"][0] == "Not shown"
    assert engagement[WHOLE][0] == 7
    assert workbook["Session feedback"]["A2"].value == "No session feedback released yet"


def test_csv_hides_small_cells(db, login, programme):
    response = login(programme.admin).get(REPORT + ".csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["section", "learning_set", "measure", "value"]
    found = {(section, name, measure): value for section, name, measure, value in rows[1:]}
    assert found[("Enrolment", "Riverside set", "Invited")] == "11"
    assert found[("Engagement", "Eastvale set", "Reflections written")] == "Not shown"
    assert found[("Gains", "Riverside set", "Economic")] == "Not shown"
    assert found[("Attendance", WHOLE, "Attendance (%)")] == "60"


def test_names_never_run_as_formulas(db, login, programme):
    programme.cohort.name = '=HYPERLINK("https://example.org")'
    db.commit()
    client = login(programme.admin)
    text = client.get(REPORT + ".csv").get_data(as_text=True)
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    assert "'=HYPERLINK" in text
    workbook = load_workbook(io.BytesIO(client.get(REPORT + ".xlsx").data))
    for row in workbook["Enrolment"].iter_rows():
        for cell in row:
            assert cell.data_type != "f"


@pytest.mark.parametrize("role", ["tutor", "participant", "other_tutor", "outsider"])
def test_only_admins_open_the_report(login, programme, role):
    client = login(programme.by_role(role))
    for path in (REPORT, REPORT + ".csv", REPORT + ".xlsx"):
        assert client.get(path).status_code in (403, 404), (role, path)


def test_page_shows_a_page_of_sets(db, login, people, monkeypatch):
    monkeypatch.setattr(report_module, "SETS_PER_PAGE", 1)
    client = login(people.admin)
    first = client.get(REPORT).get_data(as_text=True)
    second = client.get(REPORT + "?page=2").get_data(as_text=True)
    assert ("Riverside set" in first) != ("Riverside set" in second)
    assert "Pages of learning sets" in first


# --- Query counts --------------------------------------------------------------------------------


def _grow(db, framework, sets, participants, months):
    """`sets` more learning sets of `participants` with `months` of sessions, attendance,
    check-ins, reflections, comments, gains and invitations, each set's figures released."""
    from datetime import timedelta

    from tests.dashboards.conftest import release_now

    start = utcnow().replace(microsecond=0) - timedelta(days=30 * months)
    for _ in range(sets):
        cohort = factories.make_cohort(db, start_month=start.date().replace(day=1))
        members = factories.make_members(db, cohort, "participant", participants)
        challenges = [factories.make_challenge(db, person, cohort, now=start) for person in members]
        for position, person in enumerate(members):
            factories.make_invitation(
                db, cohort, token=f"grow-{cohort.id}-{position}", accepted_by_id=person.id,
                accepted_at=start,
            )  # fmt: skip
        for number in range(months):
            when = start + timedelta(days=30 * number)
            meeting = factories.make_meeting(db, cohort, status="published", starts_at=when)
            for position, person in enumerate(members):
                factories.make_attendance(db, meeting, person, present=(position + number) % 3 > 0)
                levels = dict.fromkeys(framework.capabilities, (1 + number % 5, 5))
                factories.make_assessment(db, person, cohort, levels, at=when + timedelta(days=2))
                reflection = factories.make_reflection(
                    db, person, cohort=cohort, created_at=when, visibility="set"
                )
                factories.make_comment(db, reflection, members[0])
                factories.make_update(db, challenges[position], person, "gain", at=when)
        release_now(db, cohort)
    db.commit()


def test_queries_do_not_grow_with_sets_people_or_months(
    db, login, people, framework, count_queries
):
    from tests.helpers import statements_for

    client = login(people.admin)
    paths = [REPORT, REPORT + ".csv", REPORT + ".xlsx", REPORT + "?year=2026"]

    def counts():
        return {path: statements_for(count_queries, client, path) for path in paths}

    _grow(db, framework, sets=1, participants=3, months=1)
    few = counts()
    _grow(db, framework, sets=4, participants=8, months=6)
    many = counts()
    assert many == few, "queries for 3 sets, then for 7 with more people and months"
    assert max(few.values()) <= 12, few


def test_page_and_downloads_show_released_session_feedback(db, login, programme, people):
    riverside = closed_session(db, people.cohort)
    for person, level in zip(participants(db, people.cohort, 3), (5, 4, 4), strict=True):
        answer_as(db, person, riverside, level, "Listen first", "More time")
    eastvale = closed_session(db, people.other_cohort)
    for person in participants(db, people.other_cohort, 4):
        answer_as(db, person, eastvale, 2, "", "Shorter")
    # Two answers only: this session's feedback is never released, nor counted.
    small = closed_session(db, people.cohort)
    for person in participants(db, people.cohort, 2):
        answer_as(db, person, small, 1, "Only us")
    db.commit()

    client = login(programme.admin)
    page = client.get(REPORT).get_data(as_text=True)
    assert "No session feedback released yet" not in page
    assert "Suggested one thing to change" in page
    assert "Listen first" not in page and "Only us" not in page, "words stay on session pages"
    rows = list(csv.reader(io.StringIO(client.get(REPORT + ".csv").get_data(as_text=True))))
    feedback = {(row[1], row[2]): row[3] for row in rows if row[0] == "Session feedback"}
    assert feedback[("Riverside set", "Responses")] == "3"
    assert feedback[("Riverside set", "Mean usefulness (1 to 5)")] == "4.3"
    assert feedback[("Eastvale set", "Theme: Said what they will do differently")] == "Not shown"
    assert feedback[("Eastvale set", "Theme: Suggested one thing to change")] == "4"
    # The whole programme pools the released sessions: (5 + 4 + 4 + 2 * 4) / 7.
    assert feedback[(WHOLE, "Responses")] == "7"
    assert feedback[(WHOLE, "Mean usefulness (1 to 5)")] == "3.0"
    assert feedback[(WHOLE, "Theme: Sessions with feedback released")] == "2"


def test_no_feedback_released_says_so(db, login, programme, people):
    session = closed_session(db, people.cohort)
    for person in participants(db, people.cohort, 2):
        answer_as(db, person, session, 5)
    db.commit()
    page = login(programme.admin).get(REPORT).get_data(as_text=True)
    assert "No session feedback released yet" in page


# --- Comparing views: every year against each year, the page against its downloads ------------


# The page's tables of counts by set, by caption, with their sections in the downloads.
_PAGE_TABLES = {
    "Enrolment": "Enrolment",
    "Engagement, counted": "Engagement",
    "Gains recorded on live challenges": "Gains",
}


def _figures(client, year):
    """Every figure of one view of the report, (section, learning set, measure) -> value, from
    the CSV, after checking that the spreadsheet and the page's tables hold the same ones."""
    query = "" if year is None else f"?year={year}"
    rows = csv.reader(io.StringIO(client.get(REPORT + ".csv" + query).get_data(as_text=True)))
    found = {(section, name, measure): value for section, name, measure, value in list(rows)[1:]}
    workbook = load_workbook(io.BytesIO(client.get(REPORT + ".xlsx" + query).data))
    for section in ("Enrolment", "Attendance", "Engagement", "Gains"):
        heading, *lines = workbook[section].iter_rows(values_only=True)
        for name, *values in lines:
            for measure, value in zip(heading[1:], values, strict=True):
                assert found[(section, name, measure)] == str(value), (section, name, measure)
    page = client.get(REPORT + query).get_data(as_text=True)
    for caption, section in _PAGE_TABLES.items():
        table = page.split(f">{caption}</caption>")[1].split("</table>")[0]
        rows = re.findall(r"<th scope=\"row\"[^>]*>([^<]*)</th>(.*?)</tr>", table)
        assert WHOLE_PROGRAMME in [name for name, _ in rows], caption
        for name, cells in rows:
            values = [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td.*?</td>", cells)]
            shown = [value for key, value in found.items() if key[:2] == (section, name)]
            assert values == shown, (section, name)
    return found


def _number(value):
    try:
        return Decimal(value)
    except ArithmeticError:
        return None  # "Not shown", "None recorded"


def _recovered(views, measure):
    """What an attacker works out for one measure from two views side by side: every
    difference of two figures shown (totals or cells), and every total less the cells shown
    beside it, in its own view or in the other, with or without one more cell taken off."""
    section, label = measure
    shown = {}
    totals = []
    for view in views:
        for (found_section, name, found_label), value in view.items():
            number = _number(value)
            if (found_section, found_label) != measure or number is None:
                continue
            if name == WHOLE_PROGRAMME:
                totals.append((number, view))
            else:
                shown[(id(view), name)] = number
    numbers = [*shown.values(), *(total for total, _ in totals)]
    found = {a - b for a in numbers for b in numbers}
    for total, view in totals:
        for other_total, other in totals:
            beside = [
                number
                for (where, name), number in shown.items()
                if where == id(view) and (section, name, label) not in other
            ]
            for less in (total - sum(beside), total - other_total - sum(beside)):
                found |= {less, *(less - number for number in shown.values())}
        own = sum(number for (where, _), number in shown.items() if where == id(view))
        found.add(total - own)
    return found


def test_no_two_views_give_a_hidden_figure_back(db, login, programme, people, monkeypatch):
    # Riverside starts this year, Eastvale in 2019; each set's session feedback is released,
    # and one Eastvale participant of four said what they will do differently.
    programme.other_cohort.start_month = on(0, 1).date().replace(year=2019, day=1)
    riverside = closed_session(db, people.cohort)
    for person in participants(db, people.cohort, 3):
        answer_as(db, person, riverside, 4, "Listen first", "More time")
    eastvale = closed_session(db, people.other_cohort)
    for number, person in enumerate(participants(db, people.other_cohort, 4)):
        answer_as(db, person, eastvale, 3, "Ask more" if number == 0 else "", "Shorter")
    db.commit()
    client = login(programme.admin)
    years = [None, programme.cohort.start_month.year, 2019]
    views = [_figures(client, year) for year in years]

    # The figures as they are, with nothing hidden: what the attacker is after.
    for module in (report_cells, report_feedback):
        monkeypatch.setattr(module, "MIN_RESPONSES", 1)
    for module, kept in (
        (report_module, "_WORKED_OUT"),
        (report_module, "_MADE"),
        (report_module, "_ATTACHED"),
        (report_feedback, "_MADE"),
    ):
        monkeypatch.setattr(module, kept, {})
    truth = _figures(client, None)
    # Every set's figure hidden in some view (the whole programme's differ from view to view).
    hidden = {
        key: truth[key]
        for view in views
        for key, value in view.items()
        if value == HIDDEN and key[1] != WHOLE_PROGRAMME
    }
    small = {key: value for key, value in hidden.items() if _number(value) in (1, 2)}
    assert ("Engagement", "Eastvale set", "Reflections written") in small
    assert ("Engagement", "Eastvale set", "Check-ins completed") in small
    assert (
        "Session feedback",
        "Eastvale set",
        "Theme: Said what they will do differently",
    ) in small

    for first in views:
        for second in views:
            for (section, name, label), value in hidden.items():
                recovered = _recovered([first, second], (section, label))
                assert _number(value) not in recovered, (section, name, label, value)
    # A set's figures are the same in every view that holds it.
    for view in views[1:]:
        for key, value in view.items():
            if key[1] != WHOLE_PROGRAMME:
                assert views[0][key] == value, key
