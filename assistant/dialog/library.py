"""All dialog data in one place: scripts and prompt sets from dialogs/, rendered by dialog id and slots."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from pathlib import Path

from assistant import paths
from assistant.dialog.schema import DialogError, Script, load_common, load_script, read_yaml


@dataclass(frozen=True)
class Line:
    """One thing the assistant says: which dialog id, with which slots, in which words."""

    dialog_id: str
    slots: dict[str, str]
    text: str


SPOKEN_VERBS = {"say": "say", "Say": "Say"}
TYPED_VERBS = {"say": "type", "Say": "Type"}
"""The {say} slot by input mode: dialog text speaks of typing in text mode (dialogs/README.md)."""


class _Slots(dict[str, str]):
    def __missing__(self, key: str) -> str:
        raise KeyError(key)


class DialogLibrary:
    """Scripts and prompt sets by id; picks a variant (rotating, never the same twice in a row)."""

    def __init__(self, scripts: dict[str, Script], prompts: dict[str, list[str]], seed: int | None = None) -> None:
        self.scripts = scripts
        self.prompts = prompts
        self.verbs: dict[str, str] = dict(SPOKEN_VERBS)
        """Slots every prompt may use for how answers are given: {say}/{Say} ("type" with --io text)."""
        self._random = random.Random(seed)
        self._last_variant: dict[str, int] = {}

    @classmethod
    def load(cls, directory: Path | None = None, seed: int | None = None) -> DialogLibrary:
        """Load every script and prompt file in `directory`; DialogError lists every problem found."""
        directory = directory or paths.dialogs_dir()
        scripts: dict[str, Script] = {}
        prompts: dict[str, list[str]] = {}
        problems: list[str] = []
        for path in sorted(directory.glob("*.yaml")):
            try:
                kind = file_kind(path)
                if kind == "script":
                    script = load_script(path)
                    scripts[script.script] = script
                    prompts.update(script_prompts(script))
                elif kind == "prompts":
                    common = load_common(path)
                    prompts.update({f"{path.stem}.{key}": value for key, value in common.prompts.items()})
            except DialogError as exc:
                problems.extend(exc.problems)
        if problems:
            raise DialogError(problems)
        return cls(scripts, prompts, seed)

    @classmethod
    def load_prompts(cls, name: str, directory: Path | None = None, seed: int | None = None) -> DialogLibrary:
        """Only the prompts file `name` (e.g. "report.yaml") of `directory`, its ids `<stem>.<key>`: for a
        command that says nothing else (`report` reads 1 file, not the whole folder). DialogError names the file."""
        path = (directory or paths.dialogs_dir()) / name
        common = load_common(path)
        return cls({}, {f"{path.stem}.{key}": value for key, value in common.prompts.items()}, seed)

    def for_typing(self) -> DialogLibrary:
        """Speak of typing, not saying (`--io text`): {say} becomes "type"."""
        self.verbs = dict(TYPED_VERBS)
        return self

    def has(self, dialog_id: str) -> bool:
        return dialog_id in self.prompts

    def render(self, dialog_id: str, **slots: object) -> Line:
        """Choose a variant of `dialog_id` and fill its slots."""
        variants = self.prompts.get(dialog_id)
        if not variants:
            raise KeyError(f"no dialog with id {dialog_id!r}")
        index = self._random.randrange(len(variants))
        if len(variants) > 1 and index == self._last_variant.get(dialog_id):
            index = (index + 1) % len(variants)
        self._last_variant[dialog_id] = index
        values = {key: str(value) for key, value in slots.items()}
        text_slots = {**self.verbs, **values}
        try:
            text = variants[index].format_map(_Slots(text_slots))
        except KeyError as exc:
            raise DialogError([f"dialog {dialog_id!r}: slot {exc} has no value"]) from exc
        return Line(dialog_id, values, " ".join(text.split()))


def file_kind(path: Path) -> str:
    """"script", "prompts", or "other" (intents, safety, scenarios: read by their own loaders)."""
    data = read_yaml(path)
    if isinstance(data, dict) and "script" in data:
        return "script"
    if isinstance(data, dict) and "prompts" in data:
        return "prompts"
    if isinstance(data, dict):
        return "other"
    raise DialogError([f"{path}: the top level must be a mapping with `script:` or `prompts:`"])


def script_prompts(script: Script) -> dict[str, list[str]]:
    """Dialog ids of a script's own text: <script>.<step>, .reprompt, .help."""
    found: dict[str, list[str]] = {}
    for step in script.steps:
        base = f"{script.script}.{step.id}"
        found[base] = step.say
        if step.reprompt:
            found[f"{base}.reprompt"] = step.reprompt
        if step.help:
            found[f"{base}.help"] = step.help
    return found


def slot_names(text: str) -> set[str]:
    """The {slots} a prompt variant uses."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


REQUIRED_FILES = ("checkin.yaml", "common.yaml", "commands.yaml", "safety.yaml", "safety_lexicon.yaml", "timeout.yaml",
                  "consent.yaml")
"""Files the assistant cannot run without; `dialogs check` of a folder reports any that is missing."""


def _check_intents(path: Path) -> list[str]:
    from assistant.intents import IntentError, IntentMatcher

    try:
        IntentMatcher.load(path)
    except IntentError as exc:
        return [str(exc)]
    return []


def _check_paraphrases(path: Path) -> list[str]:
    from assistant.intents import IntentError
    from assistant.paraphrase import Wording

    try:
        Wording.load(path)
    except IntentError as exc:
        return [str(exc)]
    return []


def _check_safety_lexicon(path: Path) -> list[str]:
    from assistant.danger.check import check_safety

    return check_safety(path.parent)


OTHER_CHECKS = {"commands.yaml": _check_intents, "paraphrases.yaml": _check_paraphrases,
                "safety_lexicon.yaml": _check_safety_lexicon}
"""Files that are neither scripts nor prompts, by name -> the loader that validates them."""


def check(path: Path) -> list[str]:
    """Every problem in a dialog file or directory, as `file: step: field: message` lines."""
    problems: list[str] = []
    if path.is_dir():
        problems += [f"{path / name}: missing; the assistant needs this file (copy it from the project's "
                     "dialogs/ folder)" for name in REQUIRED_FILES if not (path / name).is_file()]
        files = sorted(path.glob("*.yaml"))
    else:
        files = [path]
    for file in files:
        try:
            kind = file_kind(file)
            if kind == "script":
                load_script(file)
            elif kind == "prompts":
                load_common(file)
            elif file.name in OTHER_CHECKS:
                problems += OTHER_CHECKS[file.name](file)
        except DialogError as exc:
            problems += exc.problems
    return problems
