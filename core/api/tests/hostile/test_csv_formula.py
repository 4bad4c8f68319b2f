"""Formula injection in CSV exports.

Advisory: osTicket CVE-2019-14749 (CSV export cells run as spreadsheet formulas). Every
text a user controls that reaches an export (subjects, tags, requester names, custom field
values) comes out with a leading apostrophe when a spreadsheet would read it as a formula,
also behind leading spaces or line breaks.
"""

from __future__ import annotations

import csv
import io

import pytest

from accounts.models import User
from reports.exports import csv_cell
from testing.factories import session_client
from tickets.tests.helpers import make_ticket

from .payloads import FORMULAS

ADVISORY_CLASS = "CSV formula injection"
pytestmark = pytest.mark.django_db
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _is_formula(cell: str) -> bool:
    return cell.lstrip(" \t\r\n").startswith(TRIGGERS) or cell.startswith(TRIGGERS)


def test_ticket_list_export_quotes_formulas(two_tenants, tally):
    a = two_tenants.a
    for payload in FORMULAS:
        User.objects.filter(id=a.customer.user_id).update(full_name=payload)
        make_ticket(a.customer, subject=f"{payload}")
        response = session_client(a.admin).get("/api/v1/reports/ticket-list.csv?limit=100")
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        cells = [cell for row in rows[1:] for cell in row if payload.strip() in cell]
        bad = [cell for cell in cells if _is_formula(cell)]
        tally.judge(payload, "ticket-list.csv", status=response.status_code, harmless=bool(cells) and not bad,
                    detail=str(bad or "(the payload is not in the export: the check saw nothing)"))  # fmt: skip
    tally.assert_held()


def test_the_cell_formatter_of_every_export_quotes_formulas(tally):
    """`csv_cell` writes every cell of the streamed and the background exports: values that
    were never stripped (custom field text, imported names) reach it as they are."""
    for payload in FORMULAS:
        for value in (payload, f" {payload}", f"\n{payload}"):
            cell = csv_cell(value)
            tally.judge(value, "csv_cell", status=200, harmless=not _is_formula(cell), detail=repr(cell))
    tally.assert_held()
