"""Adds the Content-Security-Policy header (Django 5.2 has no built-in CSP)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.CSP_POLICY and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CSP_POLICY
        return response
