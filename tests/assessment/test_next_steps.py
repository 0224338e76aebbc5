"""What to work on next: library items for the largest gaps, where they were used, a focus."""

from datetime import timedelta

import pytest

from learnset.assessment import progress, recommendations, services
from learnset.assessment.services import AssessmentError
from learnset.db import utcnow
from learnset.framework.queries import current_framework
from tests import factories
from tests.helpers import csrf_from


@pytest.fixture
def gaps(db, people, framework, participant_rates):
    """Largest gaps: credibility (4), listening (2), convening (1); data and complexity none."""
    participant_rates(
        listening=(2, 4), credibility=(1, 5), data=(3, 3), complexity=(4, 4), convening=(3, 4)
    )
    db.commit()
    growth = progress.progress(db, people.participant.id, people.cohort.id, current_framework(db))
    return growth.top_gaps()


def _offered(result):
    return {rec.gap.capability.slug: [entry.item.slug for entry in rec.items] for rec in result}


def test_items_that_develop_the_largest_gaps_are_offered(db, people, framework, gaps):
    factories.make_content_item(db, [framework.credibility], slug="b-credible", title="B")
    factories.make_content_item(db, [framework.credibility], slug="a-credible", title="A")
    factories.make_content_item(db, [framework.listening], slug="listen", kind="exercise")
    factories.make_content_item(db, [framework.data], slug="data-only")
    factories.make_content_item(db, [framework.listening], slug="archived", archived_at=utcnow())
    result = recommendations.recommendations(
        db, people.participant.id, people.cohort.id, gaps, utcnow()
    )
    assert _offered(result) == {
        "credibility": ["a-credible", "b-credible"],
        "listening": ["listen"],
        "convening": [],
    }


def test_an_item_for_several_gaps_is_offered_once_under_the_largest(db, people, framework, gaps):
    factories.make_content_item(db, [framework.listening, framework.credibility], slug="both")
    result = recommendations.recommendations(
        db, people.participant.id, people.cohort.id, gaps, utcnow()
    )
    assert _offered(result) == {"credibility": ["both"], "listening": [], "convening": []}


def test_at_most_three_items_a_gap(db, people, framework, gaps):
    for number in range(5):
        factories.make_content_item(db, [framework.credibility], title=f"Item {number}")
    result = recommendations.recommendations(
        db, people.participant.id, people.cohort.id, gaps, utcnow()
    )
    assert len(result[0].items) == 3


def test_only_the_cohorts_past_published_sessions_are_named(db, people, framework, gaps):
    item = factories.make_content_item(db, [framework.credibility], slug="credible")
    now = utcnow()
    used = factories.make_published_meeting(
        db, people.cohort, title="Credibility", starts_at=now - timedelta(days=20), items=[item]
    )
    later = factories.make_published_meeting(
        db, people.cohort, title="Again", starts_at=now - timedelta(days=2), items=[item]
    )
    factories.make_published_meeting(
        db, people.cohort, title="Not yet", starts_at=now + timedelta(days=5), items=[item]
    )
    factories.make_published_meeting(
        db, people.cohort, title="Draft", status="draft", starts_at=now - timedelta(days=9),
        items=[item],
    )  # fmt: skip
    factories.make_published_meeting(
        db, people.other_cohort, title="Elsewhere", starts_at=now - timedelta(days=9), items=[item]
    )
    result = recommendations.recommendations(db, people.participant.id, people.cohort.id, gaps, now)
    assert [meeting.id for meeting in result[0].items[0].sessions] == [later.id, used.id]


def test_no_gaps_no_queries(db, people, count_queries):
    with count_queries() as statements:
        assert recommendations.recommendations(db, people.participant.id, 1, [], utcnow()) == []
    assert statements == []


def test_pinning_a_focus_replaces_the_one_before(db, people, framework):
    first = factories.make_content_item(db, [framework.listening], slug="first")
    second = factories.make_content_item(db, [framework.credibility], slug="second")
    services.pin_focus(db, people.participant, people.cohort, "first", "listening", utcnow())
    focus = services.pin_focus(
        db, people.participant, people.cohort, "second", "credibility", utcnow()
    )
    assert focus.content_item == second
    current = services.current_focus(db, people.participant.id, people.cohort.id)
    assert (current.id, current.content_item_id) == (focus.id, second.id)
    assert first.id != second.id
    services.clear_focus(db, people.participant, people.cohort)
    assert services.current_focus(db, people.participant.id, people.cohort.id) is None


@pytest.mark.parametrize(
    "item,capability,message",
    [
        ("missing", None, "Choose something from the library"),
        ("archived", None, "Choose something from the library"),
        ("focus-item", "credibility", "does not develop that capability"),
        ("focus-item", "juggling", "does not develop that capability"),
        # Taken out of the framework, though the item still names it.
        ("focus-item", "retired", "does not develop that capability"),
    ],
)
def test_a_focus_must_be_a_current_item_for_that_capability(
    db, people, framework, item, capability, message
):
    retired = factories.make_capability(
        db, framework.conversations, slug="retired", archived_at=utcnow()
    )
    factories.make_content_item(db, [framework.listening, retired], slug="focus-item")
    factories.make_content_item(db, [framework.listening], slug="archived", archived_at=utcnow())
    with pytest.raises(AssessmentError, match=message):
        services.pin_focus(db, people.participant, people.cohort, item, capability, utcnow())
    assert services.current_focus(db, people.participant.id, people.cohort.id) is None


