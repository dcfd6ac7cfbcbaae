"""The attendance chart: one bar per term, drawn as inline SVG on the server from the same
rows as the table beside it (the chart's text alternative), so no script is needed."""

from dataclasses import dataclass

# The drawing's own units (the SVG scales to the width of its column).
WIDTH = 480
HEIGHT = 240
LEFT = 40  # room for the axis labels
TOP = 20  # room for the figure above a full bar
BOTTOM = 40  # room for the term and the year under each bar
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
GRID = (0, 25, 50, 75, 100)
MOST_BARS = 9  # three years of terms; older terms stay in the table


@dataclass(frozen=True)
class Bar:
    """One term's bar, its figure and its labels, in drawing units."""

    x: float
    y: float
    width: float
    height: float
    centre: float
    figure: str
    term: str
    year: str


@dataclass(frozen=True)
class Gridline:
    """A horizontal line across the plot at a percentage, with its label."""

    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    """The drawing: its size, the bars and the gridlines, and a sentence that sums it up."""

    width: int
    height: int
    plot_left: int
    plot_bottom: int
    bars: list
    gridlines: list
    summary: str


def _y(value):
    """The vertical position of a percentage."""
    return TOP + PLOT_HEIGHT * (1 - float(value) / 100)


def attendance_chart(rows):
    """The chart of attendance % for the latest MOST_BARS terms of an attendance table (a
    year's overall row is in the table only)."""
    shown = [row for row in rows if not row.is_overall][-MOST_BARS:]
    slot = (WIDTH - LEFT) / max(len(shown), 1)
    bars = []
    for position, row in enumerate(shown):
        top = _y(row.attendance)
        x = LEFT + slot * position + slot * 0.2
        bars.append(
            Bar(
                x=round(x, 1),
                y=round(top, 1),
                width=round(slot * 0.6, 1),
                height=round(TOP + PLOT_HEIGHT - top, 1),
                centre=round(x + slot * 0.3, 1),
                figure=f"{row.attendance}%",
                term=row.term.label,
                year=row.term.year,
            )
        )
    summary = "; ".join(f"{bar.term} {bar.year}: {bar.figure}" for bar in bars)
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        plot_left=LEFT,
        plot_bottom=TOP + PLOT_HEIGHT,
        bars=bars,
        gridlines=[Gridline(round(_y(value), 1), f"{value}%") for value in GRID],
        summary=f"Attendance by term: {summary}." if bars else "No attendance recorded yet.",
    )
