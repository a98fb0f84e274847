"""First run: the setup (names, appreciation time, check-in day) comes before anything is recorded, typed through
the real CLI and spoken through the real companion; the couple are never silently the defaults "Alex" and "Sam".
Each said line is found by its dialog id and slots (rendered by the typed library: one variant each)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.audio.base import ListenRequest
from assistant.cli import cli
from assistant.config import Settings, load_settings
from assistant.dialog.library import DialogLibrary, Line
from assistant.store import Store
from assistant.store.records import Appreciation, Consent, SessionEvent

pytestmark = pytest.mark.usefixtures("private_umask")
TYPED = DialogLibrary.load().for_typing()
DEFAULTS = ("Alex", "Sam")


def first_run(tmp_path: Path, command: str, typed: str) -> tuple[int, str, Path, Path]:
    """The CLI on a settings file that does not exist yet and an empty data folder."""
    config, data = tmp_path / "conf" / "config.toml", tmp_path / "data"
    done = CliRunner().invoke(cli, ["--io", "text", "--config", str(config), "--data-dir", str(data), command],
                              input=typed)
    return done.exit_code, done.output, config, data


def at(output: str, dialog_id: str, **slots: object) -> int:
    """Where the line `dialog_id` with `slots` was said (-1: never)."""
    return output.find(TYPED.render(dialog_id, **slots).text)


def test_the_first_appreciation_asks_names_time_and_day_before_consent_and_records_under_those_names(
        tmp_path: Path) -> None:
    typed = ("maya\nyes\njordan\nyes\nin the evening\nthursday\n"   # setup
             "yes\nyes\n"                                           # consent, each partner by the new name
             "thank you for the coffee\nthank you for listening\n")  # the appreciation itself
    code, output, config, data = first_run(tmp_path, "appreciation", typed)
    assert code == 0, output
    welcome, saved = at(output, "setup.welcome"), at(output, "setup.saved", partner_a="Maya", partner_b="Jordan",
                                                      appreciation="20:00", day="Thursday", path=str(config))
    asked = at(output, "consent.ask_partner", partner="Maya")
    assert 0 <= welcome < saved < asked, output
    assert at(output, "consent.ask_partner", partner="Alex") == -1
    settings = load_settings(config)
    assert settings.partners == ("Maya", "Jordan")
    assert (settings.schedule.appreciation_times, settings.schedule.checkin_day) == (["20:00"], "thursday")
    assert (config.stat().st_mode & 0o777) == 0o600
    with Store.open(data) as store:
        assert [c.partners for c in store.query(Consent)] == [("Maya", "Jordan")]
        assert [a.partner for a in store.query(Appreciation)] == ["Maya", "Jordan"]
        assert [e.status for e in store.query(SessionEvent)] == ["started", "completed"]


def test_a_skipped_name_is_said_aloud_and_saved_so_it_is_never_silent_and_never_asked_again(tmp_path: Path) -> None:
    code, output, config, data = first_run(tmp_path, "checkin", "skip\nskip\nskip\nskip\nno\n")
    assert code == 0, output
    for name in DEFAULTS:
        assert at(output, "setup.name_kept_default", name=name) >= 0
    assert load_settings(config).partners == DEFAULTS
    assert at(output, "consent.ask_partner", partner="Alex") > at(output, "setup.name_kept_default", name="Sam")
    again = CliRunner().invoke(cli, ["--io", "text", "--config", str(config), "--data-dir", str(data), "checkin"],
                               input="no\n")
    assert at(again.output, "setup.welcome") == -1 and at(again.output, "consent.ask_partner", partner="Alex") >= 0


def test_help_line_during_the_setup_gives_the_numbers_and_asks_the_name_again(tmp_path: Path) -> None:
    """The quiet path reaches the setup's questions too: never taken as a name, nothing recorded for it."""
    code, output, config, data = first_run(tmp_path, "checkin", "help line\nmaya\nyes\nskip\nskip\nskip\nno\n")
    assert code == 0, output
    numbers = output.find("988")  # the default country's (US) crisis line, as `assistant resources` gives it
    assert 0 <= numbers < at(output, "setup.confirm_name", name="Maya"), output
    assert "Help Line" not in output
    assert load_settings(config).partners[0] == "Maya"


def test_stopping_during_the_setup_records_nothing_and_writes_no_settings(tmp_path: Path) -> None:
    code, output, config, data = first_run(tmp_path, "timeout", "stop\n")
    assert code == 0, output
    assert at(output, "setup.ask_first_name") >= 0 and at(output, "consent.disclaimer", data_dir=str(data)) == -1
    assert not config.exists()
    assert "Nothing was recorded" in output
    with Store.open(data) as store:
        assert store.query() == []


def test_the_always_on_companion_runs_the_setup_before_its_schedule_and_consent(tmp_path: Path) -> None:
    typed = "sam\nyes\nrobin\nyes\nlunchtime\nmonday\nno\n"  # setup; then Sam declines consent: nothing runs
    code, output, config, data = first_run(tmp_path, "run", typed)
    assert code == 0, output
    assert 0 <= at(output, "setup.welcome") < at(output, "consent.ask_partner", partner="Sam"), output
    settings = load_settings(config)
    assert settings.partners == ("Sam", "Robin") and settings.schedule.appreciation_times == ["12:30"]
    with Store.open(data) as store:
        assert store.query(Consent) == [] and store.query(SessionEvent) == []


@pytest.mark.speech
def test_the_setup_spoken_through_the_real_recogniser_keeps_only_confirmed_names(tmp_path: Path) -> None:
    """espeak-ng partners -> Listener -> pocketsphinx: a name is kept only when its read-back was confirmed
    (each partner says no to a misheard one); the time and the day come through the choice grammar."""
    from test_run_spoken import pipeline

    from assistant import pipeline as build
    from assistant.first_run import run_setup

    answers = {"setup_appreciation": "in the evening", "setup_checkin_day": "thursday",
               "setup_first_name": "maya", "setup_second_name": "jordan"}
    said: list[Line] = []

    def reply(request: ListenRequest) -> str | None:
        if request.step in answers:
            return answers[request.step]
        meant = "Maya" if request.step.startswith("setup_first") else "Jordan"
        return "yes" if said[-1].slots.get("name") == meant else "no"  # a partner checks the read-back

    clock, listener, _ = pipeline(reply)
    store = Store.open(tmp_path / "store")
    conversation = build.conversation(listener, said.append, clock, Settings(), DialogLibrary.load(seed=0), store)
    config = tmp_path / "config.toml"
    result = run_setup(conversation, DialogLibrary.load(seed=0), config, Settings())
    store.close()
    assert result.settings is not None and listener.frames_decoded > 0
    saved = load_settings(config)
    assert (saved.schedule.appreciation_times, saved.schedule.checkin_day) == (["20:00"], "thursday")
    for saved_name, meant, default in zip(saved.partners, ("Maya", "Jordan"), DEFAULTS, strict=True):
        kept_default = any(line.dialog_id == "setup.name_kept_default" and line.slots["name"] == default
                           for line in said)
        assert saved_name == meant or (saved_name == default and kept_default)  # confirmed, or said aloud
