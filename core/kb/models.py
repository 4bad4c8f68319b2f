"""Knowledge base tables: categories, sections, articles, translations, versions, engagement."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from tenancy.fields import TenantForeignKey
from tenancy.models import Membership, TenantOwned


class Category(TenantOwned):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("position", "id")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "slug"], name="kb_category_slug_uniq")
        ]

    def __str__(self) -> str:
        return self.name


class Section(TenantOwned):
    category = TenantForeignKey(Category, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("position", "id")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "category", "slug"], name="kb_section_slug_uniq")
        ]
        indexes: ClassVar = [
            models.Index(fields=["tenant", "category", "position"], name="kb_section_order_idx")
        ]

    def __str__(self) -> str:
        return self.name


class ArticleStatus(models.TextChoices):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class Visibility(models.TextChoices):
    PUBLIC = "public"
    CUSTOMERS = "customers"  # signed-in members of the tenant (customers and staff)
    AGENTS = "agents"  # staff only


class BodyFormat(models.TextChoices):
    MARKDOWN = "markdown"
    HTML = "html"


class Article(TenantOwned):
    """One article; its words live in one translation per locale."""

    section = TenantForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    slug = models.SlugField(max_length=120)
    status = models.CharField(max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC)
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    author = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    helpful_yes = models.PositiveIntegerField(default=0)
    helpful_no = models.PositiveIntegerField(default=0)
    # The solved ticket an agent drafted this article from, if any.
    source_ticket = TenantForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "slug"], name="kb_article_slug_uniq")
        ]
        indexes: ClassVar = [
            models.Index(fields=["tenant", "section", "position"], name="kb_article_section_idx"),
            models.Index(fields=["tenant", "status", "-published_at"], name="kb_article_status_idx"),
            GinIndex(fields=["tenant", "tags"], name="kb_article_tags_idx"),
        ]

    def __str__(self) -> str:
        return self.slug


class ArticleTranslation(TenantOwned):
    """The current words of an article in one locale; every save also writes an ArticleVersion."""

    article = TenantForeignKey(Article, on_delete=models.CASCADE, related_name="translations")
    locale = models.CharField(max_length=16)
    title = models.CharField(max_length=300)
    body_format = models.CharField(max_length=10, choices=BodyFormat.choices, default=BodyFormat.MARKDOWN)
    body_source = models.TextField(blank=True)
    body_html = models.TextField(blank=True, help_text="Rendered and sanitized; safe to show.")
    body_text = models.TextField(blank=True, help_text="Plain text of body_html, for search snippets.")
    # The PostgreSQL text search configuration of this locale (english, german, simple, ...).
    search_config = models.CharField(max_length=40, default="simple")
    search_vector = SearchVectorField(null=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = TenantForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "article", "locale"], name="kb_translation_locale_uniq")
        ]
        indexes: ClassVar = [
            # btree_gin: tenant_id and the vector in one GIN index. Reached through the
            # SECURITY DEFINER search function (see kb/search.py for why not through RLS).
            GinIndex(fields=["tenant", "search_vector"], name="kb_translation_search_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} [{self.locale}]"


class ArticleSearchEntry(TenantOwned):
    """A narrow copy of what search filters and ranks titles by, one row per translation.

    Ranking reads every matching row's vector; a common word matches thousands of
    articles, and reading them from the wide translation rows (bodies in three forms)
    cost most of the suggest time. These rows are ~100 bytes. Kept in step by the
    services (translation save, status and visibility changes).
    """

    article = TenantForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    translation = TenantForeignKey(ArticleTranslation, on_delete=models.CASCADE, related_name="+")
    locale = models.CharField(max_length=16)
    status = models.CharField(max_length=20, choices=ArticleStatus.choices)
    visibility = models.CharField(max_length=20, choices=Visibility.choices)
    title_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "translation"], name="kb_searchentry_translation_uniq")
        ]
        indexes: ClassVar = [GinIndex(fields=["tenant", "title_vector"], name="kb_searchentry_title_idx")]


class ArticleVersion(TenantOwned):
    """Every save of a translation, kept forever (append-only)."""

    append_only = True

    article = TenantForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    locale = models.CharField(max_length=16)
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    body_format = models.CharField(max_length=10, choices=BodyFormat.choices)
    body_source = models.TextField(blank=True)
    created_by = TenantForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["tenant", "article", "locale", "number"], name="kb_version_number_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.locale} v{self.number}"


class ArticleView(TenantOwned):
    """One visitor's view of an article on one day (so a view counts once per visitor per day)."""

    article = TenantForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    visitor = models.CharField(max_length=64)
    day = models.DateField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "article", "visitor", "day"], name="kb_view_once_uniq")
        ]


class ArticleVote(TenantOwned):
    """A "was this helpful?" answer, once per visitor per article per day."""

    article = TenantForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    visitor = models.CharField(max_length=64)
    day = models.DateField()
    helpful = models.BooleanField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "article", "visitor", "day"], name="kb_vote_once_uniq")
        ]


class DeflectionEvent(TenantOwned):
    """A customer opened a suggested article while writing a ticket.

    `form_session` is the portal's id for one ticket form. When the ticket is submitted
    the rows of that form get `submitted_at`; rows left without it past a grace period
    are deflections (the customer found the answer and did not write in).
    """

    article = TenantForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    form_session = models.CharField(max_length=64)
    query = models.CharField(max_length=500, blank=True)
    visitor = models.CharField(max_length=64)
    membership = TenantForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["tenant", "form_session"], name="kb_deflection_form_idx"),
            models.Index(fields=["tenant", "opened_at"], name="kb_deflection_time_idx"),
        ]


class ArticleAttachment(TenantOwned):
    """A file or image of an article, stored in the database (small, tenant-isolated by RLS)."""

    article = TenantForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    uploaded_by = TenantForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["tenant", "article"], name="kb_attachment_article_idx")]

    def __str__(self) -> str:
        return self.filename


class ArticleEmbedding(TenantOwned):
    """The sentence vector of one translation (title and start of body) for semantic suggest.

    Stored as bytea (little-endian float32, 384 values = 1.5 kB): the embedded PostgreSQL has
    no pgvector, and suggest compares against a per-tenant matrix held in the process
    (kb/semantic.py), so the database only has to keep and hand over the vectors.
    `text_sha256` is the digest of the embedded text and `source_updated_at` the translation's
    `updated_at` when it was read: a translation saved since then is embedded again.
    """

    article = TenantForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    translation = TenantForeignKey(ArticleTranslation, on_delete=models.CASCADE, related_name="+")
    locale = models.CharField(max_length=16)
    model = models.CharField(max_length=60)
    text_sha256 = models.CharField(max_length=64)
    vector = models.BinaryField()
    source_updated_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "translation"], name="kb_embedding_translation_uniq")
        ]
