"""Reading a chat message for what the MI dialogue needs: themes, steps, numbers, topics.

Pure functions over text, no Rasa. The intent classifier says *what kind* of
message it is (sharing, a reported step, a ruler answer...) and the talk-type
component says change / sustain / neutral; these cues give the *content* a
reflection or an affirmation needs ("your kids", "naloxone", "3 months").

Everything returned is in the bot's own words (theme keys and short labels),
never the person's raw text, so it can be kept in slots (mi-style.md section 3,
and the privacy rule: no raw user text is stored or logged by the actions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from lantern.text import negated
from lantern.text import normalise as shared_normalise

# ---------------------------------------------------------------- normalising

# Added on top of the shared normal form: contractions spelled without the apostrophe, the way
# people type them ("don't" -> "dont", "i'm" -> "im"), so each cue pattern is written once.
_INNER_APOSTROPHE = re.compile(r"(\w)'(\w)")
# How far a negation reaches: a theme ("i dont really see myself [stopping]") is further from its negator
# than a step ("never carry [narcan]"), which is a short phrase.
THEME_NEGATION_REACH = 5
STEP_NEGATION_REACH = 2


def normalise(text: Optional[str]) -> str:
    """The shared normal form (lantern.text: accents, look-alikes, case, spacing), apostrophes dropped inside words."""
    return _INNER_APOSTROPHE.sub(r"\1\2", shared_normalise(text))


def _negated(text: str, start: int, reach: int = THEME_NEGATION_REACH) -> bool:
    """True when a negator governs the word at `start` (lantern.text.negated: same clause, `reach` words)."""
    return negated(text, start, reach)


# ---------------------------------------------------------------- who

RELATIONS: List[Tuple[str, str]] = [
    (r"\bgrand ?(kids|children|babies)\b", "your grandkids"),
    (r"\b(kids|children|babies|lil ones|little ones)\b", "your kids"),
    (r"\b(son|boy)\b", "your son"),
    (r"\b(daughter|girl)\b", "your daughter"),
    (r"\bbaby\b", "your baby"),
    (r"\b(mom|mum|mother|ma)\b", "your mom"),
    (r"\b(dad|father|pops)\b", "your dad"),
    (r"\b(wife)\b", "your wife"),
    (r"\b(husband|hubby)\b", "your husband"),
    (r"\b(girlfriend|gf)\b", "your girlfriend"),
    (r"\b(boyfriend|bf)\b", "your boyfriend"),
    (r"\b(partner|fiance|fiancee|spouse)\b", "your partner"),
    (r"\b(brother|bro)\b", "your brother"),
    (r"\b(sister|sis)\b", "your sister"),
    (r"\b(grandson|grandsons)\b", "your grandson"),
    (r"\b(granddaughter|granddaughters)\b", "your granddaughter"),
    (r"\b(cousin)\b", "your cousin"),
    (r"\b(aunt|auntie)\b", "your aunt"),
    (r"\b(uncle)\b", "your uncle"),
    (r"\b(nephew)\b", "your nephew"),
    (r"\b(niece)\b", "your niece"),
    (r"\b(friend|buddy|homie|roommate|bestie|best friend)\b", "your friend"),
    (r"\b(family|fam)\b", "your family"),
]


POSSESSIVE = r"\b(my|our|me and my|mah) (little |lil |oldest |youngest |older |younger |teenage |baby |best |ex |ex-)?"


def relation(text: str) -> Optional[str]:
    """'your son', 'your kids'... for the first person the message calls "my ..." ("a mom" is not "your mom")."""
    norm = normalise(text)
    found = [
        (m.start(), label)
        for pattern, label in RELATIONS
        for m in [re.search(POSSESSIVE + pattern.replace("\\b(", "(", 1)[:-2] + "s?\\b", norm)]
        if m
    ]
    return min(found)[1] if found else None


# ---------------------------------------------------------------- themes (change and sustain)


@dataclass(frozen=True)
class Theme:
    """One thing a person said, kept as a key. `kind` is change or sustain; `darn` the DARN-CAT type."""

    key: str
    kind: str
    darn: str


CHANGE_THEMES: Dict[str, Theme] = {
    t.key: t
    for t in [
        Theme("stop", "change", "desire"),
        Theme("less", "change", "desire"),
        Theme("tired", "change", "reason"),
        Theme("cost", "change", "reason"),
        Theme("pattern", "change", "reason"),
        Theme("family", "change", "reason"),
        Theme("health", "change", "reason"),
        Theme("money", "change", "reason"),
        Theme("work", "change", "reason"),
        Theme("legal", "change", "reason"),
        Theme("safety", "change", "reason"),
        Theme("control", "change", "desire"),
        Theme("ability", "change", "ability"),
        Theme("need", "change", "need"),
        Theme("commitment", "change", "commitment"),
    ]
}
SUSTAIN_THEMES: Dict[str, Theme] = {
    t.key: t
    for t in [
        Theme("coping", "sustain", "reason"),
        Theme("withdrawal", "sustain", "ability"),
        Theme("enjoy", "sustain", "desire"),
        Theme("social", "sustain", "reason"),
        Theme("not_ready", "sustain", "commitment"),
        Theme("no_problem", "sustain", "need"),
        Theme("cant", "sustain", "ability"),
        Theme("pain", "sustain", "reason"),
        Theme("pressure", "sustain", "reason"),
        Theme("alone", "sustain", "reason"),
    ]
}

DRUG_WORDS = (
    r"(it|this|that|dope|fent|fentanyl|heroin|meth|crystal|coke|crack|pills|percs|oxy|blues|"
    r"drinking|booze|alcohol|weed|pot|benzos|bars|xanax|using|drugs|the stuff|shit|the needle)"
)

# (key, pattern). A change pattern found after a negation word counts as the sustain key
# given in NEGATED (e.g. "i dont want to quit" is not_ready, not stop).
CHANGE_PATTERNS: List[Tuple[str, str]] = [
    # "quit" about the drug, not "so quit pushing / saying it / acting like it" said to someone else.
    (
        "stop",
        r"\b(quit\w*(?! (pushing|saying|acting|asking|telling|bugging|nagging|lecturing|preaching|judging|"
        r"bothering|worrying|talking at|calling|texting|hassling|riding))|stop (using|doing|drinking|smoking|shooting|it|this|for good)|stopping|"
        r"get(ting)? (off|sober|clean|straight)|be (done|finished) with (it|this|" + DRUG_WORDS[1:-1] + r")|"
        r"be sober|sobriety|kick (it|this|the)|give (it|them|this) up|never touch|off (it|dope|fent|the stuff) for good|"
        r"want to stop(?! \w+ing)|wanna stop(?! \w+ing)|want it to stop|be free of)\b",
    ),
    (
        "pattern",
        r"\b((dont|do not|never) (want to|wanna) (be|end up|turn out|become) like|end up like (my|him|her)|"
        r"break the (cycle|pattern)|not (turn|end) out like)\b",
    ),
    (
        "cost",
        r"\b(cost(ing|s)? me|taking everything|lost everything|lose everything|losing everything|"
        r"ruin(ing|ed|s)? my|took everything|messing up my life|wreck(ing|ed) my)\b",
    ),
    (
        "less",
        r"\b(cut (it )?(down|back)|cutting (down|back)|use less|using less|drink less|less often|"
        r"slow (it )?down|taper\w*|not every day|only on weekends|smaller (amounts|doses|hits))\b",
    ),
    (
        "tired",
        r"\b(tired of|sick of|sick and tired|fed up|over it|had enough|so done|done with (this|it|all)|"
        r"exhausted|worn out|cant keep living like|cant do this anymore)\b",
    ),
    (
        "family",
        r"\b(kids|children|son|daughter|baby|family|mom|mum|mother|dad|father|wife|husband|girlfriend|"
        r"boyfriend|gf|bf|partner|grandkids|custody|my girl|my boy)\b",
    ),
    (
        "health",
        r"\b(health|healthy|my (body|liver|heart|lungs|veins|teeth|skin)|abscess\w*|hep ?c|infection\w*|"
        r"weight|sleep better|feel better|look like shit|getting sick all the time|sleep|slept|teeth|"
        r"blood pressure|lungs?|doctor said|numbers came back)\b",
    ),
    ("money", r"\b(money|broke|rent|paycheck|bills|debt|spending|cash|savings|afford)\b"),
    ("work", r"\b(job|work|school|career|boss|fired|college|shift|hired|interview)\b"),
    ("legal", r"\b(court|probation|parole|jail|prison|locked up|arrested|charges?|lawyer|judge|warrant|cps)\b"),
    ("safety", r"\b(die|dying|dead|died|overdos\w*|od|ods|oded|odd|fall out|fell out|alive|not wake up)\b"),
    (
        "control",
        r"\b(control|life back|myself again|normal again|old self|who i used to be|the person i (was|used to be)|"
        r"my life together|get my shit together|freedom|free again|be free|feel free|felt free|"
        r"to be free|free of it|clear (head|headed|mind)|head was clear|think straight)\b",
    ),
    (
        "ability",
        r"\b(i (can|could) do (it|this)|i know i can|i did it before|i (was|been) (sober|off|clean) (for|before)|"
        r"im strong|i got this|i (can|could) (manage|handle) (it|that|quitting|stopping)|done it before)\b",
    ),
    (
        "need",
        r"\b(need to (stop|quit|change|get|do something|cut)|have to (stop|quit|change)|gotta (stop|quit|change|get)|"
        r"cant keep (doing|going|using|living)|something (has|needs) to change|has to change|needs to change)\b",
    ),
    (
        "commitment",
        r"\b((im|i am) (going to|gonna|ready to)|i will|ill (stop|quit|try|call|go|start)|ready to|"
        r"this time|starting (today|tomorrow|monday)|decided|plan(ning)? to|going to try|gonna try|"
        r"made up my mind|im ready)\b",
    ),
]
NEGATED: Dict[str, str] = {
    "stop": "not_ready",
    "less": "not_ready",
    "ability": "cant",
    "commitment": "not_ready",
    "need": "no_problem",
}
# Theme words that only count as change talk with some wish or worry nearby.
NEEDS_COMPANY = {"family", "health", "money", "work", "legal", "safety"}

SUSTAIN_PATTERNS: List[Tuple[str, str]] = [
    (
        "coping",
        r"\b(helps? me (cope|relax|sleep|deal|get through|function|forget|feel normal|chill|focus|work)|"
        r"only thing that (helps|works)|takes the edge off|numbs? (me|it|the)|numbing|escape|get through the day|"
        r"to feel normal|to function|calms me|self medicat\w*|keeps me going|keeps me from getting sick)\b",
    ),
    (
        "withdrawal",
        r"\b(dope ?sick|sickness|withdrawal\w*|withdrawl\w*|wds?|getting sick|be sick|being sick|get sick|"
        r"gets? sick|go a day without|kicked|kicking|detox was|sick for (a|like|about) \w+|"
        r"kicking (is|was|sucks)|the sick|detox (is|was) hell|scared of (the )?(withdrawal|sick))\b",
    ),
    (
        "enjoy",
        r"\b(i (like|love|enjoy) (it|getting high|being high|the high|using|the rush|how it feels)|"
        r"its fun|so fun|feels (so )?good|best feeling|miss (the|being) high)\b",
    ),
    (
        "social",
        r"\b((everyone|everybody|all my friends|all my people|my whole crew|my friends|the people around me) "
        r"(i know )?(use|uses|drink|drinks|does it|smoke|party)|everyone i know)\b",
    ),
    (
        "not_ready",
        r"\b(not ready|dont want to (stop|quit|change)|no plans to (stop|quit)|not (right )?now|maybe later|"
        r"someday|not yet|not looking to (stop|quit)|dont wanna (stop|quit))\b",
    ),
    (
        "no_problem",
        r"\b(not (a|that big of a|really a) problem|no problem|under control|not that bad|"
        r"i can handle it|not hurting anyone|i('m|m| am) fine|its fine|functional|i function fine|"
        r"(can|could) (stop|quit) (whenever|any ?time|if i wanted)|(only|just) (\w+ )?(on )?weekends|"
        r"not addicted|not an addict)\b",
    ),
    (
        "cant",
        r"\b(cant (stop|quit)|cannot (stop|quit)|tried (before|so many times|everything|and failed)|"
        r"never works|always (go|end up going) back|failed|no point (trying|quitting)|too hard to (stop|quit))\b",
    ),
    (
        "alone",
        r"\b(use alone|using alone|use by myself|using by myself|alone when i use|by myself when i use|"
        r"i use alone|nobody around when i use)\b",
    ),
    (
        "pressure",
        r"\b((everyone|everybody|they all|people|my (family|mom|mum|wife|husband|girl|dad|parents|pos?)) "
        r"(wants?|keeps? telling|keeps? saying|keeps? on|tells?|says?|is on me|are on me|nags?) (me )?(to )?"
        r"(quit|stop|get help|go to rehab|get clean|about it)|tired of being told|everyone on my back)\b",
    ),
    ("pain", r"\b((back|chronic|nerve|knee|neck) pain|pain (meds|pills|management)|my pain|in pain|hurts too much)\b"),
]

WISH = re.compile(
    r"\b(want|wanna|wish|hope|would like|id like|need|needs|have to|gotta|miss|worried|scared|afraid|"
    r"for (my|the)|because of|cause of|cuz of|bc of|sake|lose|losing|lost|better|back|deserve|matter|"
    r"again|notice|noticed|see me|hate|ashamed|cost|costs|costing|ruin\w*|leave|leaving|left|"
    r"missing|missed|kicked out|going to shit|falling apart|bad|worse|shot|cant afford|on my back|"
    r"failing|threaten\w*|keep|staying|stay|complain\w*|nag\w*|upset|mad at me|angry at me|"
    r"worry|worries|disappoint\w*|havent|cant|getting bad|rotting|messed up|wrecked)\b"
)


def themes(text: str, evoked: bool = False) -> Tuple[List[str], List[str]]:
    """(change theme keys, sustain theme keys) found in a message, in order of appearance, no repeats.

    `evoked`: the message answers a question whose answer is change talk ("why a 6 and not a 3?"),
    so a reason named on its own ("my daughter") counts without a word of wish or worry next to it.
    """
    norm = normalise(text)
    change: List[Tuple[int, str]] = []
    sustain: List[Tuple[int, str]] = []
    wish = evoked or bool(WISH.search(norm))
    for key, pattern in CHANGE_PATTERNS:
        for match in re.finditer(pattern, norm):
            if key in NEGATED and _negated(norm, match.start()):
                sustain.append((match.start(), NEGATED[key]))
            elif key in NEEDS_COMPANY and not wish:
                continue
            else:
                change.append((match.start(), key))
            break
    for key, pattern in SUSTAIN_PATTERNS:
        found = re.search(pattern, norm)
        if found:
            sustain.append((found.start(), key))
    # "i dont want to end up like my dad" is about a pattern, not about being there for dad.
    if any(k == "pattern" for _, k in change):
        change = [(p, k) for p, k in change if k != "family"]
    # Being pushed to quit by others is not, by itself, the person's own wish to stop.
    if any(k == "pressure" for _, k in sustain):
        change = [(p, k) for p, k in change if k not in ("stop", "family")]
    # "i dont want to stop" is not_ready; drop a "stop" found elsewhere in the same words.
    if any(k == "not_ready" for _, k in sustain):
        change = [(p, k) for p, k in change if k not in ("stop", "less", "commitment")]
    if any(k == "cant" for _, k in sustain):
        change = [(p, k) for p, k in change if k != "ability"]
    return _ordered(change), _ordered(sustain)


def _ordered(found: Sequence[Tuple[int, str]]) -> List[str]:
    keys: List[str] = []
    for _, key in sorted(found):
        if key not in keys:
            keys.append(key)
    return keys


def how_unknown(text: str) -> bool:
    """The person wants to change but doesn't know how ("idk how", "where do i even start")."""
    return bool(
        re.search(
            r"\b(dont know how|dunno how|idk how|no idea how|how do i even|where (do i|to) (even )?start|"
            r"dont know where to start|dont know what to do)\b",
            normalise(text),
        )
    )


