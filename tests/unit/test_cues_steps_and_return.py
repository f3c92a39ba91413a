"""The word checks behind action_affirm_step and action_return_to_use (actions/cues.py).

is_return_to_use and step_of_report confirm what the intent classifier said; a wrong "yes"
affirms a plan as a step, or meets someone who just picked up naloxone with the tolerance note.
The training examples are checked too, so the cues and data/nlu keep agreeing.
"""

import re

import pytest
import yaml

from actions import cues
from actions.cues import is_return_to_use, normalise, step_duration, step_of_report, steps
from tools.processes import PROJECT_ROOT


def examples(name: str, intent: str):
    data = yaml.safe_load((PROJECT_ROOT / "data" / "nlu" / name).read_text(encoding="utf-8"))
    found = [
        line.strip()[2:].strip()
        for block in data.get("nlu", [])
        if block.get("intent") == intent
        for line in (block.get("examples") or "").splitlines()
        if line.strip().startswith("- ")
    ]
    assert found, f"no {intent} examples in {name}"
    return found


# ---------------------------------------------------------------- is_return_to_use


@pytest.mark.parametrize(
    "text",
    [
        # the colleague's misses
        "started drinking again",
        "i started using meth again",
        "started using fent again last week",
        "smoked again",
        "got high again",
        "i got drunk",
        "had a drink after 2 years",
        "blew 6 months",
        "broke 4 months of sobriety",
        "reset my clean date",
        "bought a bag after 30 days",
        "hit the pipe again",
        "used on my 60th day",
        # what already worked keeps working
        "i relapsed",
        "i used again",
        "i picked up again",
        "after 2 years i picked up",
        "i had a year and i picked up",
        "back on the pills",
        "back on dope again",
        "i went back to it",
        "went back to drinking after rehab",
        "was clean 2 months and i used",
        "i messed up and used",
        "had 3 months then messed up",
        "back at square one",
        # chat variants: lower case, typos, no punctuation
        "started drinkin again smh",
        "i used agian",
        "relapsd last nite",
        "ngl i relapsed",
        "so yeah i drank again",
        "i smoked again last night after 2 weeks",
        "got drunk at my cousins wedding",
        "i had a drink, first time in a year",
        "had a few beers after 6 months sober",
        "i got high last night after 3 weeks clean",
        "copped again yesterday",
        "i did meth again this weekend",
        "lost 3 months of clean time",
        "threw away 90 days",
        "back to day one",
        "i blew 6 months of clean time",
        "i broke my 4 months of sobriety last night",
        "had to reset my clean date today",
        "relapsed on day 45",
        "everything was going good till i used saturday",
        "went back out after 60 days",
        "a month clean and now im back on the xans",
        "i used, first time since rehab",
        # wordings added with the larger NLU data
        # clean time said to be gone or back to zero
        "my clean time is gone",
        "my 2 years is gone",
        "sobriety app is back to day 1",
        "ended my sober streak last night",
        # lapse, a run or a bender, going out
        "i had a lapse on saturday",
        "lapsed after 5 months",
        "went on a three day bender",
        "it turned into a run",
        "went out again last night",
        # picking back up, falling back in, back at the spot, sober until
        "picked it back up after my breakup",
        "couldnt even make it a month before i drank",
        "fell back into using",
        "back at the trap house again",
        "was clean until last weekend",
        # a bare use, with when or where it happened
        "had 2 months and scored yesterday",
        "i drank at the bbq after 4 months",
        "was sober all spring and used in june",
        "took a perc after 2 months clean",
        "was off the bottle a year and hit it again",
    ],
)
def test_a_return_to_use_is_heard(text):
    assert is_return_to_use(text)


@pytest.mark.parametrize(
    "text",
    [
        # the colleague's false alarms
        "i used less",
        "i used less this week",
        "i used a fresh needle",
        "i used a fresh needle every time",
        "had my friend watch me when i used",
        "picked up narcan",
        "i picked up narcan today",
        "picked up a chip",
        "picked up my 30 day keytag",
        "i picked up a white chip at na",
        "cut back on the pills",
        "cutting back on the xans",
        "go back to school",
        "i want to go back to school",
        "i dont want to go back to prison",
        # steps, plans, fears, other meanings
        "i cut way back on the pills",
        "im cutting back on the booze",
        "going back to school in the fall",
        "back to work monday",
        "back to my old self",
        "went back to the clinic",
        "i went back to na after a long break",
        "im back on my subs",
        "got back on methadone",
        "getting back on the right track",
        "i go back and forth on it every day",
        "started going to aa again",
        "been going to na every day",
        "started using test strips again",
        "started smoking again instead of shooting",
        "i smoked yesterday instead of shooting",
        "i havent used today",
        "havent used again since rehab",
        "i never used again",
        "i havent drank in 2 weeks",
        "i almost relapsed last night",
        "i almost picked up",
        "im scared ill relapse",
        "i dont want to use again",
        "no relapse this month",
        "relapse prevention class",
        "i used to drink a lot",
        "when i drank i always got sick",
        "every time i picked up i ended up in jail",
        "my girl watched me when i used",
        "used with my buddy instead of alone",
        "only had 2 beers last night instead of a 12 pack",
        "i only used twice this week",
        "my teeth are messed up",
        "i messed up my back at work",
        "i broke my phone",
        "i fell off my bike",
        "i didnt make it to the meeting",
        "lost 10 pounds",
        "i lost 2 years of my life to dope",
        "i blew my whole check",
        "i couldnt even get out of bed",
        # wordings added with the larger NLU data
        "sober since new years",
        "clean since easter",
        "got my 30 day chip tonight",
        "hit six months last week",
        "my cravings are gone",
        "my streak isnt over",
        "i almost threw it all away",
        "threw it all in the trash",
        "went on a run this morning to clear my head",
        "went out again with my wife for dinner",
        "picked back up my meetings",
        "fell back into my routine",
        "a lapse in judgement at work",
        "i dont want my count to go back to zero",
        "i used at the supervised consumption site",
        "i was off work till monday",
        "my 3 months of probation is over",
        "didnt drink at the cookout",
        "went back to my old house",
        "my roommate stayed with me while i smoked last night",
        "i havent picked back up",
    ],
)
def test_no_return_to_use_in_these_words(text):
    assert not is_return_to_use(text)


