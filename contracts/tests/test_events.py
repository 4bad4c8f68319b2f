"""The event envelope round-trips through Redis Stream fields and refuses bad types."""

import pytest
from pydantic import ValidationError

from contracts.events import Actor, EventEnvelope, Visibility, stream_key


def test_round_trip_through_stream_fields():
    event = EventEnvelope(
        tenant_id=7,
        type="ticket.created",
        actor=Actor(kind="user", id=3),
        visibility=Visibility.PUBLIC,
        data={"n": 1},
    )
    fields = event.to_stream_fields()
    assert fields["type"] == "ticket.created"
    assert EventEnvelope.from_stream_fields({k.encode(): v.encode() for k, v in fields.items()}) == event


def test_bad_type_is_refused():
    with pytest.raises(ValidationError):
        EventEnvelope(tenant_id=1, type="Ticket Created")


def test_stream_key_is_per_tenant():
    assert stream_key(1) != stream_key(2)
