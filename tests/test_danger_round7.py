"""Issue 12, round 7: rule families added for suicide told as a scene or a euphemism, violence minimised or in
slang, veiled threats, the children, coercive control and fear, and the repair talk that must stay quiet. Each case
is a new wording, in no corpus: it checks the family (verdict and category), not one sentence."""

from __future__ import annotations

import pytest

from assistant.danger import DangerDetector


@pytest.mark.parametrize(("text", "level", "category"), [
    # a typed word with a dropped letter ("kickd": kick or kicked) is mended to the form the slip explains
    ("he kickd me", "danger", "partner_violence"),
    # "'s got" is "has got"
    ("she's got a nasty temper and it scares me", "ambiguous", "fear_of_partner"),
    # suicide as a euphemism of death, of non-existence, of a painless way
    ("I'd be better off in my grave", "danger", "suicide"),
    ("it would be simpler for everyone to just not exist", "danger", "suicide"),
    ("been reading about peaceful ways to go", "danger", "suicide"),
    ("I want to simply stop existing", "danger", "suicide"),
    # suicide told as a scene at a place or a means
    ("last night I stood on the balcony and thought about letting go", "danger", "suicide"),
    ("I sat in the closed garage with the car running", "danger", "suicide"),
    ("I got some pills and I know what they're for", "danger", "suicide"),
    ("I held the razor for a long time last night", "ambiguous", "suicide"),
    ("I wrote letters to my family, in case", "danger", "suicide"),
    # future absence, nobody noticing, dark thoughts, fear of one's own acts (the calm question)
    ("I can't see myself still being here by my birthday", "ambiguous", "suicide"),
    ("if I were dead no one would even notice", "ambiguous", "suicide"),
    ("I've been in a really dark place lately", "ambiguous", "suicide"),
    ("I'm scared of what I might do to myself", "ambiguous", "suicide"),
    ("not sure how much more of this I can bear", "ambiguous", "suicide"),
    ("I'm not sure whether I can keep going", "ambiguous", "suicide"),
    # self-harm: relapse named by its tool, another person's, until it hurts
    ("I relapsed yesterday, the lighter again", "ambiguous", "self_harm"),
    ("my wife burns her wrists with a lighter", "danger", "self_harm"),
    ("I scratch my arms until it really stings", "danger", "self_harm"),
    # violence: slang words for a partner, the children's names, kinds of knife, injuries and cover-ups
    ("the missus battered me last night", "danger", "partner_violence"),
    ("my husband slapped our toddler", "danger", "partner_violence"),
    ("she came at me with a steak knife", "danger", "partner_violence"),
    ("my ex put me in intensive care", "danger", "partner_violence"),
    ("the marks he left me are still purple", "danger", "partner_violence"),
    ("I hide them under long sleeves", "ambiguous", "partner_violence"),
    ("it was only a backhand, nothing serious", "ambiguous", "partner_violence"),
    ("got slapped again yesterday", "ambiguous", "partner_violence"),
    ("he pulled me across the car park by my arm", "ambiguous", "partner_violence"),
    ("things got kind of physical on Saturday", "ambiguous", "partner_violence"),
    ("we were rowing and he went too far", "ambiguous", "partner_violence"),
    ("he trashed the flat when I said I was leaving", "ambiguous", "partner_violence"),
    ("I shook our toddler really hard", "danger", "partner_violence"),
    # threats: groups as the target, impulses toward a child, veiled and foretold threats, weapons kept in mind
    ("I'm going to kill the pair of them", "danger", "threat_to_other"),
    ("I feel like I might hurt my little girl", "danger", "threat_to_other"),
    ("I've got a hunting rifle now and I know exactly who it's for", "danger", "threat_to_other"),
    ("I took the hammer and stood over her while she slept", "danger", "threat_to_other"),
    ("my wife says she could make me vanish", "danger", "partner_violence"),
    ("he keeps saying accidents happen to wives who talk", "danger", "partner_violence"),
    ("he told me to remember what happens to snitches", "danger", "partner_violence"),
    ("he said there's a bullet with my name on it", "danger", "partner_violence"),
    ("she warned me that next time she won't stop", "ambiguous", "partner_violence"),
    ("there's a rifle in the shed now and he keeps talking about it", "ambiguous", "partner_violence"),
    # sexual violence: intimate filming with a threat to share
    ("she recorded us having sex and threatens to upload it", "danger", "sexual_violence"),
    # coercive control
    ("I'm not allowed my own money", "danger", "coercive_control"),
    ("she decides everything, I have no say", "ambiguous", "coercive_control"),
    ("he goes through my messages behind my back", "ambiguous", "coercive_control"),
    ("my girlfriend is really possessive", "ambiguous", "coercive_control"),
    # fear
    ("I feel like his property", "ambiguous", "fear_of_partner"),
    ("he leaves his boots by the bed to intimidate me", "ambiguous", "fear_of_partner"),
    ("she gets so jealous that it terrifies me", "ambiguous", "fear_of_partner"),
    ("I'm frightened of what might happen tonight", "ambiguous", "fear_of_partner"),
    ("things are getting really dangerous at home", "ambiguous", "fear_of_partner"),
    ("I can't talk about it in front of her", "ambiguous", "fear_of_partner"),
    ("I'm not sure I am safe around him", "ambiguous", "fear_of_partner"),
])
def test_round7_families(shipped_detector: DangerDetector, text: str, level: str, category: str) -> None:
    verdict = shipped_detector.assess(text)
    assert (verdict.level, verdict.category) == (level, category), shipped_detector.explain(text)


@pytest.mark.parametrize("text", [
    "my brother held me down during a play fight", "I sat in the car with the engine running to keep warm",
    "we stood on the bridge and watched the fireworks", "I looked at the pills the doctor gave me, they're huge",
    "I left a note for the kids in case they get home before me", "it was just a push to get the car started",
    "he's so controlling about the remote", "the thought of my dad's surgery terrifies me",
    "it finally struck me how deeply I'd hurt her", "I'm at the end of my tether with this printer",
    "we've been walking on eggshells around each other", "I was scared to tell him I'd crashed the car",
    "the bruises from rugby are fading", "I cover my tattoo with long sleeves at work",
    "my dad got me a pocket knife for scouts", "he has a bread knife in the drawer",
    "I got hit again by a wave at the beach", "I shook the baby's rattle",
    "he filmed us at the beach without asking", "I'm not allowed caffeine after my surgery",
    "she checks her phone constantly", "he checks my phone every evening, it helps me trust him",
    "I'm through with the diet, back to cake",
])
def test_round7_everyday_talk_stays_quiet(shipped_detector: DangerDetector, text: str) -> None:
    assert shipped_detector.assess(text).level == "none", shipped_detector.explain(text)
