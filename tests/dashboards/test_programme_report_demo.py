"""The demo programme's report has something in every section but session feedback."""

import pytest

from learnset import demo
from learnset.dashboards.programme_report import programme_report
from learnset.dashboards.report_queries import ALL_GAINS, Measure
from learnset.framework.queries import current_framework


@pytest.mark.demo_data(library=True)
def test_the_demo_programme_fills_the_report(db):
    report = programme_report(db, current_framework(db))
    riverside = next(entry for entry in report.sets if entry.name == demo.COHORTS[0][0])
    # Seven joined by invitation and one invitation is waiting.
    assert {key: figure.value for key, figure in riverside.enrolment.items()} == {
        "invited": 8,
        "joined": 7,
        "current": 7,
        "left": 0,
    }
    assert not riverside.attendance.suppressed
    assert all(not domain.change.suppressed for domain in riverside.growth)
    assert all(not domain.change.suppressed for domain in report.growth)
    assert report.engagement[Measure.REFLECTIONS].value > 40
    # Gains from three people's challenges: shown in all, each kind alone hidden.
    assert riverside.gains[ALL_GAINS].value == 5
    assert riverside.gains["health"].suppressed
    assert report.feedback is None
