"""Issue 12, round 8: rule families added for suicide as removing or finishing oneself, means kept, acts imagined at
a place; violence told by its signs (flinching, injuries shaped like a thing, "doesn't hit my face anymore");
threats told by the act (acid, the road, "have me done in", "you'll end up in a box"); the speaker's own intent;
children harmed, groomed, neglected; coercive control told by its methods; and the repair talk that must stay quiet.
Each case is a new wording, in no corpus: it checks the family (verdict and category), not one sentence."""

from __future__ import annotations

import pytest

from assistant.danger import DangerDetector


@pytest.mark.parametrize(("text", "level", "category"), [
    # suicide: finishing or removing oneself, the means kept or turned on oneself, the act imagined
    ("some days I just want to finish myself off", "danger", "suicide"),
    ("I've thought about taking myself out of the picture permanently", "danger", "suicide"),
    ("there's a rifle in the loft and I've thought about using it on myself", "danger", "suicide"),
    ("I got a rope last month. I have not used it yet.", "danger", "suicide"),
    ("I keep thinking about stepping in front of a bus on the way to work", "danger", "suicide"),
    ("sometimes I picture swimming out into the lake and never coming back", "danger", "suicide"),
    ("I was on the bridge last night and wanted to jump", "danger", "suicide"),
    ("I've got my tablets put away, enough of them", "none", ""),
    ("my sleeping pills are stashed away where she can't find them", "danger", "self_harm"),
    ("I could take everything in the bathroom cabinet tonight", "danger", "self_harm"),
    # suicide: hints that get the calm question
    ("nobody will have to worry about me anymore", "ambiguous", "suicide"),
    ("honestly I don't much care what happens to me", "ambiguous", "suicide"),
    ("I keep thinking about grandad's old revolver", "ambiguous", "suicide"),
    ("I feel like there's nothing left of me", "ambiguous", "suicide"),
    # self-harm: the urge named by its act, blows until something gives, "deliberately" as its own sentence
    ("the urge to burn is really strong tonight", "danger", "self_harm"),
    ("I hit the door until my knuckles bled", "danger", "self_harm"),
    ("I slammed my fingers in the drawer. Deliberately.", "danger", "self_harm"),
    ("my thighs are covered in scratches", "ambiguous", "self_harm"),
    # violence: its signs
    ("she doesn't slap me anymore, she just pinches where it won't show", "ambiguous", "partner_violence"),
    ("I flinch every time he raises his arm", "ambiguous", "partner_violence"),
    ("my stomach drops when I hear his car in the drive", "ambiguous", "partner_violence"),
    ("she grabs my arm to keep me from walking out", "ambiguous", "partner_violence"),
    ("the bruise on her arm is shaped like a hand", "danger", "partner_violence"),
    ("he pinned my arms down on the bed", "danger", "partner_violence"),
    # threats told by the act
    ("he said he'd throw bleach in my face", "danger", "partner_violence"),
    ("she says she'll have me killed, she knows people", "danger", "partner_violence"),
    ("he told me I'd end up in a ditch", "danger", "partner_violence"),
    ("the man she was seeing keeps threatening me", "danger", "partner_violence"),
    ("he will literally kill me", "danger", "partner_violence"),
    # the speaker's own intent
    ("I want that man to get beaten up", "danger", "threat_to_other"),
    ("I wanted her to get hurt the way I did", "ambiguous", "threat_to_other"),
    ("I found out how to tamper with his brakes", "danger", "threat_to_other"),
    ("I won't be responsible for my actions if he calls again", "ambiguous", "threat_to_other"),
    # children
    ("my ex leaves our toddler alone all night", "danger", "partner_violence"),
    ("he punishes our son by starving him", "danger", "partner_violence"),
    # coercive control by method
    ("she times my trips to the supermarket", "ambiguous", "coercive_control"),
    ("she opened a fake profile to watch who I talk to", "ambiguous", "coercive_control"),
    ("he's not letting me see my sister", "danger", "coercive_control"),
    ("I'm living like a prisoner", "ambiguous", "coercive_control"),
])
def test_round8_families(shipped_detector: DangerDetector, text: str, level: str, category: str):
    verdict = shipped_detector.assess(text)
    assert (verdict.level, verdict.category) == (level, category), (text, shipped_detector.explain(text))


@pytest.mark.parametrize("text", [
    # the same words in the repair work and in everyday life
    "you hurt me so badly with the lies, and I see you trying",
    "I think talking about him will hurt you, so I've waited",
    "you frightened the life out of me sneaking up with the coffee",
    "when you bring up her name I feel threatened, that's mine to work on",
    "when people feel threatened they shut down, the book says",
    "I wanted to disappear when the waiter sang happy birthday",
    "I keep the razor blades in the garage for the paint scraper",
    "the dog threw his ball across the room and knocked a cup over",
    "I'm not planning to be here for the whole weekend, just Saturday",
    "my dad's shotgun licence ran out, he's selling it",
    "I finished myself a whole pizza, oops",
    "we took ourselves out of the picture at the party and went home early",
    "he times my runs with his watch, I'm training for a 10k",
    "there'll be hell to pay at work if the report is late",
    "my mum came back from my sister's with a bruise from the cat",
    "you'll never find us in this maze, the kids shouted",
    "the kids leave their bikes alone in the rain all night",
    "I hit the gym until my legs were jelly",
    "she checks my location more than she used to, and we're talking about it",
    "I'm not letting you pay for dinner again",
    "I need the sharp scissors to cut",
    "I took extra painkillers to feel better after the dentist",
    "I bought a rope for the swing, I haven't used it yet",
    "we're going round to his house with a bat and ball on Sunday",
    "grab the cricket bat, you're next",
    "she drank a coffee and then drove the kids to football",
    "I've been thinking about the glue gun for the kids' project",
    "let me find out where we are on the map",
])
def test_round8_look_alikes_stay_quiet(shipped_detector: DangerDetector, text: str):
    verdict = shipped_detector.assess(text)
    assert verdict.level == "none", (text, shipped_detector.explain(text))
