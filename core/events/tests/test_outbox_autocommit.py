"""Outside a transaction an event could outlive a failed change, so it is refused."""

import pytest

from contracts.events import Actor
from contracts.samples import sample_payload
from events.services import NotInTransactionError, event_record
from testing.factories import make_tenant


@pytest.mark.usefixtures("committed")
def test_recording_outside_a_transaction_is_refused():
    tenant = make_tenant()
    with pytest.raises(NotInTransactionError):
        event_record(
            tenant_id=tenant.id,
            type="ticket.created",
            data=sample_payload("ticket.created"),
            actor=Actor(kind="system"),
        )
