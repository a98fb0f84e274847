"""The appreciation calendar: every month of the period, every day on its real date, with a legend.

Plain HTML tables (crisp on paper, readable by a screen reader); month and weekday names from the system.
"""

from __future__ import annotations

import calendar
import html
import logging
from datetime import date

from assistant.report.history import History
from assistant.report.words import Words

_LOGGER = logging.getLogger(__name__)
CELL_CLASSES = ("both", "one", "none", "outside")
"""Day classes, in legend order: both partners thanked, one did, nobody did, outside the period."""


def day_class(history: History, day: date) -> str:
    if day < history.start or day > history.today:
        return "outside"
    who = history.thanks.get(day, frozenset())
    return "both" if len(who) >= 2 else "one" if who else "none"


def months(history: History) -> list[tuple[int, int]]:
    """(year, month) from the period's first month to its last."""
    found, year, month = [], history.start.year, history.start.month
    while (year, month) <= (history.today.year, history.today.month):
        found.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def month_table(history: History, year: int, month: int) -> str:
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    head = "".join(f"<th>{html.escape(calendar.day_abbr[i][:2])}</th>" for i in range(7))
    rows = []
    for week in weeks:
        cells = []
        for day in week:
            if day.month != month:
                cells.append("<td></td>")
                continue
            kind = day_class(history, day)
            cells.append(f'<td class="{kind}" data-date="{day.isoformat()}">{day.day}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    caption = html.escape(f"{calendar.month_name[month]} {year}")
    return (f'<table class="month"><caption>{caption}</caption><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def calendar_html(history: History, words: Words) -> str:
    """Legend, then one small table per month."""
    legend = "".join(f'<span class="key"><span class="swatch {kind}"></span>'
                     f'{html.escape(words.text("legend_" + kind))}</span>' for kind in CELL_CLASSES)
    tables = "".join(month_table(history, year, month) for year, month in months(history))
    caption = html.escape(words.text("chart_calendar"))
    return (f'<figure class="calendar"><figcaption>{caption}</figcaption><div class="legend">{legend}</div>'
            f'<div class="months">{tables}</div></figure>')
