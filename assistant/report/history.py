"""The report's facts as plain data with real local dates: what `facts` computes and `sections` puts in words."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

RATING_STEPS = {"progress_safe": "safety", "progress_close": "closeness"}
"""Check-in rating steps (dialogs/checkin.yaml) -> the measure they rate; other rating steps keep their id."""
LOW_RATING = 2
"""A rating at or below this is flagged gently with the therapy signpost (the scale is 1 to 5)."""


@dataclass(frozen=True)
class Rating:
    """One partner's rating of one measure at one check-in."""

    day: date
    partner: str
    measure: str
    """"safety", "closeness", or another rating step's id."""
    value: int
    session_id: str


@dataclass(frozen=True)
class CheckinOutcome:
    """How one check-in session ended (its last status)."""

    day: date
    session_id: str
    status: str
    """"completed", "paused", "stopped", "safety" or "started" (never finished)."""


@dataclass(frozen=True)
class CommitmentFact:
    """A commitment and, when it was looked back on, whether it was marked kept."""

    made: date
    partner: str
    text: str | None
    kept: bool | None = None
    """None: not looked back on yet. Said at the next check-in by the other partner (`confirmed_by`)."""
    reviewed: date | None = None
    confirmed_by: str = ""
    """Who said whether it was kept: the other partner; "" in older records (the maker marked it)."""

    @property
    def by_other(self) -> bool:
        """True when the other partner (not the one who made it) said whether it was kept."""
        return bool(self.confirmed_by) and self.confirmed_by != self.partner


@dataclass(frozen=True)
class TimeOutFact:
    """One time out: when, how it ended, how long the cool-off was timed for."""

    day: date
    ending: str
    """"resume", "reschedule", "stop", or "safety" (a safety response during the time out)."""
    cooloff_minutes: float | None
    """None when no cool-off was timed (ended during the breathing or at the first question)."""


@dataclass(frozen=True)
class ThemeAnswer:
    """One answer to a trigger or need question: who, when; the words only when transcripts are kept."""

    day: date
    step: str
    partner: str
    text: str | None


@dataclass(frozen=True)
class AgreementChange:
    """One version of the written agreement."""

    day: date
    change: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class History:
    """Everything the report shows, for one period ending `today`."""

    today: date
    start: date
    partners: tuple[str, ...]
    """The configured partners first, then any other name found in the records (e.g. before a rename)."""
    records: int = 0
    """How many records the facts were read from (`report` reads only READS in full); 0: nothing recorded yet."""
    checkins: list[CheckinOutcome] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)
    commitments: list[CommitmentFact] = field(default_factory=list)
    timeouts: list[TimeOutFact] = field(default_factory=list)
    thanks: dict[date, frozenset[str]] = field(default_factory=dict)
    """Day -> partners who said an appreciation that day (skipped ones not counted)."""
    themes: list[ThemeAnswer] = field(default_factory=list)
    agreement: list[AgreementChange] = field(default_factory=list)
    safety_days: list[date] = field(default_factory=list)
    keep_transcripts: bool = True

    def checkins_with(self, status: str) -> list[CheckinOutcome]:
        return [c for c in self.checkins if c.status == status]

    def series(self, partner: str, measure: str) -> list[Rating]:
        return list(self._series.get((partner, measure), ()))

    @cached_property
    def _series(self) -> dict[tuple[str, str], list[Rating]]:
        """(partner, measure) -> its ratings in order: grouped once, not scanned per partner and measure."""
        grouped: defaultdict[tuple[str, str], list[Rating]] = defaultdict(list)
        for rating in self.ratings:
            grouped[rating.partner, rating.measure].append(rating)
        return grouped

    @cached_property
    def measures(self) -> list[str]:
        rated = {r.measure for r in self.ratings}
        known = [m for m in RATING_STEPS.values() if m in rated]
        return known + sorted(rated - set(known))
