"""The dialog script format (see dialogs/README.md), validated on load with errors naming file, step and field."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Annotated, Literal, TypeVar

import msgspec
from msgspec import Meta

from assistant.safe_yaml import YamlProblem, load_yaml
from assistant.table import Invalid, Table, problems

ListenKind = Literal["none", "free", "yes_no", "rating", "choice", "ready"]
Repeat = Literal["partner", "commitment", "agreement_item"]
RecordKind = Literal["none", "answer", "commitment", "commitment_confirm", "commitment_unworded", "commitment_review",
                     "boundary_note", "flag"]
Answerer = Literal["partner", "other", "both"]
FREE_BRANCH_KEYS = {"answer", "blame"}
"""Branch keys of a free step: "blame" when the answer's wording blames (dialogs/blame_lexicon.yaml),
"answer" for any other spoken answer."""
RATING_BRANCH_KEYS = {"low"}
"""Branch key of a rating step: "low" when the rating is LOW_RATING or less (a gentle follow-up, issue 12)."""
LOW_RATING = 2

Variants = list[str]
Name = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]*$")]


class DialogError(ValueError):
    """A dialog file that cannot be used. One line per problem: `file: step 'id': field: message`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _check_variants(field: str, value: list[str], where: str = "") -> None:
    """Invalid (naming `field`, then `where`) unless `value` is non-empty texts whose slots are plain words."""
    if not value:
        raise Invalid(field, f"{where}needs at least one variant")
    for index, text in enumerate(value):
        if not isinstance(text, str) or not text.strip():
            raise Invalid(field, f"{where}variants must be non-empty text")
        try:
            fields = [name for _, name, spec, conv in string.Formatter().parse(text) if name is not None]
        except ValueError as exc:
            raise Invalid(field, f"{where}variant {index + 1}: {exc} (a slot is written {{name}}; a literal brace "
                                 "{{ or }})") from None
        if any(not name.isidentifier() for name in fields):
            raise Invalid(field, f"{where}variant {index + 1}: a slot name must be a plain word, e.g. {{partner}}")


class Step(Table, frozen=True):
    """One step of a script: what is said, what is listened for, what is recorded, where it goes next."""

    id: Name
    say: Variants
    reprompt: Variants = []
    """Said after a silence instead of `say` (default: common.reprompt + the prompt)."""
    help: Variants = []
    listen: ListenKind = "none"
    options: dict[str, list[str]] = {}
    """For `choice`: option name -> phrasings."""
    for_each: Repeat | None = None
    """Repeat the step for each partner, each of last week's commitments, or each agreement item."""
    record: RecordKind = "none"
    branches: dict[str, str] = {}
    """Answer intent or option -> step id to run for this item before moving on."""
    then: Literal["next", "return"] = "next"
    """"return": a branch step; after it, the step that branched continues with its next item."""
    next: str | None = None
    """Following step id (default: the next non-branch step in the file; none: the script ends). On a
    branch step (then: return): another branch step that follows for the same item (a short chain)."""
    pause_s: Annotated[float, Meta(ge=0, le=600)] = 0.0
    """Quiet seconds after the prompt (e.g. for a breath), waited on the injectable clock."""
    answered_by: Answerer = "partner"
    """Who answers: the item's {partner}, the {other} (e.g. saying back what they heard), or both."""

    def __post_init__(self) -> None:
        for name in ("say", "reprompt", "help"):
            if name == "say" or getattr(self, name):
                _check_variants(name, getattr(self, name))
        if self.listen == "choice" and not self.options:
            raise ValueError("listen: choice needs `options`")
        if self.options and self.listen != "choice":
            raise ValueError("`options` is only used with listen: choice")
        if self.record in ("commitment", "commitment_review") and self.listen == "none":
            raise ValueError(f"record: {self.record} needs something to listen for")
        if self.record in ("commitment_review", "commitment_confirm") and self.listen != "yes_no":
            raise ValueError(f"record: {self.record} needs listen: yes_no")


