"""One object per id kind of the API's paths, for one tenant: the factories of the two-tenant walk.

`ID_FACTORIES` is keyed by path parameter name; each factory takes the tenant's `WorldSeeds`
and the route's path (one name can mean two kinds: `job_id` is an export or a training job)
and answers the value to put in the path. Objects are made through the API as the tenant's
owner where it can make them, else through the service, once per tenant (cached).

A new path parameter needs an entry here; until it has one, the walk fails and says so.
Webhook and mailbox hosts are loopback: the walk's test allows private targets (nothing is
ever sent to them; the objects only need to exist).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from csat.models import CsatSurvey
from csat.services import csat_request, survey_token
from notifications.services import notify_members
from privacy.services import person_erase
from privacy.services.export import privacy_export_run
from reports.services.exports import export_job_run
from tenancy.context import tenant_context
from tenancy.models import Role
from testing.factories import TenantWorld, host_for, make_member, token_client
from tickets.models import Ticket
from triage.models import Prediction

NINE_TO_FIVE = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
ONE_PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
ADD_TAG = [{"type": "add_tags", "tags": ["walk"]}]


def _assert_made(path: str, response: Any) -> None:
    assert response.status_code < 300, f"seeding {path}: {response.status_code} {response.content[:300]!r}"


class WorldSeeds:
    """The objects of one tenant the walk puts in paths, made on first use."""

    def __init__(self, world: TenantWorld) -> None:
        self.world = world
        self.host = host_for(world.tenant)
        self.owner, _ = token_client(world.owner)

    def _post(self, path: str, body: Any = None, *, files: dict[str, Any] | None = None) -> Any:
        client: Client = self.owner
        if files is not None:
            response = client.post(path, files, HTTP_HOST=self.host)
        else:
            response = client.post(path, json.dumps(body or {}), content_type="application/json")
        _assert_made(path, response)
        return response.json()

    def _id(self, path: str, body: Any = None) -> str:
        return str(self._post(path, body)["id"])

    @cached_property
    def ticket(self) -> str:
        """A ticket of the tenant's customer, so the customer's own id resolves too."""
        body = {"subject": "walk", "body_text": "walk", "requester_id": self.world.customer.id}
        return self._id("/api/v1/tickets", body)

    @cached_property
    def other_ticket(self) -> str:
        return self._id("/api/v1/tickets", {"subject": "walk 2", "body_text": "walk"})

    @cached_property
    def ticket_attachment(self) -> str:
        upload = SimpleUploadedFile("walk.txt", b"walk", content_type="text/plain")
        return str(self._post(f"/api/v1/tickets/{self.ticket}/attachments", files={"file": upload})["id"])

    @cached_property
    def link(self) -> str:
        body = {"target_id": int(self.other_ticket), "kind": "related"}
        return self._id(f"/api/v1/tickets/{self.ticket}/links", body)

    @cached_property
    def article(self) -> dict[str, Any]:
        return self._post("/api/v1/kb/manage/articles", {"title": "Walk article", "status": "published"})

    @cached_property
    def article_attachment(self) -> str:
        upload = SimpleUploadedFile("walk.png", ONE_PIXEL_PNG, content_type="image/png")
        path = f"/api/v1/kb/manage/articles/{self.article['id']}/attachments"
        return str(self._post(path, files={"file": upload})["id"])

    @cached_property
    def category(self) -> str:
        return self._id("/api/v1/kb/manage/categories", {"name": "Walk"})

    @cached_property
    def section(self) -> str:
        return self._id("/api/v1/kb/manage/sections", {"name": "Walk", "category_id": int(self.category)})

    @cached_property
    def team(self) -> str:
        return self._id("/api/v1/teams", {"name": "Walk"})

    @cached_property
    def survey_token(self) -> str:
        """A CSAT survey's link token (surveys are made when a ticket is solved)."""
        tenant = self.world.tenant
        with tenant_context(tenant.id):
            Ticket.objects.filter(tenant=tenant, id=int(self.ticket)).update(status="solved")
            survey = csat_request(tenant=tenant, ticket_id=int(self.ticket))
            if survey is None:  # CSAT is off by default: the settings say so, not the walk
                self._post_put("/api/v1/csat/settings", {"enabled": True})
                survey = csat_request(tenant=tenant, ticket_id=int(self.ticket))
            assert isinstance(survey, CsatSurvey)
            Ticket.objects.filter(tenant=tenant, id=int(self.ticket)).update(status="open")
            return survey_token(survey)

    def _post_put(self, path: str, body: Any) -> None:
        response = self.owner.put(path, json.dumps(body), content_type="application/json")
        _assert_made(path, response)

    @cached_property
    def finished_export(self) -> str:
        """An export job run to the end (as its worker would), so its download exists."""
        job_id = self._id("/api/v1/reports/exports", {})
        export_job_run(tenant_id=self.world.tenant.id, job_id=int(job_id))
        return job_id

    @cached_property
    def finished_privacy_export(self) -> str:
        """A customer's data-access archive, built to the end (as its worker would)."""
        customer = self.world.customer.id
        job_id = self._id(f"/api/v1/privacy/people/{customer}/export", {"include_internal_notes": False})
        privacy_export_run(tenant_id=self.world.tenant.id, job_id=int(job_id))
        return job_id

    @cached_property
    def erased_customer(self) -> str:
        """A customer of the tenant, erased (their erasure record is what the route reads)."""
        tenant = self.world.tenant
        person = make_member(tenant, role=Role.CUSTOMER)
        with tenant_context(tenant.id):
            person_erase(tenant=tenant, actor=self.world.owner, person=person)
        return str(person.id)

    @cached_property
    def predicted_field(self) -> str:
        """The field the AI made a prediction for on the ticket (accept/correct/reject need one)."""
        tenant = self.world.tenant
        with tenant_context(tenant.id):
            Prediction.objects.create(
                tenant=tenant,
                ticket_id=int(self.ticket),
                field="category",
                label="billing",
                model_version="rules",
            )
        return "category"

    @cached_property
    def notification(self) -> str:
        """An in-app notification of the tenant's owner (the member the walk asks as)."""
        tenant = self.world.tenant
        with tenant_context(tenant.id):
            made = notify_members(
                tenant=tenant,
                membership_ids=[self.world.owner.id],
                team_id=None,
                key=uuid.uuid4(),
                data={"ticket_id": int(self.ticket), "title": "walk", "body": "walk"},
            )
        assert made, "notify_members made no notification for the owner"
        return str(made[0].id)


