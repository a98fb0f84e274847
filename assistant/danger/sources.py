"""Where the safety data can come from, most specific first: the user's dialog folder, the copy shipped
inside the package (when the wheel carries `dialogs/`), and the checkout's own `dialogs/`."""

from __future__ import annotations

import logging
from pathlib import Path

from assistant import paths

_LOGGER = logging.getLogger(__name__)

LEXICON_FILE = "safety_lexicon.yaml"
SAFETY_FILE = "safety.yaml"


def packaged_dialogs_dir() -> Path | None:
    """The copy of `dialogs/` shipped inside the installed package (`paths.PACKAGED_DIALOGS`), if present."""
    return paths.PACKAGED_DIALOGS if paths.PACKAGED_DIALOGS.is_dir() else None


def dialog_dirs(dialogs_dir: Path | None = None) -> list[Path]:
    """The user's folder (default: `paths.dialogs_dir()`), the packaged copy, the checkout's; no repeats."""
    found: list[Path] = []
    root = paths.checkout_root()
    for candidate in (dialogs_dir or paths.dialogs_dir(), packaged_dialogs_dir(), root / "dialogs" if root else None):
        if candidate is not None and candidate not in found:
            found.append(candidate)
    return found


def lexicon_candidates(dialogs_dir: Path | None = None) -> list[Path]:
    """Every safety_lexicon.yaml to try, in order."""
    return [directory / LEXICON_FILE for directory in dialog_dirs(dialogs_dir)]


def safety_candidates(dialogs_dir: Path | None = None) -> list[Path]:
    """Every safety.yaml to try, in order."""
    return [directory / SAFETY_FILE for directory in dialog_dirs(dialogs_dir)]
