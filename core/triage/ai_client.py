"""HTTP client of the AI service, authenticated with the service token from settings.

Callers (Celery tasks, never the request path) catch `AIUnavailable` to retry later: it
covers a service that is down, slow, unconfigured or failing (5xx). `AIRequestError` is a
request the service refused (4xx): retrying it would not help.
"""

from __future__ import annotations

import base64
from typing import Any, Literal

import httpx
from django.conf import settings

DocumentKind = Literal["ticket", "article", "macro"]


class AIError(Exception):
    pass


class AIUnavailable(AIError):
    """The AI service could not answer now; try again later."""


class AIRequestError(AIError):
    def __init__(self, status: int, detail: Any):
        super().__init__(f"AI service refused the request ({status}): {detail}")
        self.status = status
        self.detail = detail


class AIClient:
    def __init__(self, base_url: str | None = None, token: str | None = None, timeout: float | None = None):
        self.base_url = (base_url if base_url is not None else settings.AI_URL).rstrip("/")
        self.token = token if token is not None else settings.AI_TOKEN
        self.timeout = timeout if timeout is not None else settings.AI_TIMEOUT_SECONDS

    def _call(self, method: str, path: str, json: Any = None, timeout: float | None = None) -> Any:
        if not self.base_url or not self.token:
            raise AIUnavailable("the AI service is not configured (FRONTLINE_AI_URL / FRONTLINE_AI_TOKEN)")
        try:
            response = httpx.request(
                method,
                f"{self.base_url}{path}",
                json=json,
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=timeout or self.timeout,
            )
        except httpx.HTTPError as exc:  # connection refused, timeouts, protocol errors
            raise AIUnavailable(f"AI service unreachable: {exc}") from exc
        if response.status_code >= 500:
            raise AIUnavailable(f"AI service error {response.status_code}")
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail")
            except ValueError:
                detail = response.text[:500]
            raise AIRequestError(response.status_code, detail)
        return response.json() if response.content else None

    # -- triage -----------------------------------------------------------------------------
    def classify(
        self,
        *,
        tenant_id: int,
        subject: str,
        body: str,
        customer_tier: str | None = None,
        sla_minutes_left: int | None = None,
        categories: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """`categories` ({name, description, examples}) are matched zero-shot while the tenant
        has no category model."""
        payload: dict[str, Any] = {"subject": subject, "body": body, "customer_tier": customer_tier}
        if sla_minutes_left is not None:
            payload["sla_minutes_left"] = sla_minutes_left
        if categories:
            payload["categories"] = categories
        result: dict[str, Any] = self._call("POST", f"/v1/tenants/{tenant_id}/classify", payload)
        return result

    def classify_batch(self, *, tenant_id: int, tickets: list[dict[str, Any]]) -> list[dict[str, Any]]:
        result = self._call("POST", f"/v1/tenants/{tenant_id}/classify/batch", {"tickets": tickets})
        return list(result["results"])

    # -- training and model versions --------------------------------------------------------------
    def train(
        self,
        *,
        tenant_id: int,
        examples: list[tuple[str, str]],
        kind: Literal["category", "priority"] = "category",
        force: bool = False,
    ) -> dict[str, Any]:
        payload = {
            "kind": kind,
            "force": force,
            "examples": [{"text": t, "label": lbl} for t, lbl in examples],
        }
        result: dict[str, Any] = self._call(
            "POST",
            f"/v1/tenants/{tenant_id}/models/train",
            payload,
            timeout=settings.AI_TRAIN_TIMEOUT_SECONDS,
        )
        return result

    def models(self, *, tenant_id: int, kind: str = "category") -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", f"/v1/tenants/{tenant_id}/models/{kind}")
        return result

    def activate(self, *, tenant_id: int, version: int, kind: str = "category") -> dict[str, Any]:
        result: dict[str, Any] = self._call(
            "POST", f"/v1/tenants/{tenant_id}/models/{kind}/{version}/activate"
        )
        return result

    # -- embeddings -------------------------------------------------------------------------
    def embed(
        self, *, tenant_id: int, texts: list[str], timeout: float | None = None
    ) -> tuple[str, list[bytes]]:
        """(model name, one little-endian float32 vector per text, as bytes). 503 (no model) is
        AIUnavailable like any outage: callers fall back to keywords."""
        result = self._call("POST", f"/v1/tenants/{tenant_id}/embed", {"texts": texts}, timeout=timeout)
        return str(result["model"]), [base64.b64decode(v) for v in result["vectors"]]

    # -- similarity -------------------------------------------------------------------------
    def upsert_documents(self, *, tenant_id: int, documents: list[dict[str, Any]]) -> None:
        for start in range(0, len(documents), 1000):  # the service takes up to 1000 per call
            self._call(
                "PUT", f"/v1/tenants/{tenant_id}/documents", {"documents": documents[start : start + 1000]}
            )

    def delete_document(self, *, tenant_id: int, kind: DocumentKind, doc_id: str) -> bool:
        try:
            self._call("DELETE", f"/v1/tenants/{tenant_id}/documents/{kind}/{doc_id}")
        except AIRequestError as exc:
            if exc.status == 404:
                return False
            raise
        return True

    def similar(
        self,
        *,
        tenant_id: int,
        text: str,
        kinds: tuple[DocumentKind, ...] = ("ticket",),
        limit: int = 5,
        exclude_id: str | None = None,
    ) -> list[dict[str, Any]]:
        payload = {"text": text, "kinds": list(kinds), "limit": limit, "exclude_id": exclude_id}
        return list(self._call("POST", f"/v1/tenants/{tenant_id}/similar", payload)["hits"])

    def suggested_replies(self, *, tenant_id: int, text: str, limit: int = 3) -> dict[str, Any]:
        result: dict[str, Any] = self._call(
            "POST", f"/v1/tenants/{tenant_id}/suggested-replies", {"text": text, "limit": limit}
        )
        return result
