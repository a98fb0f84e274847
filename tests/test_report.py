"""The report's facts, lines (dialog id + slots) and charts, from a three-month history in a real store."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from report_history import MISSED, PARTNERS, SAFETY, SAFETY_STOP, TIMEOUTS, TODAY, ZONE, Written, write_history

from assistant.report import History, Words, collect
from assistant.report.charts import plotted_days, ratings_figure, tick_labels, timeouts_figure
from assistant.report.sections import Section, build
from assistant.store import Store
from assistant.store.records import (
    Commitment,
    CommitmentReview,
    Record,
    SafetyEvent,
    SessionEvent,
    StepAnswer,
    TimeOut,
)

pytestmark = pytest.mark.usefixtures("private_umask")
REPORT_CODE = Path(__file__).parent.parent / "assistant" / "report"


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[Record], Written]]:
    directory = tmp_path_factory.mktemp("report") / "data"
    written = write_history(directory)
    with Store.open(directory) as store:
        yield store.query(), written


@pytest.fixture(scope="module")
def words() -> Words:
    return Words()


def history_of(records: list[Record], keep: bool = True) -> History:
    return collect(records, TODAY, ZoneInfo(ZONE), PARTNERS, keep_transcripts=keep)


def lines(section: Section) -> dict[str, list[dict[str, str]]]:
    found: dict[str, list[dict[str, str]]] = {}
    for para in section.paras:
        found.setdefault(para.line.dialog_id, []).append(para.line.slots)
    return found


def section(history: History, words: Words, key: str) -> dict[str, list[dict[str, str]]]:
    return lines(next(s for s in build(history, words) if s.key == key))


def test_each_partner_has_their_own_ratings_on_the_local_day(stored, words: Words) -> None:
    records, written = stored
    history = history_of(records)
    for partner in PARTNERS:
        series = history.series(partner, "safety")
        assert [r.day for r in series] == written.rated_days  # Sunday evenings in New York, not Monday in UTC
        assert all(day.weekday() == 6 for day in written.rated_days)
        assert [r.value for r in series] == SAFETY[partner][:len(series)]
    ratings = section(history, words, "ratings")
    assert {s["partner"] for s in ratings["report.ratings_series"]} == set(PARTNERS)
    assert "report.low_signpost" in ratings
    low = {(s["partner"], s["measure"]) for s in ratings["report.low_ratings"]}
    assert low == {("Maya", "how safe"), ("Maya", "how close"), ("Jordan", "how close")}


def test_a_check_in_stopped_for_safety_is_said_as_such(stored, words: Words) -> None:
    records, _ = stored
    checkins = section(history_of(records), words, "checkins")
    assert checkins["report.checkins_safety"] == [{"checkins": "1 check-in", "days": "11 Jan 2026"}]
    only_stop = [r for r in records if isinstance(r, (SessionEvent, SafetyEvent)) and r.when.date() >= SAFETY_STOP
                 and r.when.date() <= SAFETY_STOP + timedelta(days=1) and getattr(r, "activity", "") == "checkin"]
    alone = section(history_of(only_stop), words, "checkins")
    assert "report.checkins_none_done" not in alone and "report.checkins_safety" in alone
    safety = section(history_of(records), words, "safety")
    assert safety == {"report.safety_count": [{"responses": "1 safety response", "days": "11 Jan 2026"}]}


def test_time_outs_by_ending_and_an_honest_cool_off(stored, words: Words) -> None:
    records, _ = stored
    timeouts = section(history_of(records), words, "timeouts")
    assert timeouts["report.timeouts_endings"] == [{"endings": "2 resumed, 1 rescheduled, 1 stopped for the day"}]
    assert timeouts["report.cooloff_timed"] == [{"timed": "3", "low": "20 minutes", "high": "31 minutes",
                                                 "median": "22 minutes"}]
    untimed = [TimeOut(at=f"2026-01-0{n}T21:05:00+00:00", started_at=f"2026-01-0{n}T21:00:00+00:00",
                       cooloff_s=0.0, outcome="stop") for n in (3, 4)]
    assert "report.cooloff_none" in section(history_of(untimed), words, "timeouts")
    safe_end = [*untimed[:1], SafetyEvent(at="2026-01-03T21:03:00+00:00", activity="timeout")]
    assert section(history_of(safe_end), words, "timeouts")["report.timeouts_endings"] == [
        {"endings": "1 a safety response"}]


def test_appreciations_runs_and_plurals(stored, words: Words) -> None:
    records, written = stored
    thanks = section(history_of(records), words, "appreciations")
    assert thanks["report.thanks_days"] == [{"days": f"{len(written.thanks)} days", "total": "93 days"}]
    assert thanks["report.streak_now"] == [{"days": "14 days"}]
    assert words.count("n_days", 1) == "1 day" and words.count("n_days", 2) == "2 days"
    history = history_of(records)
    assert history.thanks == {day: frozenset(who) for day, who in written.thanks.items()}


def test_themes_respect_keep_transcripts(stored, words: Words) -> None:
    records, _ = stored
    kept = section(history_of(records), words, "themes")
    assert kept["report.themes_partner"][0] == {"partner": "Maya", "triggers": "11 triggers", "needs": "11 needs"}
    assert kept["report.theme_item"] == [  # 44 answers, two wordings: counted as themes, not 44 transcript lines
        {"kind": "trigger", "text": "a late message that went unanswered", "who": "Maya 11 times, Jordan 11 times",
         "day": "1 Feb 2026"},
        {"kind": "need", "text": "a quick text when plans change", "who": "Maya 11 times, Jordan 11 times",
         "day": "1 Feb 2026"}]
    private = section(history_of(records, keep=False), words, "themes")
    assert "report.theme_item" not in private and "report.themes_counts_only" in private
    assert private["report.themes_partner"] == kept["report.themes_partner"]


def test_agreement_and_its_history(stored, words: Words) -> None:
    records, _ = stored
    agreement = section(history_of(records), words, "agreement")
    assert agreement["report.agreement_current"] == [{"items": "3 items", "day": "Sunday 4 January 2026"}]
    assert [s["number"] for s in agreement["report.agreement_item"]] == ["1", "2", "3"]


def test_ratings_chart_is_true_to_the_calendar(stored, words: Words) -> None:
    records, written = stored
    history = history_of(records)
    figure = ratings_figure(history, words)
    drawn = plotted_days(figure, "ratings-0-safety")
    assert [d for d in drawn if d is not None] == written.rated_days
    breaks = [index for index, d in enumerate(drawn) if d is None]
    assert len(breaks) == len(MISSED) + 1  # two missed weeks, and the week stopped for safety
    for index in breaks:  # each break sits between the check-ins around a missing week
        assert (drawn[index + 1] - drawn[index - 1]).days >= 14
    labels = tick_labels(figure)
    assert any("2025" in label for label in labels) and any("2026" in label for label in labels)
    bars = [p for ax in timeouts_figure(history, words).axes for p in ax.patches]
    assert len(bars) == len(TIMEOUTS) and {round(p.get_width()) for p in bars} == {6}  # one week wide at most


def test_an_empty_store_and_unknown_rating_steps(words: Words) -> None:
    assert build(history_of([]), words) == []
    odd = [StepAnswer(at=datetime(2026, 1, 4, 19, tzinfo=timezone.utc).isoformat(), session_id="s",
                      activity="checkin", step="progress_trust", partner="Ezra", rating=3)]
    history = history_of(odd)
    assert history.partners == (*PARTNERS, "Ezra") and history.measures == ["progress_trust"]
    assert section(history, words, "ratings")["report.ratings_series"][0]["measure"] == "progress_trust"


def test_no_sentences_in_the_report_code() -> None:
    sentence = re.compile(r"[A-Z][a-z]+( [a-z']+){3,}")
    for path in REPORT_CODE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                      and isinstance(node.body[0], ast.Expr)}
        docstrings |= {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                assert not sentence.search(node.value), f"{path.name}: prose belongs in dialogs/: {node.value!r}"


def test_every_report_line_is_in_the_dialogs(words: Words) -> None:
    text = (REPORT_CODE / "sections.py").read_text() + (REPORT_CODE / "page.py").read_text()
    used = set(re.findall(r'w(?:ords)?\.(?:line|text)\("([a-z_]+)"', text))
    assert used and all(words.library.has(f"report.{key}") for key in used), used
    assert date(2026, 2, 1) == TODAY


def test_a_period_from_since_to_today_and_long_runs_of_low_ratings(stored, words: Words) -> None:
    records, written = stored
    since, until = date(2026, 1, 1), date(2026, 1, 25)
    history = collect(records, until, ZoneInfo(ZONE), PARTNERS, since=since)
    assert history.start == since and history.today == until
    assert sorted({r.day for r in history.ratings}) == [d for d in written.rated_days if since <= d <= until]
    assert section(history, words, "agreement")["report.agreement_current"][0]["items"] == "3 items"
    assert section(history, words, "checkins")["report.checkins_done"][0]["checkins"] == "3 check-ins"
    low = [StepAnswer(at=datetime(2026, 1, d, 19, tzinfo=timezone.utc).isoformat(),
                      session_id=f"s{d}", activity="checkin", step="progress_safe", partner="Maya", rating=1)
           for d in range(1, 21)]
    flagged = section(history_of(low), words, "ratings")["report.low_ratings_many"]
    assert flagged[0]["count"] == "20" and flagged[0]["values"].count(" on ") == 8


def test_commitments_kept_as_the_other_partner_said_and_go_back_counted_once(stored, words: Words) -> None:
    records, written = stored
    history = history_of(records)
    weeks = len(written.rated_days)  # completed check-ins: one confirmed commitment each, per partner
    made = [r for r in records if isinstance(r, Commitment)]
    assert len(made) == 2 * weeks + 1 and sum(c.supersedes is not None for c in made) == 1  # the "go back" one
    assert len(history.commitments) == 2 * weeks  # the replaced one is not counted
    reviewed = [c for c in history.commitments if c.kept is not None]
    assert {(c.partner, c.confirmed_by) for c in reviewed} == {("Maya", "Jordan"), ("Jordan", "Maya")}
    # report_history: Maya's commitment is not kept in weeks where week % 3 == 1 (weeks 1, 4, 7, 10 reviewed)
    maya_kept = sum(week % 3 != 1 for week in range(1, weeks))
    lines_ = section(history, words, "commitments")
    assert lines_["report.commitments_partner"] == [
        {"partner": "Maya", "kept": str(maya_kept), "reviewed": f"{weeks - 1} commitments", "others": "Jordan"},
        {"partner": "Jordan", "kept": str(weeks - 1), "reviewed": f"{weeks - 1} commitments", "others": "Maya"}]
    assert lines_["report.commitments_open"] == [{"commitments": "2 commitments"}]
    assert "report.commitments_partner_self" not in lines_


def test_a_commitment_the_maker_marked_in_an_older_store_is_said_as_self_marked(words: Words) -> None:
    made = Commitment(at="2026-01-04T19:00:00+00:00", session_id="s1", partner="Maya", text="call at six")
    review = CommitmentReview(at="2026-01-11T19:00:00+00:00", session_id="s2", commitment_id=made.id, kept=True)
    found = section(history_of([made, review]), words, "commitments")
    assert found["report.commitments_partner_self"] == [{"partner": "Maya", "kept": "1", "reviewed": "1 commitment"}]
    assert "report.commitments_partner" not in found


def test_a_theme_is_the_same_words_named_again_whatever_the_case_or_punctuation(words: Words) -> None:
    said = [StepAnswer(at=f"2026-01-{day:02d}T20:00:00+00:00", session_id=f"s{day}", activity="checkin",
                       step="triggers", partner=partner, text=text)
            for day, partner, text in ((4, "Maya", "Late messages."), (11, "Maya", "late  messages"),
                                       (11, "Jordan", "the phone face down"), (18, "Jordan", "Late messages"))]
    found = section(history_of(said), words, "themes")
    assert [(t["text"], t["who"]) for t in found["report.theme_item"]] == [
        ("Late messages", "Maya 2 times, Jordan once"), ("the phone face down", "Jordan once")]


def test_the_wording_said_again_after_blame_coaching_is_the_theme_not_the_blaming_one(words: Words) -> None:
    def said(step: str, minute: int, text: str) -> StepAnswer:
        return StepAnswer(at=f"2026-01-04T20:{minute:02d}:00+00:00", session_id="s1", activity="checkin", step=step,
                          partner="Maya", text=text)

    found = section(history_of([said("triggers", 1, "you always assume the worst"),
                                said("trigger_coach", 2, "when the phone buzzed late i felt uneasy"),
                                said("needs", 9, "i need a quick text when plans change")]), words, "themes")
    assert found["report.themes_partner"][0] == {"partner": "Maya", "triggers": "1 trigger", "needs": "1 need"}
    assert [t["text"] for t in found["report.theme_item"]] == ["when the phone buzzed late i felt uneasy",
                                                             "i need a quick text when plans change"]
