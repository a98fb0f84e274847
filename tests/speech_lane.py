"""The fast lane: `pytest --fast` (or `scripts/test --fast`) leaves out tests marked `speech` or `slow`.

A test is marked `speech` automatically when it, a fixture it uses, or a helper in tests/ that either
calls (followed transitively by the names their code refers to) reaches a real speech engine or
espeak-ng: a module below, or a fixture in SPEECH_FIXTURES. Hand marks still work (`@pytest.mark.speech`).
In the fast lane a guard makes the rule honest: a test that starts a real engine anyway fails with a
message saying to mark it, so nothing slow hides in the fast lane and nothing is skipped silently.
"""

from __future__ import annotations

import inspect
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

TESTS_DIR = Path(__file__).resolve().parent
SPEECH_MODULES = ("vosk", "pocketsphinx", "pyttsx3", "assistant.stt.pocketsphinx_engine",
                  "assistant.stt.vosk_engine", "assistant.stt.factory", "assistant.tts.pyttsx3_engine",
                  "assistant.tts.worker", "assistant.simulate.voices", "assistant.simulate.runner",
                  "assistant.simulate.soak")
"""Names from these (or their submodules) mean real speech: STT engines, TTS, espeak-ng voices, scenario runs."""
SPEECH_FIXTURES = frozenset({"ko_model_dir"})
LEFT_OUT = ("speech", "slow")
_LEFT_OUT_KEY = pytest.StashKey[dict[str, int]]()
_GUARD = {"on": False}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--fast", action="store_true",
                     help="fast lane: leave out tests marked speech or slow (and say how many)")


def _is_speech_module(name: str) -> bool:
    return any(name == module or name.startswith(module + ".") for module in SPEECH_MODULES)


def _names(code: types.CodeType) -> Iterator[str]:
    """Global and attribute names a code object (and the lambdas, comprehensions, defs inside it) uses."""
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _names(const)


def _in_tests(obj: object) -> bool:
    try:
        source = inspect.getsourcefile(obj)  # type: ignore[arg-type]
    except TypeError:
        return False
    return source is not None and Path(source).resolve().is_relative_to(TESTS_DIR)


def reaches_speech(obj: Any, seen: set[int] | None = None) -> bool:
    """Whether `obj` is, or (through tests/ helpers) refers to, a speech module or something defined in one."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return False
    seen.add(id(obj))
    if isinstance(obj, types.ModuleType):
        return _is_speech_module(obj.__name__)
    module = getattr(obj, "__module__", None)
    if isinstance(module, str) and _is_speech_module(module):
        return True
    if inspect.isclass(obj) and _in_tests(obj):
        return any(reaches_speech(member, seen) for member in vars(obj).values() if inspect.isfunction(member))
    function = inspect.unwrap(getattr(obj, "__func__", obj)) if callable(obj) else None
    if not inspect.isfunction(function) or not _in_tests(function):
        return False
    scope, names = function.__globals__, set(_names(function.__code__))
    if any(_is_speech_module(name) for name in names):  # `import` / `from ... import` inside the function
        return True
    return any(name in scope and reaches_speech(scope[name], seen) for name in names)


def _uses_speech(item: pytest.Item) -> bool:
    if not isinstance(item, pytest.Function):
        return False
    if SPEECH_FIXTURES & set(item.fixturenames):
        return True
    definitions = item._fixtureinfo.name2fixturedefs  # the fixtures this test requests, transitively
    fixtures = [defs[-1].func for name, defs in definitions.items() if defs and name in item.fixturenames]
    return any(reaches_speech(func) for func in [item.function, *fixtures])


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("speech") is None and _uses_speech(item):
            item.add_marker(pytest.mark.speech)
    if not config.getoption("fast"):
        return
    kept: list[pytest.Item] = []
    left_out: list[pytest.Item] = []
    for item in items:
        (left_out if any(item.get_closest_marker(mark) for mark in LEFT_OUT) else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
    config.stash[_LEFT_OUT_KEY] = {mark: sum(i.get_closest_marker(mark) is not None for i in left_out)
                                   for mark in LEFT_OUT}


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    counts = config.stash.get(_LEFT_OUT_KEY, None)
    if counts is not None:
        detail = ", ".join(f"{count} marked {mark}" for mark, count in counts.items())
        terminalreporter.write_line(f"fast lane: left out {detail} (a test can be both); "
                                    "scripts/test without --fast runs everything.", yellow=True)


def _refuse(what: str) -> Any:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"this test uses {what} but is not marked speech: mark it @pytest.mark.speech, "
                             "or teach tests/speech_lane.py the helper it goes through")
    return refuse


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "subprocess.Popen" and _GUARD["on"]:
        argv = " ".join(map(str, args[1] if isinstance(args[1], (list, tuple)) else [args[1]]))
        if "espeak" in argv or "pyttsx3" in argv:
            _refuse(f"a speech subprocess ({argv[:80]})")()


@pytest.fixture(autouse=True)
def _speech_guard(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """In the fast lane, starting a real speech engine fails the test (it should have been marked)."""
    if not request.config.getoption("fast"):
        yield
        return
    for target in ("vosk.Model", "pyttsx3.init", "assistant.stt.pocketsphinx_engine.Decoder"):
        monkeypatch.setattr(target, _refuse(target))
    _GUARD["on"] = True
    try:
        yield
    finally:
        _GUARD["on"] = False


sys.addaudithook(_audit)
