"""Reading a YAML file the user edits: one clear line for every way it can fail, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML was built with it (about 10x faster: the dialogs load in ~20 ms instead of
~250 ms at every start), else the pure-Python one; both build only plain data (the safe constructor)."""


class YamlProblem(ValueError):
    """A YAML file that cannot be read; the message names the file (and line) and what to do."""


def load_yaml(path: Path) -> object:
    """`yaml.safe_load` of `path` (libyaml's parser when available); unreadable, non-UTF-8, invalid or absurdly
    nested files raise `YamlProblem`."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise YamlProblem(f"{path}: not UTF-8 text; save it as UTF-8 and try again") from None
    except OSError as exc:
        raise YamlProblem(f"{path}: cannot read: {exc.strerror or exc}") from None
    too_deep = YamlProblem(f"{path}: nested too deeply to be a dialog or scenario file; check its brackets and "
                           "indentation")
    try:
        return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or exc
        if "maximum nesting depth" in str(problem):  # libyaml's own limit (Python's parser: RecursionError)
            raise too_deep from None
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise YamlProblem(f"{path}{where}: cannot read: not valid YAML: {problem}") from None
    except RecursionError:
        raise too_deep from None


def load_mapping(path: Path, problem: Callable[[str], Exception], expected: str) -> dict[str, Any]:
    """`load_yaml` of a file whose top level is a mapping; any problem is raised as `problem(message)`, the
    message naming the file (and `expected` when the top level is not a mapping)."""
    try:
        data = load_yaml(path)
    except YamlProblem as exc:
        raise problem(str(exc)) from None
    if not isinstance(data, dict):
        raise problem(f"{path}: {expected}")
    return data
