"""Sentiment (VADER) and language (Lingua): both ship their lexicon/models inside the package.

VADER is a rule/lexicon scorer tuned for short informal English: fast (< 1 ms), no training,
and its compound score maps directly onto negative/neutral/positive. Lingua detects 75
languages offline and deterministically from n-gram models compiled into its wheel; its
low-accuracy mode keeps a detection around 1-3 ms with good accuracy on ticket-length text.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

# Standard VADER thresholds on the compound score.
POSITIVE_AT = 0.05
NEGATIVE_AT = -0.05


@dataclass(frozen=True)
class Sentiment:
    label: str
    score: float  # VADER compound, -1 .. 1
    confidence: float


@dataclass(frozen=True)
class Language:
    code: str | None  # ISO 639-1, None when undetermined
    confidence: float


# Words VADER scores that carry no sentiment in a support ticket ("please help", "urgent",
# "support", "number", "free space", "no access"): left in, every polite request reads positive.
SUPPORT_NEUTRAL = (
    "please",
    "help",
    "helps",
    "kindly",
    "support",
    "urgent",
    "number",
    "free",
    "ok",
    "okay",
    "yes",
    "no",
    "like",
    "want",
    "wants",
    "share",
    "sure",
    "true",
    "false",
    "hope",
    "pending",
    "easy",
)


@lru_cache(maxsize=1)
def _vader() -> SentimentIntensityAnalyzer:
    analyzer = SentimentIntensityAnalyzer()
    for word in SUPPORT_NEUTRAL:
        analyzer.lexicon.pop(word, None)
    return analyzer


_lingua_lock = threading.Lock()


@lru_cache(maxsize=1)
def _lingua() -> Any:
    # Heavy (every language's model): loaded on the first detection, not at import.
    from lingua import LanguageDetectorBuilder  # noqa: PLC0415

    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def sentiment(text: str) -> Sentiment:
    scores = _vader().polarity_scores(text[:5000])
    compound = float(scores["compound"])
    if compound >= POSITIVE_AT:
        label, confidence = "positive", scores["pos"] / max(scores["pos"] + scores["neg"], 1e-9)
    elif compound <= NEGATIVE_AT:
        label, confidence = "negative", scores["neg"] / max(scores["pos"] + scores["neg"], 1e-9)
    else:
        label, confidence = "neutral", float(scores["neu"])
    return Sentiment(label, round(compound, 4), round(float(confidence), 4))


def language(text: str) -> Language:
    sample = text[:2000].strip()
    if not sample:
        return Language(None, 0.0)
    with _lingua_lock:
        values = _lingua().compute_language_confidence_values(sample)
    if not values:
        return Language(None, 0.0)
    top = values[0]
    return Language(top.language.iso_code_639_1.name.lower(), round(float(top.value), 4))
