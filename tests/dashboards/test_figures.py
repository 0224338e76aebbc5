"""The figures against ones worked out by hand for the set in conftest.py."""

from datetime import timedelta
from decimal import Decimal

from learnset.dashboards import cohort_figures, engagement, pages, planning
from learnset.dashboards.engagement import MonthActivity, engagement_of
from learnset.dashboards.figures import SUPPRESSED, Figure, mean_of
from learnset.dashboards.months import months_between
from learnset.db import utcnow
from learnset.framework.queries import current_framework
from tests import factories
from tests.dashboards.conftest import month, on


def _by_slug(figures):
    return {figure.slug: figure for figure in figures}


def _framework(db):
    return current_framework(db)


def test_baseline_latest_change_and_spread_of_a_capability(db, people, history):
    figures = _by_slug(cohort_figures.capability_figures(db, people.cohort.id, _framework(db)))
    listening = figures["listening"]
    # Baselines 1, 2, 2, 3 and Cal's first shared (2); latest 3, 2, 4, 3 (Ben's shared), 2.
    assert listening.baseline == Figure(Decimal("2.0"), 5)
    assert listening.latest == Figure(Decimal("2.8"), 5)
    assert listening.change == Figure(Decimal("0.8"), 5)
    # Latest levels 2, 2, 3, 3, 4: two at level 2, two at 3, one at 4. Counts below 3 are
    # hidden, and beside the mean a spread with any hidden is hidden whole: 0, hidden, hidden,
    # hidden, 0 and a mean of 2.8 leave one way to fill levels 2 to 4.
    assert listening.distribution.counts == (None,) * 5
    assert listening.distribution.responses == 5
    # Pat 3→4, Fay 2→5, Ben 3→5 and Cal 2→4 have gaps; Ann is at her target: "4 of 5" would
    # say that one person has none, so it is not shown.
    assert listening.with_gap == SUPPRESSED


def test_an_opted_out_assessment_counts_nowhere(db, people, history):
    """Ben's last check-in (5) was kept to himself: his latest shared level is still 3."""
    figures = _by_slug(cohort_figures.capability_figures(db, people.cohort.id, _framework(db)))
    # Latest 3, 2, 4, 3 (his shared), 2; with his 5 the mean would be 3.2.
    assert figures["listening"].latest == Figure(Decimal("2.8"), 5)
    heat = cohort_figures.heat_map(db, people.cohort.id, list(figures.values()), utcnow())
    listening = next(row for row in heat.rows if row.slug == "listening")
    assert listening.cells[history.ben.id] == cohort_figures.GapCell(3, 5)
    # Cal's private baseline (1) is not his baseline: his first shared check-in is.
    assert listening.cells[history.cal.id] == cohort_figures.GapCell(2, 4)


def test_the_heat_map_names_those_of_the_set_with_a_rating_in_name_order(db, people, history):
    newcomer = factories.make_member(db, people.cohort, "participant", name="Aaron Abbott")
    figures = cohort_figures.capability_figures(db, people.cohort.id, _framework(db))
    participants, _absent = engagement.participants_and_absent(db, people.cohort.id)
    assert newcomer.id in {person.id for person in participants}
    heat = cohort_figures.heat_map(db, people.cohort.id, figures, utcnow(), participants)
    rated = {someone for row in heat.rows for someone in row.cells}
    assert heat.participants == [person for person in participants if person.id in rated]
    assert newcomer.id not in rated and len(heat.participants) == len(rated)


def test_the_heat_map_shows_each_one_s_latest_shared_check_in_by_the_release(db, people, history):
    """A check-in shared after the release waits for the next one; until then the heat map
    shows the latest shared by the moment of the release."""
    figures = cohort_figures.capability_figures(db, people.cohort.id, _framework(db))
    released_at = utcnow()
    listening = {history.framework.listening: (5, 5)}
    factories.make_assessment(
        db, history.ben, people.cohort, listening, at=released_at + timedelta(minutes=1)
    )

    def ben_on_listening(moment):
        heat = cohort_figures.heat_map(db, people.cohort.id, figures, moment)
        row = next(row for row in heat.rows if row.slug == "listening")
        return row.cells[history.ben.id]

    assert ben_on_listening(released_at) == cohort_figures.GapCell(3, 5)
    assert ben_on_listening(released_at + timedelta(minutes=2)) == cohort_figures.GapCell(5, 5)


def test_a_capability_rated_by_two_participants_is_suppressed(db, people, history):
    figures = _by_slug(cohort_figures.capability_figures(db, people.cohort.id, _framework(db)))
    complexity = figures["complexity"]
    assert complexity.baseline.suppressed and complexity.baseline.value is None
    assert complexity.latest.suppressed and complexity.change.suppressed
    assert complexity.distribution.suppressed and complexity.distribution.counts is None
    assert complexity.with_gap.suppressed
    # Nobody rated these at all.
    assert figures["convening"].latest == SUPPRESSED


