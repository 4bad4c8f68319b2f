"""Request and response shapes of the ticketing API. Customer shapes leave agent-only fields out.

Responses are plain pydantic models fed with dicts: ninja's `Schema` wraps every value in
an attribute getter, which costs more than the rest of a list request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import BaseModel, Field


class PersonOut(BaseModel):
    id: int
    name: str
    email: str


class CustomerTicketOut(BaseModel):
    """What a customer sees of their ticket."""

    id: int
    number: int
    display_number: str
    subject: str
    status: str
    status_category: str
    priority: str
    type: str
    channel: str
    requester: PersonOut
    custom_fields: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime
    solved_at: dt.datetime | None
    closed_at: dt.datetime | None
    merged_into_id: int | None


class AiOut(BaseModel):
    category: str
    category_confidence: float | None
    priority: str
    priority_confidence: float | None
    sentiment: str
    sentiment_confidence: float | None
    language: str
    language_confidence: float | None
    model_version: str


class TicketOut(CustomerTicketOut):
    """What staff see: everything, including agent-only fields."""

    category: str
    assignee: PersonOut | None
    team_id: int | None
    tags: list[str]
    due_at: dt.datetime | None
    first_response_at: dt.datetime | None
    ai: AiOut


class TicketPage(BaseModel):
    items: list[TicketOut] | list[CustomerTicketOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class AttachmentOut(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    message_id: int | None
    created_at: dt.datetime
    download_url: str


class MessageArticleOut(BaseModel):
    article_id: int | None
    title: str
    url: str


class MessageOut(BaseModel):
    id: int
    ticket_id: int
    author: PersonOut | None
    is_internal: bool
    channel: str
    body_html: str
    body_text: str
    created_at: dt.datetime
    attachments: list[AttachmentOut]
    articles: list[MessageArticleOut]


class LinkOut(BaseModel):
    id: int
    kind: str
    source_id: int
    source_number: int
    target_id: int
    target_number: int


class TicketDetailOut(TicketOut):
    messages: list[MessageOut]
    follower_ids: list[int]
    links: list[LinkOut]


class CustomerTicketDetailOut(CustomerTicketOut):
    messages: list[MessageOut]


class TicketCreateIn(Schema):
    subject: str = Field(min_length=1, max_length=250)
    body_text: str | None = Field(default=None, max_length=200_000)
    body_html: str | None = Field(default=None, max_length=400_000)
    requester_id: int | None = None
    channel: str | None = None
    priority: str = "normal"
    type: str = "question"
    category: str = Field(default="", max_length=100)
    assignee_id: int | None = None
    team_id: int | None = None
    tags: list[str] = Field(default_factory=list, max_length=30)
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    due_at: dt.datetime | None = None


class TicketUpdateIn(Schema):
    """Only the fields sent are changed; null clears assignee, team, due date or a custom field."""

    subject: str | None = Field(default=None, max_length=250)
    status: str | None = None
    priority: str | None = None
    type: str | None = None
    category: str | None = Field(default=None, max_length=100)
    assignee_id: int | None = None
    team_id: int | None = None
    tags: list[str] | None = Field(default=None, max_length=30)
    add_tags: list[str] | None = Field(default=None, max_length=30)
    remove_tags: list[str] | None = Field(default=None, max_length=30)
    custom_fields: dict[str, Any] | None = None
    due_at: dt.datetime | None = None
    follower_ids: list[int] | None = Field(default=None, max_length=100)


class BulkUpdateIn(Schema):
    ids: list[int] = Field(min_length=1, max_length=100)
    status: str | None = None
    priority: str | None = None
    assignee_id: int | None = None
    team_id: int | None = None
    tags: list[str] | None = Field(default=None, max_length=30)
    add_tags: list[str] | None = Field(default=None, max_length=30)
    remove_tags: list[str] | None = Field(default=None, max_length=30)


class BulkUpdateOut(BaseModel):
    updated: int
    items: list[TicketOut]


class MergeIn(Schema):
    target_id: int


class LinkIn(Schema):
    target_id: int
    kind: Literal["related", "duplicate_of", "parent_of"]


class MessageIn(Schema):
    body_text: str | None = Field(default=None, max_length=200_000)
    body_html: str | None = Field(default=None, max_length=400_000)
    internal: bool = False
    attachment_ids: list[int] = Field(default_factory=list, max_length=20)
    article_ids: list[int] = Field(
        default_factory=list,
        max_length=10,
        description="Staff: knowledge base articles to link; appended to the body as portal links.",
    )


class ChangeOut(BaseModel):
    id: int
    field: str
    old: Any
    new: Any
    via: str
    actor: PersonOut | None
    created_at: dt.datetime


class TagOut(BaseModel):
    name: str
    count: int


class CustomFieldIn(Schema):
    key: str = Field(min_length=1, max_length=40)
    label: str = Field(min_length=1, max_length=100)
    field_type: Literal["text", "number", "date", "dropdown", "multiselect", "checkbox"]
    required: bool = False
    options: list[str] = Field(default_factory=list, max_length=500)
    agent_only: bool = False
    position: int = Field(default=0, ge=0, le=10_000)


class CustomFieldUpdateIn(Schema):
    label: str | None = Field(default=None, min_length=1, max_length=100)
    required: bool | None = None
    options: list[str] | None = Field(default=None, max_length=500)
    agent_only: bool | None = None
    position: int | None = Field(default=None, ge=0, le=10_000)
    active: bool | None = None


class CustomFieldOut(BaseModel):
    id: int
    key: str
    label: str
    field_type: str
    required: bool
    options: list[str]
    agent_only: bool
    position: int
    active: bool


class StatusIn(Schema):
    key: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=80)
    category: Literal["new", "open", "pending", "on_hold", "solved", "closed"]
    position: int = Field(default=0, ge=0, le=10_000)


class StatusOut(BaseModel):
    key: str
    name: str
    category: str
    custom: bool


class TicketSearchHitOut(BaseModel):
    ticket: TicketOut | CustomerTicketOut
    rank: float
    subject_html: str = Field(description="The subject, HTML-escaped, with matches in <mark>.")
    snippet_html: str = Field(description="A matching fragment of a message, escaped, matches in <mark>.")


class SearchOut(BaseModel):
    items: list[TicketSearchHitOut]
    fuzzy: bool = Field(description="True when no word matched and these are trigram (typo) matches.")
