"""The orjson renderer writes exactly what Django's JSON encoder writes, datetimes included."""

import datetime as dt
import json
import zoneinfo

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from api_kit.rendering import dumps

UTC = dt.UTC
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2026, 11, 26, 1, 23, 45, 123456, tzinfo=UTC),
        dt.datetime(2026, 11, 26, 1, 23, 45, tzinfo=UTC),  # no fraction: no ".000"
        dt.datetime(2026, 11, 26, 1, 23, 45, 500, tzinfo=UTC),  # under a millisecond
        dt.datetime(2026, 11, 26, 1, 23, 45, 123456, tzinfo=PARIS),  # not UTC: offset kept
        dt.datetime(2026, 11, 26, 1, 23, 45, 123456),  # naive
        dt.date(2026, 11, 26),
    ],
)
def test_dumps_matches_django_encoder(value):
    data = {"at": value, "items": [value, None]}
    assert json.loads(dumps(data)) == json.loads(json.dumps(data, cls=DjangoJSONEncoder))