def test_a_participant_pins_a_focus_and_finds_it_on_their_home_page(
    db, login, people, framework, gaps
):
    factories.make_content_item(
        db, [framework.credibility], slug="credible", title="Earning clinical trust"
    )
    db.commit()
    browser = login(people.participant)
    overview = f"/cohorts/{people.cohort.id}/capabilities"
    html = browser.get(overview).get_data(as_text=True)
    assert "Earning clinical trust" in html
    assert "Make this your focus" in html
    response = browser.post(
        f"/cohorts/{people.cohort.id}/focus",
        data={
            "item": "credible",
            "capability": "credibility",
            "csrf_token": csrf_from(browser, overview),
        },
    )
    assert response.location == overview
    html = browser.get("/").get_data(as_text=True)
    assert "Your focus this month" in html
    assert 'href="/library/credible"' in html
    assert "Clinical credibility: at 1, aiming for 5" in html
    assert "Earning clinical trust</a>, for clinical credibility." in html
    html = browser.get(overview).get_data(as_text=True)
    assert "Earning clinical trust</a>, for clinical credibility. Chosen on " in html
    assert "Clear your focus" in html
    # The pinned item is offered as the focus, not to be made one again.
    assert 'Make this your focus<span class="nhsuk-u-visually-hidden">: Earning' not in html
    # Another person's home page shows nothing of it.
    assert "Earning clinical trust" not in login(people.fellow).get("/").get_data(as_text=True)


def test_an_item_gone_from_the_library_gets_a_message_not_an_error(
    db, login, people, framework, gaps
):
    browser = login(people.participant)
    overview = f"/cohorts/{people.cohort.id}/capabilities"
    response = browser.post(
        f"/cohorts/{people.cohort.id}/focus",
        data={"item": "gone", "csrf_token": csrf_from(browser, overview)},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Choose something from the library to focus on" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "item,capability,message",
    [
        ("gone", "", "Choose something from the library to focus on"),
        ("focus-item", "credibility", "Focus item does not develop that capability"),
    ],
)
def test_a_refused_focus_goes_back_with_the_reason(
    db, login, people, framework, item, capability, message
):
    factories.make_content_item(db, [framework.listening], slug="focus-item", title="Focus item")
    db.commit()
    browser = login(people.participant)
    overview = f"/cohorts/{people.cohort.id}/capabilities"
    response = browser.post(
        f"/cohorts/{people.cohort.id}/focus",
        data={"item": item, "capability": capability, "csrf_token": csrf_from(browser, overview)},
    )
    assert response.status_code == 302 and response.location == overview
    assert message in browser.get(overview).get_data(as_text=True)
    assert services.current_focus(db, people.participant.id, people.cohort.id) is None


def test_a_focus_post_without_an_item_is_a_bad_request(db, login, people, framework):
    browser = login(people.participant)
    overview = f"/cohorts/{people.cohort.id}/capabilities"
    response = browser.post(
        f"/cohorts/{people.cohort.id}/focus", data={"csrf_token": csrf_from(browser, overview)}
    )
    assert response.status_code == 400


def test_the_focus_returns_only_to_pages_on_this_site(db, login, people, framework, gaps):
    factories.make_content_item(db, [framework.credibility], slug="credible")
    db.commit()
    browser = login(people.participant)
    overview = f"/cohorts/{people.cohort.id}/capabilities"
    response = browser.post(
        f"/cohorts/{people.cohort.id}/focus?next=//evil.example",
        data={"item": "credible", "csrf_token": csrf_from(browser, overview)},
    )
    assert response.location == overview


def test_making_a_focus_returns_to_the_page_it_was_made_on(db, login, people, framework, gaps):
    factories.make_content_item(db, [framework.credibility], slug="credible")
    db.commit()
    browser = login(people.participant)
    overview = f"/cohorts/{people.cohort.id}/capabilities"
    capability = f"{overview}/credibility"
    focus = f"/cohorts/{people.cohort.id}/focus"
    assert f'action="{focus}"' in browser.get(overview).get_data(as_text=True)
    page = browser.get(capability).get_data(as_text=True)
    assert f'action="{focus}?next={capability}"' in page


def test_recommended_items_escape_their_words(db, login, people, framework, gaps):
    # The list is written by Python (learnset/assessment/shown.py), not by Jinja.
    item = factories.make_content_item(
        db,
        [framework.credibility],
        slug="credible",
        title="Trust <script>alert(1)</script> & co",
        summary='Say "hello" <b>loudly</b>',
        minutes=1,
    )
    meeting = factories.make_past_meeting(
        db, people.cohort, status="published", title="Old <i>habits</i>"
    )
    factories.add_item_to(db, meeting, item)
    db.commit()
    html = login(people.participant).get(f"/cohorts/{people.cohort.id}/capabilities")
    html = html.get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<b>loudly" not in html and "<i>habits" not in html
    title = "Trust &lt;script&gt;alert(1)&lt;/script&gt; &amp; co"
    assert f'<a href="/library/credible">{title}</a>' in html
    assert "1 minute. Say &#34;hello&#34; &lt;b&gt;loudly&lt;/b&gt;</p>" in html
    assert f">Old &lt;i&gt;habits&lt;/i&gt;</a> on {meeting.starts_at.day} " in html
    assert f'<span class="nhsuk-u-visually-hidden">: {title}</span>' in html
