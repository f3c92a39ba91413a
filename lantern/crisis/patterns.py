"""The crisis lexicon: named patterns over normalised text (see normalize.py).

Kept apart from the engine so reviewers can read and extend the wording
without touching the logic. Patterns see lower-case words joined by single
spaces, contractions expanded ("will not", "he is"), and " | " at sentence
ends. Every entry has a stable name; only names ever leave the detector.

Rule flags:
  neg   a "not/never/nobody" just before the match cancels it ("not suicidal")
  past  the phrase often narrates a past event; "last year", "he's fine now"
        demote it
  now   a check_in rule that becomes a crisis when the message is urgent
        ("help", "right now", "just", "please")
  stim  a check_in symptom that becomes a crisis with stimulant use in the message
  fear  a check_in threat that becomes a crisis with fear or urgency words
  body  a check_in sign that becomes a crisis next to a physical sign ("won't answer" + "on the floor")
  drug  a check_in sign that becomes a crisis when drug use is mentioned
  fig   a joke marker ("lol", "jk") demotes the crisis to a check-in
  other the act needs another person; skipped when only "i" is the agent
  generic an overdose sign that fits any drug (the category follows the drugs named)
"""

from __future__ import annotations

from typing import FrozenSet, List, NamedTuple, Tuple

from lantern.crisis.registry import DANGER, OVERDOSE, STIMULANT, SUICIDE


class RuleSpec(NamedTuple):
    name: str
    category: str | None  # a registry name (overdose | stimulant | suicide | danger) or None
    level: str  # crisis | check_in
    pattern: str
    flags: FrozenSet[str] = frozenset()
    needs: Tuple[str, ...] = ()  # speed only: skip the regex unless one of these substrings is present


def _f(*names: str) -> FrozenSet[str]:
    return frozenset(names)


OD, STIM, SUI, DNG = OVERDOSE.name, STIMULANT.name, SUICIDE.name, DANGER.name  # lantern/crisis/registry.py
CRISIS, CHECK = "crisis", "check_in"

_PERSON = r"(?:he|she|they|him|her|them|my \w+|the \w+|this \w+|it)"
# People a message may be about ("my homie", "this guy", "some1").
_WHO = (
    r"(?:friend|homie|homeboy|bro|brother|sister|sis|mom|mother|mum|dad|father|son|daughter|boyfriend|girlfriend|husband|"
    r"wife|man|mans|girl|guy|dude|roommate|cousin|uncle|aunt|partner|kid|baby|buddy|neighbou?r|client|patient|grandma|"
    r"grandpa|nephew|niece|ex|dealer|pimp|stranger|person|lady|woman|fiance|fiancee|step ?dad|step ?mom|coworker|people)"
)
_SUBJ = r"(?:he|she|they|someone|somebody|(?:my|a|the|this|that|our|his|her|some) (?:\w+ )?" + _WHO + r")"
_OBJ = r"(?:him|her|them|someone|somebody|(?:my|a|the|this|that|our|his|her|some) (?:\w+ )?" + _WHO + r")"
_STATE_MOD = r"(?:(?:still|all|so|really|just|kinda|like|literally|now|totally|completely|already|looking|going|gone|getting|turning|went|looks|look|pretty|super|very) )*"
# Signs of an opioid overdose when said about a person.
_SIGN = (
    r"(?:blue|purple|gr[ae]y|ashen|bluish|not breathing|barely breathing|unresponsive|unconscious|not moving|limp|slumped(?: over)?|"
    r"cold and (?:blue|gr[ae]y|stiff)|on the (?:floor|ground) (?:not|and not|unresponsive|blue)|passed out (?:and|not) \w+)"
)
_NOT_I = (
    r"(?<!\bi )(?<!\bi will )(?<!\bi could )(?<!\bi do )(?<!\bi did )(?<!\bi am )(?<!\bi would )(?<!\bdo )(?<!\bdid )"
)

