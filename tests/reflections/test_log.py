"""Finding things: the log's order, filters, text search, pages and fixed query counts."""

from datetime import date, timedelta

import pytest

from learnset.db import utcnow
from learnset.reflections import queries
from tests import factories
from tests.helpers import html_of, statements_for, text_of


def _titles(db, user, **filters):
    return [r.title for r in queries.log_page(db, user, queries.LogFilters(**filters), 1).items]


def test_newest_experience_first_then_newest_written(db, people):
    author = people.participant
    factories.make_reflection(db, author, title="March", experienced_on=date(2026, 3, 1))
    factories.make_reflection(db, author, title="May, first", experienced_on=date(2026, 5, 1))
    factories.make_reflection(db, author, title="May, second", experienced_on=date(2026, 5, 1))
    factories.make_reflection(db, author, title="April", experienced_on=date(2026, 4, 1))
    assert _titles(db, author) == ["May, second", "May, first", "April", "March"]


def test_filters(db, people):
    author = people.participant
    factories.make_member(db, people.other_cohort, "participant", user=author)
    meeting = factories.make_meeting(db, people.cohort, status="published")
    capability = factories.make_capability(db)
    factories.make_reflection(
        db,
        author,
        title="In A",
        cohort=people.cohort,
        meeting=meeting,
        capabilities=[capability],
        experienced_on=date(2026, 3, 10),
    )
    factories.make_reflection(
        db,
        author,
        title="In B",
        cohort=people.other_cohort,
        visibility="set",
        experienced_on=date(2026, 6, 10),
    )
    factories.make_reflection(db, author, title="Binned", deleted_at=utcnow())
    assert _titles(db, author, cohort_id=people.other_cohort.id) == ["In B"]
    assert _titles(db, author, meeting_id=meeting.id) == ["In A"]
    assert _titles(db, author, capability_id=capability.id) == ["In A"]
    assert _titles(db, author, visibility="set") == ["In B"]
    assert _titles(db, author, date_from=date(2026, 6, 1)) == ["In B"]
    assert _titles(db, author, date_to=date(2026, 3, 31), cohort_id=people.cohort.id) == ["In A"]


def test_text_search_looks_in_titles_and_every_part_ignoring_case(db, people):
    author = people.participant
    factories.make_reflection(db, author, title="Frailty pathway")
    factories.make_reflection(
        db, author, title="Other", parts={"now_what": "Talk to the FRAILTY team"}
    )
    factories.make_reflection(db, author, title="Unrelated")
    factories.make_reflection(db, people.fellow, title="Fay's frailty notes", visibility="set")
    assert sorted(_titles(db, author, text="frailty")) == ["Frailty pathway", "Other"]


@pytest.mark.parametrize("wildcard", ["%", "_", "\\"])
def test_search_wildcards_are_taken_literally(db, people, wildcard):
    plain = {"what": "Plain words"}
    factories.make_reflection(db, people.participant, title="Plain title", parts=plain)
    factories.make_reflection(db, people.participant, title=f"Has {wildcard} in it", parts=plain)
    assert _titles(db, people.participant, text=wildcard) == [f"Has {wildcard} in it"]


def test_the_log_page_filters_through_the_query_string(login, db, people):
    factories.make_reflection(db, people.participant, title="About outcomes")
    factories.make_reflection(db, people.participant, title="About contracts")
    db.commit()
    page = html_of(login(people.participant).get("/reflections?q=outcomes"))
    assert "About outcomes" in page and "About contracts" not in page
    assert "1 reflection found" in page
    assert "Clear the search and filters" in page
    bad = login(people.participant).get("/reflections?date_from=yesterday")
    assert bad.status_code == 422
    assert "Not a valid date value" in html_of(bad, 422)


