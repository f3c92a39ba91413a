"""Domain checks that never touch the network.

Presidio's email recognizer calls `tldextract.extract`, whose module-level
extractor downloads the Public Suffix List on first use when no cache exists.
Lantern must not reach out at run time, so every domain check here goes
through an extractor that only reads the snapshot bundled with tldextract.
"""

from __future__ import annotations

import functools
from typing import Optional

import tldextract

# No URLs to fetch, no disk cache, bundled snapshot only.
_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


@functools.lru_cache(maxsize=4096)
def public_suffix(host: str) -> Optional[str]:
    """The registered public suffix of `host` ("co.uk", "gov"), or None if it has none."""
    try:
        result = _EXTRACTOR(host)
    except Exception:  # a malformed host is simply not a domain
        return None
    if not result.suffix or not result.domain:
        return None
    return result.suffix


def is_domain(host: str) -> bool:
    """True when `host` ends in a real public suffix, judged offline."""
    return public_suffix(host) is not None