# ---------------------------------------------------------------- substances and feelings

SUBSTANCES: List[Tuple[str, str, bool]] = [  # (pattern, label, opioid)
    (r"\b(fent|fentanyl|fetty|blues|m30s?)\b", "fentanyl", True),
    (r"\b(heroin|boy|smack|tar)\b", "heroin", True),
    (r"\b(dope|h)\b", "opioids", True),
    (
        r"\b(pills|percs?|percocets?|oxys?|oxycodone|roxys?|roxies|opioids?|opiates?|hydros?|norcos?|vicodin)\b",
        "pills",
        True,
    ),
    (r"\b(meth|crystal|ice|tina|glass|shards|speed|go fast)\b", "meth", False),
    (r"\b(crack|rock|hard)\b", "crack", False),
    (r"\b(coke|cocaine|blow|yayo|snow)\b", "coke", False),
    (r"\b(drink\w*|alcohol|booze|beer|vodka|liquor|wine|whiskey|drunk)\b", "drinking", False),
    (r"\b(weed|pot|bud|thc|dabs?|edibles|carts?)\b", "weed", False),
    (r"\b(benzos?|xanax|bars|klonopin|valium|ativan)\b", "benzos", False),
    (r"\b(kratom)\b", "kratom", False),
]


def substances(text: str) -> List[Tuple[str, bool]]:
    """(label, is_opioid) for each substance named, in order of appearance."""
    norm = normalise(text)
    found = [
        (m.start(), label, opioid) for pattern, label, opioid in SUBSTANCES for m in [re.search(pattern, norm)] if m
    ]
    return [(label, opioid) for _, label, opioid in sorted(found)]


FEELINGS: List[Tuple[str, str]] = [
    (
        r"\b(ashamed|shame|embarrassed|disgusted with myself|hate myself|failure|loser|worthless|piece of shit|"
        r"disappointed in myself|let everyone down|seeing me like (that|this)|see me like (that|this))\b",
        "ashamed",
    ),
    (r"\b(lonely|alone all the time|isolated|no one to talk to|nobody to talk to)\b", "lonely"),
    (r"\b(scared|afraid|terrified|freaked out|freaking out|nervous)\b", "scared"),
    (r"\b(anxious|anxiety|stressed|stress|overwhelmed|a lot going on)\b", "stressed"),
    (r"\b(angry|pissed|mad|furious|frustrated)\b", "frustrated"),
    (r"\b(sad|down|depressed|low|bummed)\b", "low"),
    (r"\b(bored|nothing to do)\b", "bored"),
    (r"\b(confused|dont know what i want|mixed up)\b", "unsure"),
    (
        r"\b(died|passed away|passed|funeral|rip|lost (my|a) (friend|brother|sister|son|daughter|mom|dad|cousin|"
        r"buddy|best friend|girl|boy))\b",
        "grief",
    ),
    (r"\b(happier|happy|proud|glad|relieved|hopeful|good news|went well|going well|doing good|doing better)\b", "good"),
]


def feeling(text: str) -> Optional[str]:
    norm = normalise(text)
    found = [(m.start(), label) for pattern, label in FEELINGS for m in [re.search(pattern, norm)] if m]
    return min(found)[1] if found else None


# ---------------------------------------------------------------- durations

