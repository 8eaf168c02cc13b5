"""Bar charts as inline SVG for the print reports: plain data in, escaped SVG markup out.

A chart compares two counts per category (e.g. applications and awards per country) as pairs of
horizontal bars, each with its value written at its end, so that the figures stay readable in
black and white and as text. Written by hand: about sixty lines against a plotting library and a
raster or a second SVG toolchain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
LABEL_WIDTH = 190  # the category names, left of the bars
VALUE_ROOM = 40  # the value written after the longest bar
ROW = 24  # height of one category: two bars and a gap
BAR = 9
LEGEND = 24
COLOURS = ("#1f5fa8", "#e07b00")  # blue and orange: told apart also with a colour vision deficiency
LABEL_CHARS = 34


@dataclass(frozen=True)
class Tally:
    """One category of a chart and its two counts."""

    label: str
    applications: int
    awards: int


def top(tallies: Iterable[Tally], limit: int, other: Callable[[int], str]) -> list[Tally]:
    """The categories with the most applications (then awards, then by name); past `limit`, the rest
    is added up in one last category named by `other(number of categories it holds)`."""
    ordered = sorted(tallies, key=lambda t: (-t.applications, -t.awards, t.label))
    if len(ordered) <= limit:
        return ordered
    head, rest = ordered[: limit - 1], ordered[limit - 1 :]
    return [
        *head,
        Tally(other(len(rest)), sum(t.applications for t in rest), sum(t.awards for t in rest)),
    ]


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def bar_chart(tallies: list[Tally], title: str, series: tuple[str, str]) -> Markup:
    """The chart as an <svg> element (every text escaped), scaled to the width of its container."""
    height = LEGEND + ROW * len(tallies) + 4
    largest = max([t.applications for t in tallies] + [t.awards for t in tallies] + [1])
    scale = (WIDTH - LABEL_WIDTH - VALUE_ROOM) / largest
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
            f'width="{WIDTH}" '
            f'height="{height}" role="img" font-family="DejaVu Sans, sans-serif" font-size="10">'
        ),
        f"<title>{escape(title)}</title>",
    ]
    for k, (name, colour) in enumerate(zip(series, COLOURS)):
        x = LABEL_WIDTH + k * 150
        parts.append(
            f'<rect x="{x}" y="4" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="13">{escape(name)}</text>'
        )
    for row, tally in enumerate(tallies):
        y = LEGEND + row * ROW
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR + 5}" '
            f'text-anchor="end">{escape(_short(tally.label))}</text>'
        )
        for k, (value, colour) in enumerate(zip((tally.applications, tally.awards), COLOURS)):
            top_y, length = y + 2 + k * (BAR + 1), value * scale
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{top_y}" width="{length:.1f}" height="{BAR}" '
                f'fill="{colour}"/>'
                f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{top_y + BAR - 1}" '
                f'font-size="8">{value}</text>'
            )
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="{LEGEND}" x2="{LABEL_WIDTH}" y2="{height - 2}" '
        f'stroke="#333"/></svg>'
    )
    # every text put in above went through escape(); the rest are numbers
    return Markup("".join(parts))  # nosec B704