RULES: List[RuleSpec] = [
    # ---- overdose happening now (opioids, and signs that fit any drug) ----------------
    RuleSpec(
        "od.not_breathing",
        OD,
        CRISIS,
        r"\b(?:not|barely|hardly|no longer|never) (?:even |really |properly )?breath(?:ing|in)?\b"
        r"|\bno breathing\b",
        needs=("breath",),
    ),
    RuleSpec(
        "od.stopped_breathing", OD, CRISIS, r"\b(?:stopped|stop|stops|quit|quitting|stopping) breathing\b", _f("past")
    ),
    RuleSpec(
        "od.breathing_bad",
        OD,
        CRISIS,
        r"\bbreathing (?:is |has |really |very |so |super |real |kinda |kind of |all |looks |sounds |seems |got |gotten |getting |went )*"
        r"(?:slow|slower|shallow|weird|funny|strange|wrong|irregular|rattly|raspy|faint|weak|labou?red|slowed|slowing)\b"
        r"|\b(?:slow|shallow|weird|faint|weak|raspy|rattly|labou?red) (?:breathing|breaths?)\b"
        r"|\b(?:trouble|struggling|hard time|barely able) (?:to )?breath(?:ing|e)\b|\bgasping\b"
        r"|\bbreath(?:ing|es|s)? (?:like )?(?:once|one time|one breath) (?:every|a) (?:\w+ )?(?:seconds?|minutes?|while)\b"
        r"|\b(?:one|1) breath every\b",
        _f("past"),
        needs=("breath", "gasping"),
    ),
    RuleSpec(
        "od.cant_breathe",
        OD,
        CRISIS,
        r"\b(?:can not|could not|unable to|can barely|cannot) (?:breathe|breath|get (?:any )?air)\b"
        r"(?! (?:through|out of|with) (?:my|the|this|a) (?:nose|mouth|mask)| in (?:here|this)| when i| because of (?:my|the) (?:allergies|cold|asthma))"
        r"|\bhard to breathe\b",
        _f("generic", "fig"),
    ),
    RuleSpec(
        "od.breathing_unsure",
        OD,
        CRISIS,
        r"\b(?:do not think |not sure (?:if |whether )?|do not know (?:if |whether )|can not tell (?:if |whether )|not even sure (?:if )?)"
        r"(?:he|she|they|him|her|my \w+|the \w+|this \w+|it) (?:is |are )?(?:even |still )?breathing\b"
        r"|\bis (?:he|she) (?:even |still )?breathing\b",
    ),
    RuleSpec(
        "od.no_pulse",
        OD,
        CRISIS,
        r"\bno (?:pulse|heartbeat|heart beat)\b|\bcan not (?:find|feel|get) (?:a |his |her |their |any )?(?:pulse|heartbeat)\b"
        r"|\bheart (?:has )?stopped\b",
        _f("generic"),
    ),
    RuleSpec(
        "od.blue",
        OD,
        CRISIS,
        r"\b(?:lips?|face|fingers?|finger ?tips|finger ?nails|nails|skin|mouth|toes) "
        r"(?:(?:is|are|look|looks|looking|turning|turned|going|gone|getting|went|kinda|all|so|really|very|like|literally|starting|to|turn|go|a bit|bit) )*"
        r"(?:blue|purple|gr[ae]y|ashy|ashen|bluish|blueish)\b"
        r"|\b(?:blue|purple|gr[ae]y|bluish) (?:lips|face|fingers|finger ?tips|nails|skin)\b"
        r"|\bturn(?:ing|s)? (?:all |so |really |kinda |a bit )?(?:blue|purple|gr[ae]y|bluish)\b"
        r"|\b(?:he|she|they) (?:is |are )?" + _STATE_MOD + r"(?:blue|purple)\b"
        # more than one person: "two people down at the camp, both blue" (a blind round's miss)
        r"|\b(?<!are )(?<!is )(?<!were )(?:both|both of them|all of them|all three|everyone|"
        r"the two of them) (?:(?:are|r|look|looking|turning|turned|went|gone|going|kinda|so|really) )*"
        r"(?:blue|purple)\b(?! ?(?:(?:and|or) (?:red|green|white|yellow|orange|black|pink|gr[ae]y|brown|purple|blue)|eye|jean|shirt|team|ribbon|light|line|collar|whale|car|bird|bell|berr))"
        r"|\b(?:theyre|they are) (?:both |all )?(?:(?:looking|turning|turned|going|gone|kinda|so|really) )*"
        r"(?:blue|purple)\b(?! ?(?:(?:and|or) (?:red|green|white|yellow|orange|black|pink|gr[ae]y|brown|purple|blue)|eye|jean|shirt|team|ribbon|light|line|collar|whale|car|bird|bell|berr))",
        needs=("blue", "purple", "gray", "grey", "ash", "bluish", "blueish"),
    ),
    RuleSpec(
        "od.person_sign",
        OD,
        CRISIS,
        r"\b" + _SUBJ + r" (?:is |are |was |s |keeps |seems |looks )?" + _STATE_MOD + _SIGN + r"\b"
        r"|\bfound " + _OBJ + r" (?:\w+ ){0,3}?" + _SIGN + r"\b|\bslumped over\b",
        needs=(
            "blue",
            "purple",
            "gray",
            "grey",
            "ashen",
            "bluish",
            "breathing",
            "unresponsive",
            "unconscious",
            "moving",
            "limp",
            "slumped",
            "cold and",
            "on the floor",
            "on the ground",
            "passed out",
        ),
    ),
    RuleSpec(
        "od.person_dying",
        OD,
        CRISIS,
        r"\b" + _SUBJ + r" (?:is |are |s )?(?:literally |actually )?dying\b(?! (?:to|for|of laughter|laughing|inside))",
        _f("generic", "neg"),
    ),
    RuleSpec("od.turned_blue", OD, CRISIS, r"\bturned (?:all |so |really )?(?:blue|purple|gr[ae]y)\b", _f("past")),
    RuleSpec(
        "od.wont_wake_obj",
        OD,
        CRISIS,
        r"\b(?:will not|can not|could not|not able to|unable to|can not get|could not get|never) (?:even )?(?:wake|waken|rouse|get) "
        + _PERSON
        + r"(?: to wake| up| awake)?\b"
        r"|\bcan (?:not|barely|hardly) (?:even )?get "
        + _PERSON
        + r" to (?:wake|open (?:his|her|their) eyes|respond|answer|move|talk)\b",
    ),
    RuleSpec(
        "od.wont_wake",
        OD,
        CRISIS,
        _NOT_I + r"\b(?:not|never) (?:even |fully |really )?(?:waking|rousing|coming to|coming around)\b"
        r"|"
        + _NOT_I
        + r"(?<!\band )(?<!\bto )\b(?:not|never) (?:even |fully |really )?(?:wake|waken|rouse|come to|come around|come round)\b"
        r"(?! up (?:tomorrow|in the morning|early))",
        needs=("wak", "rous", "come to", "coming to", "come round", "come around", "coming around"),
    ),
    RuleSpec(
        "od.unresponsive",
        OD,
        CRISIS,
        r"\b(?:unresponsive|unconscious|non responsive|not responsive|not responding|will not respond|no response|not reacting|will not react)\b"
        r"|(?<!traffic )(?<!line )(?<!car )(?<!bus )(?<!train )(?<!it )(?<!line is )(?<!traffic is )\b(?:not moving|will not move)\b(?! (?:out|in|back|forward|on|up|to|there|here|away|house|home|anymore))",
        _f("generic"),
        needs=("respon", "conscious", "react", "moving", "will not move"),
    ),
    RuleSpec(
        "od.not_answering",
        OD,
        CHECK,
        # "won't talk to me" is a person refusing to talk, not one who cannot
        r"\b(?:not answering|will not answer|not talking(?! to (?:me|us|anyone|his|her|their|my)| with| about)"
        r"|will not talk(?! to (?:me|us|anyone|his|her|their|my)| with| about)|can not talk|not reacting)(?: me| when)?\b"
        r"|\beyes (?:are |keep )?(?:closed|rolled back|rolling back|rolling)\b",
        _f("body", "drug", "generic"),
    ),
    RuleSpec(
        "od.limp",
        OD,
        CRISIS,
        r"\b(?:is|are|went|gone|going|completely|totally|all|body) limp\b|\blimp and\b",
        _f("generic"),
    ),
    RuleSpec(
        "od.sounds",
        OD,
        CRISIS,
        r"\bsnor(?:ing|es?) (?:\w+ ){0,2}?(?:weird|weirdly|strange|funny|loud|wrong|deep|bad|crazy|scary|different)\b"
        r"|\b(?:weird|strange|funny|loud|deep|scary|heavy|raspy|rattl\w*) snor(?:ing|e|es)\b|\bgurgl\w*|\bgargl(?:ing|e|es) (?:noise|sound)s?\b"
        r"|\bsnor(?:ing|es) (?:but|and) (?:\w+ ){0,3}(?:not|will not) (?:wak|respond|answer)\w*"
        r"|\bdeath rattle\b|\b(?:choking|rattling|gurgling|snoring|gasping) (?:noises?|sounds?)\b"
        r"|\bfoam\w* (?:at|from|coming out of|out of|out|in) (?:the |his |her |their |my )?mouth\b|\bfoam (?:is )?coming out\b",
        needs=("snor", "gurgl", "gargl", "rattle", "noise", "sound", "foam"),
    ),
    RuleSpec(
        "od.sternum",
        OD,
        CRISIS,
        r"\bsternum rub\w*(?: \w+){0,3}? (?:nothing|not|no|did not|does not)\b"
        r"|\b(?:shook|shaking|slapped|slapping|yelled at|yelling at|pinched|rubbed) (?:him|her|them)(?: \w+){0,4}? "
        r"(?:nothing|not (?:waking|responding|moving)|no response)\b",
    ),
    RuleSpec(
        "od.overdosing",
        OD,
        CRISIS,
        r"\b(?:overdosing|having an overdose|having a overdose|in an overdose|overdose (?:happening|in progress|right now|rn))\b"
        r"(?!(?: \w+){0,3} on purpose)",
        _f("neg", "generic"),
    ),
    RuleSpec("od.overdosed", OD, CHECK, r"\boverdos(?:ed|es|e)\b", _f("neg", "past", "now", "body", "generic")),
    RuleSpec(
        "od.fell_out",
        OD,
        CRISIS,
        r"\b(?:fell|fallen) out\b(?! (?:with|over|about|of|last|years|after an argument))",
        _f("past"),
    ),
    RuleSpec(
        "od.collapsed",
        OD,
        CRISIS,
        r"\b(?:collapsed|dropped to the floor|hit the floor|passed out and (?:hit|fell))\b",
        _f("past", "generic"),
    ),
    RuleSpec("od.passed_out", OD, CHECK, r"\bpassed out\b|\bout cold\b|\bblacked out\b", _f("past", "now", "generic")),
    RuleSpec(
        "od.out_of_it",
        OD,
        CHECK,
        r"\b(?:really|so|super|totally|completely|very|way|too) out of it\b"
        r"|\bnodding (?:out )?(?:(?:pretty|real|really|so|super|way|too|very) )+(?:hard|bad|deep|heavy)\b"
        r"|\bpin(?:ned|point|point) pupils\b|\bcan not keep (?:his|her|their) eyes open\b",
    ),
    RuleSpec(
        "od.narcan_failed",
        OD,
        CRISIS,
        # "no narcan no paper no nothing" (none was given) is not naloxone failing: not after no / without / any.
        r"(?<!\bno )(?<!\bwithout )(?<!\bany )(?<!\bhave )"
        r"\b(?:narcan|naloxone|narcanned|narcanning)\b(?: \w+){0,6}? (?:is not working|not working|did not work|does not work|"
        r"nothing happened|nothing|still (?:not|out|blue|unresponsive|will not|asleep|unconscious|nothing)|no response|"
        r"not responding|is not doing anything|not doing anything)\b"
        r"|\b(?:need|needs|get|bring|grab|anyone have|who has|does anyone have|do you have) (?:some |a |any |the )?(?:narcan|naloxone) "
        r"(?:now|right now|asap|quick|fast|please|here|hurry)\b",
    ),
    RuleSpec(
        "od.narcan_second",
        OD,
        CHECK,
        r"\b(?:second|another|more|2nd|third|3rd) (?:dose |spray )?(?:of )?(?:narcan|naloxone)\b",
        _f("now"),
    ),
    RuleSpec(
        "od.narcan_how",
        OD,
        CHECK,
        r"\bhow (?:do i|do you|to|can i|do we) (?:use|give|spray|do|work) (?:the |a |this )?(?:narcan|naloxone)\b"
        r"|\bwhere (?:do i|to|can i) (?:spray|put) (?:the )?(?:narcan|naloxone)\b",
        _f("now"),
    ),
    RuleSpec(
        "od.narcan_revived",
        OD,
        CHECK,
        r"\b(?:narcan|naloxone|narcanned)\b(?: \w+){0,6}? (?:worked|woke (?:him|her|them) up|brought (?:him|her|them) back)\b"
        r"|\b(?:woke up|came to|came around|came back|is breathing again|brought (?:him|her|them) back)(?: \w+){0,4}? (?:narcan|naloxone)\b",
    ),
    RuleSpec(
        "od.took_too_much",
        OD,
        CHECK,
        r"\b(?:took|taken|did|done|used|shot|smoked|snorted|had|take|do|use|ate|drank|railed|hit) "
        r"(?:way |a little |a bit |way way |much )?(?:too much(?! time)|too many|a lot(?! of (?:time|notes|work|effort|stuff|pictures|photos|courage|guts|money|energy|patience|damage))(?! out)|"
        r"so much|a bunch(?! of (?:notes|pictures|photos|stuff|time))|a big (?:hit|shot|line|dose)|a fat (?:line|rail|shot|hit))\b",
        _f("now", "past", "generic"),
    ),
    RuleSpec(
        "od.dying_self",
        OD,
        CHECK,
        r"\b(?:i am|i think i am|feel like i am|feels like i am|i feel like i am) dying\b|\bi am (?:going to|about to) die\b"
        r"|\bi think i am going to die\b",
        _f("generic", "now"),
    ),
    RuleSpec("od.hot_shot", OD, CHECK, r"\bhot ?shot\b"),
    RuleSpec(
        "gen.call_911",
        None,
        CHECK,
        r"\b(?:should i|do i|do we|should we|can i|gonna|going to|about to|need to|have to) call (?:911|9 1 1|an ambulance|the ambulance|ems|the paramedics|for help)\b",
    ),
    RuleSpec(
        "gen.help_only",
        None,
        CHECK,
        r"^(?:help|help me|help please|please help|please help me|sos|911|emergency|someone help|somebody help|help us|"
        r"i need help|need help|i need help now|need help now|help now|urgent|please|help help|help help help)$",
    ),
    # Someone found down: on the floor, in the bathroom, slumped; with their works beside them it is an
    # overdose until help says otherwise (blind round 9 class: "found my dad on the bathroom floor with a needle").
    RuleSpec(
        "od.found_down",
        OD,
        CHECK,
        r"\bfound "
        + _OBJ
        + r" (?:\w+ ){0,2}?(?:on the (?:\w+ )?(?:floor|ground)|face down|slumped|collapsed|passed out"
        r"|not moving)\b",
        _f("past", "now", "drug", "body", "generic"),
        needs=("found",),
    ),
    RuleSpec(
        "od.found_with_works",
        OD,
        CRISIS,
        r"\bfound "
        + _OBJ
        + r" (?:\w+ ){0,5}?(?:with|and) (?:a |the |his |her |their )?(?:needle|rig|syringe|foil|spoon|pipe)s?"
        r"(?: (?:next to|beside|by|in|still in) (?:him|her|them|his arm|her arm))?\b",
        _f("past", "generic"),
        needs=("found",),
    ),
    # Using alone with a line left for afterwards ("if i stop texting"): the person is saying no one will see.
    RuleSpec(
        "od.alone_if_silent",
        OD,
        CHECK,
        r"(?:\bif i (?:stop|quit) (?:texting|answering|responding|replying|writing|talking)\b"
        r"|\bif i do not (?:text|answer|respond|reply|write)(?: you)?(?: back)?(?: in| within| by|$| \|)"
        r"|\bif you do not hear (?:back )?from me\b)"
        r"(?!.{0,24}\b(?:because|cause|bc|means i am|at work|busy|asleep|sleeping|phone died|battery)\b)",
        _f("drug", "generic"),
        needs=("if i", "if you"),
    ),
    # Tolerance lost (out of rehab, jail, detox) and a dose like before: the most common setting of a fatal overdose.
    RuleSpec(
        "od.lost_tolerance",
        OD,
        CHECK,
        r"\b(?:out of|released from|home from|back from|left) (?:rehab|jail|prison|detox|treatment|county|lockup)\b"
        r"(?=.*\b(?:used|using|shot up|picked up|copped|relapsed|took (?:a|my|like|\d+)|did (?:a|what i|the same|my usual|like)"
        r"|same amount|my usual|usual amount|like i used to|instead of)\b)"
        r"|\b(?:used|shot up|took|did|copped)\b(?=.*\b(?:my usual|usual amount|same amount|like i used to|instead of)\b)"
        r"(?=.*\b(?:out of|released from|home from|since) (?:rehab|jail|prison|detox|treatment)\b)",
        _f("past", "now", "generic"),
        needs=("rehab", "jail", "prison", "detox", "treatment", "county", "lockup"),
    ),
    # ---- stimulant overdose: heart, heat, seizures -------------------------------------
    RuleSpec(
        "stim.heart",
        STIM,
        CHECK,
        r"\bheart (?:is |keeps |feels like it is |feels like its |feel like it is |feels like |rate is |rate )?"
        r"(?:(?:doing (?:something |this )?(?:weird|strange|funny)|doing something|weird|skipping beats|off|irregular)|(?:racing|pounding|beating|going|thumping|hammering|skipping|fluttering|flying)"
        r"(?: so| really| like| super| too| way| crazy| hard| fast)*(?: out of (?:my|his|her) chest| a mile a minute)?"
        r"|(?:going to|about to|gonna) (?:explode|burst|pop|give out|stop|beat out)|will not slow down|will not stop (?:racing|pounding|beating)|"
        r"(?:so |super |really )?(?:high|fast|through the roof))\b"
        r"|\b(?:racing|pounding) heart\b|\bheart ?beat (?:is )?(?:so |really |super )?(?:fast|crazy|irregular|racing)\b|\bpalpitations\b",
        _f("stim", "past"),
        needs=("heart", "palpitation"),
    ),
    RuleSpec(
        "stim.chest",
        STIM,
        CHECK,
        r"\bchest (?:pain|pains|hurts?|hurting|is (?:so |really |super )?(?:tight|hurting|on fire|killing me)|(?:so |really )?tight|feels? (?:really |so |super |very )?(?:tight|heavy|like))\b"
        r"|\b(?:pain|pressure|tightness) in (?:my|his|her) chest\b|\bleft arm (?:is )?(?:numb|tingling|hurts)\b",
        _f("stim", "past"),
    ),
    RuleSpec(
        "stim.heart_attack",
        STIM,
        CRISIS,
        r"\bheart attack\b|\b(?:having|had|is having|going into) (?:a )?stroke\b",
        _f("past", "fig"),
    ),
    RuleSpec(
        "stim.seizure",
        STIM,
        CRISIS,
        r"\b(?:seizing|convulsing|convulsions|having (?:a )?seizures?|in (?:a )?seizure|went into (?:a )?seizure|"
        r"started (?:seizing|convulsing|shaking and)|(?:a |another )?seizure (?:right now|now)|having (?:a )?fit|fitting on the floor)\b"
        r"|\bon the (?:floor|ground) (?:\w+ )?(?:twitching|shaking|jerking|convulsing|seizing)\b",
        _f("neg", "past"),
    ),
    RuleSpec("stim.seizure_word", STIM, CHECK, r"\bseizures?\b", _f("neg", "past", "now")),
    RuleSpec(
        "stim.overheat",
        STIM,
        CHECK,
        r"\b(?:overheating|over heating|overheated|over heated|burning up|(?:way |so |super |really )?too hot|temperature (?:is )?(?:through the roof|so high|really high|high|\d+)"
        r"|body is on fire|skin is on fire|heat ?stroke|hyperthermia|so hot (?:and|i)|super hot|burning hot|temp is (?:through the roof|\d+|high))\b",
        _f("stim", "past"),
        needs=("hot", "heat", "burning", "temp", "fire", "hyperthermia"),
    ),
    RuleSpec(
        "stim.shaking",
        STIM,
        CHECK,
        r"\b(?:can not stop|will not stop) (?:shaking|twitching|jerking|sweating)\b"
        r"|\bshaking (?:so |really )?(?:bad|badly|uncontrollably|all over|like crazy)\b|\btwitching\b|\bjerking (?:around|all over)\b",
        _f("stim"),
    ),
    # ---- suicide and self-harm ----------------------------------------------------------
    RuleSpec(
        "sui.kill_myself",
        SUI,
        CRISIS,
        r"\b(?:kill|killing|unalive|unaliving|off|offing|end|ending|shoot|shooting|hang) (?:my ?self|myself)\b",
        _f("neg", "fig", "past"),
        needs=("self",),
    ),
    RuleSpec("sui.kms", SUI, CRISIS, r"\bkms\b", _f("fig")),
    RuleSpec(
        "sui.use_on_self",
        SUI,
        CRISIS,
        r"\b(?:use|turn|point|pointing|put|putting) (?:it|the gun|the knife|a gun|my gun|that|this|them) (?:on|at|against|to) (?:my ?self|myself|my head)\b",
        _f("neg"),
    ),
    RuleSpec(
        "sui.suicidal",
        SUI,
        CRISIS,
        r"\bsuicidal\b|\b(?:commit|committing|thinking about|thinking of|think about|thoughts of|attempt|attempting|"
        r"going to commit|considering|contemplating|planning|plan) suicide\b|\bsuicide (?:note|letter|plan|attempt)\b"
        r"|\bsuicide is the (?:only|best|answer)\b",
        _f("neg", "past", "fig"),
    ),
    RuleSpec("sui.suicide_word", SUI, CHECK, r"\bsuicide\b", _f("neg")),
    RuleSpec(
        "sui.want_die",
        SUI,
        CRISIS,
        r"\b(?:want|wanted|wants|wish|wishing|hope|hoping|ready|trying|plan|planning|deserve|deserves) to (?:just |fucking |really |finally )?die\b"
        r"|\bwish i (?:was|were|could be|would|could) (?:just )?(?:dead|die|never born|gone)\b"
        r"|\b(?:want|wish) (?:to be |i was |i were )?dead\b|\b(?:rather|better off) (?:be |being )?dead\b|\bhope i die\b",
        _f("neg", "fig"),
    ),
    RuleSpec(
        "sui.not_live",
        SUI,
        CRISIS,
        r"\b(?:do not|no longer|not) (?:really |even )?(?:want|wish) to (?:live|be alive|exist|be here anymore|be here no more|"
        r"be around anymore|wake up|keep living|be alive anymore)\b"
        r"|\b(?:do not|no longer) (?:really |even )?want to (?:keep going|go on)(?! (?:to|with|the|a|an|at|in|back|there|that|this|like|vacation|a trip))\b"
        r"|\b(?:no|nothing|no more) (?:reason|reasons|point) (?:to|in|of) (?:me )?(?:live|living|going on|being alive|being here|staying alive)\b"
        r"|\b(?:do not|can not) see (?:a |any )?(?:reason|point) (?:to|in|of) (?:keep living|live|living|go on|going on|stay alive|staying alive|be alive|keep going)\b"
        r"|\bnothing (?:left )?to live for\b|\b(?:not|no longer) worth living\b|\blife (?:is not|is) (?:worth|pointless)(?: it| living)?\b"
        r"|\btired of (?:living|being alive|life)\b|\bdone with (?:life|living|being alive)\b"
        r"|\bwant (?:my )?life to (?:end|be over)\b|\bgiving up on life\b|\bgive up on life\b",
        _f("fig"),
    ),
    RuleSpec(
        "sui.end_all",
        SUI,
        CRISIS,
        r"\bend (?:it all|my life|this life|my own life|everything(?! with)|my pain forever|my suffering)\b"
        r"|\bending (?:it all|my life|everything|my own life)\b|\bend it (?:tonight|today|now|right now|for good|soon|forever)\b"
        r"|\btak(?:e|ing) (?:my|my own) life\b"
        r"|\b(?:thinking about|thinking of|think about|thought about) ending (?:it|things|everything|it all)\b(?! with)",
        _f("neg", "fig"),
    ),
    RuleSpec(
        "sui.end_it",
        SUI,
        CHECK,
        r"\b(?:want to|going to|ready to|thinking about|thinking of|about to|just|should|could|might|will|i|plan to|planning to|decided to) "
        r"end (?:it|things|everything)\b(?! with)",
        _f("neg", "now"),
    ),
    RuleSpec("sui.unalive", SUI, CRISIS, r"\bunaliv\w*", _f("neg", "fig")),
    RuleSpec(
        "sui.hot_shot",
        SUI,
        CRISIS,
        r"\bhot ?shot (?:\w+ )?on purpose\b|\b(?:give|giving) myself a hot ?shot\b"
        r"|\bi (?:am|will|might|want to|plan to|could|would) (?:\w+ ){0,2}(?:do|take|shoot|make|doing|taking) (?:a |myself a |me a )?hot ?shot\b"
        r"|\bhot ?shot (?:so|to) (?:i|end|never)\b",
        _f("neg"),
    ),
    RuleSpec(
        "sui.on_purpose",
        SUI,
        CRISIS,
        r"\b(?:overdose|overdosing|overdosed|too much|it all|everything|shoot|shooting|hot one|hot shot|hotshot|the whole \w+)\b(?: \w+){0,3}? on purpose\b",
        _f("neg", "past"),
    ),
    RuleSpec(
        "sui.all_pills",
        SUI,
        CRISIS,
        r"\b(?:take|taking|took|swallow|swallowing|swallowed|down|downing|downed|eat|ate|eating) "
        r"(?:all|the whole|a whole|every single one of|all of|every one of) (?:of )?(?:my |the |these |those |bottle of )?"
        r"(?:pills|bottle|meds|medication|medications|pack|prescription|script|tablets|xanax|bars|oxys|percs|sleeping pills)\b"
        r"|\b(?:all|bottle of|bunch of) (?:my |the |of my )?(?:pills|meds|medication|bars)\b(?: \w+){0,6}? (?:thinking about|thinking of|going to|want to|about to|ready to|gonna) "
        r"(?:take|taking|swallow|swallowing|down|downing) (?:them|it|those)\b"
        r"|\b(?:take|taking|swallow|shoot|use|do|down) (?:them|those|these|it|the rest) all\b(?! (?:the time|day|week|the way|at once (?:every|each)))"
        r"|\b(?:shoot|use|do|take|smoke|snort) (?:everything|it all|all of it|all i have|everything i have|"
        r"the whole (?:bag|bundle|gram|g|thing|point|batch|stash|bottle)) (?:and|so|to|at once)\b",
        _f("neg", "past"),
        needs=("all", "whole", "every", "everything"),
    ),
    RuleSpec(
        "sui.no_wake",
        SUI,
        CRISIS,
        r"\b(?:so|and|then|hope|hoping|wish) i (?:do not|never|will not|would not) wake up\b"
        r"|\b(?:sleep|go to sleep|fall asleep|close my eyes) and (?:never|not) wake up\b|\band (?:not|never) wake up\b"
        r"|\bnever wake up again\b|\bi (?:hope|wish) i (?:never|do not) wake\b",
        _f("neg"),
        needs=("wake",),
    ),
    RuleSpec(
        "sui.goodbye",
        SUI,
        CRISIS,
        r"\bthis is (?:my )?(?:goodbye|good bye)\b|\bgood ?bye (?:forever|everyone|world|cruel world|for good)\b"
        r"|\b(?:my )?good ?bye (?:message|note|letter|text)\b|\bwrote (?:my|a) (?:goodbye|suicide|last) (?:note|letter)\b"
        r"|\bwill not be (?:here|around|alive) (?:tomorrow|much longer|by morning|anymore)\b",
        needs=("bye", "note", "letter", "will not be"),
    ),
    RuleSpec(
        "sui.jump",
        SUI,
        CRISIS,
        r"\bjump(?:ing)? (?:off|from|in front of) (?:a |the |this |that |my )?(?:bridge|roof|building|train|overpass|cliff|balcony|"
        r"window|ledge|bus|truck|car|tower|parking garage|highway)\b"
        r"|\b(?:on|at) (?:the |a )?(?:roof|bridge|ledge|edge)\b(?: \w+){0,4}? (?:want to|going to|about to|ready to) jump\b"
        r"|\b(?:step|walk|jump)(?:ing)? in front of (?:a |the )(?:train|bus|truck|car)\b"
        r"|\b(?:i am going to|i want to|i am about to|i am ready to|i will|i am gonna) jump(?= \||$| now| tonight| off)",
        _f("neg"),
        needs=("jump", "in front of"),
    ),
    RuleSpec(
        "sui.hang",
        SUI,
        CRISIS,
        r"\bhang(?:ing)? myself\b|\bnoose\b|\brope (?:to|for) (?:hang|myself|my neck)\b"
        r"|\brope (?:is )?(?:ready|tied|set up)\b",
        _f("neg"),
    ),
    RuleSpec(
        "sui.wrists",
        SUI,
        CRISIS,
        r"\b(?:slit|slitting|slice|slicing|cut|cutting|open|opening) (?:my |both )?wrists?\b"
        r"|\b(?:knife|blade|razor) (?:to|on|against) my (?:wrists?|throat|neck|arm)\b"
        r"|\b(?:gun|pistol|barrel) (?:to|in|against) my (?:own )?(?:head|mouth|temple)\b|\bgun to my own\b",
        _f("neg"),
    ),
    RuleSpec(
        "sui.better_off",
        SUI,
        CRISIS,
        r"\b(?:everyone|everybody|they|world|family|kids|people|you all|yall) (?:would|will|d|is|are) (?:all )?(?:be )?better off "
        r"(?:without me|if i (?:was|were|am) (?:dead|gone|not here))\b|\bbetter off without me\b"
        r"|\b(?:nobody|no one) (?:would|will) (?:care|notice|miss me|even notice|even care) if i (?:died|was gone|were gone|disappeared|killed myself|was dead|die)\b"
        r"|\bi am (?:just )?a burden\b|\bburden (?:to|on) everyone\b"
        r"|\b(?:would|will|d) (?:all )?(?:be )?(?:happier|better|better off|fine|relieved) (?:if i (?:was|were|am|was not|were not|died|disappeared|was gone|were gone|killed myself)|without me)\b"
        r"|\b(?:letters?|notes?|goodbyes?) (?:to|for) (?:my \w+|everyone|everybody|\w+) before i (?:go|die|leave|do it)\b"
        r"|\bwriting (?:my )?(?:goodbye|last|final) (?:letters?|notes?|messages?)\b",
        _f("fig"),
    ),
    RuleSpec(
        "sui.self_harm_intent",
        SUI,
        CRISIS,
        r"\b(?:want to|going to|about to|thinking about|thinking of|urge to|urges to|need to|feel like|might|will) (?:\w+ )?"
        r"(?:hurt|harm|cut|burn|punish) (?:my ?self|myself)\b"
        r"|\b(?:cut|cutting|hurt|hurting|harming|harmed|burned|burning) (?:my ?self |myself )?(?:again|tonight|right now|deep)\b"
        r"|\bcut (?:myself|my ?self|my (?:arm|arms|wrist|wrists|leg|legs)) (?:really |so |too )?(?:bad|badly|deep|deeply)\b|\bself ?harm(?:ing)?\b|\bkeep (?:cutting|hurting|burning|harming) (?:my ?self|myself)\b"
        r"|\b(?:cuts?|cutting) (?:\w+ ){0,4}(?:getting |are getting |is getting )?deeper\b",
        _f("neg", "past"),
        needs=("self", "cut", "hurt", "harm", "burn", "punish"),
    ),
    RuleSpec(
        "sui.hurt_myself",
        SUI,
        CHECK,
        r"\b(?:hurt|hurting|harm|harming|cut|cutting|burn|burning|punish|punishing) (?:my ?self|myself)\b",
        _f("neg", "past"),
        needs=("self",),
    ),
    # Means at hand: getting or sitting with a rope, a gun, razors or a bottle of pills, said flatly
    # ("got the rope today", "whole bottle of my moms oxy right here"). A check-in, not the script: plenty
    # of people buy a gun or rope for ordinary reasons (fig.gun_thing and the lookahead keep the obvious ones out).
    RuleSpec(
        "sui.means_at_hand",
        SUI,
        CHECK,
        r"\b(?:got|bought|picked up|found|have|holding|staring at|loaded|ready|hid|hidden|stashed|saved)"
        r"(?: \w+){0,4} (?:rope|noose|gun|pistol|rifle|shotgun|razor blades|razors|bullets|"
        r"(?:whole |full |entire )?bottle of (?:\w+ ){0,2}(?:pills|oxy|oxys|percs|xanax|sleeping pills|"
        r"tylenol|seroquel|meds))\b(?! swing| for (?:hunting|work|the range|camping|climbing|my boat))",
        _f("neg", "past"),
    ),
    RuleSpec(
        "sui.check",
        SUI,
        CHECK,
        r"\b(?:giving up|give up|gave up)(?: on (?:everything|myself|it all))?\b"
        r"(?! (?:smoking|drinking|meth|coke|dope|fentanyl|heroin|weed|cigarettes|alcohol|sugar|caffeine|the|on (?:the|my|this|that|them|him|her|quitting|you)|"
        r"using|pills|my|drugs|booze|vaping|soda|that|this|cigs|nicotine|crack|a|an|your|his|her|their))"
        r"|\bwhat is the point(?: anymore| of (?:anything|life|living|trying|it all|going on))?(?= \||$| anymore)"
        r"|\bwhat is the point (?:anymore|of (?:anything|life|living|trying|it all|going on))\b"
        r"|\bno point (?:anymore|in anything|to anything|in trying)\b"
        r"|\b(?:can not|could not) (?:do this|take (?:it|this)|go on|keep going|handle (?:it|this)|cope)(?: anymore| any more| no more)?(?= \||$| anymore| any more| no more| i )"
        r"|\b(?:so |really )?tired of (?:everything|it all|fighting|trying)\b"
        r"|\bwant (?:it|this|everything) (?:all )?to (?:stop|end|be over)\b|\bi do not want to be here\b|\bdisappear forever\b|\b(?:wish i could|want to|wanna) (?:just )?disappear\b"
        r"|\bdone with everything\b|\bi give up\b|\b(?:do not|dunno) know what to do anymore\b"
        r"|\b(?:everything|life|it all) (?:feels|is|seems) (?:so )?(?:pointless|hopeless|meaningless)\b"
        r"|\bhate (?:my life|being alive|my self|myself|living)\b"
        r"|\b(?:everyone|everybody|they|people|family) (?:would|will|d) (?:all )?(?:be )?better off(?= \||$)"
        r"|\bi am not (?:ok|alright|all right|doing (?:ok|well|good)|safe)(?= \||$| right now| at all| tonight| anymore)",
        _f("neg", "fig"),
    ),
    RuleSpec(
        "gen.worried",
        OD,
        CHECK,
        r"\bshould i (?:be )?(?:worried|worry|scared|concerned|call someone)\b"
        r"|\b(?:do not|does not) (?:feel|look|seem) right after\b|\bfeel(?:s|ing)? (?:really |so |super )?(?:weird|off|strange|funny|wrong) after\b"
        r"|\b(?:really|so|super|pretty|very|too) (?:sleepy|drowsy|groggy) after\b"
        r"|\bacting (?:really |so |super |very )?(?:weird|strange|crazy|paranoid|off|different) after\b"
        r"|\b(?:sleepy|drowsy|nodding|groggy|out of it|breathing|heart|chest|blue|twitching)(?: \w+){0,6}? is (?:that|this|it) normal\b",
        _f("now"),
    ),
    # ---- immediate danger (violence) ----------------------------------------------------
    # A child held until a debt is paid (blind round 9 class: "my dealer has my daughter at his place till i pay").
    RuleSpec(
        "danger.child_held",
        DNG,
        CRISIS,
        r"\b(?:has|took|taken|is holding|holding|keeping|kept|got) my (?:\w+ )?(?:daughter|son|kid|kids|baby|child|children)\b"
        r"(?=.*\b(?:(?:till|until|unless) i (?:pay|give|bring|get)|(?:will not|won t|not) (?:give|let) (?:her|him|them) (?:back|go)"
        r"|ransom)\b)",
        needs=("my",),
    ),
    RuleSpec(
        "dng.weapon",
        DNG,
        CRISIS,
        r"\b(?:has|have|got|pulled|pulling|holding|pointing|pointed|waving|swinging|brandishing|came at me with|coming at me with|"
        r"coming at us with|with|grabbed|grabbing|carrying|loading|loaded|cocked) (?:a |an |his |her |their |the |some |my )?"
        r"(?:gun|guns|pistol|knife|knives|blade|machete|weapon|glock|rifle|shotgun|strap)\b"
        r"(?! (?:collection|license|licence|permit|range|safe|show|shop|store|club|control|laws?|rights|at home|tattoo|set|block|sharpener|drawer|"
        r"for (?:cooking|work|hunting|protection)|in (?:the|his|her) (?:closet|safe|car|kitchen)))",
        _f("other", "past"),
        needs=("gun", "pistol", "knife", "knives", "blade", "machete", "weapon", "glock", "rifle", "strap"),
    ),
    RuleSpec(
        "dng.weapon_at",
        DNG,
        CRISIS,
        r"\b(?:gun|pistol|knife|blade|weapon|rifle|shotgun) (?:is )?(?:pointed |pointing |aimed |held |pressed )?(?:at|to|against|on) "
        r"(?:me|us|him|her|them|his|our|my(?! own))\b",
        _f("other"),
        needs=("gun", "pistol", "knife", "blade", "weapon", "rifle"),
    ),
    RuleSpec(
        "dng.shot_stabbed",
        DNG,
        CRISIS,
        r"\b(?:got|been|was|were|getting|just|is|are|being|he|she|they|someone|somebody) (?:just )?(?:shot|stabbed|shanked)\b"
        r"(?! (?:of|up|down|glass|with (?:my|a) camera|in the dark|my shot|with (?:a |an )?(?:nerf|water|paintball|airsoft|bb|pellet|rubber band|squirt|toy)))"
        r"|\b(?:shot|stabbed|shanked|stabbing) (?:me|him|her|them|us|my "
        + _WHO
        + r"|someone|somebody|people|at (?:me|us|people|him|her|them))\b"
        r"(?! (?:a |an )?(?:text|message|dm|look|pic|picture|email|line|smile))",
        _f("neg", "past", "fig"),
        needs=("shot", "stab", "shank"),
    ),
    RuleSpec(
        "dng.assault",
        DNG,
        CRISIS,
        r"\b(?:beating|hitting|punching|kicking|choking|strangling|attacking|raping|assaulting|beat|hit|punched|kicked|"
        r"choked|strangled|attacked|raped|assaulted|slapped|slapping|smacking|smacked) (?:on )?"
        r"(?:me|him|her|them|us|my (?:friend|mom|sister|brother|kid|kids|son|daughter|girlfriend|boyfriend|wife|husband|baby|dad|"
        r"mother|father|roommate)|someone|somebody|people|everyone)\b(?! (?:a |an |the )?(?:text|message|up (?:on|with|later|tomorrow)|back|up$))"
        r"|\bbeat (?:me|him|her|them|us) up\b"
        r"|\b(?:threw|thrown|throwing|shoved|shoving|pushed|slammed|slamming|dragged|dragging|kicked) (?:me|her|him|them|us) "
        r"(?:against|into|down|on|onto|to|across|out)\b"
        r"|\b(?:hurting|beating|hitting|choking|strangling|attacking) " + _OBJ + r"\b"
        r"|\b(?:being|getting|got|been|was) (?:beaten|beat up|beat|jumped|attacked|assaulted|raped|mugged|robbed|kidnapped|choked|strangled|"
        r"stabbed|abused|trafficked|held hostage)\b",
        _f("neg", "past"),
    ),
    RuleSpec(
        "dng.hurt_threat",
        DNG,
        CRISIS,
        r"\b(?:he|she|they|someone|somebody|guy|man|dude|my \w+|people) (?:is |are )?(?:trying to |tryna |about to )?"
        r"(?:hurting|harming|raping) (?:me|us|him|her|them|my \w+)\b"
        r"|\b(?:he|she|they|someone|somebody|guy|man|dude|my \w+|people) (?:is |are )?(?:trying to|tryna|about to) "
        r"(?:hurt|harm|rape|stab|shoot|strangle|choke|attack) (?:me|us|him|her|them|my \w+)\b",
        _f("neg"),
        needs=("hurt", "harm", "rap", "stab", "shoot", "strangle", "choke", "attack"),
    ),
    RuleSpec(
        "dng.kill_threat",
        DNG,
        CRISIS,
        r"\b(?:trying|tried|tryna|threatening|threatened|threatens|says|said|swears|swore|promised|wants) "
        r"(?:to |he will |she will |he would |she would |they will |they would |hell |shell |he is going to |she is going to |he is gonna )?"
        r"(?:kill|murder|shoot|stab) (?:me|us|my \w+|him|her|them)\b"
        r"|\bsaying (?:he|she|they|he is|she is|they are) (?:will |would |going to |gonna )?(?:kill|murder|shoot|stab|hurt) (?:me|us)\b"
        r"|\b(?:going to|about to|gonna) (?:be|get) (?:shot|stabbed|killed|murdered|jumped|beat up|beaten)\b",
        _f("neg", "fig"),
        needs=("kill", "murder", "shoot", "stab", "hurt", "shot", "jumped", "beat"),
    ),
    RuleSpec(
        "dng.going_to_kill",
        DNG,
        CHECK,
        r"\b(?:going to|about to|gonna|will) (?:kill|murder|hurt|beat|stab|shoot) (?:me|us)\b",
        _f("fear", "neg", "fig"),
    ),
    RuleSpec(
        "dng.break_in",
        DNG,
        CRISIS,
        r"\b(?:broke|breaking|broken|busted|busting|forced (?:their|his|her) way) (?:in|into) (?:my|our|the) (?:house|home|apartment|apt|room|place|trailer|tent|unit)\b"
        r"|\b(?:someone|somebody|he|she|they|guy|man|people) (?:is |are )?(?:trying to )?(?:break|breaking|kick|kicking|bust|busting) "
        r"(?:in|down|the door|my door|down the door|the door down|the window)\b|\bbreak (?:the|my) door down\b"
        r"|\b(?:someone|somebody|a stranger) (?:is )?(?:in|inside) my (?:house|home|apartment|room)\b",
        _f("past"),
        needs=("break", "broke", "bust", "forced", "kick", " in my ", "inside my "),
    ),
    RuleSpec(
        "dng.at_door",
        DNG,
        CHECK,
        r"\b(?:banging|pounding|kicking|knocking) (?:on|at) (?:my|the|our) (?:door|window|windows)\b",
        _f("fear"),
    ),
    RuleSpec(
        "dng.trapped",
        DNG,
        CRISIS,
        r"\b(?:will not|does not|not) let (?:me|us|her|him) (?:leave|go|out)\b"
        r"(?! (?:to|out (?:with|to|tonight)|outside|anywhere|there|until|on|for))"
        r"|\blocked (?:me|us|her|him) (?:in|inside|up)\b|\bholding (?:me|us|her|him) (?:here|hostage|down|captive)\b"
        r"|\bagainst (?:my|her|his|our) will\b|\b(?:kidnapped|trafficked|being trafficked)\b|\btook my phone\b",
        _f("past"),
        needs=("let ", "locked", "holding", "will", "kidnap", "traffick", "took my phone"),
    ),
    RuleSpec(
        "dng.followed",
        DNG,
        CRISIS,
        r"\b(?:someone|somebody|a guy|a man|some guy|some dude|he|she|they|people|a car) (?:is |are |keeps |has been )?"
        r"(?:following|chasing|stalking|after) (?:me|us)\b(?! on (?:instagram|insta|ig|twitter|tiktok|facebook|fb|social|snap))",
        _f("neg", "past"),
    ),
    RuleSpec(
        "dng.attack",
        DNG,
        CRISIS,
        r"\b(?:attacking|assaulting) (?:people|everyone|someone|somebody|me|us)\b|\bbeing attacked\b|\bshots fired\b|\bgunshots?\b"
        r"|\b(?:someone|somebody|people|they|he|she|guy) (?:is |are )?shooting(?! up| dope| heroin| fentanyl| meth| coke| drugs| it| into"
        r"| in (?:my|his|her|the) (?:arm|neck|leg|vein|hand|foot))\b|\bactive shooter\b",
        _f("neg", "past"),
    ),
    RuleSpec(
        "dng.bleeding",
        DNG,
        CRISIS,
        r"\bbleeding (?:out|bad|badly|a lot|so much|everywhere|heavily|and (?:it )?will not stop|from (?:my|his|her) (?:head|neck|chest|stomach))\b"
        r"|\b(?:so much|a lot of|lots of|pool of) blood\b|\bwill not stop bleeding\b",
        _f("past", "generic"),
    ),
    RuleSpec(
        "dng.scared_life",
        DNG,
        CRISIS,
        r"\b(?:scared|afraid|fear|fearing|terrified) for (?:my|our|her|his) (?:life|lives|safety)\b|\b(?:i am|we are|she is|he is) in danger\b"
        r"|\bhelp (?:me )?(?:he|she|they) (?:is|are) (?:coming|here|back|outside)\b",
        _f("neg"),
    ),
    RuleSpec(
        "dng.unsafe",
        DNG,
        CHECK,
        r"\b(?:do not|not) feel safe\b|\bnot safe (?:at home|here|right now|with him|with her)\b|\bhiding (?:from|in)\b"
        r"|\b(?:scared|afraid|terrified) (?:of )?(?:him|her|them|my \w+|he will|she will|he is going to|she is going to)\b"
        r"|\bi (?:have|got) a (?:gun|pistol|knife)\b",
        _f("neg"),
    ),
]

