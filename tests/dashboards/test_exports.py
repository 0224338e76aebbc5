"""The CSV and JSON downloads give the page's figures: the same values, the same suppression."""

import csv
import io

import pytest

from tests import factories
from tests.dashboards.helpers import SUPPRESSED, counted, shown
from tests.helpers import tables


def _dashboard(login, user, cohort):
    browser = login(user)
    base = f"/cohorts/{cohort.id}/dashboard"
    page = browser.get(base)
    document = browser.get(base + ".json")
    spreadsheet = browser.get(base + ".csv")
    assert page.status_code == document.status_code == spreadsheet.status_code == 200
    assert document.mimetype == "application/json"
    assert spreadsheet.mimetype == "text/csv"
    assert "attachment" in spreadsheet.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(spreadsheet.get_data(as_text=True))))
    return browser, tables(page.get_data(as_text=True)), document.get_json(), rows


def _json_value(figure):
    if figure["suppressed"]:
        assert figure["value"] is None and figure["responses"] is None
        return None
    return figure["value"]


def test_the_json_gives_the_figures_on_the_page(login, people, history):
    _, page, document, _ = _dashboard(login, people.tutor, people.cohort)

    domains = page["Across each domain of the framework"][1:]
    assert [[row[0], *map(shown, row[1:])] for row in domains] == [
        [d["domain"], *(_json_value(d[k]) for k in ("baseline_mean", "latest_mean", "change"))]
        for d in document["domains"]
    ]

    for capability in document["capabilities"]:
        row = next(r for r in page[capability["domain"]] if r[0] == capability["capability"])
        if capability["latest_mean"]["suppressed"]:
            assert row[1:] == [SUPPRESSED]
            assert capability["current_levels"] == {
                "counts": None, "responses": None, "suppressed": True
            }  # fmt: skip
            continue
        means = [_json_value(capability[k]) for k in ("baseline_mean", "latest_mean", "change")]
        assert [shown(cell) for cell in row[1:4]] == means
        counts = capability["current_levels"]["counts"]
        assert [counted(cell) for cell in row[4:9]] == [counts[str(level)] for level in range(1, 6)]

    growth = page["Mean level in each domain, month by month: the figures in the chart"]
    assert [[shown(cell) for cell in row[1:]] for row in growth[1:]] == [
        [_json_value(entry["mean_level"]) for entry in point["domains"]]
        for point in document["growth"]
    ]
    assert len(document["growth"]) == 3

    heat = page["Gap between target and current level, by capability and participant"]
    names = heat[0][1:-1]
    assert names == [entry["participant"] for entry in document["latest_ratings"]]
    for row in heat[1:]:
        for name, cell in zip(names, row[1:-1], strict=True):
            ratings = next(e for e in document["latest_ratings"] if e["participant"] == name)
            rated = next((r for r in ratings["ratings"] if r["capability"] == row[0]), None)
            assert cell == ("\N{EN DASH} not rated" if rated is None else str(rated["gap"]))


def test_the_csv_gives_the_same_figures_as_the_json(login, people, history):
    _, _, document, rows = _dashboard(login, people.tutor, people.cohort)
    by_key = {
        (r["section"], r["domain"], r["capability"], r["participant"], r["month"], r["measure"]): r
        for r in rows
    }
    assert len(by_key) == len(rows), "every figure once"

    def check(key, figure):
        row = by_key[key]
        if figure["suppressed"]:
            assert (row["value"], row["responses"], row["suppressed"]) == ("", "", "yes")
        else:
            assert float(row["value"]) == figure["value"]
            assert int(row["responses"]) == figure["responses"]
            assert row["suppressed"] == "no"

    for domain in document["domains"]:
        for measure in ("baseline_mean", "latest_mean", "change"):
            check(("domain", domain["domain"], "", "", "", measure), domain[measure])
    for capability in document["capabilities"]:
        named = ("capability", capability["domain"], capability["capability"], "", "")
        measures = ("baseline_mean", "latest_mean", "change", "participants_with_a_gap", "mean_gap")
        for measure in measures:
            check((*named, measure), capability[measure])
        levels = capability["current_levels"]
        for level in range(1, 6):
            row = by_key[(*named, f"at_level_{level}")]
            if levels["suppressed"] or levels["counts"][str(level)] is None:
                assert (row["value"], row["suppressed"]) == ("", "yes")
            else:
                assert int(row["value"]) == levels["counts"][str(level)]
                assert row["suppressed"] == "no"
    for point in document["growth"]:
        for entry in point["domains"]:
            key = ("growth", entry["domain"], "", "", point["month"], "mean_level")
            check(key, entry["mean_level"])
    for person in document["engagement"]:
        for month in person["months"]:
            for measure, value in month.items():
                if measure != "month":
                    key = ("engagement", "", "", person["participant"], month["month"], measure)
                    assert int(by_key[key]["value"]) == value
    for person in document["latest_ratings"]:
        for rating in person["ratings"]:
            for measure in ("current", "target", "gap"):
                key = ("latest_rating", rating["domain"], rating["capability"],
                       person["participant"], "", measure)  # fmt: skip
                assert int(by_key[key]["value"]) == rating[measure]


