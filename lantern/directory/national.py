"""National resources that work anywhere in the US, built in so they are there with no import.

Local options come first in conversation; these are the fallback when nothing
local fits, and the always-on lines for a crisis. Kept short and factual;
check them when this file is touched (numbers and sites do change).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, List, Optional, Tuple

from lantern.directory import taxonomy


@dataclass(frozen=True)
class NationalResource:
    key: str
    name: str
    what: str  # one plain sentence
    service_types: Tuple[str, ...]
    phone: Optional[str] = None
    text: Optional[str] = None  # number to text, where texting works
    url: Optional[str] = None
    hours: str = "24/7"
    free: bool = True


NATIONAL: Tuple[NationalResource, ...] = (
    NationalResource(
        key="988",
        name="988 Suicide & Crisis Lifeline",
        what=(
            "Call or text 988 to talk with a trained crisis counselor, any time, "
            "about anything that feels like too much."
        ),
        service_types=("crisis", "mental_health"),
        phone="988",
        text="988",
        url="https://988lifeline.org",
    ),
    NationalResource(
        key="samhsa",
        name="SAMHSA National Helpline",
        what="Free, confidential treatment referral and information, in English and Spanish.",
        service_types=("treatment", "buprenorphine", "methadone", "detox", "mental_health"),
        phone="1-800-662-4357",
        url="https://www.samhsa.gov/find-help/helplines/national-helpline",
    ),
    NationalResource(
        key="findtreatment",
        name="FindTreatment.gov",
        what="Search licensed treatment near you, including buprenorphine and methadone, by ZIP and payment type.",
        service_types=("treatment", "buprenorphine", "methadone", "detox"),
        url="https://findtreatment.gov",
        hours="online any time",
    ),
    NationalResource(
        key="nextdistro",
        name="NEXT Distro (mail-order naloxone and supplies)",
        what="Free naloxone and other harm reduction supplies by mail in many states, and a finder for local programs.",
        service_types=("naloxone", "test_strips", "syringe_services"),
        url="https://nextdistro.org",
        hours="online any time",
    ),
    NationalResource(
        key="poison",
        name="Poison Control",
        what="Call for fast, free, expert advice about a possible poisoning or a bad reaction to a substance.",
        service_types=("medical", "crisis"),
        phone="1-800-222-1222",
        url="https://www.poison.org",
    ),
    NationalResource(
        key="neverusealone",
        name="Never Use Alone",
        what=(
            "If you are using alone, call and stay on the line; if you stop responding they send help to your location."
        ),
        service_types=("naloxone",),
        phone="1-800-484-3731",
        url="https://neverusealone.com",
    ),
)


def national_resources(service_types: Iterable[str] = ()) -> List[NationalResource]:
    """All national resources, or those matching any of `service_types` (codes or aliases)."""
    codes = {taxonomy.normalise_type(t) or str(t) for t in service_types}
    if not codes:
        return list(NATIONAL)
    return [r for r in NATIONAL if codes & set(r.service_types)]
