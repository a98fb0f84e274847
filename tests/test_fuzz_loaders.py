"""Every file loader, fed random YAML/TOML/JSON, truncated files, wrong types, unknown keys and huge values,
fails only with its own clear error naming the file (ConfigError, DialogError, ScenarioError, IntentError)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant import paths
from assistant.config import ConfigError, load_settings
from assistant.dialog.library import DialogLibrary
from assistant.dialog.schema import DialogError, load_common, load_script
from assistant.intents import IntentError, IntentMatcher
from assistant.simulate.scenario import ScenarioError, load_scenario

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**30, max_value=10**30),
                    st.floats(allow_nan=True), st.text(max_size=40), st.just("x" * 100_000), st.just(10**400))
KEYS = st.one_of(st.sampled_from(["script", "title", "steps", "id", "say", "listen", "prompts", "intents",
                                  "partners", "turns", "speech", "safety", "country", "timeout", "engine",
                                  "silence", "answers", "options", "branches", "for_each", "next", "data_dir",
                                  "clock", "voices", "schedule", "quiet_hours", "yes"]), st.text(max_size=12))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(KEYS, inner, max_size=5)), max_leaves=20)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SHIPPED = {"config": None, "script": paths.dialogs_dir() / "checkin.yaml",
           "common": paths.dialogs_dir() / "common.yaml", "scenario": paths.dialogs_dir() / "scenarios" / "demo.yaml",
           "commands": paths.dialogs_dir() / "commands.yaml"}
TOML_SAMPLE = ('partners = ["Maya", "Jordan"]\n[speech]\nengine = "pocketsphinx"\nsilence_timeout_s = 8.0\n'
               '[safety]\ncountry = "GB"\n[schedule]\nquiet_hours = ["22:30", "07:30"]\n')


def _load_config(path: Path) -> object:
    return load_settings(path)


LOADERS: dict[str, tuple[Callable[[Path], object], type[Exception]]] = {
    "config": (_load_config, ConfigError),
    "script": (load_script, DialogError),
    "common": (load_common, DialogError),
    "scenario": (load_scenario, ScenarioError),
    "commands": (IntentMatcher.load, IntentError),
}


def check_loader(kind: str, data: bytes, suffix: str) -> None:
    """Load `data`; anything but success or the loader's own error naming the file fails the test."""
    loader, error = LOADERS[kind]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzzed{suffix}"
        path.write_bytes(data)
        try:
            loader(path)
        except error as exc:
            assert str(path) in str(exc), f"{kind}: error does not name the file: {exc}"
            assert str(exc).strip()


def _dump(kind: str, value: object) -> tuple[bytes, str]:
    if kind == "config":
        return _toml(value).encode(), ".toml"
    try:
        return yaml.safe_dump(value, allow_unicode=True).encode(), ".yaml"
    except yaml.YAMLError:
        return json.dumps(value, default=str).encode(), ".yaml"


def _toml(value: object) -> str:
    """A crude TOML rendering (tables of scalars/lists), enough to reach the validator."""
    if not isinstance(value, dict):
        return f"value = {json.dumps(value, default=str)}\n"
    top, tables = [], []
    for key, item in value.items():
        name = json.dumps(str(key))
        if isinstance(item, dict):
            tables.append(f"[{name}]\n" + "".join(f"{json.dumps(str(k))} = {json.dumps(v, default=str)}\n"
                                                  for k, v in item.items()))
        else:
            top.append(f"{name} = {json.dumps(item, default=str)}\n")
    return "".join(top) + "\n".join(tables)


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(LOADERS))
@FUZZ
@given(value=VALUES)
def test_random_structures(kind: str, value: object) -> None:
    data, suffix = _dump(kind, value)
    check_loader(kind, data, suffix)


@pytest.mark.parametrize("kind", sorted(LOADERS))
@FUZZ
@given(data=st.binary(max_size=300))
def test_random_bytes(kind: str, data: bytes) -> None:
    check_loader(kind, data, ".toml" if kind == "config" else ".yaml")


@pytest.mark.parametrize("kind", sorted(LOADERS))
@FUZZ
@given(cut=st.floats(min_value=0, max_value=1))
def test_truncated_shipped_files(kind: str, cut: float) -> None:
    source = SHIPPED[kind]
    text = TOML_SAMPLE.encode() if source is None else source.read_bytes()
    check_loader(kind, text[:int(len(text) * cut)], ".toml" if kind == "config" else ".yaml")


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["script", "scenario", "commands", "common"])
@FUZZ
@given(path=st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=4), value=VALUES)
def test_one_field_of_a_shipped_file_replaced(kind: str, path: list[int], value: object) -> None:
    """Wrong types, unknown keys and huge values inside an otherwise valid file."""
    document = yaml.safe_load(SHIPPED[kind].read_text(encoding="utf-8"))  # type: ignore[union-attr]
    node = document
    for index in path:
        keys = list(node) if isinstance(node, dict) else list(range(len(node))) if isinstance(node, list) else []
        if not keys:
            break
        key = keys[index % len(keys)]
        if index % 3 == 0 or not isinstance(node[key], (dict, list)):
            node[key] = value
            break
        node = node[key]
    if isinstance(node, dict) and path[-1] % 2:
        node[f"unknown_{path[-1]}"] = value
    check_loader(kind, yaml.safe_dump(document, allow_unicode=True).encode(), ".yaml")


@FUZZ
@given(section=st.sampled_from(["speech", "voice", "dialog", "timeout", "schedule", "safety", "audio"]),
       key=KEYS, value=SCALARS)
def test_config_wrong_types_unknown_keys_huge_values(section: str, key: str, value: object) -> None:
    document = f"[{section}]\n{json.dumps(key)} = {json.dumps(value, default=str)}\n"
    check_loader("config", document.encode(), ".toml")


def test_errors_name_the_field() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.toml"
        path.write_text('[speech]\nsilence_timeout_s = "soon"\n')
        with pytest.raises(ConfigError, match=r"speech\.silence_timeout_s"):
            load_settings(path)
        path = Path(tmp) / "s.yaml"
        path.write_text("script: x\ntitle: t\nsteps:\n  - id: a\n    say: [hi]\n    listen: maybe\n")
        with pytest.raises(DialogError, match=r"step 'a': listen"):
            load_script(path)
        path.write_text("turns:\n  - say: hi\n    rate: 99999\n")
        with pytest.raises(ScenarioError, match=r"turns\.0\.rate"):
            load_scenario(path)
        path.write_text("intents:\n  safety: []\n")
        with pytest.raises(IntentError, match=r"intents\.safety"):
            IntentMatcher.load(path)


def test_dialog_directory_with_a_broken_file_names_it(tmp_path: Path) -> None:
    for name in ("checkin.yaml", "common.yaml", "safety.yaml"):
        (tmp_path / name).write_bytes((paths.dialogs_dir() / name).read_bytes())
    (tmp_path / "broken.yaml").write_text("script: broken\nsteps: 7\n")
    with pytest.raises(DialogError, match="broken.yaml"):
        DialogLibrary.load(tmp_path)
