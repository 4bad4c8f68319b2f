"""Request and response bodies of the AI service (validated at the edge: bad input is a 422)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ai.priority import LEVELS

Label = Annotated[str, Field(min_length=1, max_length=100)]
DocId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")]
Text = Annotated[str, Field(max_length=20_000)]
# A ticket body may be huge (a pasted log, a mis-decoded attachment): it is accepted and
# classified from its first CLASSIFY_CHARS characters, which carry the topic.
HugeText = Annotated[str, Field(max_length=2_000_000)]
CLASSIFY_CHARS = 20_000


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CategoryIn(Strict):
    """A category as the tenant describes it: what zero-shot triage compares tickets with."""

    name: Label
    description: Annotated[str, Field(max_length=2000)] = ""
    examples: Annotated[list[Annotated[str, Field(min_length=1, max_length=2000)]], Field(max_length=20)] = []


class Ticket(Strict):
    subject: Annotated[str, Field(max_length=1000)] = ""
    body: HugeText = ""
    customer_tier: Annotated[str | None, Field(max_length=50)] = None
    sla_minutes_left: int | None = None
    # Used while the tenant has no category model (fewer labelled tickets than it needs).
    categories: Annotated[list[CategoryIn], Field(max_length=200)] = []

    @property
    def text(self) -> str:
        """What the models read: subject and the start of the body, NUL and other control
        characters (binary pasted as text) turned into spaces. May be empty."""
        raw = f"{self.subject}\n{self.body[:CLASSIFY_CHARS]}"
        return raw.translate(_CONTROL).strip()


_CONTROL = {c: " " for c in (*range(0, 9), 11, 12, *range(14, 32), 127)}


class BatchIn(Strict):
    tickets: Annotated[list[Ticket], Field(min_length=1, max_length=256)]


class LabelPrediction(BaseModel):
    enabled: bool
    # None with `enabled`: "unknown" (no text, or like nothing the model or categories know).
    label: str | None = None
    confidence: float | None = None
    alternatives: list[tuple[str, float]] = []
    model_version: int | None = None
    reason: str | None = None
    # "model": the tenant's trained model; "zero-shot": similarity to the category descriptions.
    source: Literal["model", "zero-shot"] | None = None
    pipeline: str | None = None  # the model's pipeline, or the zero-shot similarity's encoder


class PriorityPrediction(BaseModel):
    label: str
    confidence: float | None  # None when only rules decided: there is no probability to report
    source: Literal["rules", "model", "model+rules"]
    reasons: list[str]
    model_version: int | None = None


class SentimentOut(BaseModel):
    label: Literal["negative", "neutral", "positive"]
    score: float
    confidence: float
    model: str = "vader-3.3"


class LanguageOut(BaseModel):
    code: str | None
    confidence: float
    model: str = "lingua-2-low-accuracy"


class Classification(BaseModel):
    category: LabelPrediction
    priority: PriorityPrediction
    sentiment: SentimentOut
    language: LanguageOut


class BatchOut(BaseModel):
    results: list[Classification]


class Example(Strict):
    text: Annotated[str, Field(min_length=1, max_length=20_000)]
    label: Label


class TrainIn(Strict):
    kind: Literal["category", "priority"] = "category"
    examples: Annotated[list[Example], Field(max_length=200_000)]
    force: bool = False
    # The tenant's choice (ai/pipelines.py); the service's default when absent.
    pipeline: Literal["accurate", "fast", "tfidf"] | None = None

    @model_validator(mode="after")
    def _priority_levels(self) -> TrainIn:
        if self.kind == "priority":
            bad = sorted({e.label for e in self.examples} - set(LEVELS))
            if bad:
                raise ValueError(f"priority labels must be one of {list(LEVELS)}; got {bad[:5]}")
        return self


class TrainOut(BaseModel):
    version: int
    activated: bool
    reason: str
    metrics: dict[str, float | int]
    previous_version: int | None
    previous_metrics: dict[str, float | int] | None
    pipeline: str


class ModelVersion(BaseModel):
    version: int
    active: bool
    metrics: dict[str, float | int]
    labels: list[str]
    trained_at: float
    train_seconds: float
    pipeline: str


class ModelList(BaseModel):
    kind: str
    active_version: int | None
    versions: list[ModelVersion]


class Document(Strict):
    kind: Literal["ticket", "article", "macro"]
    id: DocId
    title: Annotated[str, Field(max_length=1000)] = ""
    text: Annotated[str, Field(min_length=1, max_length=20_000)]
    reply: Annotated[str | None, Field(max_length=20_000)] = None  # for solved tickets
    solved: bool = False


class DocumentsIn(Strict):
    documents: Annotated[list[Document], Field(min_length=1, max_length=1000)]


class SimilarIn(Strict):
    text: Annotated[str, Field(min_length=1, max_length=20_000)]
    kinds: Annotated[list[Literal["ticket", "article", "macro"]], Field(min_length=1)] = ["ticket"]
    limit: Annotated[int, Field(ge=1, le=50)] = 5
    exclude_id: DocId | None = None


class HitOut(BaseModel):
    kind: str
    id: str
    title: str
    score: float
    keyword: float
    semantic: float


class SimilarOut(BaseModel):
    hits: list[HitOut]
    semantic: bool  # False when the embedding model is unavailable (keyword-only fallback)


class ReplyOut(BaseModel):
    text: str
    score: float
    ticket_ids: list[str]


class RepliesOut(BaseModel):
    replies: list[ReplyOut]
    macros: list[HitOut]


class EmbedIn(Strict):
    texts: Annotated[list[Annotated[str, Field(max_length=20_000)]], Field(min_length=1, max_length=256)]


class EmbedOut(BaseModel):
    model: str
    dimensions: int
    # Each vector as base64 of little-endian float32 (L2-normalised): exact and ~3x smaller than JSON.
    vectors: list[str]
