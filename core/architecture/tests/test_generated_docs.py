"""The generated architecture docs match the code, and the schema checks find nothing."""

import pytest

from architecture import catalog
from architecture.generated import stale_files

pytestmark = pytest.mark.django_db(databases=["default", "owner"])


def test_generated_docs_are_up_to_date():
    assert stale_files() == [], "docs/architecture is stale: run `make docs` and commit the result"


def test_schema_checks_find_nothing():
    problems = catalog.run_checks(catalog.read_catalog())
    assert {title: found for title, found in problems.items() if found} == {}


def test_checks_can_fail():
    tables = catalog.read_catalog()
    tables["rogue_table"] = catalog.Table(
        name="rogue_table",
        columns=[("id", "bigint", False, ""), ("ticket_id", "bigint", False, "")],
        constraints=[("rogue_fk", "foreign key", "FOREIGN KEY (ticket_id) REFERENCES tickets_ticket(id)")],
    )
    problems = catalog.run_checks(tables)
    assert problems["Tables without tenant_id that are not declared global"] == ["rogue_table"]
    assert problems["Foreign keys from global tables into tenant tables"] == ["rogue_table.rogue_fk"]
    assert "rogue_table" not in catalog.reference_tables(tables)
