"""Years of history shaped like real use, record for record as the activities and the scheduler write them.

Per year (~2,300 records, so 50 years ~115,000): the daily appreciation prompt (said on 3 days in 7: prompt
spoken + answered, session started + completed, one appreciation per partner; otherwise spoken + missed), the
weekly check-in on 40 weeks (prompt, session, 8 rated answers, last week's commitments reviewed, two new
commitments), a time out every other week (its session events and the TimeOut), and a monthly agreement
review (prompt, session, two answers; a new agreement version every fourth month). Times carry a UTC offset,
as `clock.now().isoformat()` writes them.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from assistant.store.records import (
    AgreementVersion,
    Appreciation,
    Commitment,
    CommitmentReview,
    PromptEvent,
    Record,
    SessionEvent,
    StepAnswer,
    TimeOut,
)

ZONE = timezone(timedelta(hours=1))
PARTNERS = ("Alex", "Sam")
STEPS = ("opening", "went_well", "rating", "issue")


def _prompt(at: datetime, prompt: str, outcome: str) -> PromptEvent:
    return PromptEvent(at=at.isoformat(), prompt=prompt, outcome=outcome, due_at=at.isoformat())  # type: ignore[arg-type]


def _session(at: datetime, sid: str, activity: str, status: str) -> SessionEvent:
    return SessionEvent(at=at.isoformat(), session_id=sid, activity=activity, status=status)  # type: ignore[arg-type]


def _appreciation(day: int, at: datetime) -> list[Record]:
    if day % 7 not in (0, 2, 4):
        return [_prompt(at, "appreciation", "spoken"), _prompt(at + timedelta(minutes=5), "appreciation", "missed")]
    sid = f"app-{day}"
    return [_prompt(at, "appreciation", "spoken"), _prompt(at, "appreciation", "answered"),
            _session(at, sid, "appreciation", "started"),
            *(Appreciation(at=(at + timedelta(minutes=1 + p)).isoformat(), partner=partner, prompt_id=f"p{day % 40}",
                           text="Thank you for making coffee this morning.", skipped=(day + p) % 11 == 0)
              for p, partner in enumerate(PARTNERS)),
            _session(at + timedelta(minutes=3), sid, "appreciation", "completed")]


def _checkin(week: int, at: datetime, previous: list[Commitment]) -> tuple[list[Record], list[Commitment]]:
    sid = f"checkin-{week}"
    records: list[Record] = [_prompt(at, "checkin_reminder", "spoken"), _prompt(at, "checkin_reminder", "answered"),
                             _session(at, sid, "checkin", "started")]
    for n, step in enumerate(STEPS):
        for p, partner in enumerate(PARTNERS):
            records.append(StepAnswer(at=(at + timedelta(minutes=n * 4 + p)).isoformat(), session_id=sid,
                                      activity="checkin", step=step, partner=partner, intent="answer",
                                      rating=(week + n + p) % 5 + 1, duration_s=12.5,
                                      text="We had a calmer week and talked before dinner most days."))
    later = (at + timedelta(minutes=20)).isoformat()
    records += [CommitmentReview(at=later, session_id=sid, commitment_id=c.id, kept=week % 3 != 0) for c in previous]
    made = [Commitment(at=later, session_id=sid, partner=partner, text="A walk on Sunday.") for partner in PARTNERS]
    records += [*made, _session(at + timedelta(minutes=30), sid, "checkin", "completed")]
    return records, made


def _timeout(n: int, at: datetime) -> list[Record]:
    sid, end = f"timeout-{n}", at + timedelta(minutes=24)
    return [_session(at, sid, "timeout", "started"),
            TimeOut(at=end.isoformat(), started_at=at.isoformat(), breathing_cycles=6, cooloff_s=1200.0 + n % 600,
                    outcome="resume"),
            _session(end, sid, "timeout", "completed")]


def _review(month: int, at: datetime) -> list[Record]:
    sid = f"review-{month}"
    records: list[Record] = [_prompt(at, "agreement_review", "spoken"), _prompt(at, "agreement_review", "answered"),
                             _session(at, sid, "agreement_review", "started")]
    records += [StepAnswer(at=(at + timedelta(minutes=1 + i)).isoformat(), session_id=sid,
                           activity="agreement_review", step="review_item", intent="keep") for i in range(2)]
    if month % 4 == 0:
        records.append(AgreementVersion(at=(at + timedelta(minutes=4)).isoformat(), change="review",
                                        items=("We tell each other where we are.", f"Phones stay open ({month}).")))
    return [*records, _session(at + timedelta(minutes=5), sid, "agreement_review", "completed")]


def real_use(years: int, start_year: int = 2026) -> list[Record]:
    """`years` of records in the order they were written."""
    start = datetime(start_year, 1, 5, 0, 0, tzinfo=ZONE)  # a Monday
    records: list[Record] = []
    previous: list[Commitment] = []
    for day in range(round(365.25 * years)):
        midnight = start + timedelta(days=day)
        if day % 14 == 3:
            records += _timeout(day, midnight + timedelta(hours=18, minutes=10))
        if day % 7 == 6 and (day // 7) % 13 not in (3, 6, 9, 12):  # Sunday, 40 weeks a year
            batch, previous = _checkin(day // 7, midnight + timedelta(hours=19), previous)
            records += batch
        if day % 30 == 10:
            records += _review(day // 30, midnight + timedelta(hours=19, minutes=45))
        records += _appreciation(day, midnight + timedelta(hours=20))
    return records
