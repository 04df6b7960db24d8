"""Payload contracts of every integration event, by (type, version).

A contract is a marshmallow schema with `event_type`, `version` and `producer`
class attributes. Producers check payloads against it before writing them to
their outbox; consumers check again on receipt. docs/events.md is generated
from this registry (`python -m shared.events.docs`)."""
from marshmallow import fields, validate

from shared.events.fields import Currency, DecimalString, UTCDateTime
from shared.events.schemas import CitySchema, StrictSchema, country_code

CONTRACTS: dict[tuple[str, int], type] = {}


def contract(cls):
    key = (cls.event_type, cls.version)
    if key in CONTRACTS:
        raise RuntimeError(f"contract {key} declared twice")
    CONTRACTS[key] = cls
    return cls


def contract_for(event_type: str, version: int | None = None):
    """The schema class of `event_type` at `version` (latest when None)."""
    if version is None:
        versions = [v for (t, v) in CONTRACTS if t == event_type]
        if not versions:
            raise KeyError(f"unknown event type {event_type!r}")
        version = max(versions)
    try:
        return CONTRACTS[(event_type, version)]
    except KeyError:
        raise KeyError(f"unknown event type {event_type!r} version {version}") from None


def producer_of(event_type: str) -> str:
    return contract_for(event_type).producer


# --- programmes -------------------------------------------------------------

WINDOWS = ("country_city", "global")


@contract
class ProgrammeCreatedV1(StrictSchema):
    """A programme entered the portfolio."""
    event_type, version, producer = "programme.created", 1, "programmes"

    programme_id = fields.String(required=True, metadata={"description": "platform id of the programme"})
    title = fields.String(required=True)
    funding_window = fields.String(required=True, validate=validate.OneOf(WINDOWS))
    themes = fields.List(fields.String(), required=True, metadata={"description": "plan theme codes"})
    countries = fields.List(fields.String(validate=country_code), required=True,
                            metadata={"description": "ISO 3166-1 alpha-2 recipient countries"})
    cities = fields.List(fields.Nested(CitySchema), required=True)
    created_at = UTCDateTime(required=True)


@contract
class ResultRecordedV1(StrictSchema):
    """A value was recorded for a corporate indicator in one city."""
    event_type, version, producer = "result.recorded", 1, "programmes"

    result_id = fields.String(required=True)
    programme_id = fields.String(required=True)
    indicator = fields.String(required=True, metadata={"description": "corporate indicator code"})
    city = fields.Nested(CitySchema, required=True)
    value = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    recorded_at = UTCDateTime(required=True)


# --- grants -----------------------------------------------------------------

@contract
class GrantAwardedV1(StrictSchema):
    """A grant was awarded to a programme (IATI transaction type 2, outgoing commitment)."""
    event_type, version, producer = "grant.awarded", 1, "grants"

    grant_id = fields.String(required=True)
    programme_id = fields.String(required=True)
    recipient = fields.String(required=True)
    amount = DecimalString(required=True, metadata={"description": "Decimal as a string"})
    currency = Currency(required=True)
    awarded_at = UTCDateTime(required=True)
