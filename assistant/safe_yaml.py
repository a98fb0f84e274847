"""Reading a YAML file the user edits: one clear line for every way it can fail, never a traceback."""

from __future__ import annotations

from pathlib import Path

import yaml


class YamlProblem(ValueError):
    """A YAML file that cannot be read; the message names the file (and line) and what to do."""


def load_yaml(path: Path) -> object:
    """`yaml.safe_load` of `path`; unreadable, non-UTF-8, invalid or absurdly nested files raise `YamlProblem`."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise YamlProblem(f"{path}: not UTF-8 text; save it as UTF-8 and try again") from None
    except OSError as exc:
        raise YamlProblem(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or exc
        raise YamlProblem(f"{path}{where}: cannot read: not valid YAML: {problem}") from None
    except RecursionError:
        raise YamlProblem(f"{path}: nested too deeply to be a dialog or scenario file; check its "
                          "brackets and indentation") from None
