"""The dashboards' rows written in Python (shown.py) escape every name, as the templates did."""

from decimal import Decimal

from learnset.dashboards.cohort_figures import GapCell, GapRow, HeatMap
from learnset.dashboards.engagement import Engagement, MonthActivity, ParticipantEngagement
from learnset.dashboards.figures import Figure
from learnset.dashboards.participants import ParticipantName
from learnset.dashboards.shown import engagement_rows, heat_rows

NAME = "<script>alert(1)</script> & O'Neil"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; O&#39;Neil"


def test_heat_map_rows_escape_names_and_quote_the_anchor_as_url_for_does():
    person = ParticipantName(1, NAME)
    row = GapRow(7, "a b", NAME, "Domain", Figure(Decimal("1.5"), 5), {1: GapCell(2, 4)})
    html = str(heat_rows(HeatMap([person, ParticipantName(2, "Ben")], [row]), "/framework"))
    assert "<script>" not in html
    assert f'<a href="/framework#a%20b">{ESCAPED}</a>' in html
    assert 'app-heat__cell--2">2</td>' in html
    assert "not rated" in html  # Ben
    assert '<td class="nhsuk-table__cell">1.5</td>' in html


def test_heat_map_cells_shade_each_gap_from_none_to_four():
    people = [ParticipantName(n, f"P{n}") for n in range(1, 8)]
    levels = [(5, 2), (3, 3), (1, 2), (1, 3), (1, 4), (1, 5), (2, 5)]
    cells = {n: GapCell(*level) for n, level in zip(range(1, 8), levels, strict=True)}
    row = GapRow(7, "a", "A", "Domain", Figure(Decimal("1.5"), 5), cells)
    html = str(heat_rows(HeatMap(people, [row]), "/framework"))
    for shade, gap in ((0, -3), (0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (3, 3)):
        assert f'app-heat__cell--{shade}">{gap}</td>' in html
    assert html.count("app-heat__cell--") == 7


def test_engagement_rows_escape_names_and_show_counts():
    entry = ParticipantEngagement(
        ParticipantName(1, NAME),
        {"2026-03": MonthActivity(1, 2, 3, 1, 0, 4)},
        not_seen_lately=True,
    )
    engagement = Engagement([], [entry])
    month = str(engagement_rows(engagement, "2026-03"))
    assert "<script>" not in month and ESCAPED in month
    assert '<td class="nhsuk-table__cell">1 of 2</td>' in month
    assert "Missed both" not in month
    empty = str(engagement_rows(engagement, "2026-04"))
    assert '<td class="nhsuk-table__cell">Not recorded</td>' in empty
    total = str(engagement_rows(engagement, None))
    assert ESCAPED in total and "Missed both" in total
