"""Turn a raw chat message into the plain form the crisis patterns are written against.

People in a crisis type fast: no capitals or punctuation, stretched letters
("breathinggg"), typos, slang, leet, curly apostrophes, pasted zero-width
characters. The patterns stay readable because they only ever see lower-case
ASCII-ish words separated by single spaces, with " | " where a sentence ended.
The character steps shared with every other reader (look-alikes, invisible and control
characters, NFKC, accents, case) are lantern.text.fold; what is here is crisis-only.
Contractions are expanded ("won't" -> "will not", "he's" -> "he is") so one
pattern covers every spelling.
"""

from __future__ import annotations

import re
from typing import Dict, Iterable, Set

from lantern.text import as_text, fold

# Long pastes are cut to their head and tail: a crisis line is short, and the
# detector has to stay fast on anything it is given.
MAX_CHARS = 4000
_HEAD, _TAIL = 3000, 1000

# Laughing emoji mark a joke; everything else outside the alphabet is dropped later.
_LAUGH_EMOJI = re.compile("[\U0001f602\U0001f923\U0001f480\U0001f606\U0001f639\U0001f605]")

# "OD" in all its spellings, before apostrophes go: od'd, o.d., od'ing, ODs.
_OD_FORMS = [
    (re.compile(r"\bo\.d\.?(?=\W|$)"), "od"),
    (re.compile(r"\bo\.d(?='|\b)"), "od"),
    (re.compile(r"\bod(?:'d|'ed|-ed|ed|d'|'d')(?=\W|$)"), " overdosed "),
    (re.compile(r"\bod(?:'|-)?(?:ing|in|in')(?=\W|$)"), " overdosing "),
    (re.compile(r"\bod(?:'s|s)\b"), " overdoses "),
    (re.compile(r"\bod\b"), " overdose "),
]
# "odd" is a word ("that's odd"), so only read it as "OD'd" after a person.
_ODD_AFTER_PERSON = re.compile(
    r"\b(he|she|they|i|we|who|just|nearly|almost|friend|someone|somebody|brother|sister|son|daughter|"
    r"mom|dad|cousin|roommate|guy|girl|boyfriend|girlfriend|bf|gf|husband|wife|man|dude|bro) odd\b"
)
# Leet inside a word: "k1ll", "n0t", "su1c1de", "h3lp" (a digit between letters).
_LEET_RUN = re.compile(r"(?<=[a-z])[0134579@$!|]+(?=[a-z])")
_LEET = str.maketrans("0134579@$!|", "oieastgasii")
# Letters typed with spaces ("h e s  n o t") are joined back into words.
_SPACED = re.compile(r"(?<![a-z])[a-z](?: [a-z]){2,}(?![a-z])")
_SENTENCE_END = re.compile(r"[.!?;]+")
_NON_WORD = re.compile(r"[^a-z0-9| ]+")
_RUN3 = re.compile(r"([a-z])\1{2,}")
_RUN2 = re.compile(r"([a-z])\1+")

