"""'We both asked for it': continuing the check-in on the day of a safety stop, when the resume rule allows.

The rule is `assistant.danger.resume_policy` (dialogs/README.md, "After a safety stop"): after suicide or
self-harm, or an unknown category, the check-in may continue when both ask; after violence, fear or control
it stays held, and both asking together is not enough (each partner, separately, after support).
"""

from __future__ import annotations

from assistant.danger.resume import ResumePolicy, resume_policy
from assistant.store.protocol import RecordStore
from assistant.store.records import SafetyEvent

BOTH_ASKED = "both_asked"
"""The activation intent (dialogs/activation.yaml): both partners ask to continue after a safety stop."""


def policy_now(store: RecordStore) -> ResumePolicy:
    """The resume rule after the safety stops so far: held once any stop was about violence, threats, fear or
    control (a later stop of another kind does not lift it); else the latest stop's rule. A record without a
    category (written before v2) reads as unknown: the cautious default, continue only when both ask."""
    policies = [resume_policy(event.category) for event in store.query(SafetyEvent)]
    held = [policy for policy in policies if policy.joint_checkin == "held"]
    return held[-1] if held else policies[-1] if policies else resume_policy("")


def both_asking_may_continue(store: RecordStore) -> bool:
    """True when both partners asking is what the rule needs to continue the joint check-in."""
    return policy_now(store).joint_checkin == "when_both_ask"
