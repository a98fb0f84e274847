"""After a safety stop: when the joint check-in may run again.

The rule is `assistant.danger.resume_policy` (dialogs/README.md, "After a safety stop"):
- after suicide or self-harm, or an unknown category, the check-in may continue on the same day when both ask
  ("we both asked for it"); from the next day it runs as usual;
- after violence, threats, fear or control, joint check-ins stay held, on every day, until each partner, on
  their own, has asked for them again (`assistant reopen-checkins NAME`, typed, no sound): both asking
  together is not enough, and nobody is asked to vouch for the other's safety in front of them. A later stop
  of that kind holds them again.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.danger.resume import ResumePolicy, resume_policy
from assistant.store.protocol import RecordStore
from assistant.store.records import JointCheckinRequest, SafetyEvent

BOTH_ASKED = "both_asked"
"""The activation intent (dialogs/activation.yaml): both partners ask to continue after a safety stop."""
HELD_VIOLENCE_DIALOG_ID = "safety.checkin_held_violence"
"""Said instead of a joint check-in while it is held after violence (any day)."""


def _waiting_on(store: RecordStore, events: Sequence[SafetyEvent], partners: Sequence[str]) -> tuple[str, ...]:
    """`waiting_on`, given the safety stops so far (`events`)."""
    held = [event.when for event in events if resume_policy(event.category).joint_checkin == "held"]
    if not held:
        return ()
    since = max(held)
    asked = {request.partner for request in store.query(JointCheckinRequest, since=since) if request.when > since}
    return tuple(partner for partner in partners if partner not in asked)


def waiting_on(store: RecordStore, partners: Sequence[str]) -> tuple[str, ...]:
    """The partners who still have to ask, each on their own, before joint check-ins re-open after the latest
    stop about violence, threats, fear or control; () when nothing is held."""
    return _waiting_on(store, store.query(SafetyEvent), partners)


def joint_checkins_held(store: RecordStore, partners: Sequence[str]) -> bool:
    """True while joint check-ins are held after violence, threats, fear or control (on any day)."""
    return bool(waiting_on(store, partners))


def policy_now(store: RecordStore, partners: Sequence[str]) -> ResumePolicy:
    """The resume rule after the safety stops so far: held while any stop about violence, threats, fear or
    control has not been answered by both partners' own requests (a later stop of another kind does not lift
    it); else the latest stop's rule. A record without a category (written before v2) reads as unknown: the
    cautious default, continue only when both ask."""
    events = store.query(SafetyEvent)
    if _waiting_on(store, events, partners):
        return resume_policy("partner_violence")
    latest = resume_policy(events[-1].category if events else "")
    return latest if latest.joint_checkin != "held" else resume_policy("")  # a hold both lifted: as unknown