# One token in, one or more words out: contractions (apostrophes already
# gone), texting shorthand and the misspellings seen in real crisis chats.
TOKEN_MAP: Dict[str, str] = {
    # contractions without apostrophes
    "im": "i am",
    "iam": "i am",
    "ive": "i have",
    "hes": "he is",
    "shes": "she is",
    "theyre": "they are",
    "youre": "you are",
    "thats": "that is",
    "whats": "what is",
    "theres": "there is",
    "whos": "who is",
    "someones": "someone is",
    "somebodys": "somebody is",
    "nobodys": "nobody is",
    "noones": "no one is",
    "noone": "no one",
    "wont": "will not",
    "cant": "can not",
    "cannot": "can not",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "isnt": "is not",
    "arent": "are not",
    "wasnt": "was not",
    "werent": "were not",
    "aint": "is not",
    "havent": "have not",
    "hasnt": "has not",
    "hadnt": "had not",
    "couldnt": "could not",
    "wouldnt": "would not",
    "shouldnt": "should not",
    "wudnt": "would not",
    "dnt": "do not",
    "cnt": "can not",
    "wnt": "will not",
    "ain": "is not",
    "doesn": "does not",
    "didn": "did not",
    "isn": "is not",
    "wasn": "was not",
    # texting shorthand
    "u": "you",
    "ur": "your",
    "r": "are",
    "n": "and",
    "rn": "right now",
    "atm": "right now",
    "pls": "please",
    "plz": "please",
    "plez": "please",
    "pleas": "please",
    "pleaseee": "please",
    "ppl": "people",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "gonna": "going to",
    "gunna": "going to",
    "finna": "going to",
    "wanna": "want to",
    "wana": "want to",
    "wannna": "want to",
    "tryna": "trying to",
    "gotta": "got to",
    "ima": "i am going to",
    "imma": "i am going to",
    "bout": "about",
    "cuz": "because",
    "coz": "because",
    "bc": "because",
    "idk": "i do not know",
    "dunno": "do not know",
    "omg": "oh my god",
    "omfg": "oh my god",
    "thru": "through",
    "tho": "though",
    "abt": "about",
    "sum1": "someone",
    "some1": "someone",
    "no1": "no one",
    "any1": "anyone",
    "every1": "everyone",
    "b4": "before",
    "2nite": "tonight",
    "tonite": "tonight",
    "2day": "today",
    "2morrow": "tomorrow",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "2moro": "tomorrow",
    "ok": "ok",
    "okay": "ok",
    "k": "ok",
    "myslef": "myself",
    "myslf": "myself",
    "mself": "myself",
    "myelf": "myself",
    "mysef": "myself",
    "mysel": "myself",
    "meself": "myself",
    "urself": "yourself",
    "frend": "friend",
    "freind": "friend",
    "frnd": "friend",
    "frends": "friends",
    "freinds": "friends",
    "hez": "he is",
    "shez": "she is",
    "theyll": "they will",
    "youll": "you will",
    "itll": "it will",
    "narcans": "narcan",
    "naloxones": "naloxone",
    "8ball": "8 ball",
    "eightball": "8 ball",
    "overheated": "overheated",
    # breathing
    "breathin": "breathing",
    "breating": "breathing",
    "brething": "breathing",
    "breathng": "breathing",
    "breathig": "breathing",
    "breahting": "breathing",
    "breatheing": "breathing",
    "breahing": "breathing",
    "braething": "breathing",
    "breathign": "breathing",
    "breeathing": "breathing",
    "breithing": "breathing",
    "breaghing": "breathing",
    "brathing": "breathing",
    "beathing": "breathing",
    "brethe": "breathe",
    "breth": "breathe",
    "bretahe": "breathe",
    # responsive / conscious
    "unresponsve": "unresponsive",
    "unresponive": "unresponsive",
    "unrespnsive": "unresponsive",
    "unrepsonsive": "unresponsive",
    "unresposive": "unresponsive",
    "nonresponsive": "unresponsive",
    "unresponisve": "unresponsive",
    "unresponcive": "unresponsive",
    "responing": "responding",
    "respondin": "responding",
    "resonding": "responding",
    "respoding": "responding",
    "unconcious": "unconscious",
    "unconsious": "unconscious",
    "unconscience": "unconscious",
    "unconscios": "unconscious",
    "unconcsious": "unconscious",
    "unconsiouss": "unconscious",
    "unconsciouss": "unconscious",
    "uncouncious": "unconscious",
    "concious": "conscious",
    # overdose family
    "overdoseing": "overdosing",
    "ovedosing": "overdosing",
    "overdossing": "overdosing",
    "overdosin": "overdosing",
    "overdsoing": "overdosing",
    "odeing": "overdosing",
    "oding": "overdosing",
    "overdozing": "overdosing",
    "overdosng": "overdosing",
    "overdoing": "overdoing",
    "overdoce": "overdose",
    "overdos": "overdose",
    "ovedose": "overdose",
    "overdoze": "overdose",
    "overdoe": "overdose",
    "ovrdose": "overdose",
    "overdoes": "overdose",
    "overdosee": "overdose",
    "overdossed": "overdosed",
    "overdozed": "overdosed",
    "overdoesed": "overdosed",
    "ovrdosed": "overdosed",
    "overdoised": "overdosed",
    "overdosd": "overdosed",
    "odd'd": "overdosed",
    "odded": "overdosed",
    # suicide
    "sucide": "suicide",
    "suiside": "suicide",
    "suicde": "suicide",
    "sucicide": "suicide",
    "suicid": "suicide",
    "suiced": "suicide",
    "suacide": "suicide",
    "sueside": "suicide",
    "suecide": "suicide",
    "siucide": "suicide",
    "suicie": "suicide",
    "suiicide": "suicide",
    "suicidle": "suicidal",
    "suicdal": "suicidal",
    "sucidal": "suicidal",
    "suisidal": "suicidal",
    "suicidel": "suicidal",
    "suecidal": "suicidal",
    "sucicidal": "suicidal",
    "siucidal": "suicidal",
    "suicidial": "suicidal",
    "suicidall": "suicidal",
    "kil": "kill",
    "kilin": "killing",
    "killin": "killing",
    "unalive": "unalive",
    "unaliving": "unaliving",
    "un-alive": "unalive",
    # naloxone
    "naloxon": "naloxone",
    "nalaxone": "naloxone",
    "naloxen": "naloxone",
    "naxalone": "naloxone",
    "naloxine": "naloxone",
    "nalox": "naloxone",
    "nalaxon": "naloxone",
    "naloxzone": "naloxone",
    "narcn": "narcan",
    "narcon": "narcan",
    "narkan": "narcan",
    "narcam": "narcan",
    "narcann": "narcan",
    "narcaned": "narcanned",
    "narcand": "narcanned",
    "narcan'd": "narcanned",
    "narcanning": "narcanning",
    # drugs
    "fent": "fentanyl",
    "fentanil": "fentanyl",
    "fentynal": "fentanyl",
    "fentenyl": "fentanyl",
    "fetty": "fentanyl",
    "fenty": "fentanyl",
    "fentenol": "fentanyl",
    "fentanol": "fentanyl",
    "fentanly": "fentanyl",
    "fentanyle": "fentanyl",
    "fentnyl": "fentanyl",
    "fentynol": "fentanyl",
    "herion": "heroin",
    "heroine": "heroin",
    "herowin": "heroin",
    "coccaine": "cocaine",
    "cocain": "cocaine",
    "cokain": "cocaine",
    "addys": "adderall",
    "addies": "adderall",
    "addy": "adderall",
    "aderall": "adderall",
    "adderal": "adderall",
    # seizures, heat, heart
    "siezure": "seizure",
    "seisure": "seizure",
    "seizue": "seizure",
    "seizer": "seizure",
    "siezing": "seizing",
    "seizeing": "seizing",
    "seazing": "seizing",
    "siezure's": "seizure",
    "overheatin": "overheating",
    "raceing": "racing",
    "racin": "racing",
    "poundin": "pounding",
    "hearts": "heart is",
    "hart": "heart",
    "chestpain": "chest pain",
    "heartattack": "heart attack",
    # danger
    "threatning": "threatening",
    "threating": "threatening",
    "theatening": "threatening",
    "strangeling": "strangling",
    "stranglin": "strangling",
    "knive": "knife",
    "nife": "knife",
    "gunn": "gun",
    "stabed": "stabbed",
    "stabbin": "stabbing",
    "shoted": "shot",
    "beatin": "beating",
    "hittin": "hitting",
    "chokin": "choking",
    "hurtin": "hurting",
    "attackin": "attacking",
    "followin": "following",
    "tryin": "trying",
    "goin": "going",
    "nothin": "nothing",
    "somethin": "something",
    "dyin": "dying",
    "turnin": "turning",
    "wakin": "waking",
    "thinkin": "thinking",
    "cuttin": "cutting",
    "bleedin": "bleeding",
    "comin": "coming",
    "doin": "doing",
    "gettin": "getting",
    "takin": "taking",
    "usin": "using",
    "kilt": "killed",
}
# Words the patterns care about. A stretched or letter-doubled token ("helllp",
# "kiiill", "breathinggg") is snapped back to one of these when it can be.
KEYWORDS: Set[str] = set(
    """
    breathing breathe breath blue purple grey gray lips face wake waking woke respond responding responsive
    unresponsive unconscious overdose overdosing overdosed overdoses narcan naloxone fentanyl heroin dope
    kill killing myself suicide suicidal die dying dead death alive live living unalive end hurt harm cut
    cutting hang gun knife shot stabbed beaten beating hitting choking help please now right not no never
    nobody snoring gurgling foam seizure seizing heart racing chest pain overheating burning hot meth coke
    crack molly scared safe danger attack attacking breaking broke following threatening strangling blood
    bleeding trying going want wanna pills bottle purpose goodbye note jump bridge roof stopped stop barely
    breathing limp cold pulse wont cant dont really so hard fast slow weird fell out nodding please someone
    hurry quick oh god emergency call ambulance tonight today anymore everything everyone better off without
    wrist wrists rope noose kms sleep forever point reason worth tired done giving give up shoot shooting
    slumped twitching floor pulse dying threw banging
""".split()
)


