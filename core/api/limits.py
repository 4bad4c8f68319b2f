"""Requests refused before anything reads them: oversized bodies (413), and query
parameters with a NUL character (400), which PostgreSQL cannot hold in text; refused here
because a streamed export would only meet the database's error after its 200 had gone."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from api_kit.problems import problem

MULTIPART_OVERHEAD = 64 * 1024  # boundaries and part headers around one file


class BodySizeLimitMiddleware:
    """JSON bodies may be DATA_UPLOAD_MAX_MEMORY_SIZE, uploads ATTACHMENT_MAX_BYTES (plus framing)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return problem(400, "Invalid Content-Length.")
        is_upload = request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data")
        limit = (
            settings.ATTACHMENT_MAX_BYTES + MULTIPART_OVERHEAD
            if is_upload
            else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )
        if length > limit:
            detail = (
                f"Attachments may be at most {settings.ATTACHMENT_MAX_BYTES} bytes."
                if is_upload
                else f"Request bodies may be at most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."
            )
            return problem(413, detail)
        return self.get_response(request)


class NulInQueryMiddleware:
    """400 for a query parameter containing NUL (U+0000), on every path."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
            return problem(400, "Query parameters may not contain the NUL character.")
        return self.get_response(request)
