"""Crisis resources per country, read so that they can always be given.

The text lives in dialogs/safety.yaml (`resources_<CC>`, `resources_default`). It is read from the user's dialog
folder, else the copy shipped in the package, else the checkout's; a missing or broken file never stops the
resources: the last resort is `LAST_RESORT`, the one line of dialog text kept in code on purpose.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import yaml

from assistant.danger.sources import safety_candidates

_LOGGER = logging.getLogger(__name__)

# LAST-RESORT FALLBACK, deliberately in code: used only when no safety.yaml anywhere can be read.
LAST_RESORT = ("If anyone is in danger, call your emergency number now: 911 in the US and Canada, 999 in the UK, "
               "112 in Ireland and the European Union, 000 in Australia. For thoughts of suicide: call or text "
               "988 in the US and Canada; Samaritans 116 123 in the UK and Ireland; Lifeline 13 11 14 in "
               "Australia. findahelpline.com lists crisis lines for other countries.")


def _prompts(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    prompts = data.get("prompts") if isinstance(data, dict) else None
    if not isinstance(prompts, dict):
        raise ValueError(f"{path}: prompts: missing (expected `prompts: {{resources_US: [...], ...}}`)")
    return prompts


def _first_text(prompts: dict[str, Any], key: str) -> str | None:
    variants = prompts.get(key)
    if isinstance(variants, str):
        variants = [variants]
    if isinstance(variants, list) and variants and isinstance(variants[0], str) and variants[0].strip():
        return variants[0].strip()
    return None


def prompt_text(key: str, dialogs_dir: Path | None = None) -> str | None:
    """The first variant of safety.<key> from the first readable safety.yaml that has it; None if none has."""
    for path in safety_candidates(dialogs_dir):
        try:
            text = _first_text(_prompts(path), key)
        except Exception as exc:  # noqa: BLE001 - a broken file must not stop the resources
            _LOGGER.error("safety dialogs unusable, trying the next copy: %s", exc)
            continue
        if text:
            return text
    return None


def resources_text(country: str = "US", dialogs_dir: Path | None = None) -> str:
    """The resources for `country` (resources_default if it has none); never raises, never empty."""
    try:
        code = (country or "").strip().upper()
        return (prompt_text(f"resources_{code}", dialogs_dir) or prompt_text("resources_default", dialogs_dir)
                or LAST_RESORT)
    except Exception:  # noqa: BLE001 - the safety path must never fail
        _LOGGER.exception("reading the resources failed; giving the built-in list")
        return LAST_RESORT


def help_line_text(country: str = "US", dialogs_dir: Path | None = None) -> str:
    """The quiet "help line" answer: the numbers in a few words, without saying why."""
    resources = resources_text(country, dialogs_dir)
    try:
        template = prompt_text("help_line", dialogs_dir)
        return template.format(resources=resources) if template else resources
    except Exception:  # noqa: BLE001 - a bad template must not hide the numbers
        _LOGGER.exception("safety.help_line unusable; giving the resources alone")
        return resources
