"""The word checks behind action_affirm_step and action_return_to_use (actions/cues.py).

is_return_to_use and step_of_report confirm what the intent classifier said; a wrong "yes"
affirms a plan as a step, or meets someone who just picked up naloxone with the tolerance note.
The training examples are checked too, so the cues and data/nlu keep agreeing.
"""
import re

import pytest
import yaml

from actions.cues import is_return_to_use, normalise, step_duration, step_of_report, steps
from bot.processes import PROJECT_ROOT


def examples(name: str, intent: str):
    data = yaml.safe_load((PROJECT_ROOT / "data" / "nlu" / name).read_text(encoding="utf-8"))
    found = [line.strip()[2:].strip() for block in data.get("nlu", []) if block.get("intent") == intent
             for line in (block.get("examples") or "").splitlines() if line.strip().startswith("- ")]
    assert found, f"no {intent} examples in {name}"
    return found


# ---------------------------------------------------------------- is_return_to_use

@pytest.mark.parametrize("text", [
    # the colleague's misses
    "started drinking again", "i started using meth again", "started using fent again last week", "smoked again",
    "got high again", "i got drunk", "had a drink after 2 years", "blew 6 months", "broke 4 months of sobriety",
    "reset my clean date", "bought a bag after 30 days", "hit the pipe again", "used on my 60th day",
    # what already worked keeps working
    "i relapsed", "i used again", "i picked up again", "after 2 years i picked up", "i had a year and i picked up",
    "back on the pills", "back on dope again", "i went back to it", "went back to drinking after rehab",
    "was clean 2 months and i used", "i messed up and used", "had 3 months then messed up", "back at square one",
    # chat variants: lower case, typos, no punctuation
    "started drinkin again smh", "i used agian", "relapsd last nite", "ngl i relapsed", "so yeah i drank again",
    "i smoked again last night after 2 weeks", "got drunk at my cousins wedding", "i had a drink, first time in a year",
    "had a few beers after 6 months sober", "i got high last night after 3 weeks clean", "copped again yesterday",
    "i did meth again this weekend", "lost 3 months of clean time", "threw away 90 days", "back to day one",
    "i blew 6 months of clean time", "i broke my 4 months of sobriety last night", "had to reset my clean date today",
    "relapsed on day 45", "everything was going good till i used saturday", "went back out after 60 days",
    "a month clean and now im back on the xans", "i used, first time since rehab",
])
def test_a_return_to_use_is_heard(text):
    assert is_return_to_use(text)


@pytest.mark.parametrize("text", [
    # the colleague's false alarms
    "i used less", "i used less this week", "i used a fresh needle", "i used a fresh needle every time",
    "had my friend watch me when i used", "picked up narcan", "i picked up narcan today", "picked up a chip",
    "picked up my 30 day keytag", "i picked up a white chip at na", "cut back on the pills",
    "cutting back on the xans", "go back to school", "i want to go back to school", "i dont want to go back to prison",
    # steps, plans, fears, other meanings
    "i cut way back on the pills", "im cutting back on the booze", "going back to school in the fall",
    "back to work monday", "back to my old self", "went back to the clinic", "i went back to na after a long break",
    "im back on my subs", "got back on methadone", "getting back on the right track",
    "i go back and forth on it every day", "started going to aa again", "been going to na every day",
    "started using test strips again", "started smoking again instead of shooting", "i smoked yesterday instead of shooting",
    "i havent used today", "havent used again since rehab", "i never used again", "i havent drank in 2 weeks",
    "i almost relapsed last night", "i almost picked up", "im scared ill relapse", "i dont want to use again",
    "no relapse this month", "relapse prevention class", "i used to drink a lot", "when i drank i always got sick",
    "every time i picked up i ended up in jail", "my girl watched me when i used", "used with my buddy instead of alone",
    "only had 2 beers last night instead of a 12 pack", "i only used twice this week", "my teeth are messed up",
    "i messed up my back at work", "i broke my phone", "i fell off my bike", "i didnt make it to the meeting",
    "lost 10 pounds", "i lost 2 years of my life to dope", "i blew my whole check", "i couldnt even get out of bed",
])
def test_no_return_to_use_in_these_words(text):
    assert not is_return_to_use(text)


