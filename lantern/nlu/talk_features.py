"""Features for the MI talk-type classifier: normalised words, character n-grams and MI cues.

One function, `extract`, is used both when training and when classifying, so
the two can never drift apart. It returns three groups of raw counts (words,
characters, cues) that `talk_model` weights and normalises separately: word
n-grams carry the topic, character n-grams survive typos and slang, and the cue
group encodes what an MI coder listens for (DARN-CAT for change talk, the
reasons not to change for sustain talk), with negation scope, so that "i want
to stop" and "i don't want to stop" end up far apart.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Dict, List, Set, Tuple

from lantern.text import negation_scope
from lantern.text import normalise as shared_normalise

# Longer texts are cut to this many characters before featurising (keeps latency flat);
# character n-grams and cue patterns look at fewer still. A talk type shows early.
MAX_CHARS = 400
CUE_CHARS = 240
CHAR_NGRAMS = (3, 4, 5)

_REPEATS = re.compile(r"(.)\1{2,}")  # "sooooo" -> "soo"
# Transcribed speech: "[laughs]", "[inaudible 00:01:02]" are not words; "I-I", "th-that" are stutters.
_BRACKETS = re.compile(r"\[[^\]]{0,40}\]")
_STUTTER = re.compile(r"\b([a-z]{1,3})-(?=\1)")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[?!.,;:]")

# Chat spellings and contractions, mapped to one form so each idea is one feature.
_SLANG: Dict[str, str] = {
    "dont": "do not",
    "don't": "do not",
    "doesnt": "does not",
    "doesn't": "does not",
    "didnt": "did not",
    "didn't": "did not",
    "cant": "can not",
    "can't": "can not",
    "cannot": "can not",
    "couldnt": "could not",
    "couldn't": "could not",
    "wont": "will not",
    "won't": "will not",
    "wouldnt": "would not",
    "wouldn't": "would not",
    "isnt": "is not",
    "isn't": "is not",
    "aint": "is not",
    "ain't": "is not",
    "arent": "are not",
    "aren't": "are not",
    "wasnt": "was not",
    "wasn't": "was not",
    "werent": "were not",
    "weren't": "were not",
    "havent": "have not",
    "haven't": "have not",
    "hasnt": "has not",
    "hasn't": "has not",
    "shouldnt": "should not",
    "shouldn't": "should not",
    "im": "i am",
    "i'm": "i am",
    "ive": "i have",
    "i've": "i have",
    "id": "i would",
    "i'd": "i would",
    "ill": "i will",
    "i'll": "i will",
    "its": "it is",
    "it's": "it is",
    "thats": "that is",
    "that's": "that is",
    "theres": "there is",
    "there's": "there is",
    "whats": "what is",
    "what's": "what is",
    "youre": "you are",
    "you're": "you are",
    "theyre": "they are",
    "they're": "they are",
    "gonna": "going to",
    "gunna": "going to",
    "gona": "going to",
    "wanna": "want to",
    "wana": "want to",
    "gotta": "got to",
    "tryna": "trying to",
    "hafta": "have to",
    "kinda": "kind of",
    "sorta": "sort of",
    "lemme": "let me",
    "u": "you",
    "ur": "your",
    "r": "are",
    "ya": "you",
    "yall": "you all",
    "y'all": "you all",
    "idk": "i do not know",
    "dunno": "do not know",
    "rn": "right now",
    "tbh": "to be honest",
    "ngl": "not going to lie",
    "imo": "in my opinion",
    "bc": "because",
    "cuz": "because",
    "cos": "because",
    "coz": "because",
    "'cause": "because",
    "b4": "before",
    "thx": "thanks",
    "ty": "thank you",
    "pls": "please",
    "plz": "please",
    "ok": "okay",
    "k": "okay",
    "kk": "okay",
    "yea": "yeah",
    "ya'll": "you all",
    "yep": "yes",
    "yup": "yes",
    "nope": "no",
    "nah": "no",
    "tho": "though",
    "thru": "through",
    "w": "with",
    "wo": "without",
    "b": "be",
    "n": "and",
    "nothin": "nothing",
    "somethin": "something",
    "anythin": "anything",
    "doin": "doing",
    "goin": "going",
    "tryin": "trying",
    "usin": "using",
    "smokin": "smoking",
    "drinkin": "drinking",
    "feelin": "feeling",
    "gettin": "getting",
    "quittin": "quitting",
    "stoppin": "stopping",
    "prob": "probably",
    "probs": "probably",
    "def": "definitely",
    "mayb": "maybe",
    "abt": "about",
    "bout": "about",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "2moro": "tomorrow",
    "2day": "today",
    "tonite": "tonight",
    "wk": "week",
    "wks": "weeks",
    "yr": "year",
    "yrs": "years",
    "mins": "minutes",
    "hrs": "hours",
    "alot": "a lot",
    "aswell": "as well",
}

# Spoken fillers carry no direction; dropped before anything else sees them.
_FILLERS = {"um", "uh", "uhm", "umm", "erm", "er", "ah", "hmm", "mm", "mhm", "mmhmm", "hm"}
_KEEP_REPEATS = {"no", "yeah", "yes", "very", "really", "so", "okay", "never", "bad", "that"}
_ACKS = {
    "yeah",
    "yes",
    "okay",
    "sure",
    "right",
    "mm",
    "hmm",
    "mmhmm",
    "uh",
    "huh",
    "um",
    "uhm",
    "oh",
    "alright",
    "true",
    "exactly",
    "totally",
    "definitely",
    "well",
    "i",
    "see",
    "guess",
    "so",
    "no",
    "maybe",
    "cool",
    "fine",
    "thanks",
    "thank",
    "you",
    "hi",
    "hello",
    "hey",
    "got",
    "it",
    "mhm",
    "hm",
    "ah",
    "absolutely",
    "correct",
    "yeh",
    "lol",
    "haha",
    "same",
    "indeed",
    "kind",
    "of",
    "sort",
    "a",
    "bit",
    "little",
    "suppose",
    "think",
    "too",
    "really",
}

_CUES: List[Tuple[str, str]] = [
    # --- change talk: desire, ability, reasons, need (preparatory) ---
    (
        "c_desire",
        r"\b(i|we) (really |just |kind of |sort of |honestly |so |truly |do |still )*"
        r"(want|wish|would like|would love|hope|am hoping|am dying|long|would rather)\b(?! (it|some|more|a hit|to (use|drink|get high|smoke|party|score|cop)))",
    ),
    ("c_desire", r"\b(i|we) would (be|feel) (better|happier|proud|relieved)\b"),
    ("c_desire", r"\b(part of me|something in me) (wants|knows|is ready)\b"),
    (
        "c_ability",
        r"\b(i|we) (think i |guess i |know i |bet i |feel like i )?(can|could|am able to|would be able to|might be able to|managed to|can probably|can definitely)\b(?! (not|say|tell|see|hear|remember|imagine|understand|think|come|meet|talk|ask|call you|get there|go there))",
    ),
    ("c_ability", r"\b(i|we) (did|have done|got through) it before\b"),
    ("c_ability", r"\b(doable|possible for me|i have got this|i got this|i am capable|i am strong enough)\b"),
    ("c_need", r"\b(i|we) (really |honestly |seriously |just |definitely )*(need|have|got|ought|must|should) to\b"),
    ("c_need", r"\b(something|things) (has|have|needs|need|got) to (change|give)\b"),
    ("c_need", r"\b(can not|could not) (keep|go on|continue|live) (doing|like|this|using|drinking|on)\b"),
    (
        "c_reason",
        r"\b(it is|it has been|this is|using is|drinking is|that is|dope is|meth is) (ruining|killing|wrecking|destroying|hurting|costing|messing|taking|eating)\b",
    ),
    (
        "c_reason",
        r"\b(ruin|ruined|ruining|killing me|lost my|losing my|lose my|cost me|costing me|hurt my|hurting my|messed up|messing up|screwed up|wrecked)\b",
    ),
    (
        "c_reason",
        r"\b(tired of|sick of|fed up|sick and tired|had enough|done with|over it|exhausted|hate (it|this|how|that|what|myself|being))\b",
    ),
    ("c_reason", r"\b(scared|afraid|worried|terrified|frightened|freaked out|scares me|worries me)\b"),
    (
        "c_reason",
        r"\b(for my (kids|kid|son|daughter|children|family|health|mom|mum|wife|husband|girlfriend|boyfriend|partner|baby|job)|my kids deserve|be there for)\b",
    ),
    (
        "c_reason",
        r"\b(out of control|getting worse|gotten worse|way too far|way too much|rock bottom|not who i am|not me anymore|ashamed|embarrassed|regret)\b",
    ),
    (
        "c_reason",
        r"\b(is|become|becoming|became|getting to be|turned into|turning into) (a|an|my|a big|a real|a serious|kind of a|sort of a) (problem|issue)\b",
    ),
    (
        "c_reason",
        r"\b(better|healthier|happier|save money|more money|feel good|feel better|clear head|clearer) (if|when|without|once|after)\b",
    ),
    # --- change talk: commitment, activation, taking steps (mobilising) ---
    (
        "c_commit",
        r"\b(i|we) (will|am going to|am going|am gonna|plan to|promise|swear|intend to|decided|have decided|made up my mind|am ready|am willing|am committed|am determined|am starting)\b(?! not)",
    ),
    (
        "c_commit",
        r"\b(starting|from) (today|tomorrow|tonight|now|monday|this week|next week)\b|\b(this is it|no more|never again|last time|for good)\b",
    ),
    (
        "c_commit",
        r"\b(let us do it|i am in|count me in|sign me up|lets do it|let's do it|i will try|i will give it a (go|try|shot)|worth a (try|shot)|i could try)\b",
    ),
    (
        "c_steps",
        r"\b(i|we) (have |already |just |finally |actually )*(tried|started|stopped|quit|cut|called|went|booked|made an appointment|threw|flushed|deleted|blocked|poured|switched|signed up|got on|got a|enrolled|checked|joined|asked|told|talked|put|skipped|picked up|got rid)\b",
    ),
    (
        "c_steps",
        r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a few|a couple|couple) (days|weeks|months|years|day|week|month|year) (clean|sober|off|without|free|since)\b",
    ),
    (
        "c_steps",
        r"\b(i|we) (have not|did not|have been) (used|drank|smoked|touched|had|picked up|using|drinking|clean|sober|off)\b",
    ),
    (
        "c_steps",
        r"\b(cut (back|down)|cutting (back|down)|less than (before|i used to|usual)|not as much|fewer|smaller amounts|on suboxone|on methadone|on bupe|started meetings|going to meetings|got narcan|carry narcan|test strips?)\b",
    ),
    # --- sustain talk ---
    (
        "s_no_desire",
        r"\b(i|we) (do not|did not|will not|would not|really do not|honestly do not|just do not) (really )?(want|wanna|plan|intend|feel like|need) to (stop|quit|change|cut|give|go to|go on|try|talk|do (that|this|it|anything)|be told|hear|deal|get off|come off|work out|exercise|diet|take)\b",
    ),
    (
        "s_no_desire",
        r"\b(i|we) (do not|really do not|honestly do not|just do not) (care|see (the point|why|a problem|the problem|how)|think i (need|should|have|am)|need (to|help|it|this)|have a problem)\b",
    ),
    (
        "c_avoid",
        r"\b(i|we) (do not|really do not|definitely do not|would not|never) (want|wanna|like|ever want) (to )?(be|end up|lose|die|hurt|fall|go back|get|become|keep|put|miss|turn into|spend|waste|let|see|have to|wake up|feel)\b",
    ),
    (
        "s_no_desire",
        r"\b(not (ready|interested|going to (stop|quit|change))|no (intention|plans?|interest|desire) (to|of|in)|why would i|why should i)\b",
    ),
    (
        "s_no_problem",
        r"\b(not|no|is not|never|is not really|not really) (a |that big of a |that much of a |that big a |such a |much of a |really a |even a |any )?(big )?(problem|issue|deal|concern)\b",
    ),
    (
        "s_no_problem",
        r"\b(under control|i can handle|i got it handled|i have got it handled|i am fine|i am okay|i am good|it is fine|it is okay|it is no big|everybody does|everyone does|everyone drinks|everybody drinks|everyone uses|not that bad|not addicted|not an addict|not hurting anyone|my business|my choice|my life)\b",
    ),
    ("s_no_problem", r"\b(it is|that is|pretty|totally|perfectly|completely) normal\b"),
    (
        "s_minimise",
        r"\b(only|just) (on weekends?|a (little|bit|couple|few)|once|twice|sometimes|socially|on (the )?weekends|at parties|when i go out|with friends|to relax|to (take the edge|unwind|chill|sleep|get through|function))\b|\b(could be worse|not as bad as|at least i|not like i)\b",
    ),
    (
        "s_benefit",
        r"\b((it|that|this|which|drinking|smoking|using|weed|pot|alcohol|booze|beer|wine|dope|meth|coke|pills?|they|smoke|a drink|a hit) (really |just |actually |kind of |does |do )?(helps?|helped) me|makes? me (feel|forget|calm|relax|happy|normal|function|sleep|able)|calms? me|relaxes? me|takes the edge|numbs|(is|was|are|it is|that is) the only thing|only thing that (helps|works|gets|keeps|makes|calms|relaxes|lets)|gets me through|keeps me (going|sane|calm|up|awake|normal|from getting sick|from being sick|well)|i (really )?(like|love|enjoy|miss) (it|the|how|being|getting|that|smoking|drinking|using|the feeling)|(good|great|fun|nice) time|feel (normal|good|great|alive|like myself) (when|on|with)|best part)\b",
    ),
    (
        "s_inability",
        r"\b(i|we) (just |really |honestly |simply )?(can not|could not|am not able to|will not be able to|would not be able to|do not know how to|do not think i can|do not think i could) (stop|quit|do|cut|give|handle|deal|function|sleep|get|live|imagine|go|see|make)\b",
    ),
    (
        "s_inability",
        r"\b(too hard|too difficult|impossible|no way|not possible|not able|not strong enough|never (going to|gonna|be able to) (stop|quit|change|make it)|will never (stop|quit|change)|not going to work|would not work|does not work|did not work|never works|never worked|no point|pointless|what is the point|waste of time)\b",
    ),
    (
        "s_withdrawal",
        r"\b((get|be|getting|go|going|am|feel|being) (dope ?)?sick|dopesick|withdrawals?|withdrawing|kicking|the shakes|shaking|sick if i (stop|do not)|sick without)\b",
    ),
    (
        "s_past_fail",
        r"\b(tried (that|it|before|already|everything|rehab|that before|it before|quitting|to quit|to stop)|been there done that|relapsed|went back|always go back|end up (using|drinking|back)|did not (last|stick|help|work)|never (lasts|sticks|helps))\b",
    ),
    (
        "s_others",
        r"\b(everyone|everybody|all my friends|my friends|my crew|my boyfriend|my girlfriend|my partner|people around me|my roommates?) (all )?(uses?|drinks?|smokes?|does it|do it|is using|are using|parties|party)\b",
    ),
    (
        "s_others",
        r"\b(people|they|everyone|my (family|wife|husband|mom|mum|parole officer|po|doctor)) (need to|should) (back off|leave me|mind|get off)|get off my back|on my case|making a big deal|overreacting|exaggerating\b",
    ),
    (
        "s_continue",
        r"\b(going to keep|will keep|still going to|gonna keep|keep (using|drinking|smoking|doing it)|not stopping|not quitting|not giving (it|that) up|not changing)\b",
    ),
    # --- neutral: questions, greetings, logistics ---
    (
        "n_question",
        r"^(what|where|when|how|who|which|why|is|are|do|does|can|could|would|will|should|did|have|has|any)\b.*\?$",
    ),
    (
        "n_question",
        r"\b(can you|could you|do you|are you|is there|where (is|can|do)|how (do|does|much|long|many)|what (is|are|time|does))\b",
    ),
    ("n_greeting", r"^(hi|hey|hello|yo|sup|good (morning|evening|afternoon)|howdy|hiya|heyy)\b"),
    (
        "n_logistics",
        r"\b(address|phone number|open|hours|appointment|bus|ride|insurance|medicaid|cost|free|location|near me|zip|clinic|pharmacy|paperwork|form|forms)\b",
    ),
]


def _fast(rx: str) -> str:
    """Cue patterns run on ' ' + text + ' ' (single spaces between tokens), so a leading word
    boundary can be a literal space, which lets the regex engine skip ahead (about 3x faster)."""
    return rx.replace(r"\b(", " (").replace("^(", "^ (").replace(r"\?$", r"\? $")


_COMPILED = [(name, re.compile(_fast(rx))) for name, rx in _CUES]

# Word classes, so that a word never seen in the examples still counts through its class
# ("concerned" like "worried", "cholesterol" like "liver"). Written by hand for MI talk.
_CONCEPTS: Dict[str, str] = {}
for _cls, _words in {
    "negemo": "worried worry worries worrying scared scary afraid frightened terrified concerned concerning "
    "concern ashamed shame guilty guilt embarrassed embarrassing upset sad depressed depression "
    "anxious anxiety miserable hate hated awful terrible horrible regret regrets disgusted "
    "frustrated frustrating stressed overwhelmed hopeless helpless lonely angry nervous panic",
    "posuse": "relax relaxed relaxing relaxes fun enjoy enjoyed enjoying enjoyable buzz rush high chill calm calms "
    "exciting excitement exhilarating euphoric pleasure love loved escape numb unwind loosen loose "
    "social socialise socialize confidence outgoing",
    "hard": "hard harder difficult tough struggle struggling impossible challenging tricky stressful "
    "overwhelming complicated",
    "fine": "fine okay alright normal healthy good great ok well perfectly",
    "able": "confident sure certain capable able manage managed handle doable possible",
    "change": "quit quitting quitted stop stopping stopped cut cutting reduce reducing less change changing "
    "changed sober clean abstain detox rehab recovery treatment program counselling counseling "
    "therapy meetings aa na smart suboxone methadone bupe buprenorphine naltrexone vivitrol narcan "
    "naloxone patch patches gum exercise exercising gym walk walking run running diet healthier",
    "substance": "drink drinks drinking drank drunk beer beers wine vodka whiskey liquor alcohol booze weed pot "
    "marijuana cannabis joint blunt meth crystal ice crack coke cocaine dope heroin fentanyl fent "
    "pills percs oxy xanax benzos opiates opioids smoke smoking smoked cigarette cigarettes cigs "
    "vape vaping nicotine tobacco gambling gamble casino slots bets betting sugar soda candy",
    "health": "health healthy body liver heart lungs lung blood pressure cholesterol diabetes diabetic weight "
    "kidney kidneys sick illness disease cancer doctor hospital er pain breathing teeth sleep tired "
    "energy hangover hangovers hungover blackout blackouts memory seizure overdose od died dying death",
    "family": "kids kid children child son daughter baby babies wife husband partner girlfriend boyfriend mom "
    "mum mother dad father family grandkids grandchildren sister brother parents",
    "legal": "court jail prison probation parole judge lawyer police cops cop arrested charges record locked "
    "dui dwi license licence trouble crime criminal",
    "money": "money broke debt bills rent paycheck afford expensive cost costs costing spend spent spending "
    "dollars savings cash",
    "work": "job work working career school class classes grades college study studies homework boss shift shifts",
    "social": "friends friend mates buddies buddy guys crew party parties partying bar bars club clubs pub "
    "weekend weekends",
    "bored": "bored boring dull nothing",
    "crave": "craving cravings crave urge urges tempted temptation",
}.items():
    for _word in _words.split():
        _CONCEPTS.setdefault(_word, _cls)


def normalise(text: str) -> str:
    """The shared normal form (lantern.text), then talk-specific additions: squeeze letter runs,
    expand slang and contractions; drop transcription marks ("[laughs]"), stutters ("I-I") and
    fillers ("um") from speech. The trained model's features depend on it: a change needs a retrain."""
    text = shared_normalise(text, MAX_CHARS)
    text = _BRACKETS.sub(" ", text)
    text = _STUTTER.sub("", text)
    text = _REPEATS.sub(r"\1\1", text)
    tokens = _TOKEN.findall(text)
    if all(t in _FILLERS for t in tokens if t[0].isalnum()):
        return " ".join(tokens)  # "mm." or "um, hmm": keep it as it is
    out: List[str] = []
    prev = ""
    for tok in tokens:
        if tok in _FILLERS or (tok == prev and tok.isalpha() and tok not in _KEEP_REPEATS):
            continue  # "um", "uh"; "i i think" -> "i think"
        prev = tok
        mapped = _SLANG.get(tok)
        if mapped is None and tok.endswith("n't"):
            mapped = tok[:-3] + " not"
        if mapped is None and tok.endswith("'s"):
            mapped = tok[:-2]
        if mapped is None and "'" in tok:
            mapped = tok.replace("'", "")
        out.append(mapped or tok)
    return " ".join(out)