def _vocab(values: Iterable[str]) -> Set[str]:
    words = set(KEYWORDS)
    for value in values:
        words.update(value.split())
    return words


VOCAB: Set[str] = _vocab(TOKEN_MAP.values())
# "skeleton" (all doubled letters single) -> keyword, for unambiguous keywords only
_SKELETON: Dict[str, str] = {}
_seen: Dict[str, int] = {}
for _w in VOCAB:
    _s = _RUN2.sub(r"\1", _w)
    _seen[_s] = _seen.get(_s, 0) + 1
    _SKELETON[_s] = _w
_SKELETON = {s: w for s, w in _SKELETON.items() if _seen[s] == 1}
_PROTECTED = {
    "odd",
    "too",
    "off",
    "all",
    "ill",
    "see",
    "bee",
    "will",
    "well",
    "still",
    "feel",
    "need",
    "good",
    "look",
    "been",
    "sorry",
    "keep",
    "sleep",
    "free",
    "tree",
    "tell",
    "sell",
    "fall",
    "full",
}


def _fix_token(tok: str) -> str:
    """Map one token to its canonical spelling (may return several words)."""
    if tok in TOKEN_MAP:
        return TOKEN_MAP[tok]
    if tok in VOCAB or tok in _PROTECTED:
        return tok
    if _RUN3.search(tok):
        two = _RUN3.sub(r"\1\1", tok)
        if two in TOKEN_MAP:
            return TOKEN_MAP[two]
        if two in VOCAB:
            return two
        one = _RUN3.sub(r"\1", tok)
        if one in TOKEN_MAP:
            return TOKEN_MAP[one]
        if one in VOCAB:
            return one
        skeleton = _RUN2.sub(r"\1", tok)
        if skeleton in _SKELETON:
            return _SKELETON[skeleton]
        return two
    if tok.endswith("in") and tok + "g" in VOCAB:
        return tok + "g"
    if len(tok) > 3 and tok[-1] == tok[-2] and tok[:-1] in VOCAB:  # "bluee", "helpp": last key held down
        return tok[:-1]
    return tok


