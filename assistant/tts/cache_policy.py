"""Which spoken lines may go into the TTS cache on disk.

The cache must hold nothing private beyond what the dialogs themselves say. A line may be cached only
when its text is one of its dialog id's variants in dialogs/, with every {slot} filled by a value of a
kind that is not a partner's answer:

- no slots at all (acknowledgements, fixed prompts, breathing, help);
- names (the couple's names are said by every session and stored in the settings anyway);
- numbers (minutes, counts, breathing seconds);
- fixed dialog text (the safety message's resources are themselves a slot-free dialog line).

Every other slot (summaries, proposals, agreement items, wins, what a partner said) keeps the line out
of the cache, and so does any text that is not a dialog line (`assistant say`'s free text). Unknown slot
names are treated as private: a new slot is uncached until someone decides otherwise here.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping

NAME_SLOTS = frozenset({"partner", "partner_a", "partner_b", "other"})
NUMBER_SLOTS = frozenset({"number", "minutes", "days", "count", "total", "cycles", "inhale", "exhale"})
DIALOG_TEXT_SLOTS = frozenset({"resources"})
_NAME = r"[^\W\d_][\w'’-]{0,29}(?: [^\W\d_][\w'’-]{0,29}){0,2}"
"""A name: up to three words of letters, no sentence punctuation."""
_NUMBER = r"\d{1,6}(?:[.,]\d{1,3})?"


def _normalise(text: str) -> str:
    return " ".join(text.split())


class CachePolicy:
    """`may_cache(text, dialog_id)` for the prompts of a DialogLibrary (`library.prompts`)."""

    def __init__(self, prompts: Mapping[str, Iterable[str]]) -> None:
        self._fixed: dict[str, set[str]] = {}
        self._templates: dict[str, list[list[tuple[str, str | None]]]] = {}
        for dialog_id, variants in prompts.items():
            for variant in variants:
                parts = [(literal, name) for literal, name, _, _ in string.Formatter().parse(variant)]
                if not any(name for _, name in parts):
                    self._fixed.setdefault(dialog_id, set()).add(_normalise(variant))
                elif all(name is None or name in NAME_SLOTS | NUMBER_SLOTS | DIALOG_TEXT_SLOTS
                         for _, name in parts):
                    self._templates.setdefault(dialog_id, []).append(parts)
        self._compiled: dict[str, list[re.Pattern[str]]] = {}
        self._dialog_text: str | None = None

    @classmethod
    def from_library(cls, library: object) -> CachePolicy:
        return cls(getattr(library, "prompts", {}))

    def fixed_lines(self) -> list[tuple[str, str]]:
        """(text, dialog_id) of every slot-free variant: what start-up may render ahead of time."""
        return [(text, dialog_id) for dialog_id, texts in sorted(self._fixed.items()) for text in sorted(texts)]

    def may_cache(self, text: str, dialog_id: str) -> bool:
        if not dialog_id or not text.strip():
            return False
        text = _normalise(text)
        if text in self._fixed.get(dialog_id, ()):
            return True
        return any(pattern.fullmatch(text) for pattern in self._patterns(dialog_id))

    def _patterns(self, dialog_id: str) -> list[re.Pattern[str]]:
        if dialog_id not in self._compiled:
            self._compiled[dialog_id] = [re.compile(self._regex(parts)) for parts in
                                         self._templates.get(dialog_id, [])]
        return self._compiled[dialog_id]

    def _regex(self, parts: list[tuple[str, str | None]]) -> str:
        pieces = []
        for literal, name in parts:
            pieces.append(r"\s*".join(re.escape(word) for word in re.split(r"\s+", literal)))
            if name in NAME_SLOTS:
                pieces.append(f"(?:{_NAME})")
            elif name in NUMBER_SLOTS:
                pieces.append(f"(?:{_NUMBER})")
            elif name in DIALOG_TEXT_SLOTS:
                pieces.append(f"(?:{self._fixed_text_regex()})")
        return "".join(pieces)

    def _fixed_text_regex(self) -> str:
        if self._dialog_text is None:
            texts = {text for texts in self._fixed.values() for text in texts}
            self._dialog_text = "|".join(re.escape(text) for text in sorted(texts, key=len, reverse=True))
        return self._dialog_text
