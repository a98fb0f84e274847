"""The report's words: dialog lines from dialogs/report.yaml, counted words, and dates written out."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

from assistant.dialog.library import DialogLibrary, Line

_LOGGER = logging.getLogger(__name__)
FILE = "report.yaml"
"""Every word of the report: the only dialog file it reads (`dialogs check` validates them all)."""
PREFIX = "report."


class Words:
    """Renders report.<key> lines; one variant per id, so the same history always reads the same."""

    def __init__(self, library: DialogLibrary | None = None) -> None:
        self.library = library or DialogLibrary.load_prompts(FILE, seed=0)

    def line(self, key: str, **slots: object) -> Line:
        return self.library.render(PREFIX + key, **slots)

    def text(self, key: str, **slots: object) -> str:
        return self.line(key, **slots).text

    def count(self, key: str, n: int | float) -> str:
        """"1 day", "3 days": report.<key>_one or report.<key>_other."""
        shown = f"{n:g}" if isinstance(n, float) else str(n)
        return self.text(f"{key}_{'one' if n == 1 else 'other'}", n=shown)

    def listing(self, parts: Iterable[str]) -> str:
        """Parts joined by commas (the dialogs put them inside a sentence)."""
        return ", ".join(parts)

    def measure(self, measure: str) -> str:
        key = f"measure_{measure}"
        return self.text(key) if self.library.has(PREFIX + key) else self.text("measure_other", step=measure)


def long_date(day: date) -> str:
    """"Sunday 4 January 2026" (names in the system's language)."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def short_date(day: date, year: bool = False) -> str:
    """"4 Jan", or "4 Jan 2026"."""
    return f"{day.day} {day:%b}" + (f" {day.year}" if year else "")


def dates(days: Iterable[date]) -> str:
    """Several days, each with its year: short enough for a list, never ambiguous."""
    return ", ".join(short_date(day, year=True) for day in days)
