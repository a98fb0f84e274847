"""Charts for the page, drawn with matplotlib `Figure` objects (no pyplot, no global backend switch).

Each is true to the calendar: a point sits on the day of its check-in, a missed week breaks the line, every
chart shares the report's period on its x axis, and a tick label carries its year whenever the year changes.
This module is imported only for `report --html`/`--pdf`, so the rest of the program never pays for matplotlib.
"""

from __future__ import annotations

import io
import logging
import math
import re
from collections import Counter
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.dates import AutoDateLocator, date2num, num2date
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, MaxNLocator

from assistant.report.history import LOW_RATING, History, Rating
from assistant.report.words import Words, short_date

if TYPE_CHECKING:
    from matplotlib.axes import Axes

_LOGGER = logging.getLogger(__name__)
MISSED_GAP = timedelta(days=11)
"""Check-ins are weekly; a day or two late stays joined, a gap over a week and a half means a week was missed."""
PARTNER_COLOURS = ("#c8553d", "#2f6690")
"""One colour per partner, used on every chart and table of the page."""
MEASURE_STYLE = {"safety": ("-", "o"), "closeness": ("--", "s")}
ENDING_COLOURS = {"resume": "#588b8b", "reschedule": "#e0a458", "stop": "#9a8c98", "safety": "#7b2d26"}
LOW_BAND = "#f6e3dc"
INK = "#3d3030"


class YearAwareDates(Formatter):
    """"4 Jan" on each tick; the year below the first tick and below any tick where the year changes."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        return short_date(num2date(x).date(), year=True)

    def format_ticks(self, values: Any) -> list[str]:
        labels, last_year = [], None
        for value in values:
            day = num2date(value).date()
            labels.append(short_date(day) + (f"\n{day.year}" if day.year != last_year else ""))
            last_year = day.year
        return labels


def partner_colour(history: History, partner: str) -> str:
    """The partner's own colour (the same on every chart and table)."""
    index = history.partners.index(partner) if partner in history.partners else len(history.partners)
    return PARTNER_COLOURS[index % len(PARTNER_COLOURS)]


def period_axis(ax: Axes, history: History) -> None:
    """The whole report period on the x axis, with year-aware date ticks."""
    ax.set_xlim(date2num(history.start - timedelta(days=3)), date2num(history.today + timedelta(days=3)))
    ax.xaxis.set_major_locator(AutoDateLocator(minticks=3, maxticks=8))
    ax.xaxis.set_major_formatter(YearAwareDates())
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(colors=INK, labelsize=9)


def with_gaps(series: list[Rating]) -> tuple[list[float], list[float]]:
    """x (matplotlib date numbers) and y; a NaN point between two ratings further apart than MISSED_GAP."""
    xs: list[float] = []
    ys: list[float] = []
    for before, rating in zip([None, *series], series, strict=False):
        if before is not None and rating.day - before.day > MISSED_GAP:
            xs.append(date2num(before.day + (rating.day - before.day) / 2))
            ys.append(math.nan)
        xs.append(date2num(rating.day))
        ys.append(float(rating.value))
    return xs, ys


def ratings_figure(history: History, words: Words) -> Figure:
    """One panel per partner: their own safety and closeness lines (never an average of the two of you)."""
    partners = [p for p in history.partners if any(r.partner == p for r in history.ratings)]
    fig = Figure(figsize=(7.2, 1.9 * len(partners) + 0.6), dpi=100, layout="constrained")
    fig.patch.set_alpha(0)
    axes = fig.subplots(len(partners), 1, sharex=True, squeeze=False)[:, 0]
    for ax, partner in zip(axes, partners, strict=True):
        index = history.partners.index(partner)
        colour = partner_colour(history, partner)
        ax.axhspan(0.5, LOW_RATING + 0.5, color=LOW_BAND, zorder=0)
        for measure in history.measures:
            series = history.series(partner, measure)
            if not series:
                continue
            style, marker = MEASURE_STYLE.get(measure, (":", "^"))
            xs, ys = with_gaps(series)
            ax.plot(xs, ys, linestyle=style, marker=marker, color=colour, linewidth=2, markersize=5,
                    label=words.measure(measure), gid=f"ratings-{index}-{measure}")
        for number, day in enumerate(history.safety_days):
            ax.axvline(date2num(day), color=ENDING_COLOURS["safety"], linestyle=":", linewidth=1.5,
                       label=None if number else words.text("legend_safety"))
        ax.set_ylim(0.5, 5.5)
        ax.set_yticks([1, 2, 3, 4, 5])
        ax.grid(axis="y", alpha=0.3)
        ax.set_title(partner, loc="left", color=colour, fontsize=11, fontweight="bold")
        ax.set_ylabel(words.text("axis_rating"), color=INK, fontsize=9)
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False, ncols=3)
        period_axis(ax, history)
    return fig


def timeouts_figure(history: History, words: Words) -> Figure:
    """Time outs per week on the real calendar, stacked by how they ended; one time out is one slim bar."""
    fig = Figure(figsize=(7.2, 2.4), dpi=100, layout="constrained")
    fig.patch.set_alpha(0)
    ax = fig.add_subplot()
    weeks = Counter((t.day - timedelta(days=t.day.weekday()), t.ending) for t in history.timeouts)
    mondays = sorted({monday for monday, _ in weeks})
    stacked: Counter[date] = Counter()
    for ending, colour in ENDING_COLOURS.items():
        drawn = [(monday, weeks[(monday, ending)]) for monday in mondays if weeks[(monday, ending)]]
        if not drawn:
            continue
        ax.bar([date2num(m + timedelta(days=3.5)) for m, _ in drawn], [n for _, n in drawn], width=6,
               bottom=[stacked[m] for m, _ in drawn], color=colour, label=words.text(f"ending_{ending}"),
               gid=f"timeouts-{ending}")
        stacked.update(dict(drawn))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max([*stacked.values(), 1]) + 0.5)
    ax.set_ylabel(words.text("axis_timeouts"), color=INK, fontsize=9)
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False, ncols=4)
    period_axis(ax, history)
    return fig


def svg(fig: Figure, title: str) -> str:
    """The figure as an inline <svg> with a <title> for screen readers; no metadata (dates, tool banners)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.DOTALL)
    text = text[text.index("<svg"):]
    opening_end = text.index(">") + 1
    return f'{text[:opening_end]}<title>{title}</title>{text[opening_end:]}'


def tick_labels(fig: Figure) -> list[str]:
    """Every x tick label of every panel, as drawn (for tests and for checking the years)."""
    fig.canvas.draw()
    return [label.get_text() for ax in fig.axes for label in ax.get_xticklabels() if label.get_text()]


def plotted_days(fig: Figure, gid: str) -> list[date | None]:
    """The days a line with this gid was drawn at; None where the line is broken (for tests)."""
    for ax in fig.axes:
        for line in ax.get_lines():
            if line.get_gid() == gid:
                xs = np.asarray(line.get_xdata(), dtype=float).tolist()
                ys = np.asarray(line.get_ydata(), dtype=float).tolist()
                return [None if math.isnan(y) else num2date(x).date() for x, y in zip(xs, ys, strict=True)]
    raise KeyError(gid)

