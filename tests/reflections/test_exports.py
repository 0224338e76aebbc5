"""Exports hold exactly the author's own data: the Markdown zip and the appraisal portfolio."""

import io
import zipfile
from datetime import date

import yaml

from learnset.db import utcnow
from learnset.reflections import exports
from tests import factories
from tests.helpers import html_of


def _others(db, people):
    """Reflections by other people, some shared with the author: none may leak into exports."""
    factories.make_reflection(
        db, people.fellow, title="FELLOW-SET", visibility="set", parts={"what": "FELLOW-TEXT"}
    )
    factories.make_reflection(db, people.fellow, title="FELLOW-PRIVATE")
    factories.make_reflection(db, people.outsider, title="OUTSIDER-SET", visibility="set")


def test_markdown_zip_has_a_readme_and_one_file_per_reflection(login, db, people):
    capability = factories.make_capability(db, name="Using data for discussion")
    meeting = factories.make_meeting(
        db, people.cohort, number=3, title="Data as a vehicle", status="published"
    )
    factories.make_reflection(
        db,
        people.participant,
        title="Data pack: first go",
        experienced_on=date(2026, 3, 5),
        capabilities=[capability],
        meeting=meeting,
        cpd_minutes=45,
        visibility="tutors",
        parts={"what": "What I did", "so_what": "What it meant", "now_what": ""},
    )
    factories.make_reflection(
        db,
        people.participant,
        title="Gibbs one",
        structure="gibbs",
        experienced_on=date(2026, 4, 1),
    )
    factories.make_reflection(db, people.participant, title="BINNED", deleted_at=utcnow())
    _others(db, people)
    db.commit()
    response = login(people.participant).get("/reflections/export.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = sorted(archive.namelist())
    assert names == [
        "README.md",
        "reflections/2026-03-05-data-pack-first-go.md",
        "reflections/2026-04-01-gibbs-one.md",
    ]
    assert "2 reflections" in archive.read("README.md").decode()
    first = archive.read("reflections/2026-03-05-data-pack-first-go.md").decode()
    _, front, body = first.split("---\n", 2)
    meta = yaml.safe_load(front)
    assert meta["title"] == "Data pack: first go"
    assert meta["date"] == "2026-03-05"
    assert meta["cpd_minutes"] == 45
    assert meta["capabilities"] == ["Using data for discussion"]
    assert meta["shared_with"] == "tutors"
    assert "session 3: Data as a vehicle" in meta["session"]
    assert "## So what?\n\nWhat it meant" in body
    assert "## Now what?\n\n_Nothing written_" in body
    gibbs = archive.read("reflections/2026-04-01-gibbs-one.md").decode()
    assert "## Action plan" in gibbs
    everything = "".join(archive.read(name).decode() for name in names)
    for leak in ("FELLOW", "OUTSIDER", "BINNED"):
        assert leak not in everything


def test_portfolio_totals_by_month_and_capability_in_the_date_range(login, db, people):
    talk = factories.make_capability(db, name="Productive conversations")
    data = factories.make_capability(db, name="Using data for discussion")
    author = people.participant
    for title, on, minutes, capabilities in [
        ("Before the year", date(2025, 3, 31), 600, [talk]),
        ("April A", date(2025, 4, 2), 60, [talk, data]),
        ("April B", date(2025, 4, 20), 30, [talk]),
    ]:
        factories.make_reflection(
            db,
            author,
            title=title,
            experienced_on=on,
            cpd_minutes=minutes,
            capabilities=capabilities,
        )
    factories.make_reflection(
        db,
        author,
        title="June Gibbs",
        structure="gibbs",
        experienced_on=date(2025, 6, 1),
        cpd_minutes=45,
        parts={
            "analysis": "ANALYSIS-TEXT",
            "conclusion": "CONCLUSION-TEXT",
            "action_plan": "PLAN-TEXT",
            "feelings": "FEELINGS-TEXT",
        },
    )
    _others(db, people)
    portfolio = exports.portfolio(db, author, date(2025, 4, 1), date(2026, 3, 31))
    assert [r.title for r in portfolio.reflections] == ["April A", "April B", "June Gibbs"]
    assert portfolio.total_minutes == 135
    assert [(m.month, m.reflections, m.minutes) for m in portfolio.by_month] == [
        (date(2025, 4, 1), 2, 90),
        (date(2025, 6, 1), 1, 45),
    ]
    assert [(c.capability.name, c.reflections, c.minutes) for c in portfolio.by_capability] == [
        ("Productive conversations", 2, 90),
        ("Using data for discussion", 1, 60),
    ]
    db.commit()
    page = html_of(
        login(author).get("/reflections/portfolio?date_from=2025-04-01&date_to=2026-03-31")
    )
    assert "1 April 2025 to 31 March 2026" in page
    assert "2 hours 15 minutes (2.25 credits" in page
    assert "April 2025" in page and "June 2025" in page
    assert "Before the year" not in page
    assert "ANALYSIS-TEXT" in page and "CONCLUSION-TEXT" in page and "PLAN-TEXT" in page
    assert "FEELINGS-TEXT" not in page  # only with the full text
    assert "FEELINGS-TEXT" in html_of(
        login(author).get("/reflections/portfolio?date_from=2025-04-01&full_text=y")
    )
    for leak in ("FELLOW", "OUTSIDER"):
        assert leak not in page


def test_portfolio_defaults_to_the_last_twelve_months(login, db, people):
    page = html_of(login(people.participant).get("/reflections/portfolio"))
    start, end = exports.appraisal_year(date.today())
    assert f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}" in page
    assert "You have no reflections dated between" in page
    assert 'media="print"' in page


def test_portfolio_refuses_an_end_before_the_start(login, people):
    response = login(people.participant).get(
        "/reflections/portfolio?date_from=2026-05-01&date_to=2026-04-01"
    )
    assert response.status_code == 422
    assert "The end date must be the same as or after the start date" in html_of(response, 422)


def test_activity_names_the_session_and_library_item(db, people):
    meeting = factories.make_meeting(
        db, people.cohort, number=2, title="Outcomes", status="published"
    )
    item = factories.make_content_item(db, kind="exercise", title="Gains audit")
    reflection = factories.make_reflection(
        db, people.participant, title="T", meeting=meeting, content_item=item
    )
    assert exports.activity_of(reflection) == (
        "Riverside set, session 2: Outcomes; Library exercise: Gains audit"
    )
    plain = factories.make_reflection(db, people.participant, title="Own practice")
    assert exports.activity_of(plain) == "Own practice"


def test_appraisal_year_handles_a_leap_day():
    assert exports.appraisal_year(date(2028, 2, 29)) == (date(2027, 3, 1), date(2028, 2, 29))
    assert exports.appraisal_year(date(2026, 11, 23)) == (date(2025, 11, 24), date(2026, 11, 23))