NUMBER_WORDS: Dict[str, int] = {
    "zero": 0,
    "none": 0,
    "nothing": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
    "hundred": 100,
    "a": 1,
    "an": 1,
    "a couple": 2,
    "a couple of": 2,
    "couple": 2,
    "a few": 3,
    "few": 3,
    "several": 3,
}
UNITS: Dict[str, str] = {
    "day": "day",
    "days": "day",
    "week": "week",
    "weeks": "week",
    "wk": "week",
    "wks": "week",
    "month": "month",
    "months": "month",
    "mo": "month",
    "mos": "month",
    "mnths": "month",
    "year": "year",
    "years": "year",
    "yr": "year",
    "yrs": "year",
}
AMOUNT = (
    r"(\d{1,3}|a couple of|a couple|couple|a few|few|several|an|a|one|two|three|four|five|six|seven|eight|nine|"
    r"ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|ninety|hundred)"
)
UNIT = r"(days?|weeks?|wks?|months?|mos?|mnths|years?|yrs?)"
# "a whole month", "two straight weeks": the word between does not change the length.
FILLER = r"((whole|full|entire|solid|straight) )?"
# "a year and a half", "2 and a half months": the half is said back.
DURATION = re.compile(
    r"\b" + AMOUNT + r"(?P<half1> and a half)?\s*(\+\s*)?" + FILLER + UNIT + r"\b(?P<half2> and a half\b)?"
)
# A length of time inside a bigger pattern ("after 2 years", "broke 4 months of sobriety"); no groups of its own.
SPAN = re.sub(
    r"\((?!\?)",
    "(?:",
    r"((almost|nearly|over|like|about|bout) )?" + AMOUNT + r"( and a half)? ?(\+ ?)?" + FILLER + UNIT,
)
VAGUE = {
    "a couple": "a couple of",
    "a couple of": "a couple of",
    "couple": "a couple of",
    "a few": "a few",
    "few": "a few",
    "several": "several",
}


def duration(text: str) -> Optional[str]:
    """'3 months', 'a week', 'a couple of years'... the first length of time named, in plain words."""
    match = DURATION.search(normalise(text))
    if not match:
        return None
    amount, unit = match.group(1), UNITS[match.group(6)]
    if amount in VAGUE:
        return f"{VAGUE[amount]} {unit}s"
    value = int(amount) if amount.isdigit() else NUMBER_WORDS[amount]
    if value == 0:
        return None
    if match.group("half1") or match.group("half2"):
        return f"a {unit} and a half" if value == 1 else f"{value} and a half {unit}s"
    if value == 1:
        return f"a {unit}"
    return f"{value} {unit}s"


# ---------------------------------------------------------------- reported steps

NUMBER_WORDS_RE = r"(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
# After "week 3": not a count of something ("week 3 times", "day 2 beers").
NOT_A_COUNT = (
    r"(?!\s*(times|x\b|nights?|days?|hours?|beers?|drinks?|bags?|pills?|shots?|hits?|lines?|grams?|g\b|"
    r"of (the|my|this|that) ))"
)
# Past (and bare) forms of using after a negation: "havent drank", "didnt touch", "not used".
NOT_USED = (
    r"(havent|hasnt|have not|has not|not|didnt|did not|aint|never) (used|use|drank|drunk|drink|smoked|smoke|"
    r"touched|touch|done|had|have|shot( up)?|snorted|taken|took|popped|picked up|gotten high|got high|been high|"
    r"been drunk|gotten drunk|got drunk)\b"
)

# Days named by when they began, not how many: "sober since new years", "havent touched meth since march",
# "clean since my daughter was born", "my clean date was in october, still clean". ("Since yesterday" is a day off.)
SINCE_A_WHILE = (
    r"since (?!(yesterday|last night|this morning|this afternoon|today|tonight|the weekend|this weekend|"
    r"then|(mon|tues|wednes|thurs|fri|satur|sun)day)\b)\w"
)
DAYS_SINCE = (
    r"\b(clean|sober|dry|off (it|them|dope|fent|the [\w']+)|(zero|no) [\w']+( [\w']+)?) (ever )?"
    + SINCE_A_WHILE
    + r"|\b"
    + NOT_USED
    + r"(\s+[\w']+){0,3}?\s+"
    + SINCE_A_WHILE
    + r"|\bstill (clean|sober|dry|off (it|dope|the [\w']+))\b"
    r"|\b(clean|sober|sobriety) (date|birthday) (was|is) (in|on|back in) \w"
)

