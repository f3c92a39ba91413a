"""tests/data/fallback_messages.yml: realistic held-out messages for bench/mi.py, really held out."""

import yaml

from tools.processes import PROJECT_ROOT

MESSAGES = PROJECT_ROOT / "tests" / "data" / "fallback_messages.yml"


def training_texts():
    texts = set()
    for path in (PROJECT_ROOT / "data" / "nlu").glob("*.yml"):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in (block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    texts.add(line.strip()[2:].strip().lower())
    return texts


def test_at_least_110_varied_messages_with_known_intents():
    items = yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))["messages"]
    assert len(items) >= 110
    assert len({i["text"].lower() for i in items}) == len(items)
    domain_intents = set()
    for path in (PROJECT_ROOT / "domain").glob("*.yml"):
        domain_intents.update(yaml.safe_load(path.read_text(encoding="utf-8")).get("intents") or [])
    assert {i["intent"] for i in items} <= domain_intents
    assert len({i["intent"] for i in items}) >= 15


def test_none_of_them_is_in_the_training_data():
    train = training_texts()
    leaked = [
        i["text"]
        for i in yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))["messages"]
        if i["text"].lower() in train
    ]
    assert leaked == []
