"""Validated shapes of automation conditions and actions, and the placeholder templates they use.

Conditions and actions are data checked here, never code: a rule is a list of
`{"field", "op", "value"}` tests (all / any) and a list of typed actions.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

PLACEHOLDER_RE = re.compile(r"\{\{\s*([a-z_][a-z0-9_.]*)\s*\}\}")
PLACEHOLDERS = frozenset(
    {
        "ticket.number",
        "ticket.subject",
        "ticket.status",
        "ticket.priority",
        "ticket.type",
        "ticket.category",
        "ticket.requester.name",
        "ticket.requester.email",
        "ticket.assignee.name",
        "ticket.team.name",
        "agent.name",
        "tenant.name",
    }
)
EVENT_TYPES = (
    "ticket.created",
    "ticket.updated",
    "ticket.status_changed",
    "ticket.assigned",
    "message.added",
    "sla.warning",
    "sla.breached",
    "csat.received",
)
EventType = Literal[
    "ticket.created",
    "ticket.updated",
    "ticket.status_changed",
    "ticket.assigned",
    "message.added",
    "sla.warning",
    "sla.breached",
    "csat.received",
]


def check_template(text: str) -> str:
    unknown = sorted(set(PLACEHOLDER_RE.findall(text)) - PLACEHOLDERS)
    if unknown:
        raise ValueError(
            f"unknown placeholder(s) {', '.join(unknown)}; use {', '.join(sorted(PLACEHOLDERS))}"
        )
    return text


def render(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), ""), text)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


ConditionField = Literal[
    "status",
    "priority",
    "type",
    "channel",
    "category",
    "team_id",
    "assignee_id",
    "requester_id",
    "organization_id",
    "tags",
    "subject",
    "message_text",
    "message_author",
    "custom_field",
    "within_business_hours",
    "sla_metric",
]
Op = Literal[
    "is", "is_not", "in", "not_in", "contains", "not_contains", "includes", "excludes", "is_set", "is_not_set"
]
TEXT_FIELDS = frozenset({"subject", "message_text", "category"})


class Condition(Strict):
    field: ConditionField
    op: Op = "is"
    value: Any = None
    key: str | None = Field(default=None, description="The custom field key, for field=custom_field.")

    @model_validator(mode="after")
    def _coherent(self) -> Condition:
        if self.op in ("in", "not_in") and not isinstance(self.value, list):
            raise ValueError(f"{self.field}: {self.op} needs a list value")
        if self.op in ("contains", "not_contains") and (
            self.field not in TEXT_FIELDS or not isinstance(self.value, str)
        ):
            raise ValueError(
                f"{self.field}: contains works on subject, message_text or category with a text value"
            )
        if self.op in ("includes", "excludes") and self.field != "tags":
            raise ValueError("includes / excludes work on tags")
        if self.field == "custom_field" and not self.key:
            raise ValueError("custom_field conditions need a key")
        if self.field == "within_business_hours" and not isinstance(self.value, bool):
            raise ValueError("within_business_hours takes true or false")
        if self.field == "message_author" and self.value not in ("requester", "staff", "system"):
            raise ValueError("message_author is requester, staff or system")
        return self


class Conditions(Strict):
    """Every `all` condition and at least one `any` condition (if given) must hold."""

    all: list[Condition] = Field(default_factory=list, max_length=50)
    any: list[Condition] = Field(default_factory=list, max_length=50)


class SetField(Strict):
    type: Literal["set_field"]
    field: Literal["status", "priority", "type", "category", "team_id", "assignee_id"]
    value: str | int | None


class AddTags(Strict):
    type: Literal["add_tags", "remove_tags"]
    tags: list[str] = Field(min_length=1, max_length=30)


class SetCustomField(Strict):
    type: Literal["set_custom_field"]
    key: str
    value: str | int | float | bool | None


class AddNote(Strict):
    type: Literal["add_note"]
    text: str = Field(min_length=1, max_length=10000)

    @field_validator("text")
    @classmethod
    def _template(cls, value: str) -> str:
        return check_template(value)


class Notify(Strict):
    type: Literal["notify"]
    membership_ids: list[int] = Field(default_factory=list)
    team_id: int | None = None
    text: str = Field(min_length=1, max_length=2000)

    @field_validator("text")
    @classmethod
    def _template(cls, value: str) -> str:
        return check_template(value)


class EmailRequester(Strict):
    type: Literal["email_requester"]
    subject: str = Field(min_length=1, max_length=250)
    body: str = Field(min_length=1, max_length=20000)

    @field_validator("subject", "body")
    @classmethod
    def _template(cls, value: str) -> str:
        return check_template(value)


class Webhook(Strict):
    type: Literal["webhook"]
    url: HttpUrl


Action = Annotated[
    SetField | AddTags | SetCustomField | AddNote | Notify | EmailRequester | Webhook,
    Field(discriminator="type"),
]


class Actions(Strict):
    actions: list[Action] = Field(min_length=1, max_length=20)


class TimeCondition(Strict):
    """`hours` since an instant of the ticket: created, updated, solved, or its current status began."""

    since: Literal["created", "updated", "solved", "status_changed"]
    hours: int = Field(gt=0, le=24 * 365)
    status: list[Literal["new", "open", "pending", "on_hold", "solved"]] = Field(min_length=1)


class MacroActions(Strict):
    actions: list[SetField | AddTags | SetCustomField] = Field(default_factory=list, max_length=20)
