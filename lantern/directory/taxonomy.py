"""Lantern's own small service taxonomy, and how organisations' terms map onto it.

Directories arrive with whatever taxonomy their publisher uses (AIRS/211 codes,
Open Eligibility, home-grown tags). Lantern keeps those terms as given, and
also tags each service with a few plain types a person would ask for
("naloxone", "methadone", "food"), so search does not depend on the publisher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Pattern, Set, Tuple

#: Taxonomy name that publishers can use to tag services with Lantern types directly.
LANTERN_TAXONOMY = "lantern"


@dataclass(frozen=True)
class ServiceType:
    """One Lantern service type: a stable code, a short label for people, and aliases."""

    code: str
    label: str
    aliases: Tuple[str, ...] = ()


SERVICE_TYPES: Tuple[ServiceType, ...] = (
    ServiceType("treatment", "Substance use treatment", ("rehab", "sud treatment", "addiction treatment")),
    ServiceType("buprenorphine", "Buprenorphine (Suboxone)", ("bupe", "suboxone", "subutex", "sublocade")),
    ServiceType("methadone", "Methadone", ("otp", "methadone clinic")),
    ServiceType("detox", "Detox / withdrawal management", ("withdrawal", "withdrawal management")),
    ServiceType("syringe_services", "Syringe services", ("ssp", "needle exchange", "syringe services", "syringes")),
    ServiceType("naloxone", "Naloxone (Narcan)", ("narcan",)),
    ServiceType(
        "test_strips", "Drug checking / test strips", ("fentanyl test strips", "fts", "drug checking", "test strips")
    ),
    ServiceType(
        "mutual_help", "Mutual help groups", ("aa", "na", "smart recovery", "12-step", "mutual help", "support group")
    ),
    ServiceType("peer_support", "Peer support", ("peer", "recovery coach", "peer support")),
    ServiceType("counselling", "Counselling", ("counseling", "therapy")),
    ServiceType("mental_health", "Mental health", ("mental health", "psychiatry")),
    ServiceType("medical", "Medical care", ("clinic", "primary care", "wound care", "health care")),
    ServiceType("testing", "HIV / hepatitis C testing", ("hiv", "hcv", "hep c", "sti testing")),
    ServiceType("housing", "Housing and shelter", ("shelter", "recovery housing")),
    ServiceType("food", "Food", ("meals", "food pantry", "pantry")),
    ServiceType("crisis", "Crisis support", ("crisis line", "hotline")),
)

TYPE_CODES: Tuple[str, ...] = tuple(t.code for t in SERVICE_TYPES)
_BY_CODE: Dict[str, ServiceType] = {t.code: t for t in SERVICE_TYPES}

# Lantern's access flags: what a person can act on today without a barrier.
FLAG_CODES: Tuple[str, ...] = ("free", "walk_in", "no_insurance")

# Keyword rules applied to a term's name and code (and, when a service has no
# mapped term at all, to its name). Word boundaries keep "na" from matching
# "national". Order does not matter: a term can map to several types.
_RULES: List[Tuple[str, Pattern[str]]] = [
    (code, re.compile(pattern, re.IGNORECASE))
    for code, pattern in [
        ("buprenorphine", r"\b(buprenorphine|suboxone|subutex|sublocade|zubsolv|bupe)\b"),
        ("methadone", r"\b(methadone|opioid treatment program|otp)\b"),
        ("detox", r"\b(detox\w*|withdrawal management|medically supervised withdrawal)\b"),
        ("syringe_services", r"\b(syringe\w*|needle exchange|needle\s+and\s+syringe|ssp|harm reduction supplies)\b"),
        ("naloxone", r"\b(naloxone|narcan|kloxxado|zimhi)\b"),
        ("test_strips", r"\b(test strips?|fentanyl test\w*|drug checking|xylazine test\w*|fts)\b"),
        (
            "mutual_help",
            r"\b(mutual (aid|help|support)|12[- ]step|alcoholics anonymous|narcotics anonymous|smart recovery|"
            r"support groups?)\b",
        ),
        ("peer_support", r"\b(peer (support|recovery|specialist|navigat\w+)|recovery coach\w*)\b"),
        ("counselling", r"\b(counsel+ing|counsel+or\w*|therapy|psychotherapy)\b"),
        ("mental_health", r"\b(mental health|psychiatr\w*|behavioral health)\b"),
        ("medical", r"\b(medical|primary care|health care|healthcare|wound care|community health cent\w+)\b"),
        ("testing", r"\b(hiv|hcv|hep(atitis)? c|sti testing|std testing)\b"),
        ("housing", r"\b(housing|shelter\w*|sober living|recovery residence\w*)\b"),
        ("food", r"\b(food|meals?|pantry|pantries|soup kitchen)\b"),
        ("crisis", r"\b(crisis|suicide)\b"),
        (
            "treatment",
            r"\b(substance use (disorder )?treatment|addiction treatment|sud treatment|rehab\w*|"
            r"residential treatment|outpatient treatment|moud|mat|medications? for (opioid|addiction)|"
            r"opioid use disorder treatment|drug treatment|alcohol treatment)\b",
        ),
    ]
]
_FLAG_RULES: List[Tuple[str, Pattern[str]]] = [
    ("free", re.compile(r"(?<![-\w])(free( of charge)?|no cost|no[- ]fee|at no charge)\b", re.IGNORECASE)),
    (
        "walk_in",
        re.compile(r"\b(walk[- ]?ins?( welcome)?|no appointment( needed| necessary)?|drop[- ]in)\b", re.IGNORECASE),
    ),
    (
        "no_insurance",
        re.compile(
            r"\b(no insurance (needed|required|necessary)|uninsured( welcome)?|insurance not required|"
            r"regardless of insurance)\b",
            re.IGNORECASE,
        ),
    ),
]
# Medication types imply treatment, so a "treatment" search finds them too.
_IMPLIES: Dict[str, Tuple[str, ...]] = {"buprenorphine": ("treatment",), "methadone": ("treatment",)}


def get(code: str) -> Optional[ServiceType]:
    return _BY_CODE.get(code)


@lru_cache(maxsize=4096)
def normalise_type(text: str) -> Optional[str]:
    """Map a user- or staff-given type ("Narcan", "syringe services") to a Lantern code."""
    key = " ".join(str(text).strip().lower().replace("_", " ").replace("-", " ").split())
    if not key:
        return None
    for t in SERVICE_TYPES:
        if key in (t.code.replace("_", " "), t.label.lower()) or key in (a.replace("-", " ") for a in t.aliases):
            return t.code
    return None


def types_for_term(name: str, code: str = "", taxonomy: str = "") -> Set[str]:
    """Lantern types for one of the publisher's taxonomy terms."""
    return set(_types_for_term(name, code, taxonomy))


