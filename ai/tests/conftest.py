"""Fixtures for the AI service: a real app on a temporary data folder, and small labelled data."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ai.config import Settings
from ai.main import create_app

TOKEN = "test-service-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

_TOPICS = {
    "billing": (
        ["refund", "invoice", "charged twice", "payment", "subscription fee", "credit card charge"],
        [
            "I was {w} for my order",
            "please check the {w} on my account",
            "why is there a {w} this month",
            "need help with a {w}",
            "the {w} looks wrong",
        ],
    ),
    "access": (
        ["password", "login", "two-factor code", "account locked", "sign in", "reset link"],
        [
            "I cannot use my {w}",
            "my {w} does not work",
            "help, {w} problem since yesterday",
            "the {w} keeps failing",
            "where do I find the {w}",
        ],
    ),
    "shipping": (
        ["parcel", "delivery", "tracking number", "courier", "package", "shipment"],
        [
            "my {w} has not arrived",
            "the {w} is late",
            "where is my {w}",
            "{w} went to the wrong address",
            "the {w} was damaged",
        ],
    ),
}


def labelled(
    per_label: int = 30, labels: tuple[str, ...] = ("billing", "access", "shipping")
) -> list[dict[str, str]]:
    """Deterministic tickets: each label's own vocabulary in varied sentences."""
    rows = []
    for label in labels:
        words, templates = _TOPICS[label]
        combos = itertools.cycle(itertools.product(templates, words))
        for n in range(per_label):
            template, word = next(combos)
            rows.append({"text": f"{template.format(w=word)} (ref {n})", "label": label})
    return rows


@pytest.fixture
def make_client(tmp_path: Path) -> Callable[..., TestClient]:
    def make(**overrides: object) -> TestClient:
        values: dict[str, object] = {
            "token": TOKEN,
            "data_dir": tmp_path / "ai",
            "min_labelled": 30,
            "min_per_category": 5,
        }
        settings = Settings(**(values | overrides))  # type: ignore[arg-type]
        return TestClient(create_app(settings))

    return make


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()