def test_a_third_participant_brings_the_figures_out(db, people, history, framework):
    dee = factories.make_member(db, people.cohort, "participant", name="Dee Dixon")
    levels = framework.ratings(listening=(3, 4), complexity=(2, 4))
    factories.make_assessment(db, dee, people.cohort, levels, at=on(0, 15))
    levels = framework.ratings(listening=(3, 4), complexity=(3, 4))
    factories.make_assessment(db, dee, people.cohort, levels, at=on(3, 2))
    db.commit()
    figures = _by_slug(cohort_figures.capability_figures(db, people.cohort.id, _framework(db)))
    complexity = figures["complexity"]
    # Baselines Pat 2, Fay 1, Dee 2: 1.666 rounds to 1.7.
    assert complexity.baseline == Figure(Decimal("1.7"), 3)
    # Latest Pat 3 (carried forward in his check-in: it still counts), Fay 2, Dee 3.
    assert complexity.latest == Figure(Decimal("2.7"), 3)
    assert complexity.change == Figure(Decimal("1.0"), 3)
    # One at level 2 and two at level 3: hidden, and so the whole spread.
    assert complexity.distribution.counts == (None,) * 5
    # Fay 2→4 and Dee 3→4; Pat is at his target: 2 of 3, so hidden.
    assert complexity.with_gap == SUPPRESSED


def test_domain_figures(db, people, history):
    conversations, systems = cohort_figures.domain_figures(db, people.cohort.id, _framework(db))
    assert conversations.name == "Unlocking conversations"
    assert (conversations.baseline, conversations.latest, conversations.change) == (
        Figure(Decimal("2.0"), 5),
        Figure(Decimal("2.8"), 5),
        Figure(Decimal("0.8"), 5),
    )
    assert systems.name == "Whole-system working"
    assert systems.latest.suppressed and systems.change.suppressed


def test_growth_month_by_month_takes_each_latest_shared_rating_so_far(db, people, history):
    framework = _framework(db)
    sharing = cohort_figures.sharing(db, people.cohort.id)
    assert sharing.participants == 5
    assert [m.first_day for m in sharing.months] == [month(0), month(1), month(2)]
    growth = cohort_figures.growth(db, people.cohort.id, framework, sharing.months)
    conversations, systems = (entry.domain.id for entry in framework)
    # M0 and M1: Pat 1, Fay 2, Ann 2, Ben 3 (Cal had shared nothing): 2.0 from 4 people.
    # M2: Pat 3, Fay 2, Ann 4, Ben 3, Cal 2: 2.8 from 5.
    assert growth.series(conversations) == [
        Figure(Decimal("2.0"), 4),
        Figure(Decimal("2.0"), 4),
        Figure(Decimal("2.8"), 5),
    ]
    assert growth.series(systems) == [SUPPRESSED] * 3


def test_a_month_with_two_contributors_is_suppressed_and_three_shows(db, people, framework):
    first, second, third = factories.make_members(db, people.cohort, "participant", 3)
    for person, level in ((first, 2), (second, 3)):
        rated = framework.ratings(listening=(level, 5))
        factories.make_assessment(db, person, people.cohort, rated, at=on(0, 3))
    factories.make_assessment(
        db, third, people.cohort, framework.ratings(listening=(4, 5)), at=on(1, 3)
    )
    db.commit()
    current = _framework(db)
    months = cohort_figures.sharing(db, people.cohort.id).months
    series = cohort_figures.growth(db, people.cohort.id, current, months).series(
        framework.conversations.id
    )
    assert series == [SUPPRESSED, Figure(Decimal("3.0"), 3)]


def test_participants_who_left_no_longer_count(db, people, history):
    from sqlalchemy import delete

    from learnset.cohorts.models import Membership

    db.execute(delete(Membership).where(Membership.user_id.in_([history.ann.id, history.ben.id])))
    db.commit()
    figures = _by_slug(cohort_figures.capability_figures(db, people.cohort.id, _framework(db)))
    # Pat 3, Fay 2, Cal 2.
    assert figures["listening"].latest == Figure(Decimal("2.3"), 3)