# Figurative, negated and general uses. Each match is blanked out before the
# rules run, so "this job is killing me" never reaches a rule.
GUARDS: List[RuleSpec] = [
    RuleSpec(
        "fig.worn_out_shot",
        None,
        "none",
        # "my back is shot", "my nerves are shot": worn out, not a gunshot (a blind conversation got the danger script).
        r"\b(?:back|knees?|nerves|liver|lungs|hips?|shoulders?|joints|body|brain|head|teeth|veins|eyes|voice|"
        r"car|engine|transmission|truck|phone|battery|credit|life|memory|patience|sleep) (?:is|are|was|were|been|got) "
        r"(?:all |totally |completely |pretty |so |just )?shot\b(?! (?:at|in|by|with|and bleeding))",
    ),
    RuleSpec(
        "fig.killing_me",
        None,
        "none",
        r"(?<!\bchest is )(?<!\bchest )(?<!\bheart is )(?<!\bhe is )(?<!\bshe is )(?<!\bthey are )(?<!\bsomeone is )(?<!\bsomebody is )\bkilling me\b",
        needs=("killing me",),
    ),
    RuleSpec(
        "fig.kill_for",
        None,
        "none",
        r"\b(?:kill|killed|killing) (?:for|it|time|the (?:vibe|mood|pain|lights|buzz|engine|game)|"
        r"this (?:workout|test|exam|interview|set|game|job|shift)|my (?:buzz|high|vibe|cravings))\b",
    ),
    RuleSpec(
        "fig.kill_me_when",
        None,
        "none",
        r"\bkill (?:me|us|him|her) (?:when|if|once|for (?:this|that|being|spending|not|losing|forgetting))\b|\bkill me (?:lol|lmao|haha\w*)\b",
    ),
    RuleSpec(
        "fig.dying_to",
        None,
        "none",
        r"\bdying (?:to|for|laughing|of laughter|of boredom)\b|\bdie for\b|\bto die for\b|\bdied laughing\b|\bdie laughing\b"
        r"|\b(?:bored|embarrassed|laughing|laughed) (?:me )?to death\b|\b(?:die|dying|dye|dyeing) (?:my|your|his|her|the|their) hair\b"
        r"|\bdeath of me\b",
    ),
    RuleSpec(
        "fig.overdosed_on",
        None,
        "none",
        r"\boverdos\w* on (?:netflix|tv|sugar|candy|chocolate|coffee|caffeine|love|cake|pizza|sleep|work|carbs|sweets|junk food|memes|"
        r"youtube|tiktok|games|video games|shows|anime|music|food|cuteness|vitamins?|hot sauce|drama|christmas|cookies|ice cream|"
        r"energy drinks|red bull|monster|soda|fast food|reality tv|true crime|podcasts|studying|homework|social media|books|tacos)\b",
    ),
    RuleSpec(
        "fig.fell_out",
        None,
        "none",
        r"\bfell out (?:with|over|about|of (?:love|bed|my|the car|a|his|her|the bed|touch))\b"
        r"|\b(?:tooth|teeth|hair|phone|wallet|keys|filling|screw|battery|lens|it|that|stuff|everything|bag|money) (?:just )?fell out\b"
        r"|\bfalling out with\b|\bhad a falling out\b|\b(?:we|and i|me and \w+|i and \w+|us two|you and i) (?:kinda |sort of |kind of )?fell out\b",
    ),
    RuleSpec(
        "fig.shot",
        None,
        "none",
        r"\b(?:flu|covid|booster|vaccine|b12|tetanus|allergy|depo|testosterone|insulin|cortisone|rabies|hep|hepatitis|vivitrol|"
        r"sublocade|penicillin|bicillin) shots?\b"
        r"|\b(?:a|my|the|one|another|two|three) shots? of (?!dope|heroin|fentanyl|meth|narcan|naloxone)\w+\b"
        r"|\b(?:best|big|long|mug|screen|group|good|great|nice|cheap|parting|chaser|jello|money) shots?\b|\bshot glass(?:es)?\b"
        r"|\bshot caller\b|\bshot (?:me|him|her|them|us|you) a (?:text|message|dm|look|pic|picture|photo|email|line|smile)\b"
        r"|\bshot (?:my|his|her) shot\b|\btook (?:a|some|the) (?:great |good |nice |cute )?(?:shot|shots|photo|picture|pic) of\b",
        needs=("shot",),
    ),
    RuleSpec(
        "fig.gun_thing",
        None,
        "none",
        r"\bguns? (?:collection|license|licence|permit|range|safe|show|shop|store|club|control|laws?|rights|owner)\b"
        r"|\b(?:nail|glue|water|nerf|squirt|staple|heat|paint|spray|toy|tattoo) guns?\b",
    ),
    RuleSpec(
        "fig.blue",
        None,
        "none",
        r"\bfeel(?:ing|s)? (?:(?:kinda|kind of|so|a bit|a little|really|pretty|very|super) )*blue\b"
        r"|\bblue (?:moon|pills?|ones|m30s?|jeans|shirt|car|hair|eyes|sky|balloon|dream|raspberry|light|lights|tooth|collar)\b"
        r"|\b(?:hair|eyes|shirt|car|sky|walls|room|jacket|dress|color|colour) (?:is |are |was )?(?:\w+ )?blue\b"
        r"|\bdye (?:\w+ ){0,2}blue\b|\bhair blue\b|\bout of the blue\b|\b(?:baby|navy|sky|royal) blue\b",
    ),
    RuleSpec(
        "fig.beat",
        None,
        "none",
        r"\bbeat (?:my|the|his|her|our|their|your) (?:record|score|game|level|time|high score|boss|traffic|rush|heat|odds|addiction|"
        r"habit|cravings?|it)\b|\bbeat (?:them|him|her|us|me|you|everyone) (?:in|at|by|to)\b|\bbeat (?:at|in) (?:pool|cards|chess|poker|darts|checkers|dominoes|\w*ball|games?|the game)\b|\bbeat (?:this|it|addiction)\b"
        r"|\b(?:hit|hitting) (?:me|him|her|them|us) up\b|\bdead ?beat\b",
    ),
    RuleSpec(
        "fig.cut_self",
        None,
        "none",
        r"\bcut (?:my ?self|myself) (?:shaving|cooking|on|by accident|accidentally|while|with a (?:can|paper|kitchen)|chopping|"
        r"slicing|opening|at work|gardening|fixing)\b|\b(?:my ?self|myself) with (?:a|the|my) (?:knife|blade|razor)\b",
    ),
    RuleSpec(
        "fig.end_with",
        None,
        "none",
        r"\bend (?:it|things|everything|stuff) with (?:my|him|her|them|the|this|that)\b"
        r"|\b(?:end|ending) (?:the|my|our|this) (?:relationship|lease|call|chat|convo|conversation|contract|shift|day|week|using|use|"
        r"habit|addiction|streak)\b",
    ),
    RuleSpec(
        "fig.give_up",
        None,
        "none",
        r"\b(?:give|giving|gave|given) up (?:on )?(?:smoking|drinking|meth|coke|dope|fentanyl|heroin|weed|cigarettes|alcohol|sugar|"
        r"caffeine|using|pills|drugs|booze|vaping|soda|cigs|nicotine|crack|my (?:phone|seat|spot|car|room|apartment|job)|"
        r"the (?:needle|pipe|bottle))\b",
    ),
    RuleSpec(
        "fig.took_a_lot",
        None,
        "none",
        r"\btook (?:a lot|too much|so much|forever|ages) (?:out of|of (?:time|notes|work|effort|courage|guts|nerve|energy|patience|"
        r"money|pictures|photos|convincing|selfies|damage))\b|\btoo much time\b",
    ),
    RuleSpec(
        "fig.cant_breathe_laughing",
        None,
        "none",
        r"\b(?:can not|could not) breathe (?:lol|lmao|lmfao|haha\w*|from laughing|laughing|i am laughing|rofl)\b"
        r"|\blaughing so hard (?:i|that i) (?:can not|could not) breathe\b",
    ),
    RuleSpec(
        "fig.heart_attack",
        None,
        "none",
        r"\b(?:gave|give|giving|nearly gave|almost gave|nearly had|almost had) (?:me |him |her |us )?(?:a )?heart attack\b"
        r"|\bheart attack (?:grill|burger|on a plate)\b",
    ),
    RuleSpec(
        "fig.texts",
        None,
        "none",
        r"\b(?:no response|not responding|will not respond|not answering|will not answer|not replying|will not reply)"
        r"(?: to| from)? (?:my |any |the |our )?(?:texts?|messages?|calls?|emails?|dms?|applications?|phone|ad|post|letters?)\b",
    ),
    RuleSpec(
        "fig.dead_thing",
        None,
        "none",
        r"\b(?:phone|battery|car|laptop|plant|plants|fish|computer|tv|remote|vibe|chat|party) (?:is |was |just |about to )*(?:dead|die|died|dying)\b"
        r"|\bdead (?:tired|serious|ass)\b|\bblue in the face\b|\bgo(?:ing)? blue in the face\b",
    ),
    RuleSpec(
        "neg.breathing_ok",
        None,
        "none",
        r"\bbreathing (?:fine|ok|normal|normally|good|better|again|regular|regularly|steady|on (?:his|her|their) own)\b"
        r"|\b(?:is|are) breathing (?:now|and)\b",
    ),
    # General questions about someone, not about anyone here now: "is it normal for lips to look blue when
    # you're cold", "what's the difference between nodding and overdosing", "if i call 911 for someone who od's".
    RuleSpec(
        "q.general",
        None,
        "none",
        r"\bis it (?:normal|bad|dangerous|safe|common) (?:for|to|that|when|if)\b(?: \w+){0,8}|\bis it true\b(?: \w+){0,8}"
        r"|\b(?:difference|differences) between\b(?: \w+){0,6}"
        r"|\bif (?:\w+ ){1,3}ever\b(?: \w+){0,6}"
        r"|\b(?:for (?:someone|somebody|a person|anyone|people|a friend)(?: who| that)?"
        r"|(?:if|when) (?:someone|somebody|a person|anyone|people|a friend) (?:who|that)) (?:\w+ ){0,2}"
        r"(?:overdos\w*|is overdosing|stops breathing|will not wake up|is not breathing|seizing|has a seizure)\b",
    ),
    # A goodbye to a thing or a way of life, not to people: "goodbye letter to meth", "goodbye to my old number".
    RuleSpec(
        "fig.goodbye_to",
        None,
        "none",
        r"\b(?:goodbye|good bye|bye|farewell)(?: (?:letter|note|post|party|message))? to (?:my |the |this |that |an? |all )?"
        r"(?:old |last |former )?(?:number|phone|apartment|house|place|job|city|town|old life|life of|drugs?|meth|dope|"
        r"heroin|fent\w*|pills|crack|coke|alcohol|booze|using|addiction|the streets|street life|that life|habit|needle|"
        r"pipe|rehab|detox|treatment|program|group|chapter|connects?|dealer|plug|corner|block|neighborhood|hood)\b",
    ),
    RuleSpec("fig.kicked_out", None, "none", r"\bkick(?:ing|ed|s)? (?:me|him|her|us|them|my \w+) out\b|\bkicked out\b"),
    # Snoring as a habit ("grandpa falls asleep in his chair and snores"), not the overdose snore of now.
    RuleSpec(
        "fig.habitual_snore",
        None,
        "none",
        r"\b(?:always|usually|normally|every (?:night|time|day)|falls asleep(?: \w+){0,4} and) (?:\w+ ){0,4}snores?\b",
    ),
    RuleSpec(
        "q.signs",
        None,
        "none",
        r"\b(?:signs?|symptoms?|warning signs|stages?|effects?|risks?|dangers?|causes?|chances?|odds) of (?:an |a )?"
        r"(?:overdose|overdosing|overdoses|opioid overdose|stimulant overdose|fentanyl overdose|suicide|seizures?|heat ?stroke)\b",
    ),
    RuleSpec(
        "q.how_tell",
        None,
        "none",
        r"\bhow (?:do|can|would|will|could) (?:you|i|we|people|someone) (?:know|tell|spot|recogni[sz]e|check|see) (?:if|when|that|whether)\b"
        r"(?: \w+){0,5}? (?:overdos\w*|breathing|unresponsive|blue)\b",
    ),
    RuleSpec(
        "q.can_overdose",
        None,
        "none",
        r"\b(?:can|could|do|does|will|would) (?:you|i|people|someone|a person|anyone) (?:\w+ )?(?:overdose|die)\b(?! right now| now)"
        r"|\b(?:you|people|someone|a person) can (?:\w+ )?(?:overdose|die)\b(?! right now| now)",
    ),
    RuleSpec(
        "q.services",
        None,
        "none",
        r"\b(?:suicide|crisis|overdose) (?:hotline|line|lifeline|prevention|number|helpline|awareness|text line|squad|hot line|counselors?|"
        r"centers?|kit|kits|training|trainings|deaths?|crisis|epidemic|rates?|reversal|sites?|response|statistics|stats)\b"
        r"|\bpreventing (?:overdose|suicide)\b"
        r"|\b(?:died|die|dies|death|deaths|passed away|lost (?:\w+ ){1,3}?to) (?:of |from |to )?(?:an |a )?(?:overdose|suicide|overdoses)\b",
    ),
]

