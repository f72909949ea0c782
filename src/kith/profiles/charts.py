"""Server-rendered SVG bar charts: geometry computed here, drawn by the template with SVG attributes only.

Why no chart library and no script: the CSP forbids inline scripts and inline ``style=`` attributes, and
the page must work without JavaScript. Positions and sizes are SVG attributes (``x``, ``y``, ``width``,
``height``), colours come from classes in ``segments.css``, and every chart has a table with the same
numbers beside it for screen readers and for copying.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 150  # left column with the category names
VALUE_WIDTH = 56  # right margin for the percentage
BAR_HEIGHT = 11
BAR_GAP = 2
GROUP_GAP = 12
MAX_LABEL = 20


@dataclass(frozen=True)
class Bar:
    series: str  # CSS class suffix: bar-<series>
    x: int
    y: int
    width: float
    height: int
    label: str  # the value shown at the end of the bar
    label_x: float
    label_y: int


@dataclass(frozen=True)
class Group:
    label: str
    label_y: int
    bars: list[Bar]


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    groups: list[Group]
    label_x: int = LABEL_WIDTH - 4  # category names end here (text-anchor="end")


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def grouped_bars(categories: Sequence[str], series: Sequence[str], values: Sequence[Sequence[float]]) -> BarChart:
    """Horizontal bars: one group per category, one bar per series; ``values[i][j]`` is a share 0..1."""
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    group_height = len(series) * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP
    groups = []
    for i, category in enumerate(categories):
        top = i * group_height
        bars = []
        for j, name in enumerate(series):
            share = max(0.0, min(1.0, values[i][j]))
            y = top + j * (BAR_HEIGHT + BAR_GAP)
            width = round(share * plot, 1)
            bars.append(
                Bar(
                    series=name,
                    x=LABEL_WIDTH,
                    y=y,
                    width=width,
                    height=BAR_HEIGHT,
                    label=f"{100 * share:.0f}%",
                    label_x=LABEL_WIDTH + width + 4,
                    label_y=y + BAR_HEIGHT - 2,
                )
            )
        groups.append(Group(_short(category), top + (len(series) * (BAR_HEIGHT + BAR_GAP)) // 2 + 4, bars))
    return BarChart(WIDTH, max(group_height, len(categories) * group_height - GROUP_GAP + 2), groups)
