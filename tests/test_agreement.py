"""Agreement: the monthly review by voice (keep / change / remove, both partners agree) and the CLI."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant import sessions
from assistant.activities.agreement import AgreementReviewActivity, Proposal
from assistant.activities.registry import SessionContext
from assistant.cli import cli
from assistant.clock import VirtualClock
from assistant.config import Settings
from assistant.conversation import Conversation
from assistant.dialog.library import DialogLibrary, Line
from assistant.intents import IntentMatcher
from assistant.interpret import Interpreter
from assistant.simulate.calendar import TypedTurns
from assistant.store.records import AgreementProposal, AgreementVersion
from assistant.store.store import Store

pytestmark = pytest.mark.usefixtures("private_umask")

ITEMS = ["We share our plans for the evening by six.", "Phones stay face up at home.",
         "We use a calm voice in arguments.", "We check in every Sunday."]


def review(tmp_path: Path, answers: list[str], proposals: tuple[AgreementProposal, ...] = ()
           ) -> tuple[str, Store, list[Line]]:
    clock = VirtualClock(datetime(2026, 4, 1, 23, 30, tzinfo=timezone.utc))
    store = Store.open(tmp_path / "store")
    store.update_agreement(ITEMS, "add", "2026-03-01T19:00:00+00:00")
    for proposal in proposals:
        store.append(proposal)
    queue = list(answers)
    said: list[Line] = []
    listener = TypedTurns(clock, lambda request, now: queue.pop(0), timezone.utc)
    conversation = Conversation(listener, Interpreter(IntentMatcher.load()), said.append, clock)
    final = sessions.run_session(conversation, sessions.new_session(
        "agreement_review", SessionContext(store, DialogLibrary.load(seed=1), Settings(), clock)))
    assert queue == []
    return final, store, said


def test_review_changes_one_item_removes_one_keeps_the_rest_and_keeps_history(tmp_path: Path) -> None:
    final, store, said = review(tmp_path, ["keep", "change", "phones are open to each other on request",
                                           "remove", "keep it", "no", "yes", "yes", "yes", "yes"])
    assert final == "completed"
    versions = store.query(AgreementVersion)
    assert [v.change for v in versions] == ["add", "review"]
    assert versions[0].items == tuple(ITEMS)
    assert versions[1].items == (ITEMS[0], "phones are open to each other on request", ITEMS[3])
    assert store.agreement() == versions[1]
    read = [line.slots["number"] for line in said if line.dialog_id == "agreement_review.review_item"]
    assert read == ["1", "2", "3", "4"]
    confirms = [(line.dialog_id, line.slots["number"]) for line in said if "confirm" in line.dialog_id]
    assert confirms == [("agreement_review.confirm_first", "2"), ("agreement_review.confirm_first", "3"),
                        ("agreement_review.confirm_second", "2"), ("agreement_review.confirm_second", "3")]


def test_a_change_needs_a_yes_from_both_partners(tmp_path: Path) -> None:
    final, store, said = review(tmp_path, ["change", "we share plans by five", "keep", "remove", "keep", "no",
                                           "yes", "yes", "no", "yes"])
    assert final == "completed"
    current = store.agreement()
    assert current is not None and current.change == "review"
    assert current.items == (ITEMS[0], ITEMS[1], ITEMS[3])  # item 3 removed (both yes); item 1 kept (a no)
    closing = [line for line in said if line.dialog_id == "agreement_review.closing"][0]
    assert "item 3 removed" in closing.slots["summary"] and "item 1" not in closing.slots["summary"]


def test_building_the_summary_saves_nothing_until_the_review_completes(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    store.update_agreement(ITEMS, "add", "2026-03-01T19:00:00+00:00")
    clock = VirtualClock(datetime(2026, 4, 1, 23, 30, tzinfo=timezone.utc))
    review_of = AgreementReviewActivity(store, DialogLibrary.load(seed=1), ("Maya", "Jordan"), clock)
    review_of.proposals[3] = Proposal(3, "remove", votes={"Maya": True, "Jordan": True})
    closing = DialogLibrary.load(seed=1).scripts["agreement_review"].step("closing")
    summary = str(review_of.step_slots(closing)["summary"])
    assert "item 4 removed" in summary
    assert len(store.query(AgreementVersion)) == 1  # saying the summary is not saving it
    review_of.finish("completed")
    saved = store.agreement()
    assert saved is not None and saved.items == tuple(ITEMS[:3])
    store.close()


def test_keeping_everything_stores_no_new_version(tmp_path: Path) -> None:
    final, store, _ = review(tmp_path, ["keep"] * 4 + ["no"])
    assert final == "completed"
    assert len(store.query(AgreementVersion)) == 1


def test_cli_add_list_edit_remove_and_history(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path)]
    both = "yes\nyes\n"  # each partner is asked by name; both say yes
    for text in ITEMS[:3]:
        assert runner.invoke(cli, [*base, "agreement", "add", *text.split()], input=both).exit_code == 0
    assert runner.invoke(cli, [*base, "agreement", "edit", "2", "Phones", "are", "open"], input=both).exit_code == 0
    assert runner.invoke(cli, [*base, "agreement", "remove", "1"], input=both).exit_code == 0
    listed = runner.invoke(cli, [*base, "agreement", "list"])
    assert listed.exit_code == 0
    assert "1. Phones are open" in listed.output and "2. We use a calm voice" in listed.output
    assert ITEMS[0] not in listed.output
    bad = runner.invoke(cli, [*base, "agreement", "remove", "7"])
    assert bad.exit_code != 0 and "no item 7" in bad.output
    history = runner.invoke(cli, [*base, "agreement", "history"])
    assert [line.split(" (")[1].split(")")[0] for line in history.output.splitlines() if line.startswith("v")] == [
        "add", "add", "add", "edit", "remove"]
    with Store.open(tmp_path) as store:
        assert len(store.query(AgreementVersion)) == 5


@pytest.mark.parametrize("answers", ["yes\nno\n", "yes\n", ""])
def test_cli_change_without_both_yeses_is_a_proposal_not_a_change(tmp_path: Path, answers: str) -> None:
    with Store.open(tmp_path) as store:
        store.update_agreement(ITEMS[:2], "add", "2026-03-01T19:00:00+00:00")
    base = ["--data-dir", str(tmp_path), "agreement"]
    for args in (["remove", "1"], ["edit", "2", "Phones", "are", "open"], ["add", "We", "walk", "on", "Sundays."]):
        done = CliRunner().invoke(cli, [*base, *args], input=answers)
        assert done.exit_code == 0, done.output
        assert "Alex, do you agree?" in done.output and "kept as a proposal" in done.output
    with Store.open(tmp_path) as store:
        assert [v.items for v in store.query(AgreementVersion)] == [tuple(ITEMS[:2])]  # unchanged
        assert [(p.action, p.item, p.wording) for p in store.query(AgreementProposal)] == [
            ("remove", ITEMS[0], ""), ("edit", ITEMS[1], "Phones are open"), ("add", "", "We walk on Sundays.")]


def test_the_next_review_puts_command_line_proposals_to_both(tmp_path: Path) -> None:
    at = "2026-03-20T19:00:00+00:00"
    proposals = (AgreementProposal(at=at, action="remove", item=ITEMS[3]),
                 AgreementProposal(at=at, action="add", wording="We walk together on Saturdays."),
                 AgreementProposal(at=at, action="edit", item="An item that no longer reads so", wording="x"))
    #            items: keep x4 (the remove proposal for item 4 stands); then each proposal to each partner
    final, store, said = review(tmp_path, ["keep"] * 4 + ["no"] + ["yes", "yes", "yes", "no"], proposals)
    assert final == "completed"
    opening = next(line for line in said if line.dialog_id == "agreement_review.opening")
    assert DialogLibrary.load().render("agreement.proposals_waiting_many", count=2).text in opening.text
    asked = [(line.dialog_id, line.slots.get("number")) for line in said if "confirm" in line.dialog_id]
    assert asked == [("agreement_review.confirm_first", "4"), ("agreement_review.confirm_first", "5"),
                     ("agreement_review.confirm_second", "4"), ("agreement_review.confirm_second", "5")]
    versions = store.query(AgreementVersion)
    assert versions[-1].items == tuple(ITEMS[:3]) and versions[-1].change == "review"  # removed; the add had a no
    store.close()


def test_a_new_item_by_voice_is_read_back_then_put_to_both(tmp_path: Path) -> None:
    final, store, said = review(tmp_path, ["keep"] * 4 + ["yes", "we walk together on saturdays", "yes",
                                                          "yes", "yes"])
    assert final == "completed"
    readback = next(line for line in said if line.dialog_id == "agreement_review.add_readback")
    assert readback.slots["heard"] == "we walk together on saturdays"
    confirms = [(line.dialog_id, line.slots.get("number")) for line in said if "confirm" in line.dialog_id]
    assert confirms == [("agreement_review.confirm_first", "5"), ("agreement_review.confirm_second", "5")]
    assert store.query(AgreementVersion)[-1].items == (*ITEMS, "we walk together on saturdays")
    store.close()


def test_a_new_item_heard_wrong_is_left_out(tmp_path: Path) -> None:
    final, store, said = review(tmp_path, ["keep"] * 4 + ["yes", "we walk to get her on sad hours", "no"])
    assert final == "completed"
    assert [line.dialog_id for line in said][-2:] == ["agreement_review.add_not_kept", "agreement_review.closing"]
    assert len(store.query(AgreementVersion)) == 1  # nothing kept, nothing put to the vote
    store.close()
