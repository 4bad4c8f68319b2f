import pytest

from contracts.ids import parse_id


@pytest.mark.parametrize(("raw", "expected"), [("42", 42), ("007", 7), ("9" * 18, int("9" * 18))])
def test_ascii_digits_are_ids(raw, expected):
    assert parse_id(raw) == expected


@pytest.mark.parametrize("raw", ["", "²", "4²", "٣", "-1", "1.0", " 1", "9" * 19, "0x1"])
def test_anything_else_is_not(raw):
    assert parse_id(raw) is None