def test_pages_of_twenty(login, db, people):
    start = date(2026, 1, 1)
    for number in range(45):
        factories.make_reflection(
            db,
            people.participant,
            title=f"Reflection number {number:02d}",
            experienced_on=start + timedelta(days=number),
        )
    db.commit()
    browser = login(people.participant)
    first = html_of(browser.get("/reflections"))
    assert "45 reflections" in first
    assert "Reflection number 44" in first and "Reflection number 25" in first
    assert "Reflection number 24" not in first
    assert 'aria-label="Page 3"' in first
    third = html_of(browser.get("/reflections?page=3"))
    assert "Reflection number 04" in third and "Reflection number 00" in third
    assert "Reflection number 05" not in third
    # The filters travel with the page links.
    filtered = html_of(browser.get("/reflections?q=number&page=2"))
    assert "q=number" in filtered and "page=3" in filtered
    # A page past the end shows the last one.
    assert "Reflection number 00" in html_of(browser.get("/reflections?page=99"))


def test_each_entry_names_its_session_item_and_how_many_capabilities(login, db, people):
    meeting = factories.make_meeting(db, people.cohort, status="published", number=7)
    item = factories.make_content_item(db, title="Working with conflict")
    capabilities = [factories.make_capability(db) for _ in range(2)]
    author = people.participant
    factories.make_reflection(db, author, title="All three", meeting=meeting, content_item=item,
                              capabilities=capabilities)  # fmt: skip
    factories.make_reflection(db, author, title="One capability", capabilities=capabilities[:1])
    factories.make_reflection(db, author, title="Nothing linked")
    db.commit()
    page = text_of(login(author).get("/reflections"))
    details = '</a> <br><span class="nhsuk-body-s">'
    assert f"All three{details}Session 7. Working with conflict. 2 capabilities</span>" in page
    assert f"One capability{details}1 capability</span>" in page
    assert "Nothing linked</a> </td>" in page


def test_empty_log_says_what_to_do_next(login, people):
    page = html_of(login(people.participant).get("/reflections"))
    assert "You have not written any reflections yet" in page
    assert "Write a reflection" in page


def _seed_log(db, people, count):
    capability = factories.make_capability(db)
    meeting = factories.make_meeting(db, people.cohort, status="published")
    item = factories.make_content_item(db)
    for _ in range(count):
        factories.make_reflection(
            db,
            people.participant,
            meeting=meeting,
            content_item=item,
            capabilities=[capability],
            visibility="tutors",
        )
    db.commit()


@pytest.mark.parametrize(
    "path,role",
    [
        ("/reflections", "participant"),
        ("/reflections?q=Text&visibility=tutors&date_from=2020-01-01", "participant"),
        ("/reflections/shared", "tutor"),
        ("/", "participant"),
        ("/", "tutor"),
        ("/reflections/portfolio?date_from=2020-01-01", "participant"),
    ],
)
def test_query_count_stays_the_same_as_the_log_grows(login, db, people, count_queries, path, role):
    browser = login(people.by_role(role))
    _seed_log(db, people, 2)
    few = statements_for(count_queries, browser, path, warm_up=False)
    _seed_log(db, people, 25)
    many = statements_for(count_queries, browser, path, warm_up=False)
    assert few == many


# The sign-in, the filter's choices (sets, sessions, capabilities), the page's count and rows,
# the notes' count and the drafts: each reflection's session, item and capabilities come in its
# row, not in statements of their own (8, from 9).
LOG_STATEMENTS = 8


def test_the_log_reads_its_rows_with_what_they_show(login, db, people, count_queries):
    _seed_log(db, people, 3)
    statements = statements_for(count_queries, login(people.participant), "/reflections")
    assert statements <= LOG_STATEMENTS, statements


@pytest.mark.parametrize(
    "path,status",
    [
        ("/reflections/99999999999999999999", 404),
        ("/reflections/99999999999999999999/edit", 404),
        ("/reflections/shared?cohort=99999999999999999999", 200),
        ("/reflections/shared?cohort=%C2%B2&page=%C2%B2", 200),
        ("/reflections?cohort=%C2%B2&page=-4", 422),
        # Arabic-Indic three: a digit to str.isdigit() and int(), but not an id here.
        ("/reflections/shared?cohort=%D9%A3", 200),
        ("/reflections?cohort=%D9%A3", 422),
        ("/reflections/new?challenge=%C2%B2&capability=%D9%A3", 302),
        ("/reflections?capability=abc&meeting=1e9", 422),
        ("/reflections/portfolio?date_from=31/02/2026", 422),
    ],
)
def test_odd_addresses_are_never_a_server_error(login, people, path, status):
    assert login(people.participant).get(path).status_code == status
