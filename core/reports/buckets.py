"""Log-scaled duration histograms: mergeable across days, percentiles within ~9% of the truth.

Bucket 0 holds durations under one second; bucket b >= 1 holds [2^((b-1)/4), 2^(b/4)) seconds,
four buckets per doubling, up to about 2^26 s (two years); longer durations share the last one.
The same formula is written in SQL in `rebuild.py` (bulk rebuild); both floor the seconds first.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from itertools import accumulate, zip_longest

PER_DOUBLING = 4
BUCKETS = 1 + 26 * PER_DOUBLING  # 105


def bucket_of(seconds: int) -> int:
    if seconds < 1:
        return 0
    return min(BUCKETS - 1, 1 + math.floor(math.log2(seconds) * PER_DOUBLING))


def bucket_value(bucket: int) -> float:
    """The geometric middle of a bucket, what a percentile falling into it reports."""
    if bucket == 0:
        return 0.0
    return 2 ** ((bucket - 0.5) / PER_DOUBLING)


_ROUNDED = [round(bucket_value(i), 1) for i in range(BUCKETS)]


def empty() -> list[int]:
    return [0] * BUCKETS


def merge(histograms: Iterable[Sequence[int] | None]) -> list[int]:
    """Element-wise sum; histograms may be trimmed (trailing zeros left out)."""
    total: list[int] = []
    for hist in histograms:
        if hist:
            total = [a + b for a, b in zip_longest(total, hist, fillvalue=0)]
    return total or empty()


def percentiles(hist: Sequence[int], *qs: float) -> list[float | None]:
    """The values at ranks ceil(q*n) (nearest-rank) for each q; None for an empty histogram."""
    cumulative = list(accumulate(hist))
    n = cumulative[-1] if cumulative else 0
    if n <= 0:
        return [None for _ in qs]
    out: list[float | None] = []
    for q in qs:
        i = min(bisect_left(cumulative, max(1, math.ceil(q * n))), len(hist) - 1)
        out.append(_ROUNDED[i])
    return out


def percentile(hist: Sequence[int], q: float) -> float | None:
    return percentiles(hist, q)[0]
