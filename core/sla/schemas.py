"""Validated shapes of calendar hours, policy conditions and targets (data, never code)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic import ValidationError as PydanticValidationError

from sla.business_time import Calendar

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")
MAX_TARGET_MINUTES = 365 * 24 * 60
PRIORITIES = ("low", "normal", "high", "urgent")
M = TypeVar("M", bound=BaseModel)
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _minutes(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WeeklyHours(Strict):
    """Per weekday, a list of ["HH:MM", "HH:MM"] opening intervals in local time."""

    hours: dict[Day, list[tuple[str, str]]]

    @field_validator("hours")
    @classmethod
    def _check(cls, value: dict[Day, list[tuple[str, str]]]) -> dict[Day, list[tuple[str, str]]]:
        for day, intervals in value.items():
            spans = []
            for start, end in intervals:
                if not TIME_RE.match(start) or not TIME_RE.match(end):
                    raise ValueError(f"{day}: times look like 09:00 (24:00 may end a day)")
                if _minutes(start) >= _minutes(end):
                    raise ValueError(f"{day}: {start}-{end} must end after it starts")
                spans.append((_minutes(start), _minutes(end)))
            spans.sort()
            if any(a[1] > b[0] for a, b in itertools.pairwise(spans)):
                raise ValueError(f"{day}: intervals overlap")
        if not any(value.values()):
            raise ValueError("a calendar needs opening hours on at least one day")
        return value


class Holiday(Strict):
    date: dt.date
    name: str = Field(default="", max_length=100)


class CalendarSpec(Strict):
    timezone: str
    weekly_hours: dict[Day, list[tuple[str, str]]]
    holidays: list[Holiday] = Field(default_factory=list, max_length=1000)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        if value not in _zones():
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Europe/Berlin)")
        return value

    @field_validator("weekly_hours")
    @classmethod
    def _hours(cls, value: dict[Day, list[tuple[str, str]]]) -> dict[Day, list[tuple[str, str]]]:
        return WeeklyHours(hours=value).hours

    def to_calendar(self) -> Calendar:
        weekly = {
            DAYS.index(day): tuple(sorted((_minutes(a), _minutes(b)) for a, b in spans))
            for day, spans in self.weekly_hours.items()
        }
        return Calendar(
            tz=ZoneInfo(self.timezone), weekly=weekly, holidays=frozenset(h.date for h in self.holidays)
        )


_ZONES: set[str] = set()


def _zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


class PolicyConditions(Strict):
    """All given conditions must hold; an empty object matches every ticket."""

    priority: list[Literal["low", "normal", "high", "urgent"]] | None = None
    type: list[Literal["question", "incident", "problem", "task"]] | None = None
    channel: list[Literal["portal", "email", "api", "agent", "system"]] | None = None
    tags_any: list[str] | None = Field(default=None, description="At least one of these tags.")
    tags_all: list[str] | None = Field(default=None, description="Every one of these tags.")
    team_ids: list[int] | None = None
    requester_ids: list[int] | None = Field(default=None, description="Requester memberships.")
    organization_ids: list[int] | None = Field(default=None, description="The requester's organization.")
    category: list[str] | None = None
    custom_fields: dict[str, str | int | float | bool] | None = Field(
        default=None, description="Custom field key -> required value."
    )

    def matches(self, ticket: Any) -> bool:
        tags = set(ticket.tags or [])
        checks = [
            self.priority is None or ticket.priority in self.priority,
            self.type is None or ticket.type in self.type,
            self.channel is None or ticket.channel in self.channel,
            self.tags_any is None or bool(tags & set(self.tags_any)),
            self.tags_all is None or set(self.tags_all) <= tags,
            self.team_ids is None or ticket.team_id in self.team_ids,
            self.requester_ids is None or ticket.requester_id in self.requester_ids,
            self.organization_ids is None or ticket.requester.organization_id in self.organization_ids,
            self.category is None or ticket.category in self.category,
            self.custom_fields is None
            or all((ticket.custom_fields or {}).get(k) == v for k, v in self.custom_fields.items()),
        ]
        return all(checks)


class MetricTargets(Strict):
    first_response: int | None = Field(default=None, gt=0, le=MAX_TARGET_MINUTES)
    next_response: int | None = Field(default=None, gt=0, le=MAX_TARGET_MINUTES)
    resolution: int | None = Field(default=None, gt=0, le=MAX_TARGET_MINUTES)


class PolicyTargets(Strict):
    """Minutes per priority; a priority left out gets no SLA from this policy."""

    low: MetricTargets | None = None
    normal: MetricTargets | None = None
    high: MetricTargets | None = None
    urgent: MetricTargets | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> PolicyTargets:
        if not any(getattr(self, p) for p in PRIORITIES):
            raise ValueError("give targets for at least one priority")
        return self

    def for_priority(self, priority: str) -> dict[str, int]:
        targets = getattr(self, priority, None)
        return {k: v for k, v in targets.model_dump().items() if v} if targets else {}


def validated(model: type[M], data: Any, field: str) -> M:
    """Parse with pydantic; a failure becomes a Django ValidationError on `field` (a 422)."""
    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        messages = [
            f"{'.'.join(str(p) for p in err['loc']) or field}: {err['msg']}" for err in exc.errors()[:10]
        ]
        raise ValidationError({field: messages}) from exc
