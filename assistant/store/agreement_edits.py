"""The agreement's read-modify-write, as a part of `Store`: one lock around reading and storing a version."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence

from assistant.store.queries import Queries
from assistant.store.records import AgreementVersion, Record


class AgreementEdits(Queries):
    """Agreement methods of `Store` (which provides `_locked` and `append`; `agreement` is a query)."""

    def _locked(self) -> contextlib.AbstractContextManager[None]:
        raise NotImplementedError

    def append(self, record: Record) -> None:
        raise NotImplementedError

    def change_agreement(self, edit: Callable[[list[str]], str], at: str) -> AgreementVersion:
        """Read the agreement, let `edit` change its items in place (it returns the change's name), store it.

        All under one lock, so parallel changes never overwrite one another; `edit` may raise to store nothing.
        """
        with self._locked():
            current = self.agreement()
            items = list(current.items) if current else []
            change = edit(items)
            return self.update_agreement(items, change, at)

    def update_agreement(self, items: Sequence[str], change: str, at: str) -> AgreementVersion:
        """Store a new version of the whole agreement and return it."""
        version = AgreementVersion(at=at, items=tuple(items), change=change)
        self.append(version)
        return version