def test_every_return_to_use_example_is_heard():
    missed = [t for t in examples("return_to_use.yml", "return_to_use") if not is_return_to_use(t)]
    assert missed == []


# ---------------------------------------------------------------- step_of_report


@pytest.mark.parametrize(
    "text,key",
    [
        # the colleague's misses
        ("tapered down", "less"),
        ("only drank 2 nights this week", "less"),
        ("only smoked half a bowl", "less"),
        ("havent drank in 2 weeks", "days"),
        ("havent smoked in 3 days", "days"),
        ("i havent touched meth in 2 weeks", "days"),
        ("a whole month without using", "days"),
        ("week 3", "days"),
        ("had my girl watch me", "not_alone"),
        ("been going to na every day", "meeting"),
        ("started going to aa again", "meeting"),
        # chat variants
        ("i tapered down to 2 a day", "less"),
        ("i tapered off the pills", "less"),
        ("smoked way less this week", "less"),
        ("only drank on saturday", "less"),
        ("havent had a drink in a month", "days"),
        ("havent used in 5 days", "days"),
        ("havent drank since yesterday", "day_off"),
        ("i didnt drink today", "day_off"),
        ("a whole month without drinking", "days"),
        ("2 whole weeks sober", "days"),
        ("three straight weeks sober", "days"),
        ("week 3 no drinking", "days"),
        ("week three sober", "days"),
        ("day 4 no pills", "days"),
        ("day 1 no meth", "day_off"),
        ("had my girl watch me last night", "not_alone"),
        ("had my sister stay with me while i used", "not_alone"),
        ("my buddy watched me", "not_alone"),
        ("im going to meetings every day now", "meeting"),
        ("been to 3 aa meetings this week", "meeting"),
        ("i used less", "less"),
        ("i used a fresh needle", "safer_route"),
        ("picked up narcan", "naloxone"),
        ("picked up an overdose reversal kit from the outreach van", "naloxone"),
        ("i didnt use alone last night", "not_alone"),
        # wordings added with the larger NLU data
        # naloxone by another name, in a quantity
        ("picked up two packs of nasal spray at the pharmacy", "naloxone"),
        # not alone: someone on the line, someone told so they can check, a site with staff
        ("had my cousin on the phone while i used", "not_alone"),
        ("called my sister first so she could come check on me", "not_alone"),
        ("used at the supervised consumption site today", "not_alone"),
        ("never did it by myself this weekend", "not_alone"),
        ("brought my stuff to a drug checking service", "testing"),
        # safer: not mixing, rotating sites, own gear
        ("stopped mixing xans with fent", "safer_route"),
        ("i dont mix booze and pills anymore", "safer_route"),
        ("been rotating my injection spots", "safer_route"),
        ("got a new stem from the outreach team", "safer_route"),
        # less: skipping a use, pacing, a limit kept, something weaker
        ("skipped my wake up shot this morning", "less"),
        ("waiting longer between drinks now", "less"),
        ("spaced out my lines all night", "less"),
        ("kept myself to one beer at the bbq", "less"),
        ("switched to light beer instead of whiskey", "less"),
        # time: milestones, chips, "since" a date or an event, "still sober"
        ("hit six months last week", "days"),
        ("picked up my 60 day coin", "days"),
        ("clean since easter", "days"),
        ("havent had a drink since my birthday", "days"),
        ("no pills since christmas", "days"),
        ("still sober, my date was in may", "days"),
        ("2 and a half months clean", "days"),
        # an event got through without using
        ("didnt drink during the game", "day_off"),
        ("got through thanksgiving sober", "day_off"),
        ("had sodas at the party", "day_off"),
        ("i didnt pick up last night", "day_off"),
        # reaching out, treatment, meetings and peers
        ("put myself on the wait list for detox", "called_clinic"),
        ("signed up for a counseling program", "called_clinic"),
        ("talked to my nurse about the drinking", "called_clinic"),
        ("been on antabuse for a month", "treatment"),
        ("the doc started me on naltrexone", "treatment"),
        ("finished my first month of outpatient", "treatment"),
        ("joined an online recovery group", "meeting"),
        ("sat in on a women for sobriety group", "meeting"),
        ("met up with my recovery coach", "meeting"),
        ("went to group even though i didnt want to", "meeting"),
        # steps with no key of their own: access, places, routes, supply poured out, cravings ridden out, honesty
        ("moved into a recovery house", "general"),
        ("let my sister hold my money", "general"),
        ("drove a different way so i wouldnt pass the spot", "general"),
        ("poured the vodka out", "general"),
        ("rode out a bad urge", "general"),
        ("came clean to my mom", "general"),
        ("quit going to the corner store where my plug hangs out", "general"),
    ],
)
def test_a_step_taken_is_named(text, key):
    assert step_of_report(text) == key
    assert not is_return_to_use(text)