def test_engagement_in_the_exports_matches_the_engagement_pages(login, people, history):
    browser, _, document, _ = _dashboard(login, people.tutor, people.cohort)
    months = [month["month"] for month in document["engagement"][0]["months"]]
    assert months[0] == people.cohort.start_month.strftime("%Y-%m")
    for month in months:
        html = browser.get(
            f"/cohorts/{people.cohort.id}/dashboard/engagement?month={month}"
        ).get_data(as_text=True)
        table = next(rows for caption, rows in tables(html).items() if caption.startswith(
            "Engagement by participant in"))  # fmt: skip
        for row in table[1:]:
            person = next(p for p in document["engagement"] if p["participant"] == row[0])
            figures = next(m for m in person["months"] if m["month"] == month)
            attended = (
                "Not recorded"
                if not figures["sessions_recorded"]
                else f"{figures['sessions_attended']} of {figures['sessions_recorded']}"
            )
            assert row[1:] == [
                attended,
                str(figures["reflections_written"]),
                str(figures["reflections_shared"]),
                str(figures["self_assessments_shared"]),
                str(figures["live_challenges_updated"]),
            ]
    not_seen = [p["participant"] for p in document["engagement"] if p["not_seen_for_two_sessions"]]
    assert not_seen == ["Ben Baker", "Cal Carter"]


def test_an_admin_gets_the_aggregates_but_nobody_s_own_ratings(login, people, history):
    _, page, document, rows = _dashboard(login, people.admin, people.cohort)
    assert "latest_ratings" not in document
    assert not [row for row in rows if row["section"] == "latest_rating"]
    assert "Gap between target and current level, by capability and participant" not in page
    assert document["capabilities"][0]["latest_mean"]["value"] == 2.8


def test_a_name_typed_as_a_formula_is_not_run_by_a_spreadsheet(login, people, history, db):
    factories.make_member(db, people.cohort, "participant", name='=HYPERLINK("x")')
    db.commit()
    _, _, _, rows = _dashboard(login, people.tutor, people.cohort)
    names = {row["participant"] for row in rows if row["participant"]}
    assert '\'=HYPERLINK("x")' in names
    assert not any(name.startswith("=") for name in names)
    # Negative numbers are numbers, not formulas.
    assert all(not row["value"].startswith("'") for row in rows)


def test_names_with_commas_quotes_and_line_breaks_stay_one_cell(login, people, history, db):
    history.pat.name = 'O\'Neill, "Pat"'
    history.fay.name = "Fay\r\nFlynn"
    history.framework.complexity.name = 'Holding "complexity", calmly'
    db.commit()
    spreadsheet = login(people.tutor).get(f"/cohorts/{people.cohort.id}/dashboard.csv")
    text = spreadsheet.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert {len(row) for row in rows} == {9}
    people_named = {row[3] for row in rows[1:]}
    assert {'O\'Neill, "Pat"', "Fay\r\nFlynn"} <= people_named
    assert 'Holding "complexity", calmly' in {row[2] for row in rows[1:]}
    # Written as csv.writer writes them, line ends and all.
    written = io.StringIO()
    csv.writer(written).writerows(rows)
    assert written.getvalue() == text


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_exports_of_a_set_with_nothing_shared(login, people, suffix):
    response = login(people.tutor).get(f"/cohorts/{people.cohort.id}/dashboard{suffix}")
    assert response.status_code == 200
