"""Request and response shapes of the knowledge base API."""

from __future__ import annotations

import datetime

from ninja import Field, Schema

from kb.models import ArticleStatus, BodyFormat, Visibility


class LocalesOut(Schema):
    locales: list[str]
    default_locale: str


class LocalesIn(Schema):
    locales: list[str] = Field(max_length=30)
    default_locale: str = Field(max_length=16)


class SectionOut(Schema):
    id: int
    category_id: int
    name: str
    slug: str
    description: str
    position: int


class CategoryOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    position: int
    sections: list[SectionOut]


class CategoryIn(Schema):
    name: str = Field(max_length=200)
    slug: str | None = Field(default=None, max_length=100)
    description: str = Field(default="", max_length=5000)
    position: int = Field(default=0, ge=0, le=1_000_000)


class CategoryPatch(Schema):
    name: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    position: int | None = Field(default=None, ge=0, le=1_000_000)


class SectionIn(CategoryIn):
    category_id: int


class SectionPatch(Schema):
    name: str | None = Field(default=None, max_length=200)
    position: int | None = Field(default=None, ge=0, le=1_000_000)


class ArticleAttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    url: str


class ArticleSummaryOut(Schema):
    id: int
    slug: str
    locale: str
    title: str
    section_id: int | None
    tags: list[str]
    visibility: str
    published_at: datetime.datetime | None
    updated_at: datetime.datetime


class ArticleOut(ArticleSummaryOut):
    body_html: str
    locales: list[str]
    view_count: int
    helpful_yes: int
    helpful_no: int
    attachments: list[ArticleAttachmentOut]


class SearchHitOut(Schema):
    id: int
    slug: str
    locale: str
    title: str
    rank: float
    snippet_html: str = Field(description="Plain text, HTML-escaped, with matches in <mark>.")


class SuggestionOut(Schema):
    id: int
    slug: str
    locale: str
    title: str


class VoteIn(Schema):
    helpful: bool


class CountedOut(Schema):
    counted: bool


class DeflectionIn(Schema):
    article_id: int
    form_session: str = Field(
        min_length=1, max_length=64, description="The portal's id for this ticket form."
    )
    query: str = Field(default="", max_length=500)


class DeflectionOut(Schema):
    id: int


class DeflectionSubmittedIn(Schema):
    form_session: str = Field(min_length=1, max_length=64)


class DeflectionSubmittedOut(Schema):
    updated: int


# -- staff ------------------------------------------------------------------------------


class TranslationOut(Schema):
    locale: str
    title: str
    body_format: str
    body_source: str
    body_html: str
    version: int
    updated_at: datetime.datetime


class ArticleStaffOut(Schema):
    id: int
    slug: str
    status: str
    visibility: str
    section_id: int | None
    tags: list[str]
    position: int
    author_id: int | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    published_at: datetime.datetime | None
    view_count: int
    helpful_yes: int
    helpful_no: int
    source_ticket_id: int | None
    translations: list[TranslationOut]


class ArticleCreateIn(Schema):
    title: str = Field(max_length=300)
    body: str = Field(default="", max_length=200_000)
    body_format: BodyFormat = BodyFormat.MARKDOWN
    locale: str | None = Field(default=None, max_length=16)
    slug: str | None = Field(default=None, max_length=120)
    section_id: int | None = None
    visibility: Visibility = Visibility.PUBLIC
    tags: list[str] = Field(default_factory=list, max_length=20)
    status: ArticleStatus = ArticleStatus.DRAFT


class ArticlePatchIn(Schema):
    section_id: int | None = Field(default=None, description="0 takes the article out of its section.")
    visibility: Visibility | None = None
    tags: list[str] | None = Field(default=None, max_length=20)
    slug: str | None = Field(default=None, max_length=120)
    position: int | None = Field(default=None, ge=0, le=1_000_000)


class TranslationIn(Schema):
    title: str = Field(max_length=300)
    body: str = Field(default="", max_length=200_000)
    body_format: BodyFormat = BodyFormat.MARKDOWN
    note: str = Field(default="", max_length=200)


class ArticleStatusIn(Schema):
    status: ArticleStatus


class DraftFromTextIn(Schema):
    title: str = Field(max_length=300)
    body: str = Field(max_length=200_000)


class VersionOut(Schema):
    number: int
    locale: str
    title: str
    body_format: str
    created_by_id: int | None
    created_at: datetime.datetime
    note: str


class VersionDetailOut(VersionOut):
    body_source: str


class DiffOut(Schema):
    locale: str
    from_number: int
    to_number: int
    diff: str
