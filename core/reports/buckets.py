"""Log-scaled duration histograms: mergeable across days, percentiles within ~9% of the truth.

Bucket 0 holds durations under one second; bucket b >= 1 holds [2^((b-1)/4), 2^(b/4)) seconds,
four buckets per doubling, up to about 2^26 s (two years); longer durations share the last one.
The same formula is written in SQL in `rebuild.py` (bulk rebuild); both floor the seconds first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

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


def empty() -> list[int]:
    return [0] * BUCKETS


def merge(histograms: Iterable[Sequence[int] | None]) -> list[int]:
    total = empty()
    for hist in histograms:
        if hist:
            for i, count in enumerate(hist):
                total[i] += count
    return total


def percentile(hist: Sequence[int], q: float) -> float | None:
    """The value at rank ceil(q*n) (nearest-rank), or None for an empty histogram."""
    n = sum(hist)
    if n <= 0:
        return None
    rank = max(1, math.ceil(q * n))
    seen = 0
    for i, count in enumerate(hist):
        seen += count
        if seen >= rank:
            return round(bucket_value(i), 1)
    return round(bucket_value(len(hist) - 1), 1)
