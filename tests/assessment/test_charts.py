"""The SVG charts: the right points for known ratings, a text alternative, escaping, no styles."""

import math
import re
from datetime import UTC, datetime

from learnset import charts
from learnset.assessment import progress
from learnset.assessment.charts import domain_radar
from learnset.charts import Series
from learnset.framework.queries import current_framework

# The geometry the charts promise: a radar centred at (320, 250) with level 5 at radius 160,
# axis 0 pointing up and the rest clockwise; line charts plotted in x 36 to 320, y 136 (level 1)
# to 16 (level 5), assessments evenly spaced.
CENTRE_X, CENTRE_Y, RADIUS = 320, 250, 160


def _radar_xy(index, count, level):
    angle = math.radians(-90 + 360 * index / count)
    radius = RADIUS * level / 5
    return CENTRE_X + radius * math.cos(angle), CENTRE_Y + radius * math.sin(angle)


def _points_of(svg, series):
    match = re.search(rf'<(?:polygon|polyline) points="([^"]+)" class="[^"]*--{series}"', svg)
    assert match, f"no {series} shape in the chart"
    return [tuple(float(n) for n in pair.split(",")) for pair in match.group(1).split()]


def _close(actual, expected):
    assert len(actual) == len(expected)
    for (ax, ay), (ex, ey) in zip(actual, expected, strict=True):
        assert math.isclose(ax, ex, abs_tol=0.06), (actual, expected)
        assert math.isclose(ay, ey, abs_tol=0.06), (actual, expected)


def test_a_radar_draws_baseline_latest_and_target_at_the_right_points():
    series = [
        Series("baseline", "Baseline", [1, 2, 3, 4, 5]),
        Series("latest", "Latest", [2, 2, 4, 4, 5]),
        Series("target", "Target", [5, 5, 5, 5, 5]),
    ]
    axes = ["One", "Two", "Three", "Four", "Five"]
    svg = str(charts.radar("radar-test", "A title", "A description", axes, series))
    _close(
        _points_of(svg, "baseline"),
        [_radar_xy(i, 5, level) for i, level in enumerate([1, 2, 3, 4, 5])],
    )
    _close(
        _points_of(svg, "latest"),
        [_radar_xy(i, 5, level) for i, level in enumerate([2, 2, 4, 4, 5])],
    )
    # Level 5 on the first axis is straight up, at the top of the circle.
    assert _points_of(svg, "target")[0] == (320.0, 90.0)
    _close(_points_of(svg, "target"), [_radar_xy(i, 5, 5) for i in range(5)])


def test_a_domain_radar_comes_from_a_participants_ratings(db, people, framework, participant_rates):
    participant_rates(
        listening=(1, 4), credibility=(2, 5), data=(3, 3), at=datetime(2026, 3, 5, 12, tzinfo=UTC)
    )
    participant_rates(
        listening=(2, 4), credibility=(2, 5), data=(4, 4), at=datetime(2026, 4, 5, 12, tzinfo=UTC)
    )
    growth = progress.progress(db, people.participant.id, people.cohort.id, current_framework(db))
    conversations = growth.domains[0]
    svg = str(domain_radar("radar-conversations", conversations, "Baseline"))
    _close(
        _points_of(svg, "baseline"), [_radar_xy(i, 3, level) for i, level in enumerate([1, 2, 3])]
    )
    _close(_points_of(svg, "latest"), [_radar_xy(i, 3, level) for i, level in enumerate([2, 2, 4])])
    _close(_points_of(svg, "target"), [_radar_xy(i, 3, level) for i, level in enumerate([4, 5, 4])])
    assert ">Listening across</tspan>" in svg  # labels wrap onto lines


def test_a_series_with_a_gap_gets_markers_but_no_shape():
    svg = str(
        charts.radar(
            "radar-gap",
            "Title",
            "Description",
            ["One", "Two", "Three"],
            [Series("baseline", "Baseline", [2, None, 3]), Series("latest", "Latest", [2, 3, 3])],
        )
    )
    assert (
        'class="app-chart__line app-chart__line--baseline"'
        not in svg.replace("<line", "").split("app-chart__legend")[0]
    )
    assert svg.count("app-chart__marker--baseline") == 2 + 1  # two points and the key


def test_a_line_chart_spaces_assessments_evenly_and_marks_carried_forward_hollow():
    svg = str(
        charts.line_chart(
            "history-test",
            "Listening over time",
            "Description",
            ["5 Mar 2026", "5 Apr 2026", "5 May 2026"],
            [
                Series("latest", "Your level", [1, 3, 3], [False, False, True]),
                Series("target", "Your target", [4, 4, 5]),
            ],
        )
    )
    expected_x = [36, 178, 320]

    def y(level):
        return 136 - 120 * (level - 1) / 4

    _close(
        _points_of(svg, "latest"),
        [(x, y(level)) for x, level in zip(expected_x, [1, 3, 3], strict=True)],
    )
    _close(
        _points_of(svg, "target"),
        [(x, y(level)) for x, level in zip(expected_x, [4, 4, 5], strict=True)],
    )
    assert svg.count("app-chart__marker--hollow") == 1
    assert re.search(r'<circle cx="320" cy="76" r="4" class="[^"]*--hollow" fill="#ffffff"', svg)
    assert "5 Mar 2026" in svg and "5 May 2026" in svg