def _export_or_training_job(seeds: WorldSeeds, path: str) -> str:
    if path.startswith("/api/v1/ai/"):
        return str(seeds._post("/api/v1/ai/training-jobs", {})["id"])
    if path.startswith("/api/v1/privacy/"):
        return seeds.finished_privacy_export
    return seeds.finished_export


def _member_or_erased_person(seeds: WorldSeeds, path: str) -> str:
    """A person's erasure record exists only once they are erased; every other route takes
    the agent."""
    if path.endswith("/erasure"):
        return seeds.erased_customer
    return str(seeds.world.agent.id)


def _ticket_or_article_attachment(seeds: WorldSeeds, path: str) -> str:
    return seeds.article_attachment if path.startswith("/api/v1/kb/") else seeds.ticket_attachment


def _created(path: str, body: dict[str, Any]) -> Callable[[WorldSeeds, str], str]:
    """A factory that POSTs `body` to the collection `path` once per tenant."""

    def factory(seeds: WorldSeeds, _route: str) -> str:
        cache: dict[str, str] = seeds.__dict__.setdefault("_created", {})
        if path not in cache:
            cache[path] = seeds._id(path, body)
        return cache[path]

    return factory


def _fixed(value: str) -> Callable[[WorldSeeds, str], str]:
    """Not a tenant's object (a locale, a version number, a field name): the same for both."""
    return lambda _seeds, _route: value


ID_FACTORIES: dict[str, Callable[[WorldSeeds, str], str]] = {
    "ticket_id": lambda s, _: s.ticket,
    "link_id": lambda s, _: s.link,
    "attachment_id": _ticket_or_article_attachment,
    "member_id": lambda s, _: str(s.world.agent.id),
    "membership_id": _member_or_erased_person,
    "notification_id": lambda s, _: s.notification,
    "token": lambda s, _: s.survey_token,
    "job_id": _export_or_training_job,
    "article_id": lambda s, _: str(s.article["id"]),
    "slug": lambda s, _: s.article["slug"],
    "category_id": lambda s, _: s.category,
    "section_id": lambda s, _: s.section,
    "team_id": lambda s, _: s.team,
    "config_id": _created("/api/v1/assignment/configs", {"strategy": "manual"}),
    "calendar_id": _created("/api/v1/business-calendars", {"name": "Walk", "weekly_hours": NINE_TO_FIVE}),
    "field_id": _created("/api/v1/custom-fields", {"key": "walk", "label": "Walk", "field_type": "text"}),
    "mailbox_id": _created(
        "/api/v1/email/mailboxes",
        {"address": "help@walk.example", "host": "127.0.0.1", "username": "u", "password": "p"},
    ),
    "macro_id": _created("/api/v1/macros", {"name": "Walk", "reply_text": "hello"}),
    "organization_id": _created("/api/v1/organizations", {"name": "Walk"}),
    "view_id": _created("/api/v1/saved-views", {"name": "Walk"}),
    "policy_id": _created(
        "/api/v1/sla-policies", {"name": "Walk", "targets": {"high": {"first_response": 60}}}
    ),
    "rule_id": _created(
        "/api/v1/time-rules",
        {"name": "Walk", "timing": {"since": "created", "hours": 1, "status": ["open"]}, "actions": ADD_TAG},
    ),
    "token_id": _created("/api/v1/tokens", {"name": "Walk"}),
    "trigger_id": _created(
        "/api/v1/triggers", {"name": "Walk", "events": ["ticket.created"], "actions": ADD_TAG}
    ),
    "subscription_id": _created(
        "/api/v1/webhooks", {"url": "http://127.0.0.1:9/in", "event_types": ["ticket.created"]}
    ),
    # Not tenant objects (the same value in both tenants): the walk swaps the ids beside them.
    "locale": _fixed("en"),
    "number": _fixed("1"),
    "field": lambda s, _: s.predicted_field,
}