# Message-wide cues.
CUES = {
    "now": r"\b(?:right now|now what|what now|tonight|help|please|hurry|asap|quick|quickly|emergency|what do i do|what should i do|what now|what do we do|"
    r"(?:with|next to|beside|sitting with|here with) (?:him|her|them|me) (?:right )?now|here now|"
    r"911|oh my god|just|currently|at the moment|urgent|sos)\b",
    "past_far": r"\b(?:last (?:year|month|summer|winter|spring|fall|autumn|christmas|time)|(?:years?|months?|decades?) (?:ago|back)"
    r"|a (?:few|couple(?: of)?) (?:years|months) (?:ago|back)|a while (?:ago|back)|long time ago"
    r"|when (?:i|he|she|they|we) (?:was|were) (?:a kid|kids|little|young|younger|a teen|a teenager|in|using|on|at|\d+)"
    r"|as a (?:kid|child|teen|teenager)|growing up|in (?:high school|middle school|college|the past|jail|prison|rehab)"
    r"|back (?:in|then|when|in the day)|used to|in (?:19|20)\d\d|since (?:19|20)\d\d"
    r"|(?:once|twice)(?= \||$| before| when| in \d| back| last| years| as| or twice| myself)"
    r"|(?:two|three|four|five|six|\d+) (?:years|months) ago|one time|in my (?:20s|teens|twenties|thirties)|previously)\b",
    "past_near": r"\b(?:last night|yesterday|the other (?:day|night)|earlier(?: today| tonight)?|this morning|last week|"
    r"a (?:few|couple(?: of)?) (?:days|weeks|hours) ago|(?:two|three|\d+) (?:days|weeks) ago|"
    r"on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|the weekend)|over the weekend|this weekend)\b",
    "resolved": r"\b(?:(?:is|are|seems?|looks?|feels?|doing|now|all|we are|he is|she is|they are|i am|were|we) "
    r"(?:ok|fine|alright|all right|good|better|awake|conscious|safe|stable)\b|came (?:to|around|back|round)\b"
    r"|woke (?:up|him up|her up)\b|is awake\b|breathing again\b|brought (?:him|her|them|me) back\b"
    r"|(?:ems|paramedics|ambulance|medics|firefighters|doctors?) (?:came|arrived|got here|are here|is here|took (?:him|her|them))\b"
    r"|(?:in|at) the hospital\b|made it\b|survived\b|(?:we are|everyone is|everybody is|we are all) (?:\w+ )?(?:and )?(?:fine|ok|okay|safe)\b|pulled through\b|recovered\b|calmed down\b|settled down\b|over now\b)",
    # Worry about a day that may come, not about now: "scared he will od one day".
    "future": r"\b(?:one day|someday|some day|eventually|in the future|one of these days|down the road)\b",
    "soft_fig": r"\b(?:lol|lmao|lmfao|rofl|haha\w*|hehe\w*|jk|just kidding|joking|kidding|so funny|hilarious|xd)\b",
    "body": r"\b(?:shake|shook|shaking (?:him|her|them)|floor|ground|eyes|lips|breathing|breath|wake|waking|blue|nodd\w*|pupils|"
    r"slumped|pale|cold|limp|fell back|fell over|narcan|naloxone)\b",
    "fear": r"\b(?:scared|afraid|terrified|help|please|hiding|hide|outside|coming|on (?:his|her|their) way|has a (?:gun|knife)|right now|"
    r"911|police|cops|hurry|threatening|threatened|hurt me|hit me)\b",
    "use_ctx": r"\b(?:took|taken|did|done|used|smoked|snorted|popped|dropped|railed|ate|hit) (?:something|some|a pill|a bump|a line|a hit|a point|it)\b"
    r"|\bafter (?:taking|doing|using|smoking|snorting|shooting|popping|dropping|hitting)\b|\b(?:at|from) (?:the|a) (?:party|rave|club|festival)\b",
    "stim_ctx": r"\b(?:meth|crystal|ice|tina|glass|shards?|speed|uppers?|amphetamines?|adderall|coke|cocaine|blow|crack|molly|mdma|"
    r"ecstasy|xtc|flakka|bath salts|yayo|tweak\w*|rails?|bumps?|lines?|8 ball|eight ball|speedball|stimulants?|"
    r"been up (?:\w+ )?(?:days|nights)|up for (?:\w+ )?days)\b",
    "opioid_ctx": r"\b(?:dope|heroin|fentanyl|oxy|oxys|oxycodone|oxycontin|percs?|percocets?|m30s?|blues|roxys?|roxies|opiates?|opioids?|"
    r"morphine|methadone|tranq|xylazine|nodding|nod|xans?|xanax|bars|benzos?|downers?|pills|h|boy|point|shot up)\b",
}

# Deliberately narrower than lantern.text.NEGATORS (the negation every other reader shares): the
# crisis normaliser has already expanded contractions to "not", and words such as "hardly" or "no"
# must not cancel a sign ("he's hardly breathing", "no pulse"); "no" is handled in detector._negated.
NEGATORS = frozenset({"not", "never", "nobody", "noone", "without", "nothing"})
UNCERTAIN = frozenset({"think", "sure", "know", "tell"})
HYPOTHETICAL = frozenset({"if", "whether", "incase"})
CLAUSE_BREAKS = frozenset({"|", "but", "and", "so", "because", "though", "although", "~"})
PAST_AUX = frozenset({"was", "were", "had", "used", "tried", "attempted"})