STEP_PATTERNS: List[Tuple[str, str]] = [
    (
        "treatment",
        r"\b(start(ed)?|got on|on|began|first (shot|dose)|got my (first )?(shot|dose|script|prescription)|"
        r"(started|start|been|keep|kept|im) taking)"
        r"( my| the)? (suboxone|subs|bupe|buprenorphine|sublocade|methadone|vivitrol|naltrexone|the shot|"
        r"treatment|rehab|detox|iop|outpatient|counsel\w*|therapy|"
        r"antabuse|disulfiram|campral|acamprosate|revia|meds|medication)\b|"
        r"\b(went|checked|got) (in)?to (detox|rehab|treatment)\b|\bin (rehab|treatment|detox) now\b|"
        r"\b(got|been) (on|prescribed) (subs|suboxone|bupe|methadone)\b|\bdosing at the clinic\b|"
        r"\bstarted seeing a (counselor|counsellor|therapist)\b|"
        # "she started me on something", "made it to my second week of iop".
        r"\b(started|put|got) me (on|started on)\b|"
        r"\b(made it to|finished|completed|done with|in|into|on) (my |the )?(first |second |third |fourth |\w+ )?"
        r"(week|month|phase) (of|in) (iop|treatment|rehab|detox|outpatient|inpatient|residential|the program|"
        r"methadone|subs|suboxone)\b",
    ),
    # "went to na", "been going to meetings", "started going to aa again", "been to 3 aa meetings".
    (
        "meeting",
        r"\b(went|go|goes|been going|been|got|(started|start|starting|keep|kept|still|been) (back )?going)"
        r"( back)? to (a |an |my first |the |my |another |some |a few |\d+ |two |three )?"
        r"(first |online |new |local |morning |evening |smart recovery |recovery )?"
        r"(meetings?|na|aa|ca|cma|smart|recovery groups?|groups?)\b|"
        r"\bgot a sponsor\b|\bfirst meeting\b|"
        # "went to a recovery dharma group", "joined a sober group chat", "showed up to group".
        r"\b(went to|joined|attended|showed up (to|at|for)|made it to|hit|sat in on|logged (in|on)to)"
        r"( a| an| the| my| another| this| our)?( [\w']+){0,2}? (meetings?|groups?( chat)?|circle|fellowship)\b|"
        r"\b(went to|joined|attended|tried|started|sat in on|showed up (to|at))( a| an| the)? (celebrate recovery|recovery dharma|refuge recovery|"
        r"smart recovery|lifering|women for sobriety)\b|"
        # "met with a peer coach".
        r"\b(met|meeting|talked|spoke|sat down) (up )?with (a |my |the |our )?(peer (\w+ )?(coach|mentor|specialist|"
        r"support|worker|navigator)|recovery (coach|mentor|specialist|navigator))\b",
    ),
    (
        "called_clinic",
        r"\b(called|phoned|rang|texted|emailed|contacted|reached out to|talked to|messaged) "
        r"(a |the |this |that |my )?(clinic|doctor|doc|rehab|detox|treatment|hotline|helpline|samhsa|"
        r"counselor|counsellor|program|place|number|intake|methadone clinic|pcp|gp|primary care( doctor)?|"
        r"nurse|provider|case ?worker|case manager|social worker)\b|"
        r"\b(made|booked|got|have) (an |my )?(appointment|appt|intake)\b|"
        # "got on the waitlist for inpatient", "signed up for the outpatient program".
        r"\b(got|get|put|am|im|was)( me| myself)? on (the |a )?(wait ?list|waiting list)\b|"
        r"\b(signed|signed me) up (for|with|at)( the| a| an| my)?( [\w']+){0,2}? (program|outpatient|iop|"
        r"treatment|rehab|detox|inpatient|residential|clinic|methadone|suboxone|counsel\w*|therapy)\b",
    ),
    (
        "naloxone",
        r"\b(got|picked up|grabbed|have|carry|carrying|keep|bought|keeping|got some|got me some|always have)"
        r" (some |a |an |my |extra |\d+ |two |three |a couple |a few )?((boxes|box|packs?|kits?|doses?) (of )?)?"
        r"(narcan|naloxone|nalox|kloxxado|zimhi|narcan kit|od kit|nasal spray|"
        r"(overdose |od )?reversal (kit|spray|drug|meds?))\b",
    ),
    (
        "testing",
        r"\b(test(ed|ing)?|check(ed|ing)?|used (a |some )?(fent|test)) ?(strips?)?\b.*\b(strips?|supply|stuff|"
        r"dope|batch|pills|bag|it for fent)\b|\b(fent|test|fentanyl|xylazine) strips?\b|"
        # "took my batch to the drug checking place".
        r"\bdrug check(ing|er)?\b|\b(checking|testing) (service|site|van|program|place)\b",
    ),
    # "had my girl watch me", "had my sister stay with me", "my buddy watched me".
    (
        "not_alone",
        r"\b(not using alone|didnt use alone|dont use alone|stopped using alone|never use alone|"
        r"used with (someone|a friend|my friend|people|somebody|my buddy)|had (someone|somebody|a friend|my friend|"
        r"my buddy|my roommate|my partner|my bf|my gf) (with me|there|watch\w*|stay\w*|check\w*)|"
        r"had (my |a |an |the |some )?(\w+ ){1,2}?(watch|watching|stay|staying|check|checking|sit|sitting|spot|"
        r"spotting|wait|waiting|be|being)( with| on| over| around| there with)? me|"
        r"(my \w+|someone|somebody|a friend) (watched|spotted|checked on|was watching|was there with) me|"
        r"(someone|somebody) (was )?with me when i used|called (the )?never use alone|nora|nors|buddy system|"
        r"someone watching|instead of alone|(sit|sat|stay|stayed|be|was) with me (last night |)when i used|"
        r"(sit|sat|stay|stayed) with me)\b|"
        # "texted my friend before i used so she could check on me", "left the door unlocked so he could check".
        r"\bso (s?he|they|someone|somebody|my \w+) (could|would|can|will|was able to) (come )?(check|watch|find|"
        r"look in|keep an eye|be there)\b|"
        # "had my homie on facetime the whole time i used", "had the spotting line on speaker".
        r"\bhad ([\w']+ ){1,3}?on (facetime|the phone|speaker( ?phone)?|video|a (video |phone )?call)\b|"
        r"\b(spotting|spotter|overdose prevention|never use alone|brave) (line|hotline|app|service)\b|"
        r"\b(safe|safer|supervised) (consumption|injection|use|inhalation|smoking) (site|room|service|center|centre|"
        r"space)\b|\bconsumption (site|room)\b|\boverdose prevention (site|center|centre)\b|"
        r"\b(didnt|did not|never|not|dont|stopped|no more) (do|did|doing|use|using|used|shoot|shooting|smoke|"
        r"smoking)( it| up)? (by myself|alone|on my own)\b",
    ),
    (
        "safer_route",
        r"\b(smok(e|ing|ed) (it )?(\w+ )?instead|snort(ing|ed)? (it )?(\w+ )?instead|"
        r"instead of (shooting|injecting|slamming|banging|iv)|stopped (shooting|injecting|slamming)|"
        r"not (shooting|injecting|slamming) anymore|switched to (smoking|snorting|foil)|"
        r"new (needles|rigs|syringes|works|points|pipes?|supplies)|fresh (needles|rigs|works|supplies)|"
        r"sterile|syringe (program|exchange|services?)|needle exchange|foil instead|"
        r"dont share (needles|rigs|works|pipes)|stopped sharing|"
        # not mixing: "quit mixing my bars with dope", "didnt mix alcohol with my pills".
        r"(quit|stopped|no longer|didnt|did not|dont|not|never|no more) (mix|mixing|mixed|combining|combine)|"
        # "rotating injection sites", "got a safer smoking kit", "my own stem".
        r"rotat(e|ed|ing) (my |the )?(injection |shot )?(sites?|spots?|veins?|arms?)|"
        r"(safer|safe) (smoking|smoke|injecting|injection|snorting|snort|sniffing|use|using|inhalation) "
        r"(kits?|supplies|supply|gear)|"
        r"(new|own|fresh) (stems?|straws?|glass|mouthpieces?|cookers?|cottons?|filters?)|"
        r"alcohol (swabs?|pads?|wipes?))\b",
    ),
    # "tapered down", "only drank 2 nights", "smoked way less".
    (
        "less",
        r"\b(cut (it )?(down|back)|cutting (down|back)|using less|used less|"
        r"only (used|did|had|drank|smoked|took|shot|snorted|popped|hit|bought)\b|"
        r"(drank|drinking|smoked|smoking|took|taking|did|doing) (way |a lot |alot |a little |a bit |much |so much )?less|"
        r"taper(ed|ing)\b|"
        r"went from .{1,30} to|down to half|to half|"
        r"less than (before|usual|last week)|half (as much|what i used)|smaller (amounts?|doses?|hits?)|"
        r"went down to|"
        # pacing: "waited way longer between hits", "been spacing out my bumps".
        r"(wait(ed|ing)?|went|going|go|gone) (way |a lot |alot |much |a bit |a little |even )?longer between|"
        r"spac(e|ed|ing) (it|them|things) out|"
        r"spac(e|ed|ing) (out )?(my |the )?(bumps|hits|lines|doses|drinks|shots|use|using|bags|pills|bowls|sessions)|"
        # "skipped my morning shot" (not a dose of medication).
        r"skip(ped|ping)? (my |the |a |one |that )?(morning |night |nightly |evening |afternoon |first |last |usual |"
        r"daily |lunch |wake ?up |bedtime |weekend |late )?(shot|hit|bump|line|drink|beers?|bag|fix|pill|blast|bowl)|"
        # weaker, or a limit kept: "switched to beer instead of vodka", "kept it to 2 drinks".
        r"(switched|switching|changed) (from [\w ]{1,20}? )?(down )?to (beer|wine|seltzers?|light (beer|ones)|lighter|"
        r"weaker|smaller|low|less)|"
        r"switched to [\w ]{1,20}? instead of (vodka|liquor|whiskey|hard liquor|the hard stuff|shots|tequila|rum|gin)|"
        r"(kept|keep|keeping|stuck|sticking|held|holding|limited|limiting)( it| myself| me)? (to|at) "
        r"(just |only |a max of |max )?(\d{1,2}|one|two|three|four|five|a couple|a few|a single|half))\b",
    ),
    (
        "day_off",
        r"\b(didnt use (today|yesterday|last night|all day|this weekend)|didnt touch (anything|it|nothing|shit)|"
        r"took (a|the) day off|skipped (a|one) day|"
        r"a day off|day without|made it through (the day|today|yesterday|the weekend)|no use (today|yesterday)|"
        r"havent used (today|since yesterday|since last night)|took a break)\b|"
        r"\b(havent|have not|didnt|did not) (use|used|drank|drink|drunk|smoked|smoke|touched|touch|had|done|do|"
        r"pick up|picked up)"
        r"( (?!alone|with|around|by)[\w']+){0,3}? (today|yesterday|last night|all day|this weekend|"
        r"since (yesterday|last night|this morning|"
        r"the weekend|monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b|"
        # an event got through without: "didnt drink at my sisters wedding", "made it thru my bday sober".
        r"\b(havent|have not|didnt|did not|never) (use|used|drink|drank|pick up|picked up|get high|got high|"
        r"get drunk|got drunk|smoke|party)( anything| a drop| at all)? (at|during|over|through|thru) "
        r"(my |the |a |our |his |her |their |\w+s )?\w|"
        r"\b(made it|make it|got|get|getting) (thru|through) (the |my |a |another |this |that |our )?"
        r"(whole |entire )?([\w']+ ){0,2}?(sober|clean|dry|without (using|drinking|a drink|a drop|it|getting high|"
        r"picking up))\b|"
        r"\b(had|drank|stuck to|stuck with|sticking to|ordered|sipped) (a |only |just |some )?(sodas?|pop|water|"
        r"juice|mocktails?|seltzers?|na beers?|non ?alcoholic [\w']+|soft drinks?|club soda|ginger ale)\b|"
        r"\b(clean|sober|dry) since (yesterday|last night|this morning|(mon|tues|wednes|thurs|fri|satur|sun)day)\b",
    ),
    (
        "days",
        r"\b(\d{1,3}|a|one|two|three|four|five|six|seven|eight|nine|ten|a couple|a few|couple|few) ?"
        r"(and a half )?"
        + FILLER
        + r"(days?|weeks?|months?|years?|wks?|mos?|yrs?)( and a half)? (clean|sober|off|without|no|since|free|straight|"
        r"now|dry|with no|with zero|without any)\b|"
        r"\b(clean|sober|off it|off dope|off fent) (for )?(\d{1,3}|a|one|two|three|four|five|six|seven|eight|nine|ten|"
        r"a couple|a few) ?(days?|weeks?|months?|years?)\b|"
        # "havent drank in 2 weeks", "havent touched meth for a month", "not used in 5 days".
        r"\b" + NOT_USED + r"(\s+[\w']+){0,4}?\s+(in|for|since)\s+" + SPAN + r"\b|"
        # "week 3", "day 10", "month 2 no pills" (not "week 3 times").
        r"\b(day|week|wk|month) " + NUMBER_WORDS_RE + r"\b" + NOT_A_COUNT + r"|"
        # A milestone: "hit my one year", "got my 30 day chip".
        r"\b(hit|hitting|reached|reaching|celebrated|celebrating|made it to|got to)( my| the| a)? (full )?"
        + AMOUNT
        + r"[ -]?"
        + UNIT
        + r"\b(?! (of|in|at) (iop|rehab|treatment|detox|the program|jail|prison|work|school))|"
        r"\b" + AMOUNT + r"[ -]?" + UNIT + r" (chip|keytag|key tag|coin|medallion|tag|token)\b"
        r"|" + DAYS_SINCE,
    ),
]


# Second pass, for a message already known to report a step: the words alone say which.
STEP_WORDS: List[Tuple[str, str]] = [
    ("days", r"\bday \d+\b|\b\d+ days\b"),
    ("naloxone", r"\b(narc[ao]n|naloxone|nalox\w*|(overdose|od) reversal)\b"),
    ("testing", r"\b(strips?|test(ed|ing)? (everything|it all|my|the|each|every))\b"),
    ("safer_route", r"\b(needles?|rigs?|syringes?|foil|test (shot|dose|hit|bump)|went slow|pipe)\b"),
    ("less", r"\b(less|cut|only had|only did|instead of a)\b"),
    (
        "treatment",
        r"\b(subs|suboxone|bupe|methadone|vivitrol|naltrexone|sublocade|brixadi|script|treatment|detox|rehab|counsel\w*|"
        r"therap\w*|intake|first shot)\b",
    ),
    ("called_clinic", r"\b(clinic|appointment|appt|called|hotline)\b"),
    ("meeting", r"\b(meetings?|sponsor|na|aa|smart)\b"),
    ("day_off", r"\b(without using|without it|didnt use|no use|weekend without)\b"),
]
GENERAL_STEP = re.compile(
    r"\b(threw (\w+ ){0,3}(out|away)|tossed|flushed|got rid of|deleted|blocked|wiped|erased|stayed (home|in)|"
    r"told (my|the|her|him|them)|said no|turned (it |him |her |them )?down|passed on|walked away|left the party|"
    r"went to bed instead|asked for help|stopped buying|stopped hanging|changed my number|"
    # Being honest with someone: "came clean to my wife", "opened up to my mom".
    r"came clean (to|with|about)|opened up (to|with|about)|(was|been|got) honest with|admitted (it )?to (my|the|her|him)|"
    # Money, places and routes: "gave my bank card to my mom", "moved out of the trap house", "took the long way home".
    r"gave (my |the |all my )?(bank |debit |credit )?(cards?|cash|money|paycheck|check|wallet|keys) to|"
    r"(hold|holds|holding|handle|handles|handling|manage|manages|managing|keeps|keeping) (onto )?my "
    r"(money|cash|cards?|bank card|debit card|paycheck|check)|"
    r"moved (out of|away from)|moved (in)?to (a |the )?(sober (living|house|home)|recovery (house|home|residence)|"
    r"halfway house|oxford house)|"
    r"(stopped|quit) (going|driving|walking|stopping) (to|by|past|around|in)|"
    r"took (the|a) (long|longer|different|other|back|new) (way|route|road)|"
    r"(went|drove|walked) (a different|the long|another|the other|a new) (way|route)|"
    r"avoid(ed|ing) (my |the |that |his |her |their )?(old )?(dealers?|plugs?|connects?|spots?|bars?|block|corner|"
    r"liquor stores?|trap( house)?)|"
    # Supply gone: "poured every bottle down the sink", "smashed my pipe".
    r"(poured|dumped|emptied|tipped)( [\w']+){0,5}? (out|down|away)|"
    r"(smashed|broke|snapped|trashed) (my |the |all my )?(pipes?|stems?|rigs?|bongs?|bowls?|bottles?)|"
    # Somewhere else instead: "skipped the bar after work", "went to the gym instead of the liquor store".
    r"skipped (the |a |my |that )?([\w']+ )?(bar|party|club|happy hour|kickback|function|cookout|trap|spot)|"
    r"instead of (going to |hitting |stopping at )?(the |a |my )?(liquor store|bar|dealers?|plug|trap|spot|using|"
    r"drinking|copping|scoring|getting high|picking up)|"
    # Cravings got through: "rode out the cravings", "sat with my cravings and they passed".
    r"(rode|ride|riding|sat|sit|sitting|waited|surfed|surfing|got|made it|getting)( it)? (out|through|thru|with) "
    r"(a |the |my |another |those |these )?([\w']+ )?(cravings?|urges?)|(cravings?|urges?) (passed|went away|faded|eased))\b"
)
DAY_NUMBER = re.compile(r"\b(day|week|wk|month) " + NUMBER_WORDS_RE + r"\b" + NOT_A_COUNT)

