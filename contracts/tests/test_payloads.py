"""Every event type named in the issue has a versioned payload schema that refuses bad data."""

import pytest
from pydantic import ValidationError

from contracts.payloads import EVENT_TYPES, PAYLOADS, UnknownEventTypeError, validate_payload
from contracts.samples import sample_payload

ISSUE_TYPES = {
    "ticket.created",
    "ticket.updated",
    "ticket.assigned",
    "ticket.status_changed",
    "message.added",
    "ticket.merged",
    "sla.warning",
    "sla.breached",
    "csat.received",
}


def test_every_issue_event_type_has_a_schema():
    assert ISSUE_TYPES <= EVENT_TYPES


@pytest.mark.parametrize(("type_", "version"), sorted(PAYLOADS))
def test_sample_payload_validates(type_, version):
    assert validate_payload(type_, version, sample_payload(type_)).model_dump()


@pytest.mark.parametrize("type_", sorted(ISSUE_TYPES))
def test_missing_ticket_id_is_refused(type_):
    data = sample_payload(type_)
    del data["ticket_id"]
    with pytest.raises(ValidationError):
        validate_payload(type_, 1, data)


def test_unknown_type_or_version_is_refused():
    with pytest.raises(UnknownEventTypeError):
        validate_payload("ticket.exploded", 1, {})
    with pytest.raises(UnknownEventTypeError):
        validate_payload("ticket.created", 99, sample_payload("ticket.created"))


def test_csat_rating_range():
    with pytest.raises(ValidationError):
        validate_payload("csat.received", 1, sample_payload("csat.received", rating=9))
