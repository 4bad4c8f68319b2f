"""Refuse oversized request bodies with 413 before anything reads them."""

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
