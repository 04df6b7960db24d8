"""shared.api.dumping: a compiled dump gives what the schema's dump gives, and leaves to
marshmallow what it does not know."""
from datetime import date, datetime, timezone
from decimal import Decimal
from types import SimpleNamespace

from marshmallow import Schema, fields, post_dump

from shared.api import programmes as api
from shared.api.dumping import compiled
from shared.events.fields import DecimalString, Text, UTCDateTime

CITY = {"id": "c-1", "name": "Jinja", "country": "UG", "population": 300000, "secondary_city": True,
        "latitude": Decimal("0.4244"), "longitude": None, "created_at": datetime(2020, 1, 2, 3, 4, 5),
        "updated_at": datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc)}
PROGRAMME = {
    "id": "p-1", "iati_identifier": "XM-1", "title": "Lake Victoria", "description": None,
    "reporting_org": {"ref": "XM", "name": "Org", "type": None}, "funding_window": "country_city",
    "instrument": "country_programme", "status": "implementation", "status_code": "2",
    "allowed_statuses": ["finalisation"], "parent_id": None, "themes": ["gender_equality"], "countries": ["UG"],
    "cities": [CITY, {**CITY, "id": "c-2", "secondary_city": False}], "sdg_goals": [], "sdg_targets": ["11.1"],
    "sectors": [{"code": "43030", "percentage": Decimal("70")}, {"code": "1", "percentage": None}],
    "policy_markers": [{"code": "1", "significance": 2}],
    "participating_orgs": [{"ref": None, "name": "Council", "role": "implementing", "role_code": "4", "type": "11"}],
    "budget": {"amount": Decimal("2500000.00"), "currency": "USD"},
    "dates": {"planned_start": date(2019, 1, 1), "planned_end": None, "actual_start": None, "actual_end": None},
    "reported_transactions": [{"type": "3", "date": "2020-01-01", "amount": "10", "currency": "USD",
                               "value_date": None, "ref": None, "description": None, "provider": None,
                               "receiver": {"ref": "XM", "name": "Org", "type": None}}],
    "version": 3, "created_at": datetime(2020, 1, 1, tzinfo=timezone.utc), "updated_at": datetime(2020, 1, 2),
}


def test_a_programme_dumps_as_its_schema_dumps_it():
    schema = api.ProgrammeOut()
    dump = compiled(schema)
    assert dump != schema.dump   # compiled, not handed back
    for programme in (PROGRAMME, {**PROGRAMME, "budget": None, "cities": [], "sectors": []},
                      {k: v for k, v in PROGRAMME.items() if k not in ("description", "dates")}):
        assert dump(programme) == schema.dump(programme)
        assert list(dump(programme)) == list(schema.dump(programme))   # in the same order


class _Inner(Schema):
    n = fields.Integer()
    when = UTCDateTime(allow_none=True)


class _Odd(Schema):
    name = Text(data_key="label")
    real = fields.String(attribute="other")
    amount = DecimalString(allow_none=True)
    inner = fields.Nested(_Inner, allow_none=True)
    inners = fields.List(fields.Nested(_Inner))
    many = fields.Nested(_Inner, many=True)
    tags = fields.List(fields.String(), allow_none=True)
    flag = fields.Boolean()


def test_renamed_missing_and_none_values_dump_as_marshmallow_does():
    schema = _Odd()
    objects = [{"name": "a", "other": 5, "amount": Decimal("1.50"), "inner": None, "inners": [{"n": "7"}],
                "many": [{"n": 1, "when": None}], "tags": None, "flag": 1},
               {"name": "b"},
               SimpleNamespace(name="c", other="x", inner={"n": 2}, tags=["t", 3], flag=False)]
    for obj in objects:
        assert compiled(schema)(obj) == schema.dump(obj)


def test_what_it_does_not_know_is_left_to_marshmallow():
    class Defaulted(Schema):
        n = fields.Integer(dump_default=3)

    class Computed(Schema):
        n = fields.Method("twice")

        def twice(self, obj):
            return obj["n"] * 2

    class Hooked(Schema):
        n = fields.Integer()

        @post_dump
        def wrap(self, data, **kwargs):
            return {"wrapped": data}

    for schema in (Defaulted(), Computed(), Hooked(), _Inner(many=True)):
        assert compiled(schema) == schema.dump