def _negation_marked(tokens: List[str]) -> List[str]:
    """Prefix the words a negator governs with NOT_ (lantern.text.negation_scope: up to punctuation,
    'but' and the like, or four words)."""
    return ["NOT_" + tok if inside else tok for tok, inside in zip(tokens, negation_scope(tokens), strict=False)]


def _concept(token: str) -> str:
    """'worried' -> 'C_negemo', 'NOT_worried' -> 'NOT_C_negemo'; other tokens unchanged."""
    negated = token.startswith("NOT_")
    cls = _CONCEPTS.get(token[4:] if negated else token)
    if cls is None:
        return token
    return ("NOT_C_" if negated else "C_") + cls


def _cues(norm: str, prefix: str = "") -> Dict[str, float]:
    found: Dict[str, float] = {}
    padded = f" {norm.strip()} "
    for name, rx in _COMPILED:
        if rx.search(padded):
            found[prefix + name] = 1.0
    return found


def extract(text: str) -> Tuple[Dict[str, float], Dict[str, float], Dict[str, float]]:
    """Raw (words, chars, cues) counts for one message; empty dicts for a message with no words."""
    norm = normalise(text if isinstance(text, str) else "")
    tokens = norm.split()
    words: Dict[str, float] = {}
    chars: Dict[str, float] = {}
    cues: Dict[str, float] = {}
    if not any(ch.isalnum() for ch in norm):
        return words, chars, cues
    marked = _negation_marked(tokens)
    plain = [t for t in marked if t not in {".", ",", ";", ":"}]
    counted = Counter(plain)
    counted.update([a + " " + b for a, b in zip(plain, plain[1:], strict=False)])
    classed = [_concept(t) for t in plain]
    for i, (tok, cls) in enumerate(zip(plain, classed, strict=False)):
        if cls != tok:
            counted[cls] += 1
            if i > 0:
                counted[classed[i - 1] + " " + cls] += 1
            if i + 1 < len(plain):
                counted[cls + " " + classed[i + 1]] += 1
    words = dict(counted)
    # Character 3-5-grams over the first CUE_CHARS characters of the words (typos, slang, stems).
    head = " " + " ".join(t for t in tokens if t[0].isalnum())[:CUE_CHARS] + " "
    chars = dict(Counter([head[j : j + n] for n in CHAR_NGRAMS for j in range(len(head) - n + 1)]))
    cues.update(_cues(norm[:CUE_CHARS]))
    # In "i want to quit but it helps me", the part after the last 'but' usually weighs more.
    for joint in (" but ", " though ", " although ", " except "):
        if joint in norm:
            tail = norm.rsplit(joint, 1)[1][: CUE_CHARS // 2]
            cues.update(_cues(tail, prefix="tail_"))
            break
    words_only = [t for t in tokens if t[0].isalnum()]
    n = len(words_only)
    if n <= 3:
        cues["len_" + ("1" if n <= 1 else "2-3")] = 1.0
    elif n > 25:
        cues["len_long"] = 1.0  # a long spoken turn: one cue word in it weighs less
    if n <= 6 and all(t in _ACKS for t in words_only):
        cues["ack_only"] = 1.0
    if "?" in tokens:
        cues["has_question_mark"] = 1.0
    if n and words_only[0] in {"i", "we", "my"}:
        cues["starts_first_person"] = 1.0
    return words, chars, cues


def cue_sides(cues: Dict[str, float]) -> Set[str]:
    """Which sides the cue patterns heard: 'change' for c_* cues, 'sustain' for s_* cues."""
    sides: Set[str] = set()
    for name in cues:
        bare = name[5:] if name.startswith("tail_") else name
        if bare.startswith("c_"):
            sides.add("change")
        elif bare.startswith("s_"):
            sides.add("sustain")
    return sides
