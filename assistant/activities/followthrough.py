"""Follow-through on commitments, read the same way by the check-in, the commands and the report.

Records are never edited: a commitment made again after "go back" carries `supersedes`, and so does a review
answered again; these helpers give the current view. Who speaks first alternates week by week.
"""

from __future__ import annotations

from collections.abc import Iterable

from assistant.dialog.library import DialogLibrary
from assistant.store.protocol import RecordStore
from assistant.store.records import Commitment, CommitmentReview, SessionEvent


def live_commitments(commitments: Iterable[Commitment]) -> list[Commitment]:
    """Commitments in the order made, without those a later one replaced."""
    commitments = list(commitments)
    replaced = {c.supersedes for c in commitments if c.supersedes}
    return [c for c in commitments if c.id not in replaced]


def latest_reviews(reviews: Iterable[CommitmentReview]) -> dict[str, CommitmentReview]:
    """Commitment id -> its current review (a review answered again replaces the earlier one)."""
    reviews = list(reviews)
    replaced = {r.supersedes for r in reviews if r.supersedes}
    return {r.commitment_id: r for r in reviews if r.id not in replaced}


def open_commitments(store: RecordStore, before_session: str) -> list[Commitment]:
    """The most recent earlier check-in's commitments that have not been reviewed yet."""
    commitments = live_commitments(c for c in store.query(Commitment) if c.session_id != before_session)
    if not commitments:
        return []
    reviewed = set(latest_reviews(r for r in store.query(CommitmentReview) if r.session_id != before_session))
    latest_session = commitments[-1].session_id
    return [c for c in commitments if c.session_id == latest_session and c.id not in reviewed]


def wording(library: DialogLibrary, commitment: Commitment, recorded: bool = False) -> str:
    """The words read back next week: only confirmed words, else 'the commitment <partner> made' (or, with the
    partner's own recording played after the line, 'what you'll hear in <partner>'s own voice')."""
    if commitment.confirmed and commitment.text:
        return commitment.text
    key = "recorded_commitment" if recorded else "unworded_commitment"
    return library.render(f"followthrough.{key}", partner=commitment.partner).text


def speaking_order(store: RecordStore, partners: tuple[str, str]) -> tuple[str, str]:
    """Who answers first this week: alternates with each completed check-in (derived from the store)."""
    completed = {e.session_id for e in store.query(SessionEvent)
                 if e.activity == "checkin" and e.status == "completed"}
    return partners if len(completed) % 2 == 0 else (partners[1], partners[0])