# ---------------------------------------------------------------- using again after a time without

# What is used, after "back on" / "back to" ("back on the pills", not "cut back on the pills" or "back to school").
USED_THING = (
    r"(it|them|dope|fent|fentanyl|heroin|h|meth|crystal|ice|tina|coke|cocaine|crack|pills|percs?|oxys?|roxys?|"
    r"blues|xans?|xanax|bars|benzos|molly|weed|pot|drugs|booze|alcohol|liquor|beer|the (bottle|pipe|needle|"
    r"drugs|stuff|sauce|booze|drink|juice|streets)|drinking|using|use|smoking|shooting|snorting|partying|"
    r"getting (high|drunk|loaded|wasted)|my old (ways|habits)|old (ways|habits)|square one|day (one|1|zero|0)|"
    r"(my|the) (old )?(dealer|plug|connect))"
)
USE_VERB = (
    r"(used|use|using|drank|drink|drinking|smoked|smoking|shot up|shooting|snorted|snorting|popped|popping|"
    r"copped|scored|got (high|drunk|loaded|wasted|lit|hammered|fucked up)|getting (high|drunk)|get (high|drunk)|"
    r"hit (the|a|my) (pipe|bottle|bowl|bong|blunt|needle|rig)|hit (it|that)|"
    r"(took|did|doing|bought|had) (some |a |a little |my )?(dope|fent|heroin|meth|crystal|coke|crack|pills?|percs?|"
    r"oxys?|blues?|xans?|bars?|benzos|molly|shots?|drinks?|beers?|lines?|bumps?|hits?|bags?)|"
    r"(started|start|starting|been) (back )?(using|drinking|drinkin|smoking|shooting|snorting|doing|taking|"
    r"popping|partying|getting high))"
)
# Words that make "X ... again" a step, not a return ("started using test strips again").
NOT_A_RETURN_WORD = (
    r"(strips?|narcan|naloxone|tests?|testing|fresh|new|clean|sterile|needles?|rigs?|syringes?|"
    r"supplies|less|foil|instead|meetings?|subs|suboxone|methadone|bupe|vivitrol|meds|clinic|group)"
)
# After a bare "i used" / "picked up" / "went back": the end of the clause, or when it happened.
WHEN_AFTER = (
    r"(?=\s*($|[,.;!?:)(]|(again|after|last|yesterday|today|tonight|this (morning|afternoon|weekend|week|time)|"
    r"the (same|next|other) (day|night)|on (my (\d|\w+(th|st|nd|rd) day)|day|\w+day)|over the weekend|and|but|so|"
    r"then|till|when|(mon|tues|wednes|thurs|fri|satur|sun)day|first time|for the first time|with (my )?old|"
    r"at (a|the|my|\w+s) ([\w']+ )?(party|bar|club|wedding|cookout|bbq|barbecue|game|concert|show|funeral|reunion|"
    r"festival|kickback|function)|bad|big time|that (night|day|morning|evening|afternoon|weekend|week)|"
    r"in (january|february|march|april|may|june|july|august|september|october|november|december|"
    r"the (spring|summer|fall|winter))|"
    r"(it|some|one) ?($|[,.;!?]))\b))"
)
# "when i used", "every time i picked up": a use described, not a return told.
NOT_SUBORDINATE = r"(?<!when )(?<!while )(?<!before )(?<!if )(?<!whenever )(?<!time )(?<!cause )(?<!because )"

# "cut back on the pills", "scaled back to 2 drinks": less, not a return.
NOT_CUT_BACK = (
    r"(?<!cut )(?<!cuts )(?<!cutting )(?<!way )(?<!scale )(?<!scaled )(?<!scaling )(?<!pull )(?<!pulled )"
    r"(?<!pulling )"
)
# Clean time and its count: "my streak", "my clean date", "my sobriety".
CLEAN_TIME = r"(streak|sobriety( date| app)?|clean ?(time|date|streak|days)|sober ?(time|date|streak|days))"