@pytest.mark.parametrize(
    "text",
    [
        "going to try to quit",
        "im going to try to quit",
        "im going to na tonight",
        "im going to a meeting tomorrow",
        "im going to a meeting again tomorrow",
        "im going to go to meetings every day",
        "gonna cut back",
        "maybe cut down some",
        "ima try cutting back starting monday",
        "id like to cut back on the pills",
        "im pretty sure i can cut down on weekdays",
        "i want to taper",
        "planning to taper down",
        "i will start going to na",
        "i might go to an aa meeting",
        "now i buy them off the street",
        # plans in the wordings added with the larger NLU data
        "i want to get my 30 day chip",
        "hoping to hit a year",
        "gonna try to keep it to 2 drinks",
        "i need to stop mixing",
        "thinking about signing up for iop",
        "i might join celebrate recovery",
        "planning to switch to beer instead of vodka",
        "i wanna move into sober living",
        "im trying to space out my bumps",
        "maybe ill get on the waitlist",
    ],
)
def test_a_plan_or_no_step_is_not_a_step(text):
    assert step_of_report(text) is None


def test_a_day_off_named_by_a_negation_is_not_a_day_off_when_it_is_about_company():
    assert steps("i didnt use alone last night") == ["not_alone"]


@pytest.mark.parametrize(
    "text,length",
    [
        ("week 3", "3 weeks"),
        ("week 1 sober", "a week"),
        ("month 2 no pills", "2 months"),
        ("today is day 10", "10 days"),
        ("a whole month without drinking", "a month"),
        ("havent drank in 2 weeks", "2 weeks"),
        ("day 1 no meth", None),
        # milestones, halves, a date
        ("a year and a half sober now", "a year and a half"),
        ("2 and a half months clean", "2 and a half months"),
        ("got my 30 day chip", "30 days"),
        ("hit my one year yesterday", "a year"),
        ("sober since new years", None),
    ],
)
def test_the_time_a_step_names(text, length):
    assert step_duration(text) == length


def test_every_report_step_example_names_a_step_and_none_reads_as_a_return():
    no_step = []
    returns = []
    for text in examples("steps.yml", "report_step"):
        if step_of_report(text) is None:
            no_step.append(text)
        if is_return_to_use(text):
            returns.append(text)
    assert no_step == [] and returns == []


# A share example "talks about plans" when it says what the person wants, means or is about to do.
PLAN_WORDS = re.compile(
    r"\b(want|wanna|wish|hope|gonna|ima|imma|(im|i am) going to|id (like|love)|would like|plan\w*|"
    r"i will|ill|might|maybe|probably|could|should|try|trying|thinking|need to|have to|gotta|"
    r"ready to|decided|starting|if i|i can (\w+ )?(cut|stop|quit|taper|start|try))\b"
)


def test_no_plan_among_the_share_examples_reads_as_a_step():
    plans = [t for t in examples("change_talk.yml", "share") if PLAN_WORDS.search(normalise(t))]
    assert len(plans) >= 40
    assert [(t, step_of_report(t)) for t in plans if step_of_report(t) is not None] == []


def test_time_since_a_date_is_time_not_a_day_off():
    assert steps("sober since new years") == ["days"]
    assert steps("havent used since yesterday") == ["day_off"]


@pytest.mark.parametrize(
    "text",
    [
        "i dont have a problem so quit pushing",
        "so quit saying that",
        "quit acting like it",
        "just quit bugging me about it",
    ],
)
def test_quit_said_to_someone_else_is_not_a_wish_to_stop(text):
    """'quit pushing / saying / acting' is aimed at the other person, not at the drug."""
    change, _ = cues.themes(normalise(text))
    assert "stop" not in change


@pytest.mark.parametrize("text", ["i want to quit using", "i quit the pills last week", "i wanna quit"])
def test_quit_about_the_drug_is_still_heard(text):
    assert "stop" in cues.themes(normalise(text))[0]
