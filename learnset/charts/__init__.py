"""The chart kit: radar, line and trend charts of levels 1 to 5 as server-rendered SVG, standard
library only, every word escaped, no inline styles.

Each chart names itself for assistive technology (role="img", a <title> and a <desc>) and the
page puts the same figures in a table beside it. Series differ by stroke pattern and marker
shape as well as colour, so they survive print, greyscale and high-contrast modes; colours are
presentation attributes, which the stylesheet's classes can override (forced colours, print).
"""

from learnset.charts.lines import line_chart, trend_chart
from learnset.charts.radars import radar
from learnset.charts.svg import LOOKS, TREND_LOOKS, Series, Svg, TrendSeries, series_key

__all__ = [
    "LOOKS",
    "TREND_LOOKS",
    "Series",
    "Svg",
    "TrendSeries",
    "line_chart",
    "radar",
    "series_key",
    "trend_chart",
]
