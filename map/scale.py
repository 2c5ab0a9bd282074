"""How a site's marker shows its visits: size and colour step up with each power of ten (a log scale).

One definition for the markers (chosen in visit_markers.js) and the legend, so the legend tells the truth.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class VisitStep:
    """Markers of sites with at least `least` visits (scans + views) and fewer than the next step's."""

    least: int
    color: str
    radius: int


# ColorBrewer YlOrRd, readable on light map tiles; grey for sites nobody has visited yet.
# The smallest is a 24 px disc: a tap target of WCAG 2.2's minimum size (2.5.8) on a phone.
MIN_RADIUS = 12
VISIT_STEPS = (
    VisitStep(0, "#9e9e9e", MIN_RADIUS),
    VisitStep(1, "#fecc5c", 13),
    VisitStep(10, "#fd8d3c", 14),
    VisitStep(100, "#f03b20", 16),
    VisitStep(1_000, "#bd0026", 18),
    VisitStep(10_000, "#800026", 20),
)


def step_label(index: int, thousands: str) -> str:
    """The range of visits of step `index`, such as "10–99" or "≥ 10.000" (`thousands` separates digit groups)."""
    def number(value: int) -> str:
        return f"{value:,}".replace(",", thousands)

    least = VISIT_STEPS[index].least
    if index == len(VISIT_STEPS) - 1:
        return f"≥ {number(least)}"
    below = VISIT_STEPS[index + 1].least - 1
    return number(least) if least == below else f"{number(least)}–{number(below)}"