def test_engagement_counts_per_participant_and_month(db, people, history):
    months = months_between(month(0), month(2))
    engagement = engagement_of(db, people.cohort.id, months)
    by_name = {entry.participant.name: entry for entry in engagement.participants}
    assert list(by_name) == ["Ann Archer", "Ben Baker", "Cal Carter", "Fay Fellow",
                             "Pat Participant"]  # fmt: skip
    pat, fay, ann, ben, cal = (by_name[name] for name in
                               ("Pat Participant", "Fay Fellow", "Ann Archer", "Ben Baker",
                                "Cal Carter"))  # fmt: skip
    m0, m1, m2 = (m.key for m in months)
    assert pat.month(m0) == MonthActivity(1, 1, 2, 1, 1)
    assert pat.month(m1) == MonthActivity(1, 1, 0, 0, 0)
    assert pat.month(m2) == MonthActivity(1, 1, 1, 0, 1)
    assert fay.month(m1) == MonthActivity(0, 1, 1, 1, 0)
    # Ann's only reflection is in the bin.
    assert ann.total == MonthActivity(3, 3, 0, 0, 2)
    # Ben kept his check-in to himself; Cal kept his baseline.
    assert ben.total == MonthActivity(1, 3, 0, 0, 1)
    assert cal.total == MonthActivity(0, 3, 0, 0, 1)
    assert [person.name for person in engagement.not_seen_lately] == ["Ben Baker", "Cal Carter"]


def test_the_engagement_page_reads_one_month_and_the_totals_as_every_month_gives_them(
    db, people, history
):
    factories.make_challenge(db, history.pat, people.cohort, now=on(1, 2), updated_at=on(2, 25))
    db.commit()
    months = months_between(month(0), month(2))
    everything = engagement_of(db, people.cohort.id, months)
    for chosen in months:
        shown = engagement.engagement_in_month(db, people.cohort.id, months, chosen)
        assert shown.months == months
        assert shown.not_seen_lately == everything.not_seen_lately
        for entry, full in zip(shown.participants, everything.participants, strict=True):
            assert entry.participant == full.participant
            assert entry.month(chosen.key) == full.month(chosen.key)
            assert entry.total == full.total


def test_someone_missing_only_the_last_session_is_not_flagged(db, people, history):
    late = factories.make_meeting(db, people.cohort, status="published", starts_at=on(3, 10, 13))
    for person in history.everyone:
        present = person not in (history.fay, history.cal)
        factories.make_attendance(db, late, person, present=present)
    db.commit()
    absent = engagement.not_seen_lately(db, people.cohort.id)
    # The last two are now M2 and M3: Cal missed both; Ben came to M3; Fay missed only M3.
    assert absent == {history.cal.id}


def test_commonest_gaps_with_items_not_used_in_this_set(db, people, history, framework):
    fresh = factories.make_content_item(db, [framework.listening], title="Listening well")
    factories.make_content_item(
        db, [framework.listening], title="An archived item", archived_at=utcnow()
    )
    used = factories.make_content_item(db, [framework.listening], title="Used already")
    factories.add_item_to(db, history.sessions[0], used)
    # Used by another set only: still fresh for this one.
    elsewhere = factories.make_content_item(db, [framework.listening], title="Used elsewhere")
    factories.add_item_to(db, factories.make_meeting(db, people.other_cohort), elsewhere)
    # Complexity is suppressed (2 people), so not offered even though it has items.
    factories.make_content_item(db, [framework.complexity], title="On complexity")
    db.commit()
    figures = cohort_figures.capability_figures(db, people.cohort.id, _framework(db))
    plan = planning.gaps_to_plan(db, people.cohort.id, figures)
    assert [gap.figures.slug for gap in plan] == ["listening"]
    assert [item.title for item in plan[0].items] == ["Listening well", "Used elsewhere"]
    assert fresh.id in {item.id for item in plan[0].items}


def test_the_next_draft_is_the_earliest_upcoming_one(db, people, history):
    later = factories.make_meeting(db, people.cohort, starts_at=utcnow().replace(microsecond=0)
                                   + __import__("datetime").timedelta(days=60))  # fmt: skip
    sooner = factories.make_meeting(db, people.cohort)
    factories.make_meeting(db, people.cohort, status="published")
    db.commit()
    assert planning.next_draft_meeting(db, people.cohort.id, utcnow()) == sooner
    assert later != sooner


def test_programme_figures_per_cohort(db, people, history):
    framework = _framework(db)
    rows = {row.name: row for row in pages.programme(db, framework).items}
    riverside, eastvale = rows["Riverside set"], rows["Eastvale set"]
    assert riverside.participants == 5 and eastvale.participants == 1
    # 4 + 2 + 3 present of 15 recorded.
    assert (riverside.attendance.present, riverside.attendance.recorded) == (9, 15)
    conversations, systems = (entry.domain.id for entry in framework)
    assert riverside.growth[conversations] == Figure(Decimal("0.8"), 5)
    assert riverside.growth[systems].suppressed
    # One participant in Eastvale: nothing shown.
    assert eastvale.growth[conversations].suppressed


def test_rounding_is_half_away_from_zero():
    assert mean_of(5, 4, 4).value == Decimal("1.3")
    assert mean_of(-5, 4, 4).value == Decimal("-1.3")
    assert mean_of(5, 4, 2) == SUPPRESSED
