"""A single self-contained HTML page with charts (inline SVG from matplotlib; no scripts, no network).

matplotlib is imported here only, lazily, and used through `Figure` objects (the Agg/SVG canvases, no
pyplot, no global backend switch), so the rest of the program never pays for it.
"""

from __future__ import annotations

import html
import io
import logging
import re
from datetime import timedelta
from typing import TYPE_CHECKING

from assistant.store.report import Summary, render_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

_LOGGER = logging.getLogger(__name__)
RECENT_WEEKS = 26
"""Charts show the last half year; the text covers everything."""
STREAK_DAYS = 28
_WARM = "#c8553d"
_CALM = "#588b8b"
_SOFT = "#f2d0a4"

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>How you two are doing</title>
<style>
 body {{ font-family: Georgia, 'Times New Roman', serif; background: #fffaf3; color: #3d3030;
        max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }}
 h1 {{ font-weight: normal; color: {warm}; }}
 section {{ background: #fff; border-radius: 12px; padding: 1rem 1.25rem; margin: 1.25rem 0;
           box-shadow: 0 1px 4px rgba(0,0,0,.08); }}
 .big {{ font-size: 2.2rem; color: {warm}; margin: 0; }}
 svg {{ width: 100%; height: auto; }}
 footer {{ font-size: .85rem; color: #8a7a7a; }}
</style></head><body>
<h1>How you two are doing</h1>
<p>{intro}</p>
{sections}
<footer>Made on this computer from your own records; nothing was sent anywhere.</footer>
</body></html>
"""


def render_html(summary: Summary) -> str:
    """The whole page as a string."""
    text_lines = render_text(summary).splitlines()
    intro = html.escape(text_lines[0])
    sections = []
    for line in filter(None, text_lines[2:]):
        title, sep, body = line.partition(":")
        sections.append(_section(html.escape(title), _big(summary, line), html.escape(body)) if sep
                        else f"<section><p>{html.escape(line)}</p></section>")
    charts = _charts(summary)
    return _PAGE.format(warm=_WARM, intro=intro, sections="\n".join(sections + charts))


def _section(title: str, big: str, body: str, chart: str = "") -> str:
    return f"<section><h2>{title}</h2>{big}<p>{body.strip()}</p>{chart}</section>"


def _big(summary: Summary, line: str) -> str:
    if line.startswith("Commitments") and summary.kept_percent is not None:
        return f'<p class="big">{summary.kept_percent:.0f}% kept</p>'
    if line.startswith("Appreciations") and summary.appreciation_streak:
        return f'<p class="big">{summary.appreciation_streak} days in a row</p>'
    if line.startswith("Check-ins") and summary.checkins_completed:
        return f'<p class="big">{summary.checkins_completed}</p>'
    return ""


def _charts(summary: Summary) -> list[str]:
    charts = []
    if summary.rating_weeks:
        charts.append(_section("Your ratings, week by week", "", "Average of both of your ratings (1 to 5).",
                               _svg(_ratings_figure(summary))))
    if summary.timeout_weeks:
        charts.append(_section("Time outs per week", "", "Each bar is one week. Fewer is not the goal; "
                               "calmer is.", _svg(_timeouts_figure(summary))))
    if summary.appreciation_days:
        charts.append(_section("Appreciations, the last four weeks", "", "A filled square is a day you "
                               "said thank you.", _svg(_streak_figure(summary))))
    return charts


def _figure(height: float = 2.6) -> Figure:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.0, height), dpi=100)
    fig.patch.set_alpha(0)
    return fig


def _tidy(ax: object) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)  # type: ignore[attr-defined]


def _ratings_figure(summary: Summary) -> Figure:
    from matplotlib.dates import DateFormatter, date2num

    weeks = summary.rating_weeks[-RECENT_WEEKS:]
    fig = _figure()
    ax = fig.add_subplot()
    ax.plot(date2num([w for w, _ in weeks]), [v for _, v in weeks], marker="o", color=_WARM, linewidth=2)
    ax.set_ylim(0.5, 5.5)
    ax.set_yticks([1, 2, 3, 4, 5])
    ax.grid(axis="y", alpha=0.3)
    ax.xaxis.set_major_formatter(DateFormatter("%d %b"))
    _tidy(ax)
    return fig


def _timeouts_figure(summary: Summary) -> Figure:
    from matplotlib.ticker import MaxNLocator

    weeks = summary.timeout_weeks[-RECENT_WEEKS:]
    fig = _figure()
    ax = fig.add_subplot()
    ax.bar([f"{w:%d %b}" for w, _ in weeks], [n for _, n in weeks], width=0.7, color=_CALM)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("week starting")
    if len(weeks) > 10:
        ax.tick_params(axis="x", labelrotation=45)
    _tidy(ax)
    return fig


def _streak_figure(summary: Summary) -> Figure:
    days = [summary.today - timedelta(days=n) for n in range(STREAK_DAYS - 1, -1, -1)]
    fig = _figure(1.2)
    ax = fig.add_subplot()
    for i, day in enumerate(days):
        ax.add_patch(_square(i, _WARM if day in summary.appreciation_days else _SOFT))
    ax.set_xlim(-0.2, STREAK_DAYS)
    ax.set_ylim(-0.1, 1.0)
    ax.set_aspect("equal")
    ticks = range(0, STREAK_DAYS, 7)
    ax.set_xticks([i + 0.45 for i in ticks], [f"{days[i]:%d %b}" for i in ticks])
    ax.set_yticks([])
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="x", length=0)
    return fig


def _square(x: int, color: str) -> Patch:
    from matplotlib.patches import FancyBboxPatch

    return FancyBboxPatch((x, 0), 0.9, 0.9, boxstyle="round,pad=0,rounding_size=0.15", color=color)


def _svg(fig: Figure) -> str:
    """The figure as an inline <svg> element."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    svg = buffer.getvalue()
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)
    return svg[svg.index("<svg"):]
