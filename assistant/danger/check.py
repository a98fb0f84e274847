"""`check_safety(dialogs_dir)`: every problem with the safety files of one dialog folder, for `dialogs check`
(the fallbacks keep a user safe at run time; this tells the person editing the folder what to fix)."""

from __future__ import annotations

from pathlib import Path

import yaml

from assistant.danger.detector import DangerDetector
from assistant.danger.lexicon import LexiconError, load_lexicon
from assistant.danger.sources import LEXICON_FILE, SAFETY_FILE

REQUIRED_PROMPTS = ("message", "resources_default", "help_line", "resume_held_violence", "resume_when_both_ask")
COUNTRIES = ("US", "GB", "CA", "AU", "IE")


def check_safety(dialogs_dir: Path) -> list[str]:
    """Problems as `file: field: message` lines; empty when the folder's safety files are complete."""
    problems: list[str] = []
    lexicon = dialogs_dir / LEXICON_FILE
    try:
        DangerDetector(load_lexicon(lexicon))
    except LexiconError as exc:
        problems.append(f"{exc} (the packaged copy is used until this is fixed)")
    safety = dialogs_dir / SAFETY_FILE
    try:
        data = yaml.safe_load(safety.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return [*problems, f"{safety}: cannot read: {exc} (the packaged copy is used until this is fixed)"]
    prompts = data.get("prompts") if isinstance(data, dict) else None
    if not isinstance(prompts, dict):
        return [*problems, f"{safety}: prompts: missing; expected `prompts: {{message: [...], ...}}`"]
    wanted = [*REQUIRED_PROMPTS, *(f"resources_{code}" for code in COUNTRIES)]
    for key in wanted:
        variants = prompts.get(key)
        if not (isinstance(variants, list) and variants and all(isinstance(v, str) and v.strip() for v in variants)):
            problems.append(f"{safety}: prompts.{key}: missing or empty; expected a list of one or more lines")
    return problems
