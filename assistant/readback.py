"""What the couple decided, read back as dialog lines: open commitments and the written agreement.

Used by the always-on companion ("what did we commit to?", "read our agreement") and by the commands
`assistant commitments` and `assistant agreement list`; the words are in dialogs/readback.yaml.
"""

from __future__ import annotations

from assistant.activities.followthrough import open_commitments, wording
from assistant.dialog.library import DialogLibrary, Line
from assistant.store.protocol import RecordStore
from assistant.store.records import AgreementVersion

READ_INTENTS = {"read_commitments", "read_agreement"}
"""Activation intents (dialogs/activation.yaml) answered by reading back."""


def commitment_lines(library: DialogLibrary, store: RecordStore) -> list[Line]:
    """The last check-in's commitments not reviewed yet, confirmed words only."""
    commitments = open_commitments(store, before_session="")
    if not commitments:
        return [library.render("readback.commitments_none")]
    return [library.render("readback.commitments_intro"),
            *(library.render("readback.commitment_item", partner=c.partner, commitment=wording(library, c))
              for c in commitments)]


def agreement_lines(library: DialogLibrary, store: RecordStore) -> list[Line]:
    """The current agreement, numbered."""
    versions = store.query(AgreementVersion)
    items = versions[-1].items if versions else ()
    if not items:
        return [library.render("readback.agreement_none")]
    intro = "readback.agreement_intro_one" if len(items) == 1 else "readback.agreement_intro_many"
    return [library.render(intro, count=len(items)),
            *(library.render("readback.agreement_item", number=n, item=item) for n, item in enumerate(items, 1))]


def read_back(intent: str, library: DialogLibrary, store: RecordStore) -> list[Line]:
    """The lines answering a read intent."""
    if intent == "read_commitments":
        return commitment_lines(library, store)
    if intent == "read_agreement":
        return agreement_lines(library, store)
    raise ValueError(f"not a read-back intent: {intent!r}")
