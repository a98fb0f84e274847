"""The plain-text report (`assistant report`): the same sections as the page, without charts."""

from __future__ import annotations

import logging
import textwrap

from assistant.report.history import History
from assistant.report.sections import build, period_line
from assistant.report.words import Words

_LOGGER = logging.getLogger(__name__)
WIDTH = 100


def render_text(history: History, words: Words) -> str:
    """Title, period, then each section's heading and lines, wrapped for a terminal."""
    lines = [words.text("title")]
    if not history.records:
        return "\n".join([*lines, "", words.text("empty")]) + "\n"
    lines.append(period_line(history, words).text)
    for section in build(history, words):
        lines += ["", section.heading]
        for para in (p for p in section.paras if p.where != "page"):
            lines += textwrap.wrap(para.line.text, WIDTH, initial_indent="  ", subsequent_indent="    ")
    lines += ["", *textwrap.wrap(words.text("companion"), WIDTH)]
    return "\n".join(lines) + "\n"
