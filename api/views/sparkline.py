"""Tiny server-rendered bar charts (inline SVG): no script, a few hundred bytes each."""

from markupsafe import Markup, escape

BAR_WIDTH = 4
BAR_GAP = 1
HEIGHT = 24


def sparkline_svg(values: list[int], label: str) -> Markup:
    """One bar per value, scaled to the largest; `label` describes the chart for screen readers."""
    top = max(values, default=0) or 1
    bars = []
    for index, value in enumerate(values):
        if value:
            height = max(1, round(value / top * HEIGHT))
            bars.append(f"M{index * (BAR_WIDTH + BAR_GAP)} {HEIGHT}v-{height}h{BAR_WIDTH}v{height}z")
    width = len(values) * (BAR_WIDTH + BAR_GAP) - BAR_GAP
    return Markup(
        f'<svg class="spark" width="{width}" height="{HEIGHT}" viewBox="0 0 {width} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}"><path d="M0 {HEIGHT - 0.5}h{width}" stroke="#ccc"/>'
        f'<path fill="#a4161a" d="{"".join(bars)}"/></svg>'
    )
