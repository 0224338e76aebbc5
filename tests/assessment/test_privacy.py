"""Who sees a participant's ratings: the participant; their tutors only what is shared; no one else.

An assessment kept private must leave no trace for tutors: not its page, its ratings, its gaps,
its notes, its date, nor a count that includes it.
"""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete

from learnset.cohorts.models import Membership
from tests import factories
from tests.helpers import open_page

SHARED_AT = datetime(2026, 4, 14, 10, tzinfo=UTC)
PRIVATE_AT = datetime(2026, 5, 12, 10, tzinfo=UTC)


@pytest.fixture
def history(db, people, framework, participant_rates):
    """A shared baseline, then a check-in the participant kept to themselves."""
    shared = participant_rates((2, 4), at=SHARED_AT)  # fmt: skip
    private = participant_rates((2, 4), listening=(5, 5), at=PRIVATE_AT, shared=False)
    listening = next(r for r in private.ratings if r.capability_id == framework.listening.id)
    listening.evidence = "PRIVATE-EVIDENCE about a difficult meeting"
    listening.change_reason = "PRIVATE-REASON"
    db.commit()
    return shared, private


def test_the_tutor_reads_a_shared_assessment(login, people, history):
    shared, _private = history
    html = open_page(login(people.tutor), f"/self-assessments/{shared.id}")
    assert "Pat Participant shared this with you" in html
    # The participant's controls are theirs alone.
    assert "Stop sharing" not in html


def test_an_opted_out_assessment_is_not_found_for_everyone_but_its_author(login, people, history):
    _shared, private = history
    for role in ("tutor", "fellow", "admin", "other_tutor", "outsider"):
        open_page(login(getattr(people, role)), f"/self-assessments/{private.id}", 404)
    assert "PRIVATE-EVIDENCE" in open_page(
        login(people.participant), f"/self-assessments/{private.id}"
    )


def test_the_tutors_page_for_a_participant_leaves_out_what_was_kept_private(login, people, history):
    _shared, private = history
    path = f"/cohorts/{people.cohort.id}/participants/{people.participant.id}/capabilities"
    html = open_page(login(people.tutor), path)
    assert "14 April 2026" in html
    assert "12 May 2026" not in html
    assert f"/self-assessments/{private.id}" not in html
    assert "PRIVATE" not in html
    # Listening is at 5 in the private check-in; tutors see the shared 2 and its gap of 2.
    gaps_table = html.split("Capabilities, largest gap first")[1].split("</table>")[0]
    listening = gaps_table.split("Listening across boundaries")[1].split("</tr>")[0]
    cells = re.findall(r"</span>([^<]*)</td>", listening)
    assert cells == ["2", "4", "2 to go", "No change", "14 April 2026"]
    assert "Target reached" not in html


def test_the_tutors_list_counts_only_shared_assessments(login, people, history, db):
    factories.make_assessment(db, people.fellow, people.cohort, shared=False)
    db.commit()
    html = open_page(login(people.tutor), f"/cohorts/{people.cohort.id}/self-assessments")
    row = html.split("Pat Participant")[1].split("</tr>")[0]
    assert ">1<" in row and "14 April 2026" in row
    fellow = html.split("Fay Fellow")[1].split("</tr>")[0]
    assert "Nothing yet" in fellow
    assert f"/participants/{people.fellow.id}/" not in html


def test_a_participant_who_kept_everything_private_looks_like_one_who_has_not_started(
    db, login, people, framework
):
    factories.make_assessment(db, people.fellow, people.cohort, shared=False)
    db.commit()
    tutor = login(people.tutor)
    kept = open_page(
        tutor, f"/cohorts/{people.cohort.id}/participants/{people.fellow.id}/capabilities"
    )
    none = open_page(
        tutor, f"/cohorts/{people.cohort.id}/participants/{people.participant.id}/capabilities"
    )
    assert "Fay Fellow has not shared a self-assessment with you yet" in kept
    assert "Pat Participant has not shared a self-assessment with you yet" in none