@lru_cache(maxsize=8192)  # a directory has few distinct terms and many services
def _types_for_term(name: str, code: str, taxonomy: str) -> frozenset:
    found: Set[str] = set()
    if taxonomy.strip().lower() == LANTERN_TAXONOMY:
        direct = normalise_type(code) or normalise_type(name)
        if direct:
            found.add(direct)
        return frozenset(_with_implied(found))
    text = f"{name} {code}"
    for type_code, rx in _RULES:
        if rx.search(text):
            found.add(type_code)
    return frozenset(_with_implied(found))


def flags_for_text(*texts: Optional[str]) -> Set[str]:
    """Access flags (free, walk-in, no insurance) named in free text or term names."""
    joined = " ".join(t for t in texts if t)
    return {flag for flag, rx in _FLAG_RULES if rx.search(joined)}


@lru_cache(maxsize=8192)
def _flags_for_term(name: str, code: str, taxonomy: str) -> frozenset:
    if taxonomy.strip().lower() == LANTERN_TAXONOMY:
        key = (code or name).strip().lower().replace("-", "_").replace(" ", "_")
        return frozenset({key} if key in FLAG_CODES else ())
    return frozenset(flags_for_text(name, code))


def flags_for_term(name: str, code: str = "", taxonomy: str = "") -> Set[str]:
    """Access flags (free, walk-in, no insurance) named by one of the publisher's terms."""
    return set(_flags_for_term(name, code, taxonomy))


def types_for_service_name(name: str) -> Set[str]:
    """Fallback when none of a service's terms map: keywords in its name only."""
    return types_for_term(name)


def _with_implied(codes: Iterable[str]) -> Set[str]:
    out = set(codes)
    for code in list(out):
        out.update(_IMPLIES.get(code, ()))
    return out
