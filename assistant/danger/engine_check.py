"""The danger check the interpreter calls: `assess(text) -> "none" | "ambiguous" | "danger"`.

Built once per pipeline from the process's shared detector (compiling starts at construction, on a thread,
so it overlaps the greeting). `verdict(text)` also gives the category, which the safety stop needs for
`resume_policy`. Never raises: any failure answers "ambiguous" (the calm question), never silence.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from assistant.danger.detector import Level, Verdict
from assistant.danger.shared import warm

_LOGGER = logging.getLogger(__name__)
UNASSESSED = Verdict("ambiguous", "unassessed")


class LexiconDangerCheck:
    """A `DangerCheck` over dialogs/safety_lexicon.yaml with the partners' names."""

    def __init__(self, dialogs_dir: Path, partners: Sequence[str] = ()) -> None:
        self._detector = warm(dialogs_dir, partners)
        self.last_category = ""
        """The category of the latest danger or ambiguous verdict (what a safety stop records)."""

    def verdict(self, text: str) -> Verdict:
        """Level and category of one typed answer or transcription."""
        try:
            found = self._detector.result().assess(text)
        except Exception:  # noqa: BLE001 - the safety path never fails
            _LOGGER.exception("danger check failed; answering ambiguous")
            found = UNASSESSED if text.strip() else Verdict("none")
        if found.level != "none":
            self.last_category = found.category
        return found

    def assess(self, text: str) -> Level:
        """"none", "ambiguous" (ask one calm question) or "danger" (stop, give the resources)."""
        return self.verdict(text).level

    def spoken_phrases(self) -> tuple[str, ...]:
        """Phrases for the free-text sentinel grammar pass."""
        try:
            return self._detector.result().spoken_phrases()
        except Exception:  # noqa: BLE001 - no phrases is better than no listening
            _LOGGER.exception("danger check has no spoken phrases")
            return ()
