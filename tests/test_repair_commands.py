"""Issue 14, getting started and reading back: `assistant commitments`, `assistant appreciation`, `assistant agreement
review`, "what did we commit to?" / "read our agreement" by voice, and `forget` -> N exits calmly."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from assistant import paths, pipeline
from assistant.cli import cli
from assistant.clock import VirtualClock
from assistant.config import Settings, load_settings
from assistant.dialog.library import DialogLibrary, Line
from assistant.intents import IntentMatcher
from assistant.schedule.companion import Companion
from assistant.schedule.scheduler import Scheduler
from assistant.simulate.calendar import TypedTurns
from assistant.store.records import AgreementVersion, Appreciation, Commitment, SafetyEvent, SessionEvent
from assistant.store.store import Store

AT = datetime(2026, 1, 4, 19, 0, tzinfo=timezone.utc).isoformat()
NY = ZoneInfo("America/New_York")
LIBRARY = DialogLibrary.load()
GARBLED = "i put my oh we are bigger"


def seed_store(directory: Path) -> None:
    with Store.open(directory) as store:
        store.append(Commitment(at=AT, session_id="s1", partner="Alex", text="i will text when i leave work",
                                confirmed=True))
        store.append(Commitment(at=AT, session_id="s1", partner="Sam", text=GARBLED, confirmed=False))
        store.update_agreement(["We share plans for the evening by six."], "add", AT)


def companion(tmp_path: Path, clock: VirtualClock, replies: list[str | None]) -> tuple[Companion, list[Line], Store]:
    """The always-on companion with typed replies, the real dialogs and a real store in tmp_path/store."""
    said: list[Line] = []
    settings = Settings()
    store = Store.open(tmp_path / "store")
    hearing = TypedTurns(clock, lambda request, now: replies.pop(0) if replies else None, NY)
    conversation = pipeline.conversation(hearing, said.append, clock, settings, DialogLibrary.load(seed=0), store)
    return Companion(conversation, DialogLibrary.load(seed=0), store, settings, clock,
                     Scheduler.from_settings(store, clock, settings.schedule, NY),
                     IntentMatcher.load(paths.dialogs_dir() / "activation.yaml"), NY), said, store


def invoke(tmp_path: Path, *args: str, input: str = "") -> tuple[int, str]:
    done = CliRunner().invoke(cli, ["--io", "text", "--data-dir", str(tmp_path), *args], input=input)
    return done.exit_code, done.output


def test_commitments_command_reads_back_only_confirmed_words(tmp_path: Path) -> None:
    seed_store(tmp_path)
    code, output = invoke(tmp_path, "commitments")
    assert code == 0, output
    assert LIBRARY.render("readback.commitment_item", partner="Alex", commitment="i will text when i leave work"
                          ).text in output
    unworded = LIBRARY.render("followthrough.unworded_commitment", partner="Sam").text
    assert LIBRARY.render("readback.commitment_item", partner="Sam", commitment=unworded).text in output
    assert GARBLED not in output


def test_voice_asks_what_we_committed_to_and_to_read_the_agreement(tmp_path: Path) -> None:
    seed_store(tmp_path / "store")
    clock = VirtualClock(datetime(2026, 1, 6, 10, 0, tzinfo=NY))
    idle, said, store = companion(tmp_path, clock, ["what did we commit to?", "yes", "read our agreement", "yes"])
    assert idle.idle_once(5.0) == "read_commitments"
    assert [line.dialog_id for line in said] == ["always_on.confirm_read_commitments", "readback.commitments_intro",
                                                 "readback.commitment_item", "readback.commitment_item"]
    assert [line.slots["partner"] for line in said[2:]] == ["Alex", "Sam"]
    assert GARBLED not in " ".join(line.text for line in said)
    said.clear()
    assert idle.idle_once(5.0) == "read_agreement"
    assert [(line.dialog_id, line.slots.get("item")) for line in said] == [
        ("always_on.confirm_read_agreement", None),
        ("readback.agreement_intro_one", None), ("readback.agreement_item", "We share plans for the evening by six.")]
    store.close()


@pytest.mark.parametrize("answer", [None, "no"])
def test_private_words_are_not_read_aloud_without_a_yes(tmp_path: Path, answer: str | None) -> None:
    """A phrase heard in idle (a television, a guest) reads nothing until someone says yes."""
    seed_store(tmp_path / "store")
    clock = VirtualClock(datetime(2026, 1, 6, 10, 0, tzinfo=NY))
    idle, said, store = companion(tmp_path, clock, ["read our agreement", answer, "review our agreement", answer])
    assert idle.idle_once(5.0) == "read_agreement"
    assert idle.idle_once(5.0) == "agreement_review"
    expected = ["always_on.confirm_read_agreement", "always_on.confirm_agreement_review"]
    if answer == "no":
        expected = [expected[0], "always_on.not_read", expected[1], "always_on.not_read"]
    assert [line.dialog_id for line in said] == expected
    assert "We share plans" not in " ".join(line.text for line in said)
    assert not [e for e in store.query(SessionEvent) if e.activity == "agreement_review"]
    store.close()


def test_appreciation_command_runs_today_s_appreciation_after_consent(tmp_path: Path) -> None:
    code, output = invoke(tmp_path, "appreciation",
                          input="yes\nyes\nthank you for the coffee\nthank you for listening last night\n")
    assert code == 0, output
    assert "Appreciation completed." in output
    with Store.open(tmp_path) as store:
        kept = [(a.partner, a.skipped) for a in store.query(Appreciation)]
        events = [(e.activity, e.status) for e in store.query(SessionEvent)]
    assert kept == [("Alex", False), ("Sam", False)]
    assert events == [("appreciation", "started"), ("appreciation", "completed")]


def test_agreement_review_is_a_command_not_a_suggestion_to_remove(tmp_path: Path) -> None:
    seed_store(tmp_path)
    code, output = invoke(tmp_path, "agreement", "review", input="yes\nyes\nkeep\nno\n")
    assert code == 0, output
    assert "Did you mean" not in output and "Agreement review completed." in output
    with Store.open(tmp_path) as store:
        versions = store.query(AgreementVersion)
    assert [v.items for v in versions] == [("We share plans for the evening by six.",)]  # kept, unchanged


def test_forget_answered_no_keeps_everything_and_exits_calmly(tmp_path: Path) -> None:
    seed_store(tmp_path)
    code, output = invoke(tmp_path, "forget", input="n\n")
    assert code == 0, output
    assert "Aborted" not in output and "Nothing was deleted" in output
    with Store.open(tmp_path) as store:
        assert len(store.query(Commitment)) == 2


def test_we_both_asked_for_it_after_a_safety_hold_continues_the_checkin(tmp_path: Path) -> None:
    clock = VirtualClock(datetime(2026, 1, 6, 10, 0, tzinfo=NY))
    with Store.open(tmp_path / "store") as store:
        store.append(SafetyEvent(at=clock.now().isoformat(), activity="checkin"))  # earlier today
    idle, said, store = companion(tmp_path, clock, ["start check in", "we both asked for it"])
    assert idle.idle_once(5.0) == "start_checkin"
    assert [line.dialog_id for line in said] == ["safety.checkin_held"]
    assert idle.idle_once(5.0) == "both_asked"
    assert said[1].dialog_id == "checkin.grounding"  # the check-in runs (then pauses: nobody answers)
    assert [e.status for e in store.query(SessionEvent) if e.activity == "checkin"] == ["started", "paused"]
    store.close()


def test_text_mode_speaks_of_typing_not_saying(tmp_path: Path) -> None:
    code, output = invoke(tmp_path, "checkin", input="yes\nyes\n\n\n")  # consent, then quiet: paused
    assert code == 0, output
    typed = DialogLibrary.load().for_typing()
    assert any(typed.render("common.paused_silence").text in output for _ in range(5))
    assert "type resume check in" in output and "say resume check in" not in output
    spoken = DialogLibrary.load().render("common.nothing_to_resume").text
    assert "Say start check in" in spoken  # the same line, spoken


def test_setup_asks_names_times_and_day_and_saves_them_privately(tmp_path: Path) -> None:
    config = tmp_path / "conf" / "config.toml"
    answers = "maya\nyes\njordan\nno\njordan lee\nyes\nin the morning\nsaturday\n"
    done = CliRunner().invoke(cli, ["--io", "text", "--config", str(config), "--data-dir", str(tmp_path / "data"),
                                    "setup"], input=answers)
    assert done.exit_code == 0, done.output
    assert "Type the day" in done.output  # text mode speaks of typing
    assert (config.stat().st_mode & 0o777) == 0o600
    saved = load_settings(config)
    assert saved.partners == ("Maya", "Jordan Lee")
    assert (saved.schedule.appreciation_times, saved.schedule.checkin_day) == (["08:00"], "saturday")
    # The names are used from then on (consent asks each partner by name).
    code, output = invoke(tmp_path / "data", "--config", str(config), "checkin", input="no\n")
    assert DialogLibrary.load().for_typing().render("consent.ask_partner", partner="Maya").text in output


def test_voice_adds_an_agreement_item_read_back_and_agreed_by_both(tmp_path: Path) -> None:
    seed_store(tmp_path / "store")
    clock = VirtualClock(datetime(2026, 1, 6, 10, 0, tzinfo=NY))
    replies: list[str | None] = ["add to our agreement", "we put our phones away at dinner", "yes", "yes", "yes"]
    idle, said, store = companion(tmp_path, clock, replies)
    assert idle.idle_once(5.0) == "agreement_add"
    ids = [line.dialog_id for line in said]
    assert ids == ["agreement_add.add_wording", "agreement_add.add_readback", "agreement_add.confirm_first",
                   "agreement_add.confirm_second", "agreement_add.closing"]
    assert said[1].slots["heard"] == "we put our phones away at dinner"
    assert said[2].slots["partner_a"] == "Alex" and said[3].slots["partner_b"] == "Sam"
    versions = store.query(AgreementVersion)
    assert versions[-1].items == ("We share plans for the evening by six.", "we put our phones away at dinner")
    events = [(e.activity, e.status) for e in store.query(SessionEvent)]
    assert events == [("agreement_add", "started"), ("agreement_add", "completed")]
    store.close()


def test_voice_item_heard_wrong_or_refused_by_one_partner_is_not_kept(tmp_path: Path) -> None:
    seed_store(tmp_path / "store")
    clock = VirtualClock(datetime(2026, 1, 6, 10, 0, tzinfo=NY))
    replies: list[str | None] = ["add to our agreement", GARBLED, "no",
                                 "add to our agreement", "we walk on saturdays", "yes", "yes", "no"]
    idle, said, store = companion(tmp_path, clock, replies)
    assert idle.idle_once(5.0) == "agreement_add"
    assert "agreement_add.add_not_kept" in [line.dialog_id for line in said]
    assert idle.idle_once(5.0) == "agreement_add"
    assert [v.items for v in store.query(AgreementVersion)] == [("We share plans for the evening by six.",)]
    store.close()


def test_every_answer_instruction_speaks_of_typing_in_text_mode() -> None:
    """A line that tells people what to answer uses {say}/{Say} (typed: "type"), in every dialog file."""
    import re

    instruction = re.compile(r"\b[Ss]ay (yes|no\b|a number|keep|change|ready|skip|stop|time out|resume|the |"
                             r"\{options\}|your commitment|it again)")
    found = [(dialog_id, text) for dialog_id, variants in LIBRARY.prompts.items() for text in variants
             if instruction.search(text.replace("{say}", "").replace("{Say}", ""))]
    assert found == []
