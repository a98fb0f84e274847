"""The danger detector's API and behaviour, the resources' fallbacks, the quiet path and the resume rule."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from assistant.danger import LAST_RESORT, DangerDetector, Verdict, help_line_text, resources_text, resume_policy
from assistant.danger import detector as detector_module
from assistant.danger import resources as resources_module
from assistant.danger.lexicon import LexiconError, inflections, load_lexicon
from assistant.intents import IntentMatcher

DIALOGS = Path(__file__).resolve().parent.parent / "dialogs"


@pytest.fixture(scope="module")
def detector() -> DangerDetector:
    return DangerDetector.load(DIALOGS, partners=("Jordan", "Sam"))


def test_verdicts_name_level_and_category_never_the_text(detector: DangerDetector):
    assert detector.assess("he choked me last night") == Verdict("danger", "partner_violence")
    assert detector.assess("I keep thinking about ending my life") == Verdict("danger", "suicide")
    assert detector.assess("I don't feel safe") == Verdict("ambiguous", "fear_of_partner")
    assert detector.assess("this traffic is killing me") == Verdict("none", "")
    assert [hit.rule_id for hit in detector.explain("she slapped me")] == ["violence.strike"]


def test_partner_names_join_the_person_class():
    with_names = DangerDetector.load(DIALOGS, partners=("Tamsin", "Wren"))  # rare names: not in the census list
    without = DangerDetector.load(DIALOGS)
    assert with_names.assess("im scared of tamsin").level == "ambiguous"  # a transcript: no capitals
    assert without.assess("im scared of tamsin").level == "none"
    assert with_names.assess("wren pushed me into the door").level == "danger"


def test_an_unknown_capitalised_word_in_typed_text_is_read_as_a_name():
    without = DangerDetector.load(DIALOGS)
    assert without.assess("I'm scared of Jordan").level == "ambiguous"
    assert without.assess("Riley slapped me").level == "danger"
    assert without.clauses("Reality hit me hard") == ["hard"]  # a known word stays itself (an idiom here)


@pytest.mark.parametrize(("typed", "transcribed"), [
    ("I don't want to live anymore.", "i dont want to live anymore"),
    ("He's going to kill me!", "hes going to kill me"),
    ("I'm not allowed to see my family.", "im not allowed to see my family"),
    ("He choked me.", "he [unk] choked me"),
])
def test_transcripts_read_like_typed_text(detector: DangerDetector, typed: str, transcribed: str):
    assert detector.assess(typed) == detector.assess(transcribed) != Verdict("none")


def test_negation_and_hypotheticals(detector: DangerDetector):
    assert detector.assess("he has never hit me").level == "none"
    assert detector.assess("I would never hurt you").level == "none"
    assert detector.assess("if he ever hit me I would leave").level == "ambiguous"
    assert detector.assess("he said if I leave he will kill me").level == "danger"


def test_negation_reaches_only_its_own_clause(detector: DangerDetector):
    assert detector.assess("when i said no he hit me").level == "danger"  # "no" is an answer here
    assert detector.assess("i couldnt breathe when he had his hands on my neck").level == "danger"
    assert detector.assess("I don't think he hit me, it was an accident").level == "none"  # "think" carries it
    assert detector.assess("she has never laid a hand on me").level == "none"


def test_a_common_first_name_in_a_transcript_is_a_person(detector: DangerDetector):
    assert detector.assess("chris strangles me during arguments").level == "danger"
    assert detector.assess("the van hit me on my bike").level != "danger"  # after a determiner: a noun


def test_transcribed_ill_is_i_will_unless_an_adjective(detector: DangerDetector):
    assert detector.assess("if he does it again ill kill him").level in ("ambiguous", "danger")
    assert detector.assess("i feel ill and i want to kill the headache").level == "none"


def test_inflections_cover_regular_doubling_and_irregular_verbs():
    assert set(inflections("knee", {})) == {"knee", "knees", "kneed", "kneeing", "kneein"}
    assert set(inflections("slap", {})) == {"slap", "slaps", "slapped", "slapping", "slappin"}
    assert set(inflections("push", {})) == {"push", "pushes", "pushed", "pushing", "pushin"}
    assert set(inflections("choke", {})) == {"choke", "chokes", "choked", "choking", "chokin"}
    throw = inflections("throw", {"throw": ("threw", "thrown", "throws", "throwing")})
    assert {"threw", "throwed", "throwin"} <= set(throw)  # learners over-regularise; typists drop the g
    assert "hitted" in inflections("hit", {"hit": ("hits", "hitting")})
    assert "sexually assaulted" in inflections("sexually +assault", {})


def test_spoken_phrases_are_speakable_and_detected(detector: DangerDetector):
    phrases = detector.spoken_phrases()
    assert len(phrases) >= 20
    for phrase in phrases:
        assert phrase == phrase.lower() and not any(ch.isdigit() for ch in phrase)
        assert detector.assess(phrase).level in ("danger", "ambiguous"), phrase


def test_nothing_said_reaches_the_logs(detector: DangerDetector, caplog: pytest.LogCaptureFixture, monkeypatch):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(detector_module.DangerDetector, "_match", lambda *a: 1 / 0)
    assert detector.assess("my secret words he hit me") == Verdict("ambiguous", "unassessed")
    assert "secret" not in caplog.text


def test_a_broken_user_lexicon_falls_back_to_a_good_copy(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    (tmp_path / "safety_lexicon.yaml").write_text("rules: [{id: x, level: extreme}]\n", encoding="utf-8")
    loaded = DangerDetector.load(tmp_path)
    assert not loaded.degraded
    assert loaded.assess("he hit me").level == "danger"
    assert f"{tmp_path}/safety_lexicon.yaml: words.person: missing" in caplog.text


def test_lexicon_errors_name_the_file_and_field(tmp_path: Path):
    shutil.copy(DIALOGS / "safety_lexicon.yaml", tmp_path / "safety_lexicon.yaml")
    path = tmp_path / "safety_lexicon.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("'{kill} (myself|my self)'", "'{kil} (myself'"),
                    encoding="utf-8")
    with pytest.raises(LexiconError, match=r"safety_lexicon.yaml: rules\[0\] \(suicide.kill_self\)"):
        DangerDetector(load_lexicon(path))


def test_with_no_usable_lexicon_anywhere_every_statement_gets_the_calm_question(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(detector_module, "lexicon_candidates", lambda _dir: [tmp_path / "missing.yaml"])
    degraded = DangerDetector.load(tmp_path)
    assert degraded.degraded
    assert degraded.assess("he hit me") == Verdict("ambiguous", "unassessed")
    assert degraded.assess("  ") == Verdict("none")


@pytest.mark.parametrize("broken", ["missing", "malformed", "empty_folder"])
def test_resources_are_given_whatever_the_dialog_folder(tmp_path: Path, broken: str):
    if broken == "malformed":
        (tmp_path / "safety.yaml").write_text("prompts: [this is: not: valid\n", encoding="utf-8")
    elif broken == "missing":
        (tmp_path / "common.yaml").write_text("prompts: {hello: [hi]}\n", encoding="utf-8")
    assert "116 123" in resources_text("GB", tmp_path)
    assert "988" in resources_text("US", tmp_path)
    assert "1800 737 732" in resources_text("au", tmp_path)


def test_the_built_in_list_is_the_last_resort(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(resources_module, "safety_candidates", lambda _dir: [tmp_path / "nowhere.yaml"])
    text = resources_text("GB", tmp_path)
    assert text == LAST_RESORT
    assert all(number in text for number in ("911", "999", "112", "988", "116 123"))


def test_an_unknown_country_gets_the_default_list():
    assert "findahelpline.com" in resources_text("NZ")


def test_help_line_gives_the_numbers_in_a_few_words():
    text = help_line_text("IE")
    assert "1800 341 900" in text and "stop" not in text.lower()
    assert IntentMatcher.load().match("help line please") == "help_line"


@pytest.mark.parametrize(("country", "number"), [("US", "1 800 799 7233"), ("GB", "0808 2000 247"),
                                                 ("CA", "988"), ("AU", "13 11 14"), ("IE", "116 123")])
def test_assistant_resources_prints_quietly(country: str, number: str, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DIALOGS", str(tmp_path))  # an empty dialog folder: the fallbacks answer
    result = CliRunner().invoke(cli, ["--io", "text", "resources", "--country", country])
    assert result.exit_code == 0 and result.exception is None
    assert number in result.output and "Traceback" not in result.output


def test_resume_rule_keeps_joint_sessions_held_where_there_is_violence():
    violence = resume_policy("partner_violence")
    assert (violence.joint_checkin, violence.individual_support) == ("held", True)
    assert violence.dialog_id == "safety.resume_held_violence"
    suicide = resume_policy("suicide")
    assert (suicide.joint_checkin, suicide.resume_requires) == ("when_both_ask", "both_ask")
    assert resume_policy("something new").joint_checkin == "when_both_ask"


def test_check_safety_names_what_to_fix(tmp_path: Path):
    from assistant.danger.check import check_safety

    assert check_safety(DIALOGS) == []
    (tmp_path / "safety.yaml").write_text("prompts:\n  message: [\"{resources}\"]\n", encoding="utf-8")
    problems = check_safety(tmp_path)
    assert any("safety_lexicon.yaml: cannot read" in problem for problem in problems)
    assert any(problem.endswith("prompts.resources_GB: missing or empty; expected a list of one or more lines")
               for problem in problems)


def test_one_detector_per_process_rebuilt_when_the_lexicon_changes(tmp_path: Path):
    from assistant.danger import shared_detector, warm

    shutil.copy(DIALOGS / "safety_lexicon.yaml", tmp_path / "safety_lexicon.yaml")
    first = warm(tmp_path, ("Tamsin",)).result(timeout=60)
    assert shared_detector(tmp_path, ("Tamsin",)) is first
    assert first.assess("tamsin choked me").level == "danger"
    (tmp_path / "safety_lexicon.yaml").write_text("rules: []\n", encoding="utf-8")  # broken: a fallback copy
    rebuilt = shared_detector(tmp_path, ("Tamsin",))
    assert rebuilt is not first and rebuilt.assess("tamsin choked me").level == "danger"



def test_the_interpreter_danger_check_answers_a_level_and_never_fails(tmp_path: Path):
    from assistant.danger.engine_check import LexiconDangerCheck

    check = LexiconDangerCheck(DIALOGS, ("Jordan", "Sam"))
    assert check.assess("jordan choked me") == "danger"
    assert check.verdict("i want to end it all") == Verdict("danger", "suicide")
    assert check.assess("I don't feel safe sharing my phone yet") == "none"
    assert "i want to die" in check.spoken_phrases()
    (tmp_path / "safety_lexicon.yaml").write_text("rules: [", encoding="utf-8")  # unusable: a fallback copy
    assert LexiconDangerCheck(tmp_path).assess("he choked me") == "danger"
