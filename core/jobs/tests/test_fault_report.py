"""The fault suite's ledger counts by id: a repeat is a duplicate, a missing id is lost."""

from __future__ import annotations

import pytest

from testing import fault_report


def test_the_ledger_counts_duplicates_losses_and_strangers_by_id():
    row = fault_report.record(
        "ledger self-test", "webhooks", produced=["a", "b", "c"], delivered=["a", "b", "b", "z"]
    )
    assert (row.produced, row.delivered, row.duplicated, row.lost, row.unexpected) == (3, 2, 1, 1, 1)
    assert not row.clean
    clean = fault_report.record("ledger self-test", "mail", produced=["a", "b"], delivered=["b", "a"])
    assert clean.clean
    lines = fault_report.table([row, clean])
    assert lines[0].split()[:4] == ["scenario", "effect", "produced", "delivered"]
    assert "ledger self-test" in lines[2] and lines[2].split()[-5:] == ["2", "1", "1", "1", "0"]
    fault_report.discard("ledger self-test")


def test_assert_exactly_once_fails_and_names_the_duplicate():
    with pytest.raises(AssertionError, match="duplicated \\['b'\\]"):
        fault_report.assert_exactly_once(
            "ledger self-test", "x", produced=["a", "b"], delivered=["a", "b", "b"]
        )
    fault_report.discard("ledger self-test")
