"""Stories per month per program as an SVG bar chart, drawn on the server.

One stacked bar per month, one colour per program (the legend names them),
a ``<title>`` on every segment ("Group Violence Intervention, Mar 2024: 4")
so a pointer shows the figure, and the whole chart described in ``<title>``
and ``<desc>`` for screen readers. Built as an element tree and serialised by
lxml: program names are escaped by the serialiser. Only attributes are used
for colours, no ``style``, so the desk's Content Security Policy allows it.
"""

from __future__ import annotations

from typing import Any

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from scraper.report.build import Coverage

SVG_NS = "http://www.w3.org/2000/svg"
# Colour-blind-safe palette (Okabe-Ito), then greys for the rest.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
OTHER = "#999999"
HEIGHT = 220  # px of the plot area
BAR = 28  # px per month column, at most
PLOT_WIDTH = 880  # px: more months make narrower columns, not a wider chart
MAX_LABELS = 24  # month labels on the axis; a long period labels every n-th month
LEFT, TOP, BOTTOM = 40, 16, 48  # margins (px): axis labels, legend room below
LEGEND_ROW = 18  # px per legend line


def _el(parent: Any, tag: str, text: str | None = None, **attrib: Any) -> Any:
    element = etree.SubElement(parent, f"{{{SVG_NS}}}{tag}", {k: str(v) for k, v in attrib.items()})
    if text is not None:
        element.text = text
    return element


def _nice_max(value: int) -> int:
    """The top of the axis: ``value`` rounded up to 1, 2 or 5 times a power of ten."""
    if value <= 5:
        return max(value, 1)
    scale = 1
    while True:
        for step in (1, 2, 5):
            if step * scale >= value:
                return step * scale
        scale *= 10


def stories_per_month_svg(report: Coverage) -> str:
    """The chart as an ``<svg>`` element (for inline HTML or a file)."""
    programs = list(report.per_program_month)
    colours = {p: PALETTE[i] if i < len(PALETTE) else OTHER for i, p in enumerate(programs)}
    months = report.months
    top = _nice_max(max(report.by_month.values(), default=0))
    bar = max(4, min(BAR, PLOT_WIDTH // max(len(months), 1)))
    plot_width = max(len(months), 1) * bar
    every = -(-len(months) // MAX_LABELS)  # ceiling
    width = LEFT + plot_width + 16
    legend_top = TOP + HEIGHT + BOTTOM
    height = legend_top + LEGEND_ROW * len(programs) + 8
    root = etree.Element(
        f"{{{SVG_NS}}}svg",
        nsmap={None: SVG_NS},
        attrib={
            "viewBox": f"0 0 {width} {height}",
            "width": str(width),
            "height": str(height),
            "role": "img",
            "aria-labelledby": "chart-title chart-desc",
            "class": "chart",
        },
    )
    _el(root, "title", "Stories per month per program", id="chart-title")
    summary = "; ".join(
        f"{report.month_label(m)}: {report.by_month[m]}" for m in months if report.by_month[m]
    )
    _el(root, "desc", f"Stories per month, {report.total} in all. {summary}", id="chart-desc")
    # Grid lines and the axis figures: 0, half, top.
    for fraction in (0, 0.5, 1):
        y = TOP + HEIGHT - HEIGHT * fraction
        _el(root, "line", x1=LEFT, x2=LEFT + plot_width, y1=y, y2=y, stroke="#dddddd")
        label = f"{top * fraction:g}"
        _el(root, "text", label, x=LEFT - 6, y=y + 4, **{"text-anchor": "end", "font-size": 11})
    for i, month in enumerate(months):
        x = LEFT + i * bar
        base: float = TOP + HEIGHT
        for program in programs:
            count = report.per_program_month[program].get(month, 0)
            if not count:
                continue
            size = HEIGHT * count / top
            base -= size
            segment = _el(
                root,
                "rect",
                x=f"{x + bar * 0.15:.1f}",
                y=f"{base:.1f}",
                width=f"{bar * 0.7:.1f}",
                height=f"{size:.1f}",
                fill=colours[program],
            )
            _el(segment, "title", f"{program}, {report.month_label(month)}: {count}")
        if i % every == 0:  # a label per month, or per n-th month when crowded
            lx, ly = x + bar / 2, TOP + HEIGHT + 14
            _el(
                root,
                "text",
                report.month_label(month),
                x=lx,
                y=ly,
                transform=f"rotate(45 {lx} {ly})",
                **{"font-size": 10},
            )
    for i, program in enumerate(programs):
        y = legend_top + i * LEGEND_ROW
        _el(root, "rect", x=LEFT, y=y, width=12, height=12, fill=colours[program])
        total = report.by_program.get(program, 0)
        _el(root, "text", f"{program} ({total})", x=LEFT + 18, y=y + 10, **{"font-size": 12})
    return str(etree.tostring(root, encoding="unicode"))
