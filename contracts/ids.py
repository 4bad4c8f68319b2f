"""Ids read from text a caller sent (tokens, topics, query values), shared by every service.

`str.isdigit()` is not enough: it accepts superscripts like "²" that `int()` refuses, and
arbitrarily long runs that overflow PostgreSQL's bigint. An id is 1 to 18 ASCII digits.
"""

from __future__ import annotations

MAX_ID_DIGITS = 18  # below 2**63: always fits a bigint


def parse_id(raw: str) -> int | None:
    """The id `raw` spells, or None when it is not one."""
    if not (0 < len(raw) <= MAX_ID_DIGITS and raw.isascii() and raw.isdigit()):
        return None
    return int(raw)