RETURN_PATTERNS: List[str] = [
    r"\b(relaps|relasp|realps)\w*\b(?! prevention)",
    # "i lapsed", "had a lapse with pills" (not "a lapse in judgment", "time lapse").
    r"(?<!time )(?<!time-)\b(lapse|lapsed|lapses|lapsing)\b(?! (prevention|in|of) )",
    # "used again", "started drinking again", "started using fent again", "smoked again", "hit the pipe again".
    r"(?<!only )\b" + USE_VERB + r"(\s+(?!" + NOT_A_RETURN_WORD + r"\b)[\w']+){0,3}\s+(again|agian|agin)\b"
    r"(?![^,.;!?]*\binstead\b)",
    r"\b(started (using )?again|back at it|back using|started back using|went back out|back out there|square one|"
    r"down the drain|caved|gave in|fell off the wagon|had a (relapse|slip)|blew it|ruined it|"
    r"slip ?ups?|slip(s|ped|ping)?(?!\s+(of|through|on (the )?ice))|"
    r"didnt make it(?! (to|in|on time|there|out|home|back))|"
    r"fell (back )?off(?!\s+(my|a|an|the|his|her|their|of|from|that|this|to|at)\b))\b",
    # Clean time lost: "broke 4 months of sobriety", "lost my clean time", "reset my clean date", "blew 6 months".
    r"\b(broke|broken|break|blew|blown|ruined|threw away|thrown away|throw away|tossed|lost|reset|restarted|"
    r"ended|end|ending|killed|snapped|messed up|screwed up|fucked up)( all)?( my| that| the| of my| all my)?( [\w']+){0,3}? (sobriety|streak|"
    r"clean ?(time|date|streak|days)|sober ?(time|date|streak|days)|sobriety date)\b",
    r"\b(broke|broken|blew|blown|threw away|thrown away|ruined|lost)( all| all of)?( my| that| those)? "
    + SPAN
    + r"\b(?! (ago|to|of (my|his|her) life|in|at|on|pay|paycheck|worth|of (pay|rent|work|school)))",
    r"\b(reset (my |the )?(clean |sober |sobriety )?(date|clock|count|days|time)|back to day (one|1|zero|0)|"
    r"day (one|1|zero|0) again|new (clean|sober|sobriety) date|start(ing|ed)? (my )?(count|days|clean time) over)\b",
    # "had a drink after 2 years", "bought a bag after 30 days", "i used with my old friends after 2 months off".
    r"(?<!only )\b("
    + USE_VERB
    + r"|relapsed|slipped|picked up|went back|went out|(had|bought|got) (a|an|one|some|my first|a few|"
    r"a couple( of)?|\d+|two|three) [\w']+)(,?\s+(?!(less|only|instead|strips?|fresh|new|sterile|narcan|naloxone)\b)"
    r"[\w']+){0,6}?,?\s+(after " + SPAN + r"|after (being|staying|getting|bein) (clean|sober|off)|"
    r"first (time|one|drink|hit|use) in " + SPAN + r")\b",
    # "used on my 60th day", "relapsed on day 45".
    r"\b(used|drank|relapsed|slipped|picked up|smoked|got high|got drunk|caved)( again)? on ((my )?(\d{1,3}(st|nd|rd|th)|"
    r"\w+(th|st|nd|rd)) day|day (\d{1,3}|\w+))\b",
    # "back on the pills" but not "cut back on the pills"; "back to drinking" but not "back to school".
    NOT_CUT_BACK
    + r"\bback on (the |my |them |that )?(it|them|dope|fent|fentanyl|heroin|h|meth|crystal|coke|crack|pills|percs?|"
    r"oxys?|blues|xans?|xanax|bars|benzos|drugs|booze|alcohol|bottle|sauce|pipe|needle|stuff|shit|juice|drink)\b",
    NOT_CUT_BACK + r"\bback to (the |my )?" + USED_THING + r"\b(?![^,.;!?]*\binstead\b)",
    # A bare "i used" / "and used" / "picked up" / "went back", told as what happened (not "i used less",
    # "picked up narcan", "went back to school", "when i used").
    r"(^|" + NOT_SUBORDINATE + r"\b(i|and|then|but|so|till|until|eventually|finally|just|ended up|yeah|well) )"
    r"(used|drank|copped|scored|smoked)\b" + WHEN_AFTER + r"(?![^,.;!?]*\binstead\b)",
    r"(?<!when i )(?<!while i )(?<!if i )(?<!before i )(?<!time i )"
    + NOT_SUBORDINATE
    + r"\b(picked up|went back|gone back|got high|got (drunk|wasted|hammered|loaded|fucked up))\b"
    + WHEN_AFTER,
    r"(?<!when i )(?<!while i )(?<!if i )(?<!before i )(?<!time i )"
    + NOT_SUBORDINATE
    + r"\bgot (drunk|wasted|hammered|loaded|blackout drunk|shitfaced)\b",
    # "had 3 months then messed up", not "my teeth are messed up" or "messed up my back".
    r"(?<!are )(?<!is )(?<!was )(?<!were )(?<!its )(?<!im )(?<!so )(?<!got )(?<!get )(?<!be )(?<!been )(?<!pretty )"
    r"(?<!really )(?<!all )\b(messed|screwed|fucked) up\b" + WHEN_AFTER,
    # Clean time said to be gone: "my streak is gone", "my 6 months is gone", "my clean date is back to zero",
    # "got my clean time back to 0", "my count went back to zero".
    r"\b"
    + CLEAN_TIME
    + r"( (?!not|isnt|wasnt|arent|werent|never|aint)[\w']+){0,2}? (is |was |are |were |just |now |got )?"
    r"(gone|over|done|dead|ended|reset)\b",
    r"\b(my|the|all|all my|all that|those|that) " + SPAN + r"( (of )?(clean ?time|sobriety|clean|sober))?"
    r" (is |was |are |were |just |now )?(gone|down the drain|wasted|for nothing|out the window)\b",
    r"\b("
    + CLEAN_TIME
    + r"|count|clock|days)( (?!not|isnt|wasnt|never)[\w']+){0,2}? back to (zero|0|day (one|1|zero|0))\b",
    # "went on a run" (not a jog), "went on a bender", "turned into a week long binge".
    r"\bwent on a ([\w']+ ){0,3}?(run|bender|binge|tear|spree)\b(?![^,.;!?]*\b(instead|miles?|mi|km|5k|10k|park|jog\w*|"
    r"treadmill|trail|beach|track|clear my head|dog|block|exercise|morning)\b)",
    r"\b(been on|was on|had|turned into|turns into|turning into|ended up on|ended in) a ([\w']+ ){0,3}?(bender|binge)\b",
    r"\bturn(ed|s|ing)? into a ([\w']+ ){0,3}?(run|relapse|bender|binge)\b",
    # "i went out again" (in recovery talk, used again).
    r"\bwent out again\b(?! (to|for|with (my )?(wife|husband|kids|family|girl|boy|friends?)|on a date)\b)",
    # "picked back up with the kratom" (not "picked back up my meetings").
    r"\bpicked (it |things )?back up\b(?![^,.;!?]*\b(" + NOT_A_RETURN_WORD[1:-1] + r"|gym|job|work|shifts?|school|"
    r"class(es)?|routine|hobb\w+|guitar|running|working out|journal\w*|where i left off|program|counsel\w*|therap\w*)\b)",
    # "didnt even last a week before i used".
    r"\b(didnt|couldnt|did not|could not|barely) (even )?(last|make it|go|stay [\w']+|hold out|get)( [\w']+){0,4}? "
    r"before i (used|drank|picked up|relapsed|caved|smoked|copped|got high|got drunk|slipped|was using|was drinking)\b",
    # "now im back in it", "fell back into the percs" (not "back into my routine").
    r"\b(im|i am|was|got|been|now|right) back (in|into) it\b(?=\s*($|[,.;!?]|again|now|bad|hard|heavy|deep|full))",
    r"\b(fell|fall|falling|fallen|slid|slide|sliding|slipped|slipping|got sucked|getting sucked|sucked) back (in)?to\b"
    r"(?! (bed|sleep|place|line|shape|my routine|routine|school|work|the program|recovery|meetings?|a rhythm|the rhythm)\b)",
    # "back at the dope house", "back at my dealers spot".
    r"\bback (at|to|in|by) (the |my |his |her |that )?(dope|trap|crack|drug|dealers?|plugs?|connects?) ?"
    r"(house|spot|block|corner|pad)\b",
    # "had been sober since june till yesterday".
    r"\b(clean|sober|dry|off (the |my )?" + USED_THING + r")( [\w']+){0,4}? (till|until|til|up until|up till) "
    r"(yesterday|last \w+|this (morning|week|weekend)|today|tonight|the other (day|night)|"
    r"(mon|tues|wednes|thurs|fri|satur|sun)day)\b",
    # "threw it all away saturday" (not "threw it all in the trash").
    r"\b(threw|throw|thrown|throwing) (it all|everything|all of it|all my progress|all that( progress| work| time)?) away\b"
    r"(?![^,.;!?]*\b(trash|garbage|toilet|dumpster|sharps|bin)\b)",
]
RETURN_CUES = re.compile("|".join(f"(?:{p})" for p in RETURN_PATTERNS))
_RETURN_REGEXES = [re.compile(p) for p in RETURN_PATTERNS]
# Said just before a cue, these make it something not done: "never used again", "almost picked up",
# "scared ill relapse", "havent relapsed". ("Only" is kept to the use verbs: "only had 2 beers" is a step.)
NOT_A_RETURN_BEFORE = re.compile(
    r"\b(didnt|did not|havent|have not|hasnt|has not|never|not|no|without|almost|nearly|"
    r"dont|do not|wont|want|wanna|wanted|scared|afraid|worried|worry|might|if|gonna|"
    r"going to|would|could|should|urges?|close to|tempted|avoid\w*|about to|"
    r"try not|trying not)\b"
)
FILLER_PHRASES = re.compile(r"\b(not gonna lie|not going to lie|ngl|tbh|to be honest|honestly)\b")


def is_return_to_use(text: str) -> bool:
    """The words say the person used again after a time without (a check on the intent classifier).

    A cue counts unless, in the same clause and within three words before it, something makes it
    not done ("i havent used again", "almost picked up", "i dont want to relapse").
    """
    norm = FILLER_PHRASES.sub(" ", normalise(text))
    norm = re.sub(r"\s+", " ", norm).strip()
    for regex in _RETURN_REGEXES:
        for match in regex.finditer(norm):
            clause = re.split(r"[,.;!?]| but | and | so | then ", norm[: match.start()])[-1]
            if not NOT_A_RETURN_BEFORE.search(" ".join(clause.split()[-3:])):
                return True
    return False


# "been on heroin about 5 years now" tells how long someone has been USING: a length of time is a step only
# when nothing in the message says the time was spent using (a blind conversation praised "5 years without using").
TIME_USING = re.compile(
    r"\b(been (on|using|doing|smoking|shooting|taking|drinking|sniffing|snorting)|using|shooting up|"
    r"on (heroin|fent\w*|dope|meth|pills|percs?|oxys?|xans?|bars|coke|crack))\b"
)
TIME_NOT_USING = re.compile(
    r"\b(clean|sober|off|without|free|dry|quit|stopped|havent|have not|didnt|did not|not (used|using|drinking)|"
    r"no (use|using|drinking|dope|fent|pills))\b"
)


def steps(text: str) -> List[str]:
    """Reported steps in a message, most specific first (treatment before a call, days before a day off)."""
    norm = normalise(text)
    found = []
    for key, pattern in STEP_PATTERNS:
        match = re.search(pattern, norm)
        if match and not (
            key in ("naloxone", "not_alone", "less")
            and _negated(norm, match.start(), STEP_NEGATION_REACH)
            and "never use alone" not in match.group(0)
            and "not using alone" not in match.group(0)
        ):
            found.append(key)
    if "days" in found and TIME_USING.search(norm) and not TIME_NOT_USING.search(norm):
        found.remove("days")
    # "Day 1", "clean for a day": a day off. "Sober since new years" names no length but is more than a day.
    if "days" in found and step_duration(norm) in (None, "a day") and not re.search(DAYS_SINCE, norm):
        found[found.index("days")] = "day_off"
    if "days" in found and "day_off" in found:
        found.remove("day_off")
    return list(dict.fromkeys(found))


NOT_DONE_YET = re.compile(
    r"\b(maybe|might|gonna|going to|will|ill|plan\w*|want to|wanna|wish|hope|hoping|hopefully|try to|"
    r"(im|i am|am) trying to|^trying to|need to|have to|gotta|"
    r"thinking (about|of)|could|should|would|if i|ima|imma|id (like|love|rather)|about to|"
    r"i can (\w+ )?(cut|stop|quit|taper|start|try|manage|handle))\b"
)
# Where people go for recovery: "going to" one of these is a place, not a plan, when it is habitual or past.
RECOVERY_PLACES = (
    r"(the |a |an |my |some |more |daily |online )?(meetings?|na|aa|ca|cma|smart( recovery)?|groups?|"
    r"church|therapy|counsel\w*|clinic|treatment|iop|rehab|detox|dosing|sessions?|classes|class|program|"
    r"gym)\b"
)
HABITUAL_GOING = re.compile(
    r"\b(been|started|start|starting|keep|kept|keeps|still|back|been back|love|loved|like|liked|enjoy|enjoyed) "
    r"(back )?going to " + RECOVERY_PLACES + r"|"
    r"\bgoing to " + RECOVERY_PLACES + r"(?=[^.;!?]*\b(every|each|daily|regularly|again|lately|now|these days|helped|"
    r"helps|helping|since|twice|times|for "
    + SPAN
    + r")\b)(?![^.;!?]*\b(tomorrow|tonight|later|next|soon|gonna|will)\b)"
)

# Not a plan: a purpose ("so she could check on me", "so i cant buy"), a past reluctance
# ("showed up to group even tho i didnt want to"), a place given up ("stopped going to the gas station").
PURPOSE_OR_RELUCTANCE = re.compile(
    r"\b(stopped|quit|no longer) going to\b|"
    r"\bso (that )?(i|s?he|they|we|someone|somebody|my \w+) (could|would|can|cant|couldnt|wouldnt|will|wont|was able to)\b|"
    r"\b((even )?(tho|though|although|when|if) )?i didnt (want|wanna|feel like)( to| it)?(?=\s*($|[,.;!?]))"
)