def test_a_shared_check_in_after_a_private_one_compares_with_what_was_shared(
    db, login, people, framework, history, participant_rates
):
    later = participant_rates((3, 4))
    db.commit()
    html = open_page(login(people.tutor), f"/self-assessments/{later.id}")
    # Listening went 5 to 3 since the private check-in, but 2 to 3 since the shared baseline.
    assert "Down 2" not in html
    assert "Up 1 since the one before" in html


def test_a_participant_sees_exactly_what_their_tutors_see(login, people, history):
    path = f"/cohorts/{people.cohort.id}/participants/{people.participant.id}/capabilities"
    html = open_page(login(people.participant), path)
    assert "What your tutors see" in html
    assert "14 April 2026" in html
    assert "12 May 2026" not in html


@pytest.mark.parametrize("role", ["admin", "other_tutor", "fellow", "outsider"])
def test_no_one_else_reads_a_participants_page(login, people, history, role):
    path = f"/cohorts/{people.cohort.id}/participants/{people.participant.id}/capabilities"
    open_page(login(getattr(people, role)), path, 404)


def test_a_tutor_of_one_cohort_cannot_reach_a_participant_through_another(
    db, login, people, history
):
    # The outsider's cohort is tutored by other_tutor: Pat is not a participant there.
    path = f"/cohorts/{people.other_cohort.id}/participants/{people.participant.id}/capabilities"
    open_page(login(people.other_tutor), path, 404)
    # And the tutor's own cohort does not list someone from elsewhere.
    path = f"/cohorts/{people.cohort.id}/participants/{people.outsider.id}/capabilities"
    open_page(login(people.tutor), path, 404)
    # A tutor is not a participant: there is no such page for them.
    path = f"/cohorts/{people.cohort.id}/participants/{people.tutor.id}/capabilities"
    open_page(login(people.tutor), path, 404)


def test_tutors_lose_sight_of_someone_who_leaves_the_cohort(db, login, people, history):
    shared, _private = history
    db.execute(
        delete(Membership).where(
            Membership.user_id == people.participant.id, Membership.cohort_id == people.cohort.id
        )
    )
    db.commit()
    tutor = login(people.tutor)
    open_page(tutor, f"/self-assessments/{shared.id}", 404)
    assert "Pat Participant" not in open_page(
        tutor, f"/cohorts/{people.cohort.id}/self-assessments"
    )
    # The author keeps their own record.
    open_page(login(people.participant), f"/self-assessments/{shared.id}")


def test_drafts_are_their_authors_alone(db, login, people, framework, participant_rates):
    draft = participant_rates(listening=(2, 3), status="draft")
    db.commit()
    for role in ("tutor", "fellow", "admin"):
        browser = login(getattr(people, role))
        open_page(browser, f"/self-assessments/{draft.id}", 404)
        open_page(browser, f"/self-assessments/{draft.id}/check", 404)
        open_page(
            browser, f"/self-assessments/{draft.id}/domains/{framework.conversations.slug}", 404
        )


def test_another_participants_ratings_never_reach_your_pages(db, login, people, framework):
    factories.make_assessment(
        db, people.fellow, people.cohort, framework.ratings(listening=(1, 5)), at=SHARED_AT
    )
    db.commit()
    browser = login(people.participant)
    html = open_page(browser, f"/cohorts/{people.cohort.id}/capabilities")
    assert "Start with your baseline" in html
    assert "14 April 2026" not in html
    assert "Your largest gaps" not in open_page(browser, "/")


def test_the_tutor_cannot_change_a_participants_sharing(db, login, people, history):
    shared, _private = history
    browser = login(people.tutor)
    html = open_page(browser, f"/self-assessments/{shared.id}")
    token = html.split('name="csrf_token" value="')[1].split('"')[0]
    response = browser.post(
        f"/self-assessments/{shared.id}/sharing", data={"share": "no", "csrf_token": token}
    )
    assert response.status_code == 403
    db.refresh(shared)
    assert shared.shared_with_tutors
