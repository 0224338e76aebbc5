"""The feedback page (issue 15, item 7): anyone sends feedback, signed in or not, with
mistakes shown beside the field and never a 500; it is rate-limited; admins read it."""

from __future__ import annotations

from sqlalchemy import select

from learnset.db import utcnow
from learnset.feedback import services
from learnset.feedback.models import FeedbackMessage
from tests.helpers import count_rows, queries_per_page, submit, text_of


def _sent(db):
    db.expire_all()
    return list(db.scalars(select(FeedbackMessage).order_by(FeedbackMessage.id)))


def test_someone_not_signed_in_sends_feedback_with_a_reply_address(client, db):
    page = text_of(client.get("/feedback?from=library.index"))
    assert "Give feedback on Learnset" in page and "anonymous unless you give an email" in page
    response = submit(
        client,
        "/feedback?from=library.index",
        {"message": "  Search could find words in summaries.  ", "reply_to": "Sam@Example.org"},
    )
    assert response.status_code == 302
    [sent] = _sent(db)
    assert sent.message == "Search could find words in summaries."
    assert sent.user_id is None and sent.reply_to == "sam@example.org"
    assert sent.page == "library.index"
    assert "Thank you" in text_of(client.get(response.location))


def test_a_signed_in_person_is_known_by_their_account_not_an_address(login, db, people):
    browser = login(people.participant)
    assert 'name="reply_to"' not in browser.get("/feedback").get_data(as_text=True)
    submit(browser, "/feedback", {"message": "Helpful.", "reply_to": "someone@example.org"})
    [sent] = _sent(db)
    assert sent.user_id == people.participant.id and sent.reply_to == ""


def test_the_page_it_came_from_is_kept_only_when_it_names_one_of_ours(client, db):
    submit(client, "/feedback?from=/join/secret-token", {"message": "Hello"})
    [sent] = _sent(db)
    assert sent.page == ""


def test_mistakes_are_shown_beside_the_field(client, db):
    cases = [
        ({"message": ""}, "Enter your feedback"),
        ({"message": "   \n\t "}, "Enter your feedback"),
        ({"message": "x" * 1201}, "Your feedback must be 1200 characters or fewer"),
        (
            {"message": "ok", "reply_to": "not an address"},
            "Enter an email address in the correct format",
        ),
    ]
    for data, message in cases:
        response = submit(client, "/feedback", data)
        html = text_of(response, 422)
        assert message in html
        assert "<title>Error: Give feedback \u2013 Learnset \u2013 NHS</title>" in html
        assert 'class="nhsuk-error-summary' in html
    assert _sent(db) == []


def test_odd_input_is_a_4xx_never_a_500(client, db):
    token_page = client.get("/feedback")
    assert token_page.status_code == 200
    assert client.post("/feedback", data={"message": "no token"}).status_code == 400
    response = submit(client, "/feedback?from=" + "x" * 500, {"message": ["one", "two"]})
    assert response.status_code == 302
    assert [sent.page for sent in _sent(db)] == [""]


def test_feedback_is_rate_limited_per_client(app, client, db):
    app.config["FEEDBACK_LIMIT_PER_IP"] = "2 per hour"
    codes = [submit(client, "/feedback", {"message": f"Note {n}"}).status_code for n in range(3)]
    assert codes == [302, 302, 429]
    assert len(_sent(db)) == 2


def test_admins_read_feedback_newest_first(login, db, people):
    services.leave(
        db, message="First note", page="", user=people.participant, reply_to="", now=utcnow()
    )
    services.leave(
        db,
        message="Second note",
        page="main.home",
        user=None,
        reply_to="r@example.org",
        now=utcnow(),
    )
    db.commit()
    html = text_of(login(people.admin).get("/feedback/messages"))
    assert html.index("Second note") < html.index("First note")
    assert "Pat Participant" in html and "r@example.org" in html and "main.home" in html


def test_nobody_but_admins_reads_feedback(login, people):
    for role in ("participant", "tutor", "other_tutor"):
        assert login(people.by_role(role)).get("/feedback/messages").status_code == 403
    assert "Nobody has sent feedback yet" in text_of(login(people.admin).get("/feedback/messages"))


def test_the_admins_list_is_paged_at_a_fixed_number_of_queries(login, db, people, count_queries):
    def fill_to(total: int) -> None:
        while count_rows(db, FeedbackMessage) < total:
            services.leave(
                db, message="Note", page="", user=people.fellow, reply_to="", now=utcnow()
            )

    admin = login(people.admin)
    counts = queries_per_page(admin, "/feedback/messages", count_queries, db, fill_to, (2, 45))
    assert counts[0] == counts[1]


def test_feedback_is_in_the_download_and_goes_with_the_account(login, db, people):
    from tests.helpers import TEST_PASSWORD

    browser = login(people.fellow)
    submit(browser, "/feedback", {"message": "More examples please"})
    document = browser.get("/account/your-data.json").get_json()
    assert [item["message"] for item in document["feedback"]] == ["More examples please"]
    submit(login(people.fellow), "/account/delete", {"password": TEST_PASSWORD})
    assert _sent(db) == []