# A step named by a single word ("clinic", "needle") counts when the person did something and nothing stood in
# the way: "i did a phone appointment" is a step, "the clinic lady was rude" and "the VA had me on a waiting
# list" are not.
DID_SOMETHING = re.compile(
    r"^(just |finally |already )?(got|went|did|didnt|started|called|took|used|switched|picked|been|go|made|asked|"
    r"told|tested|carry|carried|keep|kept|threw|gave|getting|going|taking|using|carrying)\b|"
    r"\b(i|we|im|ive|weve)( just| finally| already| now| still)? (got|went|did|didnt|started|called|took|used|"
    r"switched|pick|picked|go|made|asked|told|tested|carry|keep|kept|threw|gave|been|going|getting|taking|"
    r"using|carrying|on)\b"
)
STEP_BARRIER = re.compile(
    r"\b(wait(ing)? ?list|wont|cant|couldnt|wouldnt|denied|refused|dropped|kicked|out of|ran out|closed|"
    r"turned (me )?away|too (far|expensive)|no (insurance|ride|car|money)|havent|hasnt|not yet|yet)\b"
)


def words_only_step(text: str) -> bool:
    """A step named only by a word (STEP_WORDS) that the person did, with no barrier in the way."""
    norm = normalise(text)
    return bool(DID_SOMETHING.search(norm)) and not STEP_BARRIER.search(norm)


def step_of_report(text: str) -> Optional[str]:
    """The step in a message the classifier already calls a reported step (patterns, then single words).

    None when the words name no step, or speak of one not taken yet ("maybe cut down some",
    "going to try to quit"): a plan is change talk to reflect, not a step to affirm. "Been going
    to na every day" is a step: going to a meeting, past or habitual, is not a plan.
    """
    plain = re.sub(r"\b(instead of|of) going to\b", "", normalise(text))
    plain = HABITUAL_GOING.sub(" ", plain)
    plain = PURPOSE_OR_RELUCTANCE.sub(" ", plain)
    if NOT_DONE_YET.search(plain) and not re.search(
        r"\b(got|did|went|started|called|tested|been|"
        r"havent used|didnt use|cut)\b.*\b(today|yesterday|"
        r"last|ago|already|now)\b",
        normalise(text),
    ):
        return None
    found = steps(text)
    if found:
        return found[0]
    norm = normalise(text)
    for key, pattern in STEP_WORDS:
        if re.search(pattern, norm):
            return key
    if GENERAL_STEP.search(norm):
        return "general"
    return None


def step_duration(text: str) -> Optional[str]:
    """'10 days' from "today is day 10", '3 weeks' from "week 3", else the duration named."""
    match = DAY_NUMBER.search(normalise(text))
    if match:
        unit, amount = UNITS[match.group(1)], match.group(2)
        value = int(amount) if amount.isdigit() else NUMBER_WORDS[amount]
        if unit != "day" and value == 1:
            return f"a {unit}"
        if value > 1:
            return f"{value} {unit}s"
    return duration(text)


# ---------------------------------------------------------------- ruler numbers


@dataclass(frozen=True)
class RulerAnswer:
    """What a ruler reply said. status: number | unknown | out_of_range | none."""

    status: str
    low: Optional[float] = None
    high: Optional[float] = None

    @property
    def label(self) -> str:
        """'6', '7 or 8', '6.5' as the bot says it back."""

        def show(v: Optional[float]) -> str:
            return str(int(v)) if v is not None and float(v).is_integer() else str(v)

        if self.low is None:
            return ""
        return show(self.low) if self.high in (None, self.low) else f"{show(self.low)} or {show(self.high)}"


RULER_WORDS: Dict[str, float] = {
    "zero": 0,
    "nothing": 0,
    "nada": 0,
    "none": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "hundred": 100,
    "a hundred": 100,
    "a million": 1000000,
    "million": 1000000,
    "half": 5,
    "fifty": 50,
}
UNKNOWN = re.compile(
    r"\b(idk|i dont know|dont know|dunno|not sure|no idea|unsure|idek|hard to say|cant say|"
    r"no clue|beats me|who knows|depends|it depends|hmm+|eh+|\?+)\b|^\s*\?+\s*$"
)
NUMBER = re.compile(r"(?<![\d.])(-?\d{1,7}(?:\.\d)?)(?![\d])")
WORD_NUMBER = re.compile(r"\b(" + "|".join(sorted(RULER_WORDS, key=len, reverse=True)) + r")(ish)?\b")


def parse_ruler(text: Optional[str]) -> RulerAnswer:
    """A 0-10 ruler reply: '6', 'like a 6', '6/10', '7 or 8', 'between 5 and 6', 'ten', 'sixish', 'idk'."""
    norm = normalise(text)
    norm = re.sub(r"\b(out of|outta|/)\s*10\b", " ", norm)
    norm = re.sub(r"(\d)\s*/\s*10\b", r"\1 ", norm)
    norm = norm.replace("10/10", "10 ")
    values: List[float] = []
    for match in NUMBER.finditer(norm):
        values.append(float(match.group(1)))
    if not values:
        for match in WORD_NUMBER.finditer(norm):
            word = match.group(1)
            if word in ("none", "nothing") and re.search(r"\b(none|nothing) (of|to|about|else)\b", norm):
                continue
            values.append(float(RULER_WORDS[word]))
    if not values:
        return RulerAnswer("unknown") if UNKNOWN.search(norm) else RulerAnswer("none")
    values = values[:2]
    if any(v < 0 or v > 10 for v in values):
        return RulerAnswer("out_of_range", values[0])
    low, high = min(values), max(values)
    return RulerAnswer("number", low, high if high != low else None)


# ---------------------------------------------------------------- information topics

TOPIC_PATTERNS: List[Tuple[str, str]] = [
    (
        "buprenorphine",
        r"\b(bupe|bup|bupes|buprenorphine|suboxone|subox\w*|subs|sub|sublocade|zubsolv|subutex|sobos?|"
        r"brixadi)\b",
    ),
    ("methadone", r"\b(meth?[ao]done|done clinic|the done|dosing clinic)\b"),
    ("naltrexone", r"\b(naltrexone|vivitrol|vivi|revia)\b"),
    ("naloxone", r"\b(narc[ao]n|narcam|nalox\w*|kloxxado|zimhi|od kits?|overdose kits?|od reversal)\b"),
    (
        "test_strips",
        r"\b(test(ing)? strips?|fent(anyl)? strips?|fts|xylazine strips?|tranq strips?|drug check\w*|"
        r"test (my|the|your) (stuff|dope|supply|drugs|pills|bag)|testing (my|the) (stuff|dope|supply))\b",
    ),
    ("xylazine", r"\b(xylazine|tranq|trank|tranq dope|animal tranquilizer)\b"),
    (
        "never_alone",
        r"\b(never use alone|nora|nors|use alone|using alone|use by myself|using by myself|spot me|spotter|"
        r"someone watch me|someone with me when)\b",
    ),
    (
        "syringes",
        r"\b(syringes?|needles?|rigs?|works|points|exchange|ssp|sharps|new supplies|supplies|cookers?|cottons?)\b",
    ),
    (
        "mutual_help",
        r"\b(na|aa|ca|cma|12 ?steps?|twelve steps?|meetings?|sponsors?|smart recovery|smart|recovery dharma|"
        r"lifering|women for sobriety|self help groups?|support groups?|mutual help)\b",
    ),
    (
        "peer",
        r"\b(peers?|peer support|recovery coach\w*|coach|someone who has been there|someone whos been there|"
        r"lived experience|recovery mentor)\b",
    ),
    (
        "faith",
        r"\b(faith|church|god|christian|pray\w*|spiritual\w*|celebrate recovery|mosque|religio\w*|jesus|bible)\b",
    ),
    (
        "counselling",
        r"\b(counsel\w*|therap\w*|cbt|psycholog\w*|psychiatrist|talk to a professional|shrink|"
        r"contingency management)\b",
    ),
    (
        "natural",
        r"\b(on (my|their|your|our) own|by (myself|themselves|yourself)|without (treatment|rehab|meds|help|a program)|cold turkey|quit alone|"
        r"natural recovery|no program)\b",
    ),
    ("detox", r"\b(detox|rehab|inpatient|residential|treatment (center|centre|facility)|sober living|halfway house)\b"),
    ("medication", r"\b(mat|moud|medication|medications|meds|medicine|pill to (stop|quit)|prescription to)\b"),
    ("tolerance", r"\b(tolerance)\b"),
    ("mixing", r"\b(mix|mixing|mixed|combin\w*|at the same time as|together with)\b"),
    (
        "cutting_back",
        r"\b(use less|using less|drink less|cut (down|back)|cutting (down|back)|moderat\w*|"
        r"control (my|the) use|limit (my|how much))\b",
    ),
    ("addiction", r"\b(addiction|addict|addicted|hooked|dependen\w*|use disorder)\b"),
    (
        "family_talk",
        r"\b(talk (to|with) (him|her|them|my)|bring it up|approach (him|her|them)|what (do|should|can) i say|"
        r"confront|get (him|her|them) to (stop|quit|go|get help)|help (him|her|them))\b",
    ),
    (
        "family_support",
        r"\b(al ?-?anon|nar ?-?anon|support for me|for myself|family support|support for (family|parents)|"
        r"parents group|craft|how do i cope|taking care of myself)\b",
    ),
    (
        "safer_use",
        r"\b(safer|safely|safe|safety|harm reduction|less risky|reduce (the )?risk|lower (the )?risk|"
        r"without dying|not (die|od|overdose))\b",
    ),
    (
        "recovery_menu",
        r"\b(options|ways to (quit|stop|get off|get sober)|how (do|can|would|did) (i|you|people|someone) "
        r"(quit|stop|get off|get sober|recover|get better|get help)|recovery|treatment|"
        r"help (quitting|stopping|getting off|to quit|to stop)|quit|stop using|get off)\b",
    ),
]
SPECIFIC = [key for key, _ in TOPIC_PATTERNS if key not in ("safer_use", "recovery_menu")]
HARM_REDUCTION = ("naloxone", "test_strips", "never_alone", "syringes", "safer_use", "tolerance", "mixing", "xylazine")
# How a topic is named inside a reflection ("So buprenorphine might fit for you").
TOPIC_LABELS: Dict[str, str] = {
    "buprenorphine": "buprenorphine",
    "methadone": "methadone",
    "naltrexone": "naltrexone",
    "mutual_help": "a group",
    "counselling": "counselling",
    "peer": "a peer coach",
    "faith": "a faith-based path",
    "natural": "doing it your own way",
    "detox": "detox",
    "medication": "medication",
    "naloxone": "naloxone",
    "test_strips": "testing your supply",
    "syringes": "new supplies",
    "cutting_back": "cutting back",
}
# Questions about treatment in general are answered for the substance when it is not an opioid.
GENERAL_TOPICS = (None, "medication", "recovery_menu")
STIMULANT_WORDS = re.compile(r"\b(meth|crystal|coke|cocaine|crack|stimulants?|speed|adderall|tina|ice|uppers)\b")
ALCOHOL_WORDS = re.compile(r"\b(alcohol|drinking|drink|booze|drunk|liquor|beer)\b")
OPIOID_WORDS = re.compile(r"\b(fent|fentanyl|dope|heroin|opioids?|opiates?|pills|oxy|percs?|suboxone|subs|methadone)\b")


