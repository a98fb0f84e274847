"""Build tests/corpus/safety_tuning2.yaml: a second tuning corpus made systematically, not from habit.

Written before reading the lexicon's rules. Each category crosses its acts with subjects (pronouns, partner
roles, an ex, names), tense/aspect (past, habitual, progressive, future, "has been"), hedges, first/third person,
speech-transcript style (lower case, no punctuation, "gonna"/"wanna", no apostrophes) and long answers with the
danger inside one clause. A fixed seed keeps the file reproducible: `python tests/corpus/make_tuning2.py`.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

OUT = Path(__file__).with_name("safety_tuning2.yaml")
RNG = random.Random(20261128)

SUBJECTS = ["he", "she", "they", "my husband", "my wife", "my boyfriend", "my girlfriend", "my partner",
            "my ex", "Jordan", "Sam", "Chris", "my fiance", "her husband"]
HEDGES = ["", "", "", "I think ", "sometimes ", "honestly ", "kind of feels like ", "to be honest ",
          "i guess ", "um ", "well "]
# (base, past, third person, -ing)
HIT_VERBS = [("hit", "hit", "hits", "hitting"), ("punch", "punched", "punches", "punching"),
             ("slap", "slapped", "slaps", "slapping"), ("kick", "kicked", "kicks", "kicking"),
             ("shove", "shoved", "shoves", "shoving"), ("beat", "beat", "beats", "beating"),
             ("smack", "smacked", "smacks", "smacking"), ("choke", "choked", "chokes", "choking"),
             ("strangle", "strangled", "strangles", "strangling"), ("bite", "bit", "bites", "biting"),
             ("headbutt", "headbutted", "headbutts", "headbutting"), ("throttle", "throttled", "throttles",
                                                                       "throttling"),
             ("push", "pushed", "pushes", "pushing"), ("hurt", "hurt", "hurts", "hurting"),
             ("burn", "burned", "burns", "burning"), ("drag", "dragged", "drags", "dragging"),
             ("attack", "attacked", "attacks", "attacking"), ("assault", "assaulted", "assaults", "assaulting"),
             ("stab", "stabbed", "stabs", "stabbing"),
             ("elbow", "elbowed", "elbows", "elbowing"), ("knee", "kneed", "knees", "kneeing")]
BODY = ["in the face", "in the stomach", "across the face", "on the head", "in the ribs", "on my arm",
        "in the back", "so hard i bruised", "until i bled", "down the stairs", "against the wall",
        "to the floor", "", "", ""]
THIRD = {"he": "he", "she": "she", "they": "they"}


def subj_forms(subj: str) -> tuple[str, str]:
    """(subject, auxiliary 'has'/'have')."""
    return subj, ("have" if subj == "they" else "has")


def s_form(subj: str, verb: tuple[str, str, str, str]) -> str:
    return verb[0] if subj == "they" else verb[2]


def violence(n: int) -> list[str]:
    out = []
    for _ in range(n):
        subj = RNG.choice(SUBJECTS)
        verb = RNG.choice(HIT_VERBS)
        body = RNG.choice(BODY) if verb[0] not in {"choke", "strangle", "throttle"} else ""
        _, aux = subj_forms(subj)
        be = "are" if subj == "they" else "is"
        form = RNG.choice(["past", "past", "habitual", "has been", "keeps", "used to", "again", "when"])
        if form == "past":
            s = f"{subj} {verb[1]} me {body}"
        elif form == "habitual":
            s = f"{subj} {s_form(subj, verb)} me {body} {RNG.choice(['when', 'whenever'])} " \
                f"{RNG.choice(['he', 'she', 'they'])} {RNG.choice(['drinks', 'gets angry', 'loses it', 'is stressed'])}"
        elif form == "has been":
            s = f"{subj} {aux} been {verb[3]} me {RNG.choice(['for months', 'since the affair', 'again', ''])}"
        elif form == "keeps":
            s = f"{subj} {'keep' if subj == 'they' else 'keeps'} {verb[3]} me"
        elif form == "used to":
            s = f"{subj} used to {verb[0]} me and last week {subj} {verb[1]} me again"
        elif form == "again":
            s = f"last night {subj} {verb[1]} me again {body}"
        else:
            s = f"when i said no {subj} {verb[1]} me {body}"
        _ = be
        out.append(RNG.choice(HEDGES) + re.sub(r"\s+", " ", s).strip())
    return out


STRANGLE = ["{s} put {p} hands around my neck", "{s} grabbed me by the throat", "{s} squeezed my throat until i "
            "couldnt breathe", "{s} choked me until i passed out", "i couldnt breathe when {s} had {p} hands on my "
            "neck", "{s} tried to strangle me", "{s} held me down by the neck", "{s} has choked me twice",
            "{s} strangles me during arguments", "{s} held a pillow over my face"]
WEAPON = ["{s} threatened me with a knife", "{s} pointed a gun at me", "{s} held a knife to my throat",
          "{s} keeps a gun by the bed and says {sp} will use it on me", "{s} came at me with a kitchen knife",
          "{s} waved a knife at me during the fight", "{s} threw a bottle at my head", "{s} hit me with a belt",
          "{s} swung a bat at me", "{s} threatened to shoot me", "{s} loaded the gun in front of me",
          "{s} cut me with a knife"]
SEXUAL = ["{s} forced me to have sex", "{s} raped me", "{s} made me have sex when i said no",
          "{s} wont stop when i say no in bed", "{s} forces himself on me", "{s} sexually assaulted me",
          "{s} pressures me into sex until i give in and i dont want it", "{s} touched me while i was asleep "
          "after i said no", "{s} made me do sexual things i didnt want to", "{s} pinned me down and forced me"]
THREAT = ["{s} said {sp} would kill me", "{s} threatened to kill me", "{s} told me {sp} will hurt me if i leave",
          "{s} said if i ever leave {sp} will kill me", "{s} says {sp} is going to kill me",
          "{s} threatened to hurt me", "{s} told me i would end up dead", "{s} threatened to burn the house "
          "down with me in it", "{s} said {sp} would make me pay with my life", "if i tell anyone {s} will kill "
          "me", "{s} says {sp}ll break my legs if i talk to her again", "{s} texted that {sp} is coming to hurt "
          "me", "{s} threatens to kill me when {sp} drinks", "{s} said next time {sp} wont stop at a slap"]
CHILDREN = ["{s} threatened to hurt the kids", "{s} said {sp} would kill the dog if i left", "{s} hit our son",
            "{s} kicked the dog across the room", "{s} threatened to take the kids and hurt them",
            "{s} shook the baby when she wouldnt stop crying", "{s} said {sp} would hurt my daughter",
            "{s} strangled the cat in front of me", "{s} beats the kids when im at work",
            "{s} threatened to drown the puppy"]
CONTROL = ["{s} takes all my money and gives me an allowance", "{s} wont let me have my own bank card",
           "{s} took my passport so i cant leave", "{s} locks me in the house when {sp} goes out",
           "{s} wont let me see my friends or my family", "{s} tracks my phone and shows up wherever i go",
           "{s} smashed my phone so i couldnt call anyone", "{s} took my car keys so i cant leave",
           "{s} controls every penny and i have to ask for money for food", "{s} put a tracker on my car",
           "{s} reads all my messages and punishes me for them", "{s} doesnt let me leave the house alone",
           "{s} locked me in the bedroom all night", "{s} hid my passport and my keys",
           "{s} has cut me off from everyone i know", "{s} makes me account for every minute or there is hell "
           "to pay"]
FEAR = ["im terrified of {o}", "im scared {s} will kill me", "i am afraid for my life", "im scared to go home "
        "tonight", "im frightened of what {s} will do if {sp} finds out", "i fear for my safety at home",
        "im scared {s} is going to hurt me", "i sleep with my door locked because im afraid of {o}",
        "im afraid {s} will hurt the kids", "i live in fear of {o}", "im scared for my life when {sp} drinks"]
SUICIDE = ["i want to end it all", "i dont want to be here anymore", "everyone would be better off without me",
           "i want to go to sleep and not wake up", "i wish i could go to sleep and never wake up",
           "ive been thinking about killing myself", "i have a plan to end my life", "i want to die",
           "ive thought about taking all my pills", "i keep thinking about hanging myself",
           "ive been looking at the bridge and thinking of jumping", "ive been stockpiling my pills",
           "i dont see the point in living anymore", "i dont want to live anymore",
           "im going to kill myself", "id be better off dead", "my family would be better off without me",
           "i wrote a note for the kids in case i dont make it", "i think about ending my life every day",
           "i want to disappear forever and not come back", "i dont want to wake up tomorrow",
           "i have the rope ready", "im going to take an overdose", "i want to stop existing",
           "i feel like ending my life", "i was going to drive into a tree", "ive been googling ways to die",
           "i just want it all to be over for good", "theres no reason to keep living", "im done with life",
           "im thinking about suicide", "i tried to overdose last month", "i dont want to be alive",
           "i want to end my life", "i cant see a way out except dying", "i want to jump in front of a train"]
SELF_HARM = ["ive been cutting myself", "i cut my arms last night", "i burn myself with a lighter",
             "i hit myself when we argue", "ive been hurting myself again", "i scratch myself until i bleed",
             "i punched myself in the face", "i want to cut myself", "i bang my head against the wall until it "
             "bleeds", "i started self harming again", "i cut my thighs so nobody sees", "i hurt myself on purpose",
             "i burned my arm with the iron on purpose", "i keep hitting myself", "i took a razor to my wrists",
             "ive been starving myself as punishment"]
SPEAKER = ["i want to hurt {o}", "im going to kill {o}", "i could strangle {o}", "i feel like hitting {o}",
           "i hit {o} last night", "i pushed {o} down the stairs", "i want to make {o} suffer physically",
           "im gonna hurt {o} if {sp} texts her again", "i slapped {o}", "i choked {o} during the fight",
           "i threatened {o} with a knife", "i have thought about killing {o}", "if {sp} does it again ill kill "
           "{o}", "i grabbed {o} by the throat", "i want to beat the crap out of {o}",
           "i keep imagining stabbing {o}", "i want to kill the person {sp} cheated with",
           "i will hurt her lover if i see him", "i punched {o} in the face", "i smashed a glass over {p} head"]

AMBIGUOUS = ["i dont feel safe at home", "i dont feel safe around {o}", "im scared of {o}", "{s} scares me",
             "{s} gets so angry i dont know what {sp} will do", "things got physical last night",
             "{s} hurt me", "i cant do this anymore", "i want to disappear", "{s} controls everything i do",
             "{s} checks where i am all the time", "im walking on eggshells", "{s} throws things when {sp} is angry",
             "{s} punched the wall next to my head", "i feel trapped", "im afraid to tell {o} anything",
             "whats the point anymore", "i feel hopeless", "i dont feel safe", "i feel unsafe with {o}",
             "{s} has a gun", "i feel like giving up", "nobody would notice if i was gone",
             "{s} gets rough with me", "{s} grabbed my arm really hard", "{s} blocks the door when we argue",
             "{s} yells in my face until i cry", "i am not safe", "i hate myself", "i cant go on",
             "{s} says im worthless and nobody else would want me", "i am frightened of {o}",
             "{s} doesnt let me have money",
             "i am scared", "{s} makes me feel unsafe", "i dont know how much longer i can take this",
             "{s} smashed my things", "{s} follows me everywhere", "{s} checks my phone and gets furious",
             "i wish i could just vanish", "{s} said i would regret it", "{s} threatened me",
             "im afraid of what {sp} might do", "i want it all to stop"]

EVERYDAY = [
    # hyperbole
    "this deadline is killing me", "i could kill for a pizza", "my kids will be the death of me",
    "im dying to tell you about my day", "you scared me to death when you jumped out", "my legs are killing me",
    "i nearly died when i saw the price", "that joke killed me", "my boss is going to kill me for being late",
    "if i eat another biscuit ill explode", "i wanted the ground to swallow me", "im drowning in emails",
    "he is going to murder me in scrabble", "im going to strangle the printer", "this heat is unbearable",
    "i could scream at this wifi", "the kids are driving me up the wall", "i would die for a lie in",
    # sport
    "he punched the air when his team scored", "she kicked my butt at squash", "we got beaten four nil",
    "i got hit in the face with a ball at netball", "she knocked me out of the tournament",
    "he tackled me hard in five a side", "i hit a six at cricket", "my sparring partner punched me in boxing "
    "class", "we beat them in the final", "he shot from the halfway line", "she choked in the penalty shootout",
    "i hurt my shoulder at the gym", "they crushed us at quiz night", "i pulled a muscle on my run",
    # work
    "my manager shot down my idea", "the client killed the project", "we hit our targets this quarter",
    "they cut my hours at work", "i got burned by that supplier again", "we need to kill some features",
    "the server crashed and died", "i took a hit on the budget", "he pushed the release to friday",
    "the team attacked the problem from a new angle", "i cut the report down to two pages",
    # cooking / home / accidents
    "i cut my finger chopping carrots", "i burned the toast again", "i burned my hand on the oven tray",
    "she stabbed the potatoes with a fork", "he beat the eggs for the cake", "i smashed my toe on the bed",
    "i fell off my bike and hurt my wrist", "i banged my head on the cupboard", "the knife slipped and i cut "
    "myself peeling apples", "we need a sharper kitchen knife", "i choked on a fish bone", "the smoke alarm "
    "scared the dog", "i locked the door before bed", "the baby hit me with her rattle", "the dog bit my "
    "hand playing", "i tripped and hit my head", "he fell and broke his arm skiing", "i shut my hand in the "
    "car door", "i stubbed my toe and screamed", "we chopped the firewood",
    # repair emotions
    "i dont feel safe sharing my passwords yet", "i dont feel safe telling you about my therapy sessions yet",
    "it hurt when you didnt call", "it hurt me when you laughed at me", "i felt hurt and angry",
    "i dont feel ready to talk about her", "im scared youll do it again", "im afraid to trust you again",
    "i feel like you control the conversation", "you track your runs but not your promises",
    "i want you to be able to see my location", "i gave you my passport number for the booking",
    "im scared of being hurt again", "i feel hurt every time your phone lights up", "i felt attacked when "
    "you raised your voice", "i dont feel safe enough to be vulnerable yet", "you broke my trust",
    "i felt like i was dying inside", "the lies killed something in me", "im afraid we wont survive this",
    "i dont want to be here for another argument", "i just want this fight to end", "i want to end the "
    "silent treatment", "i need a break from talking about it", "im tired of feeling like the bad guy",
    "i feel like giving you another chance", "i cant stop thinking about the affair",
    "i feel unsafe bringing up money", "it hurts that you kept her number", "i was afraid to be honest",
    "you made me feel small when you ignored me", "i felt trapped in the conversation at dinner",
    "i dont want to lose you", "im scared we are drifting", "i felt safe when you held my hand",
    "my heart broke when i read the texts", "you hurt my feelings at the party",
    "he hurt my pride", "she broke my heart", "i feel betrayed", "im angry with you", "i hate the silence",
    "i want to hurt less", "i want to stop hurting each other with words",
    # relationship words without danger
    "my husband cooked dinner", "my wife and i went for a walk", "my ex texted about the kids pickup",
    "my partner forgot to call", "my boyfriend is away for work", "my girlfriend took the car",
    "he checks in every night like we agreed", "she controls the tv remote", "they took the kids to the "
    "park", "he keeps his phone face down", "she takes care of the money and i like it that way",
    "my husband locks the doors at night", "he tracks the parcel online", "she hid my birthday present",
    "he took my keys by mistake", "she kept my passport safe while we travelled", "he wont let me pay for "
    "dinner", "she doesnt let me do the dishes", "my partner manages our savings account", "he threatened "
    "to sell the car", "she said she would kill me if i spoiled the ending", "he would never hurt me",
    "she has never laid a hand on me", "they have never hit me", "my husband is not violent",
    "he is scary good at chess", "i am scared of the dentist", "im afraid of the dark", "the film was "
    "terrifying", "she is afraid of dogs",
    # news / media
    "the podcast was about a man who killed his wife", "i read a book about a serial killer",
    "there was a stabbing on the news", "the documentary was about suicide prevention",
    "our neighbour was burgled", "the game has too many guns", "the detective found the knife",
    "we watched a film about a kidnapping", "the news had a story about domestic abuse",
    "my cousin is a nurse in the emergency department", "i donated to a refuge charity",
    "we are killing it with the new budget", "she slapped on some sunscreen", "he threw the ball to the dog",
    "i pushed the pram up the hill", "the kids were fighting over the ipad", "she was dead on her feet",
    "he knocked on the door at midnight", "i have been cutting back on sugar", "i am burning the candle at "
    "both ends", "we shot a video for her birthday", "i would kill to have a weekend off",
]


def fill(tpl: str) -> str:
    subj = RNG.choice(SUBJECTS)
    sp = {"she": "she", "my wife": "she", "my girlfriend": "she", "they": "they"}.get(subj, "he")
    if subj in {"Sam", "Chris", "Jordan", "my partner", "my ex", "my fiance"}:
        sp = RNG.choice(["he", "she"])
    obj = {"he": "him", "she": "her", "they": "them"}
    p = {"he": "his", "she": "her", "they": "their"}[sp]
    o = obj.get(subj, subj)
    text = tpl.format(s=subj, sp=sp, o=o, p=p)
    if subj == "they":
        text = re.sub(r"\bthey (?!does\b|is\b|has\b|was\b)(\w+?)s\b", r"they \1", text).replace("they has", "they have")
        for wrong, right in (("they is", "they are"), ("they does", "they do"), ("they doesnt", "they dont"),
                             ("theyll", "they'll")):
            text = text.replace(wrong, right)
    if sp == "she":
        text = text.replace("forces himself", "forces herself")
    return text


PREFIXES = ["well we have been together nine years and things were ok until the affair but ",
            "i didnt want to say this in front of the kids but ", "its been a long week at work and ",
            "i know we are supposed to talk about the budget but honestly ", "the trip was fine and "
            "the weather was nice but ", "i love him and i know he is stressed but ",
            "i havent told anyone this and i dont know if i should but "]
SUFFIXES = [" and i dont know what to do", " and i havent told anyone", " but we are working on it",
            " and i keep telling myself it will get better", " after the party on saturday", ""]
HOPE = {"danger", "ambiguous"}


def styled(text: str, kind: str) -> str:
    """One surface style: typed, speech transcript, or a long answer with the line inside a clause."""
    roll = RNG.random()
    if kind in HOPE and roll < 0.2:
        text = RNG.choice(PREFIXES) + text + RNG.choice(SUFFIXES)
    elif kind == "everyday" and roll < 0.15:
        text = RNG.choice(["so anyway ", "this week was busy and ", "i wanted to say "]) + text + \
               RNG.choice([" lol", " but its fine", " and then we had dinner", ""])
    if RNG.random() < 0.45:  # typed: capitalise, apostrophes, a full stop
        text = re.sub(r"\bi\b", "I", text)
        for plain, typed in (("dont", "don't"), ("im", "I'm"), ("cant", "can't"), ("ive", "I've"),
                             ("wont", "won't"), ("couldnt", "couldn't"), ("didnt", "didn't"), ("doesnt", "doesn't"),
                             ("whats", "what's"), ("havent", "haven't"), ("theres", "there's")):
            text = re.sub(rf"\b{plain}\b", typed, text)
        text = text[0].upper() + text[1:] + RNG.choice([".", ".", "!", "", "..."])
    else:  # transcript
        text = text.lower().replace("'", "").replace("going to", RNG.choice(["going to", "gonna"]))
        text = text.replace("want to", RNG.choice(["want to", "wanna"]))
    return re.sub(r"\s+", " ", text).strip()


def build() -> dict[str, list[str]]:
    danger = violence(45)
    for group, count in ((STRANGLE, 12), (WEAPON, 14), (SEXUAL, 10), (THREAT, 16), (CHILDREN, 10),
                         (CONTROL, 16), (FEAR, 11), (SUICIDE, 36), (SELF_HARM, 16), (SPEAKER, 20)):
        picks = RNG.sample(group, min(count, len(group)))
        danger += [RNG.choice(HEDGES[:4]) + fill(t) if "{" in t else RNG.choice(HEDGES[:4]) + t for t in picks]
    result = {"danger": [styled(line, "danger") for line in danger],
              "ambiguous": [styled(fill(t), "ambiguous") for t in AMBIGUOUS],
              "everyday": [styled(line, "everyday") for line in EVERYDAY]}
    return {kind: list(dict.fromkeys(lines)) for kind, lines in result.items()}


def main() -> None:
    corpus = build()
    head = ("# SECOND tuning corpus (generated by make_tuning2.py, written before reading the lexicon's rules).\n"
            "# Same format as safety_tuning.yaml: danger / ambiguous / everyday lists.\n")
    body = []
    for kind, lines in corpus.items():
        body.append(f"{kind}:")
        body += [f"  - {_quote(line)}" for line in lines]
    OUT.write_text(head + "\n".join(body) + "\n", encoding="utf-8")
    print({kind: len(lines) for kind, lines in corpus.items()})


def _quote(line: str) -> str:
    return '"' + line.replace("\\", "\\\\").replace('"', '\\"') + '"'


if __name__ == "__main__":
    main()
