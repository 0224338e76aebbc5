"""Opening a round, the raters' links and the report, through the pages (issue 18)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from learnset.colleague_feedback import services
from learnset.colleague_feedback.models import FeedbackRater, FeedbackResponse, FeedbackRound
from learnset.dates import UK
from learnset.db import utcnow
from tests import factories
from tests.colleague_feedback.helpers import link_for, make_round, respond
from tests.helpers import (
    count_rows,
    csrf_in,
    export_section,
    link_in,
    press,
    statements_for,
    submit,
)


def _form(framework, raters, days=10, **extra):
    closes = (utcnow().astimezone(UK) + timedelta(days=days)).date()
    data = {
        "cohort": "",
        "capabilities": [str(framework.listening.id), str(framework.data.id)],
        "domains": [str(framework.systems.id)],
        "note": "I am working on chairing across organisations.",
        "closes_on-day": str(closes.day),
        "closes_on-month": str(closes.month),
        "closes_on-year": str(closes.year),
        **extra,
    }
    for n, (email, relation) in enumerate(raters, start=1):
        data[f"email_{n}"] = email
        data[f"relation_{n}"] = relation
    return data


THREE = [
    ("gp.one@example.nhs.uk", "clinician"),
    ("provider@example.org", "provider"),
    ("boss@example.nhs.uk", "manager"),
]


def test_a_participant_opens_a_round_and_each_colleague_gets_a_link(
    db, people, framework, login, outbox
):
    browser = login(people.participant)
    data = _form(framework, THREE)
    data["cohort"] = str(people.cohort.id)
    response = submit(browser, "/colleague-feedback/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    feedback_round = db.scalar(select(FeedbackRound))
    assert feedback_round is not None
    # Listening and data, and the whole of whole-system working, in framework order.
    assert feedback_round.capability_ids == [
        framework.listening.id,
        framework.data.id,
        framework.complexity.id,
        framework.convening.id,
    ]
    messages = outbox()
    assert sorted(m["To"] for m in messages) == sorted(email for email, _ in THREE)
    for message in messages:
        assert "Pat Participant would value your feedback" in message["Subject"]
        link = link_in(message)
        # The link names nobody and nothing: a random secret only.
        assert re.fullmatch(r"/colleague-feedback/answer/[A-Za-z0-9_-]{43}", link), link
    assert all(r.token_hash and len(r.token_hash) == 64 for r in feedback_round.raters)
    page = browser.get(f"/colleague-feedback/{feedback_round.id}").get_data(as_text=True)
    assert "gp.one@example.nhs.uk" not in page


def test_the_round_form_checks_each_rule_beside_its_field(db, people, framework, login):
    browser = login(people.participant)
    cases = [
        (_form(framework, THREE[:2]), "Enter between 3 and 15 colleagues"),
        (
            _form(framework, [*THREE[:2], (people.participant.email.upper(), "peer")]),
            "You cannot ask yourself",
        ),
        (_form(framework, [*THREE, ("gp.one@example.nhs.uk", "peer")]), "is in the list twice"),
        (_form(framework, [*THREE, ("not an address", "peer")]), "correct format"),
        (_form(framework, [*THREE, ("x@example.org", "")]), "Choose how this colleague knows you"),
        (_form(framework, THREE, days=1), "between 3 and 60 days"),
        (_form(framework, THREE, days=2), "between 3 and 60 days"),
        (_form(framework, THREE, days=61), "between 3 and 60 days"),
        (_form(framework, THREE, days=90), "between 3 and 60 days"),
        (_form(framework, THREE, capabilities=[], domains=[]), "Choose at least one capability"),
        (_form(framework, THREE, capabilities=["999999"]), "not a valid choice"),
    ]
    for data, message in cases:
        data["cohort"] = str(people.cohort.id)
        response = submit(browser, "/colleague-feedback/new", data)
        assert response.status_code == 422, message
        assert message in response.get_data(as_text=True), message
    assert count_rows(db, FeedbackRound) == 0 and count_rows(db, FeedbackRater) == 0


def test_the_closing_date_may_be_3_to_60_days_away(db, people, framework, login):
    browser = login(people.participant)
    for days in (3, 60):
        data = _form(framework, THREE, days=days)
        data["cohort"] = str(people.cohort.id)
        assert submit(browser, "/colleague-feedback/new", data).status_code == 302, days


def test_the_queued_email_holds_no_link_and_the_sent_one_has_the_note(
    db, people, framework, login, outbox
):
    from learnset.mail.models import OutgoingMail

    browser = login(people.participant)
    data = _form(framework, THREE)
    data["cohort"] = str(people.cohort.id)
    submit(browser, "/colleague-feedback/new", data)
    queued = db.scalars(select(OutgoingMail)).all()
    assert len(queued) == 3
    assert all(set(m.data) == {"rater_id", "reminder"} and "answer/" not in m.body for m in queued)
    body = outbox()[0].get_payload(decode=True).decode()
    assert "I am working on chairing across organisations." in body
    assert "Your email address is deleted as soon as you answer" in body


def test_invitations_are_limited_per_participant_per_day(db, people, framework):
    for _ in range(6):
        make_round(db, people.participant, people.cohort, [framework.listening])
    try:
        make_round(db, people.participant, people.cohort, [framework.listening])
    except services.ColleagueFeedbackError as error:
        assert error.status == 429 and "30 colleagues a day" in str(error)
    else:
        raise AssertionError("a 31st colleague in a day was asked")


def test_a_rater_saves_comes_back_and_sends_once(db, people, framework, client):
    feedback_round = make_round(
        db, people.participant, people.cohort, [framework.listening, framework.data]
    )
    rater = feedback_round.raters[0]
    token = link_for(db, rater)
    db.commit()
    path = f"/colleague-feedback/answer/{token}"
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Your feedback for Pat Participant" in html and "I can\u2019t say" in html
    assert page.headers["Referrer-Policy"] == "no-referrer"
    field = f"capability_{framework.listening.id}"
    saved = submit(client, path, {field: "4", "keep_doing": "Clear summaries", "action": "save"})
    assert saved.status_code == 302
    db.expire_all()
    assert rater.draft["ratings"] == {str(framework.listening.id): 4}
    again = client.get(path).get_data(as_text=True)
    assert "Clear summaries" in again and "Your answers are saved" in again
    # Sending with a question unanswered is refused beside it.
    refused = submit(client, path, {field: "4", "action": "send"})
    assert refused.status_code == 422
    assert "Choose a level for \u201cData for discussion\u201d" in refused.get_data(as_text=True)
    other = f"capability_{framework.data.id}"
    sent = submit(
        client, path, {field: "4", other: "0", "keep_doing": "Clear summaries", "action": "send"}
    )
    assert sent.status_code == 302 and sent.location == "/colleague-feedback/answered"
    db.expire_all()
    assert rater.email is None and rater.draft is None
    response = db.scalar(select(FeedbackResponse))
    assert response.ratings == {str(framework.listening.id): 4}  # "can't say" is left out
    # The link (or a forwarded copy) no longer works, for reading or for sending.
    assert client.get(path).status_code == 410
    forwarded = {field: "1", "action": "send", "csrf_token": csrf_in(again)}
    assert client.post(path, data=forwarded).status_code == 410
    assert count_rows(db, FeedbackResponse) == 1


def test_answers_are_saved_as_the_rater_goes_until_the_link_stops(db, people, framework, client):
    feedback_round = make_round(db, people.participant, people.cohort, [framework.listening])
    rater = feedback_round.raters[0]
    token = link_for(db, rater)
    db.commit()
    token_field = csrf_in(client.get(f"/colleague-feedback/answer/{token}").get_data(as_text=True))
    field = f"capability_{framework.listening.id}"
    saved = client.post(
        f"/colleague-feedback/answer/{token}/draft",
        data={field: "3", "change": "Fewer slides"},
        headers={"X-CSRFToken": token_field},
    )
    assert saved.status_code == 200 and saved.json["saved"] is True
    db.expire_all()
    assert rater.draft == {
        "ratings": {str(framework.listening.id): 3},
        "keep_doing": "",
        "start_doing": "",
        "change": "Fewer slides",
    }
    # "²" is a digit to str.isdigit() but not to int(); "٣" is one to both, but not a level.
    for junk in ("²", "٣"):
        saved = client.post(
            f"/colleague-feedback/answer/{token}/draft",
            data={field: junk, "change": "Fewer slides"},
            headers={"X-CSRFToken": token_field},
        )
        assert saved.status_code == 200, junk
        db.expire_all()
        assert rater.draft["ratings"] == {}
        refused = submit(client, f"/colleague-feedback/answer/{token}", {field: junk})
        assert refused.status_code == 422, junk
    # Without the page's token, nothing is saved.
    forged = client.post(f"/colleague-feedback/answer/{token}/draft", data={field: "1"})
    assert forged.status_code == 400
    services.decline(db, rater, utcnow())
    db.commit()
    gone = client.post(
        f"/colleague-feedback/answer/{token}/draft",
        data={field: "1"},
        headers={"X-CSRFToken": token_field},
    )
    assert gone.status_code == 410 and gone.json["saved"] is False


def test_a_rater_can_decline_and_their_address_goes(db, people, framework, client):
    feedback_round = make_round(db, people.participant, people.cohort, [framework.listening])
    rater = feedback_round.raters[0]
    token = link_for(db, rater)
    db.commit()
    response = submit(client, f"/colleague-feedback/answer/{token}/decline", {})
    assert response.status_code == 302
    db.expire_all()
    assert rater.declined_at is not None and rater.email is None
    assert client.get(f"/colleague-feedback/answer/{token}").status_code == 410


def test_a_link_stops_working_when_the_round_closes(db, people, framework, client):
    feedback_round = make_round(db, people.participant, people.cohort, [framework.listening])
    token = link_for(db, feedback_round.raters[0])
    feedback_round.closes_at = utcnow() - timedelta(minutes=1)
    db.commit()
    assert client.get(f"/colleague-feedback/answer/{token}").status_code == 410
    assert client.get("/colleague-feedback/answer/not-a-real-token").status_code == 404


def test_a_new_email_makes_the_earlier_link_stop_working(db, people, framework, client):
    feedback_round = make_round(db, people.participant, people.cohort, [framework.listening])
    first = link_for(db, feedback_round.raters[0])
    second = link_for(db, feedback_round.raters[0])
    db.commit()
    assert client.get(f"/colleague-feedback/answer/{first}").status_code == 404
    assert client.get(f"/colleague-feedback/answer/{second}").status_code == 200


def test_reminders_go_once_to_those_yet_to_answer_before_closing(db, people, framework):
    now = utcnow()
    soon = make_round(db, people.participant, people.cohort, [framework.listening], now=now)
    soon.closes_at = now + timedelta(days=2)
    make_round(db, people.fellow, people.cohort, [framework.listening], days=10, now=now)
    respond(db, soon.raters[0], {framework.listening: 3}, now=now)
    due = services.due_reminders(db, now)
    assert [r.id for r in due] == [r.id for r in soon.raters[1:]]
    services.mark_reminded(db, due, now)
    assert services.due_reminders(db, now) == []


def test_the_participant_closes_early_and_sees_the_report(db, people, framework, login):
    factories.make_assessment(
        db, people.participant, people.cohort, framework.ratings(every=(4, 5))
    )
    feedback_round = make_round(db, people.participant, people.cohort, framework.capabilities)
    for rater in feedback_round.raters[:3]:
        respond(
            db, rater, dict.fromkeys(framework.capabilities, 2), change="Share the data earlier"
        )
    db.commit()
    browser = login(people.participant)
    before = browser.get(f"/colleague-feedback/{feedback_round.id}/report").get_data(as_text=True)
    assert "The report will be ready when the round closes" in before
    assert "Share the data earlier" not in before
    response = submit(browser, f"/colleague-feedback/{feedback_round.id}/close", {})
    assert response.status_code == 302
    page = browser.get(f"/colleague-feedback/{feedback_round.id}/report").get_data(as_text=True)
    assert "Share the data earlier" in page
    assert "Blind spots" in page and "you 4, colleagues 2.0" in page
    # Nobody else: the tutor only once shared.
    tutor = login(people.tutor)
    assert tutor.get(f"/colleague-feedback/{feedback_round.id}/report").status_code == 404
    press(
        browser,
        f"/colleague-feedback/{feedback_round.id}/sharing",
        {"share": "yes"},
        page="/colleague-feedback",
    )
    shared = tutor.get(f"/colleague-feedback/{feedback_round.id}/report").get_data(as_text=True)
    assert "Share the data earlier" in shared and "Stop sharing" not in shared
    assert "Pat Participant" in tutor.get("/colleague-feedback").get_data(as_text=True)
    # And the participant sees that their tutors can, on "What your tutors see about you".
    told = browser.get(f"/cohorts/{people.cohort.id}/what-your-tutors-see").get_data(as_text=True)
    assert f"/colleague-feedback/{feedback_round.id}/report" in told


def test_the_report_is_in_the_appraisal_portfolio_and_the_download(db, people, framework, login):
    feedback_round = make_round(db, people.participant, people.cohort, framework.capabilities)
    for rater in feedback_round.raters[:3]:
        respond(
            db, rater, dict.fromkeys(framework.capabilities, 3), start_doing="Ask for data sooner"
        )
    services.close_early(db, feedback_round, utcnow())
    db.commit()
    browser = login(people.participant)
    portfolio = browser.get("/reflections/portfolio").get_data(as_text=True)
    assert "Feedback from colleagues" in portfolio and "Ask for data sooner" in portfolio
    press(
        browser,
        f"/colleague-feedback/{feedback_round.id}/sharing",
        {"appraisal": "no"},
        page="/colleague-feedback",
    )
    assert "Ask for data sooner" not in browser.get("/reflections/portfolio").get_data(as_text=True)
    exported = export_section(db, people.participant, "colleague_feedback")
    assert exported[0]["report"]["texts"]["start_doing"] == ["Ask for data sooner"] * 3
    assert "example.nhs.uk" not in str(exported)


def test_add_a_reflection_opens_the_editor_with_a_title_and_the_capabilities(
    db, people, framework, login
):
    browser = login(people.participant)
    response = browser.get(
        f"/reflections/new?title=Feedback+from+colleagues&capability={framework.data.id}"
    )
    assert response.status_code == 302
    page = browser.get(response.location).get_data(as_text=True)
    assert 'value="Feedback from colleagues"' in page
    assert f'value="{framework.data.id}" checked' in page


def test_the_list_costs_the_same_however_many_rounds(db, people, framework, login, count_queries):
    make_round(db, people.participant, people.cohort, [framework.listening])
    db.commit()
    browser = login(people.participant)
    few = statements_for(count_queries, browser, "/colleague-feedback")
    for _ in range(4):
        make_round(db, people.participant, people.cohort, [framework.listening], ["peer"] * 3)
    db.commit()
    many = statements_for(count_queries, browser, "/colleague-feedback")
    assert many == few
    tutor = login(people.tutor)

    def share(rounds):
        for rater_round in rounds:
            for rater in rater_round.raters[:3]:
                respond(db, rater, {framework.listening: 3})
            services.close_early(db, rater_round, utcnow())
            rater_round.shared_with_tutors = True
        db.commit()

    rounds = db.scalars(select(FeedbackRound)).all()
    share(rounds[:1])
    shared_few = statements_for(count_queries, tutor, "/colleague-feedback")
    share(rounds[1:4])
    assert statements_for(count_queries, tutor, "/colleague-feedback") == shared_few


def test_deleting_the_account_deletes_every_round(db, people, framework):
    feedback_round = make_round(db, people.participant, people.cohort, framework.capabilities)
    respond(db, feedback_round.raters[0], dict.fromkeys(framework.capabilities, 3))
    services.erase_personal_data(db, people.participant)
    db.flush()
    assert count_rows(db, FeedbackRound) == 0
    assert count_rows(db, FeedbackRater) == 0 and count_rows(db, FeedbackResponse) == 0


def test_the_reminder_command_reminds_once_with_a_new_link_and_closes_past_rounds(
    app, db, people, framework, outbox, client
):
    soon = make_round(db, people.participant, people.cohort, [framework.listening])
    soon.closes_at = utcnow() + timedelta(days=2)
    first = link_for(db, soon.raters[0])
    respond(db, soon.raters[1], {framework.listening: 3})
    past = make_round(db, people.fellow, people.cohort, [framework.listening], ["peer"] * 3)
    past.closes_at = utcnow() - timedelta(hours=1)
    db.commit()
    result = app.test_cli_runner().invoke(args=["remind-colleague-feedback"])
    assert result.exit_code == 0, result.output
    assert "Closed 1 round; queued 4 reminders." in result.output
    reminders = outbox()
    assert len(reminders) == 4 and all(m["Subject"].startswith("Reminder: ") for m in reminders)
    db.expire_all()
    assert past.released_at is not None and all(r.email is None for r in past.raters)
    # The reminder's link replaces the first one.
    assert client.get(f"/colleague-feedback/answer/{first}").status_code == 404
    assert client.get(link_in(reminders[0])).status_code == 200
    again = app.test_cli_runner().invoke(args=["remind-colleague-feedback"])
    assert "Closed 0 rounds; queued 0 reminders." in again.output


def test_a_rater_s_link_is_rate_limited_per_client(app, db, people, framework, client):
    app.config["RATER_LIMIT_PER_IP"] = "3 per hour"
    feedback_round = make_round(db, people.participant, people.cohort, [framework.listening])
    token = link_for(db, feedback_round.raters[0])
    db.commit()
    codes = [client.get(f"/colleague-feedback/answer/{token}").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    # Guessing at links is limited the same way.
    assert client.get("/colleague-feedback/answer/guess-0123456789").status_code == 429


def test_the_report_costs_the_same_however_many_answered(
    db, people, framework, login, count_queries
):
    def closed_round(answered):
        relations = ["peer"] * answered
        feedback_round = make_round(
            db, people.participant, people.cohort, framework.capabilities, relations
        )
        for rater in feedback_round.raters:
            respond(db, rater, dict.fromkeys(framework.capabilities, 3), keep_doing="Listening")
        services.close_early(db, feedback_round, utcnow())
        db.commit()
        return f"/colleague-feedback/{feedback_round.id}/report"

    browser = login(people.participant)
    few = statements_for(count_queries, browser, closed_round(3))
    assert statements_for(count_queries, browser, closed_round(12)) == few


def test_deleting_a_round_deletes_its_colleagues_and_answers(db, people, framework, login):
    feedback_round = make_round(db, people.participant, people.cohort, [framework.listening])
    respond(db, feedback_round.raters[0], {framework.listening: 3})
    db.commit()
    browser = login(people.participant)
    response = submit(browser, f"/colleague-feedback/{feedback_round.id}/delete", {})
    assert response.status_code == 302 and response.location == "/colleague-feedback"
    assert count_rows(db, FeedbackRound) == 0
    assert count_rows(db, FeedbackRater) == 0 and count_rows(db, FeedbackResponse) == 0


def test_a_shared_report_shows_tutors_own_levels_only_from_an_assessment_shared_with_them(
    db, people, framework, login
):
    """The report sets the participant's own levels beside colleagues'. A self-assessment kept
    from the tutors must not reach them through a report shared with them."""
    kept = factories.make_assessment(
        db, people.participant, people.cohort, framework.ratings(every=(4, 5)), shared=False
    )
    feedback_round = make_round(db, people.participant, people.cohort, framework.capabilities)
    for rater in feedback_round.raters[:3]:
        respond(db, rater, dict.fromkeys(framework.capabilities, 2), change="Share data sooner")
    services.close_early(db, feedback_round, utcnow())
    services.set_sharing(db, feedback_round, True, utcnow())
    db.commit()
    path = f"/colleague-feedback/{feedback_round.id}/report"
    own = login(people.participant).get(path).get_data(as_text=True)
    assert "you 4, colleagues 2.0" in own and 'numeric">4</td>' in own
    shared = login(people.tutor).get(path).get_data(as_text=True)
    assert "Share data sooner" in shared and "2.0" in shared
    assert "you 4" not in shared and 'numeric">4</td>' not in shared and "Not rated" in shared
    # Shared with them later, the tutors see it there too; kept back again, they do not.
    kept.shared_with_tutors = True
    db.commit()
    assert "you 4, colleagues 2.0" in login(people.tutor).get(path).get_data(as_text=True)
    kept.shared_with_tutors = False
    db.commit()
    assert "you 4" not in login(people.tutor).get(path).get_data(as_text=True)