def topics(text: str, limit: int = 2) -> List[str]:
    """Information topics asked about: up to `limit` specific ones; else the menus 'safer_use' or 'recovery_menu'."""
    norm = normalise(text)
    found = [(m.start(), key) for key, pattern in TOPIC_PATTERNS for m in [re.search(pattern, norm)] if m]
    specific = [key for _, key in sorted(found) if key in SPECIFIC]
    ordered = [key for _, key in sorted(found)]
    first: Optional[str] = specific[0] if specific else (ordered[0] if ordered else None)
    if first in GENERAL_TOPICS and not OPIOID_WORDS.search(norm):
        if STIMULANT_WORDS.search(norm):
            return ["stimulants"]
        if ALCOHOL_WORDS.search(norm):
            return ["alcohol"]
    if specific:
        # "addiction" only when it is what is asked about, not a word on the way to something else.
        if len(specific) > 1 and "addiction" in specific:
            specific.remove("addiction")
        return list(dict.fromkeys(specific))[:limit]
    menus = [key for _, key in sorted(found) if key not in SPECIFIC]
    return menus[:1]


# ---------------------------------------------------------------- discord and privacy

DISCORD_KINDS: List[Tuple[str, str]] = [
    (
        "pamphlet",
        r"\b(pamphlets?|brochures?|flyers?|lectur\w*|preach\w*|sermon|dare|psa|after school special|"
        r"talking down|condescending|patroniz\w*|patronis\w*|judg\w*|script|hotline number|resources list|"
        r"dont need (your|a) (list|lecture|pamphlet)|heard it all)\b",
    ),
    (
        "no_problem",
        r"\b(dont have a (drug )?problem|not (a|an|my) problem|no problem|not an addict|not addicted|"
        r"nothing wrong with me|im fine|i am fine|under control|i dont need help|dont need (to stop|rehab|help)|"
        r"not (a|some) junkie)\b",
    ),
    ("bot", r"\b(bot|robot|machine|ai|computer|program|automated|chatgpt|algorithm|code)\b"),
    (
        "not_get_it",
        r"\b(dont (get|understand)|you dont know|no idea what|never been there|cant understand|"
        r"wouldnt understand|havent lived)\b",
    ),
]


def discord_kind(text: str) -> str:
    """bot | pamphlet | no_problem | not_get_it | general: which kind of pushback, to answer what is true in it."""
    norm = normalise(text)
    for kind, pattern in DISCORD_KINDS:
        if re.search(pattern, norm):
            return kind
    return "general"


PRIVACY_KINDS: List[Tuple[str, str]] = [
    (
        "report",
        r"\b(police|cops?|pigs|feds|report\w*|snitch\w*|probation|parole|po\b|cps|child services|dcfs|court|"
        r"judge|tell (anyone|anybody|someone|my)|share (it|this|my)|rat me out|turn me in|get me in trouble|"
        r"arrest\w*|legal|ice|immigration|insurance|employer|my job|my boss)\b",
    ),
    (
        "delete",
        r"\b(delete|erase|remove|wipe|get rid of|destroy|forget (this|everything|what i said)|clear (my|this))\b",
    ),
    ("retention", r"\b(how long|keep (it|this|my)|kept|stored|store|save|saved|saving|log|logged|record\w*|history)\b"),
    (
        "who_reads",
        r"\b(who (reads|sees|can see|can read|has access|looks)|read(ing|s)? (this|these|my)|see (this|my)|"
        r"private|privacy|confidential|anonymous|secret|between us|watching|monitor\w*|someone reading)\b",
    ),
]


def privacy_kinds(text: str) -> List[str]:
    """Which privacy questions a message asks, in a fixed order (report, delete, retention, who_reads)."""
    norm = normalise(text)
    return [kind for kind, pattern in PRIVACY_KINDS if re.search(pattern, norm)]


FIRST_PERSON_USE = re.compile(
    r"\b(i|im|ive|i been|ill) (use|used|using|smoke|smoked|smoking|shoot|shot up|drink|drank|drinking|"
    r"snort|snorted|take|took|relapsed|get high|got high|nod|nodded)\b|\bmy (use|using|drinking|habit)\b|"
    r"\bim (high|dopesick|sick|on (fent|dope|meth|pills|subs|methadone))\b"
)
CONSIDERING = re.compile(
    r"\b(might|maybe|think|thinking|try|trying|want|wanna|could|interested|looking into|consider\w*|"
    r"sounds (good|like)|fit|work for me)\b"
)


def speaks_of_own_use(text: str) -> bool:
    """The message talks about the person's own use ("i use alone a lot"), not someone else's."""
    return bool(FIRST_PERSON_USE.search(normalise(text)))


def considering(text: str) -> bool:
    """The person is weighing something up ("i think subs might work for me")."""
    return bool(CONSIDERING.search(normalise(text)))


QUESTION_START = re.compile(
    r"^(how|what|whats|who|whos|where|when|why|is|are|can|could|does|do|did|will|would|should|"
    r"tell me|explain)\b"
)


def is_question(text: str) -> bool:
    norm = normalise(text)
    return "?" in (text or "") or bool(QUESTION_START.search(norm))


OTHER_PERSON_USE = re.compile(
    r"\b(uses|using|used|drinks|drinking|addicted|on (fent|fentanyl|meth|dope|pills|heroin|"
    r"crack|coke|drugs)|high|relapsed|overdos\w*|nodding|shooting|smoking|hooked|struggling|"
    r"in rehab|out of rehab|in recovery|worried|worry|scared for|afraid for|help (him|her|them)|"
    r"talk (to|with) (him|her|them)|support (him|her|them)|narcan for|enabling|boundaries|"
    r"stole|stealing|wont stop|alcoholic|addict|junkie|came home|kicked out|what do i do|"
    r"what can i do|what can we do|needles|drug use|addiction|to stop|stop|quit|pills|"
    r"takes|how can i help|how do i help)\b"
)
THIRD_PERSON_HELP = re.compile(
    r"\b(help|talk to|talk with|support|reach|get through to|bring it up with|say to) "
    r"(him|her|them|my)\b|\b(he|she|they) (uses|drinks|is using|keeps using|wont stop)\b"
)
FAMILY_PHRASES = re.compile(
    r"\b(someone i (love|care about)|loved one|family member|as a (mom|dad|mother|father|parent)|"
    r"parents? of|families|my (kid|child|teen|teenager))\b"
)


def about_someone_else(text: str) -> bool:
    """The message is about another person's use ("my son is using", "someone i love is on fent")."""
    norm = normalise(text)
    if FAMILY_PHRASES.search(norm) or THIRD_PERSON_HELP.search(norm):
        return True
    return relation(text) is not None and bool(OTHER_PERSON_USE.search(norm))


PRIVACY_WORDS = re.compile(
    r"\b(privacy|private|confidential|anonymous|who|see|read|reads|recorded|saved|delete\w*|"
    r"what happens to|tell you|"
    r"police|cops|report|snitch|share|data|info|secure|safe|logs?|track|staff)\b"
)


def about_privacy(text: str) -> bool:
    return bool(privacy_kinds(text) or PRIVACY_WORDS.search(normalise(text)))


# A next step the person says they will take ("ok im gonna call her place tomorrow", "i'll ask my sister to
# drive me"): the bot reflects it and asks whether they want to think it through (actions/plans.py).
PLAN = re.compile(
    r"\b(im gonna|im going to|i am going to|gonna|going to|ill|i will|i plan to|planning to|ima|imma|"
    r"i think ill|i might|i want to try to|im thinking (about|of))\s+(just\s+|try to\s+|finally\s+|go\s+)?"
    r"(call|go|ask|get|try|talk|text|see|start|make|look|hit up|tell|book|sign up|check|find|apply|sit|stay|"
    r"write|pick up|grab|bring|set up|put|show|keep|reach out|head|visit|email|message)\b"
)
NOT_A_PLAN = re.compile(
    r"\b(not|never|dont|cant|wont)\s+(\w+\s+){0,2}(gonna|going to|ill|plan)\b|\bnot gonna\b|\bim not going to\b"
    r"|\b(get|go get|cop|buy|score|pick up|grab)\s+(\w+\s+)?(high|dope|fent|a bag|pills|bars|drunk|wasted)\b"
    r"|\b(use|using|drink|shoot|smoke)\b"
)


def plan_of(text: str) -> bool:
    """Does the message say the person will take a next step (not a question, not using, not a refusal)?"""
    norm = normalise(text).replace("'", "")
    return bool(PLAN.search(norm)) and not NOT_A_PLAN.search(norm) and not is_question(text)
