"""A customer's own queue as an index: (tenant, requester, updated_at, id).

The page of a customer's tickets walks it (`ticket_rows.ticket_page_rows`) and stops after
a page, however many tickets the customer has; `ticket_requester_idx` (tenant, requester,
id) keeps serving the created-at sorts and search.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("tickets", "0006_search_recent_window")]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["tenant", "requester", "-updated_at", "-id"], name="ticket_requester_queue_idx"
            ),
        ),
    ]
