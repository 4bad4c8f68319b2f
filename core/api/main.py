"""The REST API (`/api/v1/`): one NinjaAPI, a router per domain app."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from accounts.api import router as accounts_router
from api.auth import token_or_session
from email_channel.api import router as email_router
from kb.api_public import router as kb_public_router
from kb.api_staff import router as kb_staff_router
from notifications.api import router as notifications_router
from realtime_auth.api import router as realtime_router
from tenancy.api import router as tenancy_router
from webhooks.api import router as webhooks_router

api = NinjaAPI(
    title="Frontline API",
    version="1",
    description="Multi-tenant customer support. Authenticate with a session (browser) "
    "or `Authorization: Bearer <token>` (a personal API token).",
    auth=token_or_session,
    urls_namespace="api-v1",
)


@api.exception_handler(DjangoValidationError)
def django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """Model/service validation errors become 422 with the messages, never a 500."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": "Invalid input.", "errors": errors}, status=422)


api.add_router("/", accounts_router)
api.add_router("/", tenancy_router)
api.add_router("/", webhooks_router)
api.add_router("/", notifications_router)
api.add_router("/", email_router)
api.add_router("/", kb_public_router)
api.add_router("/", kb_staff_router)
api.add_router("/", realtime_router)
