"""Knowledge base test helpers: articles made through the real services."""

from __future__ import annotations

from typing import Any

import pytest

from kb import services
from kb.models import Article
from tenancy.models import Membership


def make_article(author: Membership, title: str, body: str = "", **extra: Any) -> Article:
    extra.setdefault("status", "published")
    return services.article_create(tenant=author.tenant, author=author, title=title, body=body, **extra)


@pytest.fixture
def article_factory():
    return make_article