def _clip(text: str) -> str:
    if len(text) > MAX_CHARS:
        return text[:_HEAD] + " . " + text[-_TAIL:]
    return text


def normalize(text: object) -> str:
    """Lower-case plain words separated by single spaces; " | " marks a sentence end.

    Accepts anything (None, bytes, numbers) and never raises on ordinary input;
    the detector still wraps it, since a crisis layer must not crash.
    """
    text = _clip(as_text(text))
    text = _LAUGH_EMOJI.sub(" lol ", text)
    # The shared character steps (lantern.text.fold: invisibles, controls, look-alikes, NFKC, accents,
    # lower case); spacing is kept, as letters typed with single spaces are joined below.
    text = fold(text)
    # Crisis additions from here on: OD spellings, leet, sentence marks, spaced letters, the token map.
    for pattern, repl in _OD_FORMS:
        text = pattern.sub(repl, text)
    text = _ODD_AFTER_PERSON.sub(r"\1 overdosed", text)
    text = text.replace("'", "")
    text = _LEET_RUN.sub(lambda m: m.group(0).translate(_LEET), text)
    text = _SENTENCE_END.sub(" | ", text)
    text = _NON_WORD.sub(" ", text)
    text = _SPACED.sub(lambda m: m.group(0).replace(" ", ""), text)
    words = [_fix_token(tok) for tok in text.split()]
    out = " ".join(words)
    # collapse repeated sentence marks and a leading/trailing one
    out = re.sub(r"(?:\| )+\|", "|", out).strip(" |")
    return out
