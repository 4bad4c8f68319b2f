"""The REST API (`/api/v1/`): one NinjaAPI, a router per domain app, errors as problem+json."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, connection, transaction
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from accounts.api.selfservice import router as selfservice_router
from accounts.api.sessions import router as accounts_router
from accounts.api.tenant import router as tenant_router
from accounts.api.tenant_settings import router as tenant_settings_router
from accounts.api.tenant_signup import router as tenant_signup_router
from accounts.api.two_factor import router as two_factor_router
from accounts.throttle import RateLimited
from api_kit.auth import token_or_session
from api_kit.problems import problem, validation_errors_by_field
from api_kit.rendering import OrjsonRenderer
from assignment.api import router as assignment_router
from automations.api import router as automations_router
from csat.api import router as csat_router
from email_channel.api.inbound import router as email_router
from email_channel.api.mailboxes import router as mailbox_router
from kb.api.public import router as kb_public_router
from kb.api.staff import router as kb_staff_router
from notifications.api import router as notifications_router
from privacy.api import router as privacy_router
from realtime_auth.api import router as realtime_router
from reports.api import router as reports_router
from sla.api import router as sla_router
from tickets.api.messages import router as ticket_messages_router
from tickets.api.search import router as ticket_search_router
from tickets.api.settings import router as ticket_settings_router
from tickets.api.tickets import router as tickets_router
from tickets.services.attachments import FileTooLarge
from triage.api import router as triage_router
from webhooks.api import router as webhooks_router
from workspace.api import router as workspace_router

log = logging.getLogger("api")

api = NinjaAPI(
    title="Frontline API",
    version="1",
    description="Multi-tenant customer support. Authenticate with a session (browser) "
    "or `Authorization: Bearer <token>` (a personal API token). Errors are "
    "`application/problem+json` (RFC 9457) with `errors` per field where input was invalid.",
    auth=token_or_session,
    urls_namespace="api-v1",
    renderer=OrjsonRenderer(),
)


@api.exception_handler(DjangoValidationError)
def django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """Model/service validation errors become 422 with the messages, never a 500."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return problem(422, "Invalid input.", errors=errors)


@api.exception_handler(NinjaValidationError)
def request_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return problem(422, "Invalid input.", errors=validation_errors_by_field(exc.errors))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(exc.status_code, str(exc))


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(401, "Sign in or send an API token.")


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(403, str(exc) or "Not allowed.")


@api.exception_handler(RequestDataTooBig)
def body_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return problem(413, "The request body is too large.")


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = problem(429, str(exc))
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    """Services raise Http404 for ids outside the tenant (same answer as a missing id)."""
    return problem(404, str(exc) or "Not Found")


@api.exception_handler(DataError)
def database_refused_value(request: HttpRequest, exc: DataError) -> HttpResponse:
    """PostgreSQL refused a value the caller sent (a NUL character in text, a date or number
    out of its range): the input's fault, so a 400 naming the reason, not a 500. The
    request's transaction is rolled back. Logged, because the edge should have said so."""
    if connection.in_atomic_block:
        transaction.set_rollback(True)
    reason = str(exc).splitlines()[0] if str(exc) else "a value is out of range"
    log.warning("%s %s: database refused a value: %s", request.method, request.path, reason)
    return problem(400, f"A value in the request cannot be used: {reason}.")


@api.exception_handler(FileTooLarge)
def file_too_large(request: HttpRequest, exc: FileTooLarge) -> HttpResponse:
    return problem(413, str(exc))


api.add_router("/", accounts_router)
api.add_router("/", selfservice_router)
api.add_router("/", tenant_router)
api.add_router("/", tenant_settings_router)
api.add_router("/", tenant_signup_router)
api.add_router("/", two_factor_router)
api.add_router("/", webhooks_router)
api.add_router("/", notifications_router)
api.add_router("/", email_router)
api.add_router("/", mailbox_router)
api.add_router("/", kb_public_router)
api.add_router("/", kb_staff_router)
api.add_router("/", realtime_router)
api.add_router("/", tickets_router)
api.add_router("/", ticket_messages_router)
api.add_router("/", ticket_settings_router)
api.add_router("/", ticket_search_router)
api.add_router("/", sla_router)
api.add_router("/", assignment_router)
api.add_router("/", automations_router)
api.add_router("/", csat_router)
api.add_router("/", reports_router)
api.add_router("/", privacy_router)
api.add_router("/", triage_router)
api.add_router("/", workspace_router)
