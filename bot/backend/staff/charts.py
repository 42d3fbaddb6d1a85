"""Bar charts as plain geometry, drawn as inline SVG by templates/charts.html.

No JavaScript and no external library, so the content security policy stays strict and
the charts print. Labels go through Jinja's autoescaping like any other text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
ROW_HEIGHT = 22
COLUMN_AREA_HEIGHT = 160
LABEL_WIDTH = 170


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value and rectangle."""

    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    """A titled chart; `kind` is "columns" (over time) or "rows" (by category)."""

    title: str
    kind: str
    width: int
    height: int
    bars: tuple[Bar, ...]
    maximum: int


def columns(title: str, points: Sequence[tuple[str, int]]) -> Chart:
    """Vertical bars, one per point in order: for counts by week."""
    maximum = max((value for _, value in points), default=0)
    slot = WIDTH / max(len(points), 1)
    bars = []
    for index, (label, value) in enumerate(points):
        height = COLUMN_AREA_HEIGHT * value / maximum if maximum else 0
        bars.append(Bar(label, value, index * slot + slot * 0.15, COLUMN_AREA_HEIGHT - height,
                        slot * 0.7, height))
    return Chart(title, "columns", WIDTH, COLUMN_AREA_HEIGHT + 40, tuple(bars), maximum)


def rows(title: str, points: Sequence[tuple[str, int]]) -> Chart:
    """Horizontal bars, largest first: for counts by category."""
    ordered = sorted(points, key=lambda point: (-point[1], point[0]))
    maximum = max((value for _, value in ordered), default=0)
    area = WIDTH - LABEL_WIDTH - 50
    bars = [
        Bar(label, value, LABEL_WIDTH, index * ROW_HEIGHT + 4,
            area * value / maximum if maximum else 0, ROW_HEIGHT - 8)
        for index, (label, value) in enumerate(ordered)
    ]
    return Chart(title, "rows", WIDTH, max(len(bars), 1) * ROW_HEIGHT + 8, tuple(bars), maximum)