class Script(Table, frozen=True):
    """A whole dialog script (one activity)."""

    script: Name
    title: str
    steps: Annotated[list[Step], Meta(min_length=1)]

    def __post_init__(self) -> None:
        ids = [step.id for step in self.steps]
        problems = []
        seen: set[str] = set()
        for index, step in enumerate(self.steps):
            if step.id in seen:
                problems.append(f"steps[{index}] ({step.id}): id: duplicate step id")
            seen.add(step.id)
            for target in [*step.branches.values(), *([step.next] if step.next else [])]:
                if target not in ids:
                    problems.append(f"steps[{index}] ({step.id}): branches/next: unknown step '{target}'")
            allowed = set(step.options) if step.listen == "choice" else FREE_BRANCH_KEYS if step.listen == "free" \
                else RATING_BRANCH_KEYS if step.listen == "rating" else {"yes", "no"}
            for answer in step.branches:
                if step.listen in ("choice", "yes_no", "free", "rating") and answer not in allowed:
                    problems.append(f"steps[{index}] ({step.id}): branches: '{answer}' is not one of "
                                    f"{sorted(allowed)}")
        if self.steps[0].then == "return":
            problems.append("steps[0]: then: the first step cannot be a branch step")
        if not problems:
            problems = flow_problems(self.steps)
        if problems:
            raise ValueError("; ".join(problems))

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)


_END = ""


def _successors(steps: list[Step]) -> dict[str, list[str]]:
    """Step id -> where it can go: its branches and its next step (`_END` when the script ends there)."""
    following: dict[str, str] = {}
    upcoming = _END
    for step in reversed(steps):  # the default next: the next non-branch step in the file
        following[step.id] = upcoming
        if step.then != "return":
            upcoming = step.id
    graph = {}
    for step in steps:
        chained = [step.next] if step.next else []  # a branch step chains on, or returns (no edge)
        after = chained if step.then == "return" else [step.next or following[step.id]]
        graph[step.id] = [*step.branches.values(), *after]
    return graph


def flow_problems(steps: list[Step]) -> list[str]:
    """Self-loops, steps never reached from the first, and steps from which the script can never end."""
    graph = _successors(steps)
    problems = [f"step '{step.id}': next: the step leads to itself (an endless loop)"
                for step in steps if step.id in graph[step.id]]
    reached, todo = {steps[0].id}, [steps[0].id]
    while todo:
        for target in graph[todo.pop()]:
            if target != _END and target not in reached:
                reached.add(target)
                todo.append(target)
    problems += [f"step '{step.id}': never reached from the first step ('{steps[0].id}')"
                 for step in steps if step.id not in reached]
    ends = {step.id for step in steps if (step.then == "return" and not step.next) or _END in graph[step.id]}
    changed = True
    while changed:  # a step can end when one of its ways leads to a step that can
        grown = {sid for sid, targets in graph.items() if any(t in ends for t in targets)}
        changed = not grown <= ends
        ends |= grown
    problems += [f"step '{step.id}': next: every path from here loops and never reaches the end"
                 for step in steps if step.id in reached and step.id not in ends and step.id not in graph[step.id]]
    return problems


class Common(Table, frozen=True):
    """dialogs/common.yaml: prompts shared by every script, by dialog id."""

    prompts: dict[str, Variants]

    def __post_init__(self) -> None:
        for key, variants in self.prompts.items():
            _check_variants("prompts", variants, f"{key}: ")


_Loaded = TypeVar("_Loaded", Script, Common)


def read_yaml(path: Path) -> object:
    """Parse a YAML file; any problem becomes a DialogError naming the file (and line)."""
    try:
        return load_yaml(path)
    except YamlProblem as exc:
        raise DialogError([str(exc)]) from None


def describe(path: Path, data: object, model: type[Table]) -> list[str]:
    """Every problem of `data` as `model`, one line each: `file: step 'id': field: message`."""
    lines = []
    for loc, message in problems(data, model):
        where = ""
        if len(loc) >= 2 and loc[0] == "steps" and loc[1].isdigit():
            index, step_id = int(loc[1]), "?"
            steps = data.get("steps") if isinstance(data, dict) else None
            if isinstance(steps, list) and index < len(steps) and isinstance(steps[index], dict):
                step_id = str(steps[index].get("id", "?"))
            where = f"step '{step_id}': "
            loc = loc[2:]
        lines.append(f"{path}: {where}{'.'.join(loc) or '(step)'}: {message}")
    return lines


def _load(path: Path, model: type[_Loaded]) -> _Loaded:
    data = read_yaml(path)
    try:
        return model.model_validate(data)
    except msgspec.ValidationError as exc:
        raise DialogError(describe(path, data, model)) from exc


def load_script(path: Path) -> Script:
    """Load and validate one script file."""
    return _load(path, Script)


def load_common(path: Path) -> Common:
    """Load and validate a prompts file (e.g. dialogs/common.yaml)."""
    return _load(path, Common)
