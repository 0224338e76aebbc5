"""The self-assessment pages: the form domain by domain, checking answers, sharing, the overview."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from learnset.assessment import services
from learnset.assessment.models import Rating, SelfAssessment
from learnset.db import utcnow
from learnset.framework.models import Capability
from tests import factories
from tests.helpers import count_rows, html_of, missing_from, submit


def _checked(html, name):
    """The value of the checked radio called `name`, if any."""
    match = re.search(rf'name="{name}" type="radio" value="(\d)"\s*checked', html)
    return match.group(1) if match else None


def _start(browser, people):
    response = submit(browser, f"/cohorts/{people.cohort.id}/self-assessments/new", {})
    assert response.status_code == 302
    return response.location


def test_a_participant_rates_a_baseline_domain_by_domain_then_submits(db, login, people, framework):
    browser = login(people.participant)
    html = html_of(browser.get(f"/cohorts/{people.cohort.id}/capabilities"))
    assert "Start with your baseline" in html
    first = _start(browser, people)
    draft = db.scalar(select(SelfAssessment))
    assert first == f"/self-assessments/{draft.id}/domains/conversations"

    html = html_of(browser.get(first))
    assert "Baseline: part 1 of 2" in html
    assert "<h1>Unlocking conversations</h1>" in html
    # Each level comes with the capability's own descriptor as a hint.
    assert "Level 3 of capability" in html
    # And the examples of evidence for each level, beside the levels to choose from.
    assert "Examples of evidence at each level" in html
    assert "Evidence at level 3 of capability" in html
    assert "3: Does this reliably in familiar settings" in html
    response = submit(
        browser,
        first,
        {
            "listening-current": "2",
            "listening-target": "4",
            "listening-evidence": "Ran a joint clinic review with the trust",
            "credibility-current": "3",
            "credibility-target": "4",
            "data-current": "1",
            "data-target": "3",
        },
    )
    assert response.location == f"/self-assessments/{draft.id}/domains/systems"
    assert count_rows(db, Rating) == 3
    response = submit(
        browser,
        response.location,
        {
            "complexity-current": "2",
            "complexity-target": "5",
            "convening-current": "1",
            "convening-target": "2",
        },
    )
    assert response.location == f"/self-assessments/{draft.id}/check"
    html = html_of(browser.get(response.location))
    assert "Check your answers" in html
    assert "Ran a joint clinic review with the trust" in html
    assert "Tess Tutor will see your ratings" in html
    response = submit(browser, f"/self-assessments/{draft.id}/check", {"share": "yes"})
    assert response.location == f"/cohorts/{people.cohort.id}/capabilities"
    db.refresh(draft)
    assert (draft.status, draft.kind, draft.shared_with_tutors) == ("submitted", "baseline", True)
    html = html_of(browser.get(response.location))
    assert "Baseline saved" in html
    assert "What to work on next" in html
    assert "Check in" in html


def test_a_failed_save_keeps_every_answer_and_writes_nothing(db, login, people, framework):
    browser = login(people.participant)
    page = _start(browser, people)
    response = submit(
        browser,
        page,
        {
            "listening-current": "2",
            "listening-target": "7",
            "listening-evidence": "A conversation with the <b>trust</b>",
            "credibility-target": "4",
            "data-current": "1",
            "data-target": "3",
        },
    )
    html = html_of(response, 422)
    assert "<title>Error: " in html
    assert "There is a problem" in html
    # Each message sits in the summary and beside its field.
    assert html.count("Choose a level from 1 to 5 for where you want to be in Listening") == 2
    assert html.count("Choose where you are now for Clinical credibility") == 2
    assert _checked(html, "listening-current") == "2"
    assert _checked(html, "credibility-target") == "4"
    assert _checked(html, "data-current") == "1"
    assert "A conversation with the &lt;b&gt;trust&lt;/b&gt;" in html
    assert count_rows(db, Rating) == 0


def test_a_stale_or_missing_form_token_is_refused_without_a_500(db, login, people, framework):
    browser = login(people.participant)
    page = _start(browser, people)
    response = browser.post(page, data={"listening-current": "2", "listening-target": "3"})
    assert response.status_code == 400
    assert count_rows(db, Rating) == 0


def test_check_in_on_a_chosen_few(db, login, people, framework, participant_rates):
    participant_rates((2, 4), at=utcnow() - timedelta(days=30))
    db.commit()
    browser = login(people.participant)
    path = f"/cohorts/{people.cohort.id}/self-assessments/new"
    html = html_of(browser.get(path))
    assert not missing_from(html, "<h1>Check in</h1>", "All 5 capabilities, in 2 parts")
    response = submit(browser, path, {"scope": "chosen"})
    assert response.location == f"{path}?choose=some"
    html = html_of(browser.get(response.location))
    assert "<h1>Which capabilities do you want to rate?</h1>" in html
    response = submit(browser, f"{path}?choose=some", {"capabilities-systems": ["convening"]})
    draft = db.scalar(select(SelfAssessment).where(SelfAssessment.status == "draft"))
    assert response.location == f"/self-assessments/{draft.id}/domains/systems"
    html = html_of(browser.get(response.location))
    assert "Check-in: part 1 of 1" in html
    assert "Convening the system" in html and "Holding complexity" not in html
    # There is an earlier rating, so the form asks what changed and remembers the target.
    assert "If your level has moved, what changed?" in html
    assert "Last time you chose 2." in html
    assert _checked(html, "convening-target") == "4"
    assert _checked(html, "convening-current") is None
    response = submit(
        browser,
        response.location,
        {"convening-current": "3", "convening-target": "4", "convening-reason": "Ran a World Café"},
    )
    html = html_of(browser.get(response.location))
    assert "up 1 from 2" in html
    assert "What changed: Ran a World Café" in html
    assert "You are not rating the other 4 capabilities this time" in html
    submit(browser, f"/self-assessments/{draft.id}/check", {"share": "yes"})
    db.refresh(draft)
    assert sum(rating.carried_forward for rating in draft.ratings) == 4


@pytest.mark.parametrize(
    "query,data,message",
    [
        ("", {"scope": "some"}, "Choose which capabilities to rate"),
        ("?choose=some", {}, "Choose at least one capability to rate"),
        ("?choose=some", {"capabilities-systems": ["juggling"]}, "Choose capabilities from"),
    ],
)
def test_a_check_in_choice_is_checked_beside_the_field(
    db, login, people, framework, query, data, message, participant_rates
):
    participant_rates(listening=(2, 3))
    db.commit()
    browser = login(people.participant)
    path = f"/cohorts/{people.cohort.id}/self-assessments/new{query}"
    html = html_of(submit(browser, path, data), 422)
    assert html.count(message) == 2
    assert db.scalar(select(func.count()).where(SelfAssessment.status == "draft")) == 0


def test_a_capability_archived_while_choosing_is_refused_above_the_form(
    db, login, people, framework, participant_rates, monkeypatch
):
    """The form offered it; by the time the draft is opened it has gone from the framework."""
    participant_rates(listening=(2, 3))
    db.commit()
    start = services.start

    def archived_meanwhile(request_db, *args):
        listening = Capability.id == framework.listening.id
        request_db.execute(update(Capability).where(listening).values(archived_at=utcnow()))
        return start(request_db, *args)

    monkeypatch.setattr(services, "start", archived_meanwhile)
    browser = login(people.participant)
    path = f"/cohorts/{people.cohort.id}/self-assessments/new?choose=some"
    html = html_of(submit(browser, path, {"capabilities-conversations": ["listening"]}), 422)
    # In the error summary, pointing above the form: the form has no field of that name.
    assert html.count("Choose capabilities from the list") == 1
    assert re.search(r'href="#maincontent"\s*>\s*Choose capabilities from the list', html)
    assert db.scalar(select(func.count()).where(SelfAssessment.status == "draft")) == 0


def test_a_target_below_where_you_are_is_flagged_not_refused(
    db, login, people, framework, participant_rates
):
    draft = participant_rates((2, 3), data=(4, 2), status="draft")
    db.commit()
    browser = login(people.participant)
    html = html_of(browser.get(f"/self-assessments/{draft.id}/check"))
    assert "Some targets are below where you are now" in html
    assert "<li>Data for discussion</li>" in html
    response = submit(browser, f"/self-assessments/{draft.id}/check", {"share": "no"})
    assert response.status_code == 302
    db.refresh(draft)
    assert draft.status == "submitted" and not draft.shared_with_tutors


def test_submitting_with_answers_missing_says_which(
    db, login, people, framework, participant_rates
):
    draft = participant_rates(listening=(2, 3), status="draft")
    db.commit()
    browser = login(people.participant)
    html = html_of(browser.get(f"/self-assessments/{draft.id}/check"))
    assert "You have 4 capabilities still to rate" in html
    html = html_of(submit(browser, f"/self-assessments/{draft.id}/check", {"share": "yes"}), 422)
    assert "Rate Clinical credibility before you submit" in html
    db.refresh(draft)
    assert draft.is_draft


def test_change_links_return_to_the_check_page(db, login, people, framework, participant_rates):
    draft = participant_rates((2, 3), status="draft")  # fmt: skip
    db.commit()
    browser = login(people.participant)
    html = html_of(browser.get(f"/self-assessments/{draft.id}/check"))
    change = f"/self-assessments/{draft.id}/domains/systems?from=check#complexity-heading"
    assert f'href="{change}"' in html
    response = submit(
        browser,
        change.split("#")[0],
        {"complexity-current": "3", "complexity-target": "5", "convening-current": "2",
         "convening-target": "3"},
    )  # fmt: skip
    assert response.location == f"/self-assessments/{draft.id}/check"


def test_going_back_to_a_submitted_form_shows_what_was_submitted(db, login, people, framework):
    submitted = factories.make_assessment(db, people.participant, people.cohort)
    db.commit()
    browser = login(people.participant)
    for page in ("domains/conversations", "check", "discard"):
        response = browser.get(f"/self-assessments/{submitted.id}/{page}")
        assert response.location == f"/self-assessments/{submitted.id}"


def test_an_unknown_domain_is_not_found(db, login, people, framework):
    draft = factories.make_assessment(db, people.participant, people.cohort, status="draft")
    db.commit()
    html_of(login(people.participant).get(f"/self-assessments/{draft.id}/domains/nope"), 404)


def test_deleting_a_draft_asks_first(db, login, people, framework, participant_rates):
    draft = participant_rates(listening=(2, 3), status="draft")
    db.commit()
    browser = login(people.participant)
    html = html_of(browser.get(f"/self-assessments/{draft.id}/discard"))
    assert "Delete these answers?" in html
    response = submit(browser, f"/self-assessments/{draft.id}/discard", {})
    assert response.location == f"/cohorts/{people.cohort.id}/capabilities"
    assert db.scalar(select(func.count()).select_from(SelfAssessment)) == 0


def test_a_draft_waits_on_the_overview_and_the_home_page(db, login, people, framework):
    draft = factories.make_assessment(db, people.participant, people.cohort, status="draft")
    db.commit()
    browser = login(people.participant)
    html = html_of(browser.get(f"/cohorts/{people.cohort.id}/capabilities"))
    assert "Continue your baseline" in html
    assert f'href="/self-assessments/{draft.id}/check"' in html
    assert "Continue your baseline" in html_of(browser.get("/"))
    # Starting again picks up the same draft rather than making another.
    response = browser.get(f"/cohorts/{people.cohort.id}/self-assessments/new")
    assert response.location == f"/self-assessments/{draft.id}/check"


def test_the_overview_shows_gaps_growth_and_history(
    db, login, people, framework, participant_rates
):
    participant_rates((2, 4), at=utcnow() - timedelta(days=30))
    factories.make_assessment(
        db,
        people.participant,
        people.cohort,
        {c: (3, 4) if c == framework.listening else (2, 5) for c in framework.capabilities},
        shared=False,
    )
    db.commit()
    html = html_of(login(people.participant).get(f"/cohorts/{people.cohort.id}/capabilities"))
    assert "Your capabilities, largest gap first" in html
    assert html.index("Clinical credibility") < html.index(">Listening across boundaries<")
    assert "Up 1" in html
    assert (
        html.count('<svg xmlns="http://www.w3.org/2000/svg" class="app-chart"') == 2
    )  # a radar per domain
    assert "Unlocking conversations: the figures in the chart" in html
    assert "Only you" in html and "Shared with tutors" in html
    assert "See what your tutors see" in html


def test_a_capabilitys_name_is_escaped_in_the_gaps_and_figures_tables(
    db, login, people, framework, participant_rates
):
    # Both tables' rows are written by Python (learnset/assessment/shown.py), not by Jinja.
    framework.listening.name = "Listening <script>alert(1)</script> & co"
    db.commit()
    participant_rates((2, 4))
    escaped = "Listening &lt;script&gt;alert(1)&lt;/script&gt; &amp; co"
    own = f"/cohorts/{people.cohort.id}/capabilities"
    tutors = f"/cohorts/{people.cohort.id}/participants/{people.participant.id}/capabilities"
    for user, path in ((people.participant, own), (people.tutor, tutors)):
        html = html_of(login(user).get(path))
        assert "<script>alert(1)" not in html
        gaps = html.split("largest gap first</caption>")[1].split("</table>")[0]
        figures = html.split("Unlocking conversations: the figures in the chart")[1]
        assert f">{escaped}</" in gaps
        assert f'<th scope="row" class="nhsuk-table__header">{escaped}</th>' in figures


def test_a_capabilitys_page_tells_its_story(db, login, people, framework, participant_rates):
    participant_rates(listening=(1, 4), at=utcnow() - timedelta(days=30))  # fmt: skip
    with_reason = participant_rates(listening=(3, 4))
    with_reason.ratings[0].change_reason = "Held my first joint review"
    db.commit()
    browser = login(people.participant)
    html = html_of(browser.get(f"/cohorts/{people.cohort.id}/capabilities/listening"))
    assert "<h1>Listening across boundaries</h1>" in html
    assert "Listening across boundaries over time" in html
    assert "What changed: Held my first joint review" in html
    html_of(browser.get(f"/cohorts/{people.cohort.id}/capabilities/juggling"), 404)


def test_sharing_can_be_stopped_and_started_from_the_assessment(
    db, login, people, framework, participant_rates
):
    assessment = participant_rates(listening=(2, 3))
    db.commit()
    browser = login(people.participant)
    path = f"/self-assessments/{assessment.id}"
    assert "Stop sharing it with your tutors" in html_of(browser.get(path))
    response = browser.post(
        f"{path}/sharing",
        data={"share": "no", "csrf_token": _csrf(browser, path)},
    )
    assert response.location == path
    assert login(people.tutor).get(path).status_code == 404
    html = html_of(browser.get(path))
    assert "Only you can see this baseline." in html
    browser.post(f"{path}/sharing", data={"share": "yes", "csrf_token": _csrf(browser, path)})
    assert login(people.tutor).get(path).status_code == 200


def _csrf(browser, path):
    html = browser.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_the_sharing_choice_is_required_before_submitting(
    db, login, people, framework, participant_rates
):
    draft = participant_rates((2, 3), status="draft")  # fmt: skip
    db.commit()
    browser = login(people.participant)
    path = f"/self-assessments/{draft.id}/check"
    html = html_of(submit(browser, path, {"share": "perhaps"}), 422)
    assert html.count("Choose whether to share this with your tutors") == 2
    db.refresh(draft)
    assert draft.is_draft


def test_a_malformed_sharing_request_is_a_400_not_a_500(db, login, people, framework):
    assessment = factories.make_assessment(db, people.participant, people.cohort)
    db.commit()
    browser = login(people.participant)
    path = f"/self-assessments/{assessment.id}"
    response = browser.post(
        f"{path}/sharing", data={"share": "maybe", "csrf_token": _csrf(browser, path)}
    )
    assert response.status_code == 400
    db.refresh(assessment)
    assert assessment.shared_with_tutors


def test_your_capabilities_is_in_the_navigation_for_participants_only(login, people):
    assert 'href="/capabilities"' in html_of(login(people.participant).get("/"))
    assert 'href="/capabilities"' not in html_of(login(people.tutor).get("/"))
    assert 'href="/capabilities"' not in html_of(login(people.admin).get("/"))


def test_someone_in_two_learning_sets_chooses_one(db, login, people):
    factories.make_member(db, people.other_cohort, "participant", user=people.participant)
    db.commit()
    html = html_of(login(people.participant).get("/capabilities"))
    assert f'href="/cohorts/{people.cohort.id}/capabilities"' in html
    assert f'href="/cohorts/{people.other_cohort.id}/capabilities"' in html
    response = login(people.fellow).get("/capabilities")
    assert response.location == f"/cohorts/{people.cohort.id}/capabilities"


def test_tutors_find_shared_self_assessments_from_their_home_page(db, login, people):
    html = html_of(login(people.tutor).get("/"))
    assert "Self-assessments shared with you" in html
    assert f'href="/cohorts/{people.cohort.id}/self-assessments"' in html
    assert "Self-assessments shared with you" not in html_of(login(people.admin).get("/"))


def test_the_overview_shows_the_framework_as_it_is_now(
    db, login, people, framework, participant_rates
):
    # The overview keeps the framework's names between requests while they are unchanged.
    participant_rates((2, 4))
    browser = login(people.participant)
    own = f"/cohorts/{people.cohort.id}/capabilities"
    assert ">Listening across boundaries<" in html_of(browser.get(own))
    framework.listening.name = "Listening well"
    framework.systems.name = "Whole systems"
    framework.data.archived_at = utcnow()
    db.commit()
    html = html_of(browser.get(own))
    assert ">Listening well<" in html and "Listening across boundaries" not in html
    assert "<h3>Whole systems</h3>" in html
    assert framework.data.name not in html