def test_markers_are_drawn_whole_in_each_shape():
    """Markers are written straight out for speed: each shape keeps its full set of attributes."""
    from learnset.charts import svg

    looks = svg.LOOKS
    assert svg.marker("latest", 10, 20.04, looks["latest"], hollow=True, size=4) == (
        '<circle cx="10" cy="20" r="4" class="app-chart__marker app-chart__marker--latest'
        ' app-chart__marker--hollow" fill="#ffffff" stroke="#005eb8" stroke-width="2"/>'
    )
    assert svg.marker("baseline", 10, 20, looks["baseline"], hollow=False) == (
        '<rect x="5.8" y="15.8" width="8.5" height="8.5" class="app-chart__marker'
        ' app-chart__marker--baseline" fill="#4c6272" stroke="#4c6272" stroke-width="2"/>'
    )
    assert svg.marker("target", 10, 20, looks["target"], hollow=False) == (
        '<polygon points="10,13.5 16.5,20 10,26.5 3.5,20" class="app-chart__marker'
        ' app-chart__marker--target" fill="#007f3b" stroke="#007f3b" stroke-width="2"/>'
    )


def test_charts_with_the_same_series_share_a_key_but_not_their_points():
    axes = ["One", "Two", "Three"]
    first = str(charts.radar("a", "A", "A.", axes, [Series("latest", "Latest", [1, 2, 3])]))
    second = str(charts.radar("b", "B", "B.", axes, [Series("latest", "Latest", [3, 2, 1])]))
    key = first[first.index('<g class="app-chart__legend">') :]
    assert key == second[second.index('<g class="app-chart__legend">') :]
    assert _points_of(first, "latest") != _points_of(second, "latest")


def test_a_single_assessment_sits_in_the_middle():
    svg = str(
        charts.line_chart(
            "one", "Title", "Description", ["5 Mar 2026"], [Series("latest", "Level", [2])]
        )
    )
    assert '<circle cx="178" cy="106" r="4"' in svg


def test_every_chart_names_itself_for_assistive_technology():
    svg = str(charts.radar("radar-x", "Radar title", "Radar description", ["A", "B", "C"], []))
    assert svg.startswith("<svg ")
    assert 'role="img"' in svg
    assert 'aria-labelledby="radar-x-title radar-x-desc"' in svg
    assert '<title id="radar-x-title">Radar title</title>' in svg
    assert '<desc id="radar-x-desc">Radar description</desc>' in svg


def test_words_in_charts_are_escaped_and_no_inline_styles_are_used():
    svg = str(
        charts.radar(
            'x"><script>',
            "<script>alert(1)</script>",
            "Tom & Jerry's <b>",
            ["<img src=x onerror=alert(1)>", "B & C", "D"],
            [Series("latest", "Now <i>", [1, 2, 3])],
        )
    )
    assert "<script>" not in svg
    assert "<img" not in svg
    assert "<b>" not in svg and "<i>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "B &amp; C" in svg
    assert "style=" not in svg
    assert 'id="x&quot;&gt;&lt;script&gt;-title"' in svg


def test_charts_are_inserted_into_templates_as_markup(app):
    chart = charts.radar("r", "T", "D", ["A", "B", "C"], [])
    with app.app_context():
        rendered = app.jinja_env.from_string("{{ chart }}").render(chart=chart)
    assert rendered.startswith("<svg ")


def test_series_differ_by_pattern_and_marker_as_well_as_colour():
    looks = charts.LOOKS.values()
    assert len({look.dash for look in looks}) == 3
    assert len({look.marker for look in looks}) == 3


def test_trend_lines_differ_by_pattern_and_marker_as_well_as_colour():
    """The dashboards' growth chart: a line per domain, three domains in the framework."""
    looks = [charts.TREND_LOOKS[charts.series_key(position)] for position in range(3)]
    assert len({look.colour for look in looks}) == 3
    assert len({look.dash for look in looks}) == 3
    assert len({look.marker for look in looks}) == 3


def test_a_trend_chart_breaks_its_line_where_a_value_is_missing():
    months = ["Jan", "Feb", "Mar", "Apr", "May"]
    series = [charts.TrendSeries("series-1", "A <domain>", [2, 2.5, None, 3, 3.4])]
    svg = str(charts.trend_chart("trend-test", "A title", "A description", months, series))
    lines = re.findall(r'<polyline points="([^"]+)" class="app-chart__line', svg)
    # Two stretches, Jan to Feb and Apr to May: the missing March is not bridged.
    assert [len(points.split()) for points in lines] == [2, 2]
    assert svg.count("app-chart__marker--series-1") == 5  # four points and the key
    assert "A &lt;domain&gt;" in svg and "<domain>" not in svg
    assert "style=" not in svg
    # Level 1 at the foot (y 236), 5 at the top (y 16); Jan at the left edge (x 44).
    first = lines[0].split()[0]
    assert first == f"44,{236 - 220 * (2 - 1) / 4:g}"