def test_every_return_to_use_example_is_heard():
    missed = [t for t in examples("return_to_use.yml", "return_to_use") if not is_return_to_use(t)]
    assert missed == []


# ---------------------------------------------------------------- step_of_report

@pytest.mark.parametrize("text,key", [
    # the colleague's misses
    ("tapered down", "less"), ("only drank 2 nights this week", "less"), ("only smoked half a bowl", "less"),
    ("havent drank in 2 weeks", "days"), ("havent smoked in 3 days", "days"), ("i havent touched meth in 2 weeks", "days"),
    ("a whole month without using", "days"), ("week 3", "days"), ("had my girl watch me", "not_alone"),
    ("been going to na every day", "meeting"), ("started going to aa again", "meeting"),
    # chat variants
    ("i tapered down to 2 a day", "less"), ("i tapered off the pills", "less"), ("smoked way less this week", "less"),
    ("only drank on saturday", "less"), ("havent had a drink in a month", "days"), ("havent used in 5 days", "days"),
    ("havent drank since yesterday", "day_off"), ("i didnt drink today", "day_off"),
    ("a whole month without drinking", "days"), ("2 whole weeks sober", "days"), ("three straight weeks sober", "days"),
    ("week 3 no drinking", "days"), ("week three sober", "days"), ("day 4 no pills", "days"), ("day 1 no meth", "day_off"),
    ("had my girl watch me last night", "not_alone"), ("had my sister stay with me while i used", "not_alone"),
    ("my buddy watched me", "not_alone"), ("im going to meetings every day now", "meeting"),
    ("been to 3 aa meetings this week", "meeting"), ("i used less", "less"), ("i used a fresh needle", "safer_route"),
    ("picked up narcan", "naloxone"), ("i didnt use alone last night", "not_alone"),
])
def test_a_step_taken_is_named(text, key):
    assert step_of_report(text) == key


@pytest.mark.parametrize("text", [
    "going to try to quit", "im going to try to quit", "im going to na tonight", "im going to a meeting tomorrow",
    "im going to a meeting again tomorrow", "im going to go to meetings every day", "gonna cut back",
    "maybe cut down some", "ima try cutting back starting monday", "id like to cut back on the pills",
    "im pretty sure i can cut down on weekdays", "i want to taper", "planning to taper down",
    "i will start going to na", "i might go to an aa meeting", "now i buy them off the street",
])
def test_a_plan_or_no_step_is_not_a_step(text):
    assert step_of_report(text) is None


def test_a_day_off_named_by_a_negation_is_not_a_day_off_when_it_is_about_company():
    assert steps("i didnt use alone last night") == ["not_alone"]


@pytest.mark.parametrize("text,length", [
    ("week 3", "3 weeks"), ("week 1 sober", "a week"), ("month 2 no pills", "2 months"), ("today is day 10", "10 days"),
    ("a whole month without drinking", "a month"), ("havent drank in 2 weeks", "2 weeks"), ("day 1 no meth", None),
])
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
PLAN_WORDS = re.compile(r"\b(want|wanna|wish|hope|gonna|ima|imma|(im|i am) going to|id (like|love)|would like|plan\w*|"
                        r"i will|ill|might|maybe|probably|could|should|try|trying|thinking|need to|have to|gotta|"
                        r"ready to|decided|starting|if i|i can (\w+ )?(cut|stop|quit|taper|start|try))\b")


def test_no_plan_among_the_share_examples_reads_as_a_step():
    plans = [t for t in examples("change_talk.yml", "share") if PLAN_WORDS.search(normalise(t))]
    assert len(plans) >= 40
    assert [(t, step_of_report(t)) for t in plans if step_of_report(t) is not None] == []
