"""The bounds of shared.bounds fit every column and every sum that consumers compute, and the
shared fields enforce them (and the canonical number form) for the API and the contracts."""
from decimal import Decimal

import pytest
from marshmallow import ValidationError

from grants.models import MONEY
from metrics.domain.numbers import MONEY_SCALE, VALUE_SCALE, scale_money, scale_value
from programmes.models import VALUE
from shared.bounds import (
    INT64_MAX,
    MAX_MONEY,
    MAX_POPULATION,
    MAX_RATE,
    MAX_VALUE,
    MONEY_PLACES,
    SUM_CAPACITY,
    VALUE_PLACES,
)
from shared.events.contracts.programmes import ApprovedValueSchema
from shared.events.fields import DecimalString, IndicatorValue, MoneyAmount
from shared.persistence.types import SQLITE_INTEGER_LIMIT

STEP = Decimal(1).scaleb(-VALUE_PLACES)


def test_result_values_fit_programmes_columns_and_metrics_sums():
    assert VALUE.scale == VALUE_PLACES and MAX_VALUE < VALUE.limit
    assert MAX_VALUE * 10 ** VALUE.scale < SQLITE_INTEGER_LIMIT   # ExactDecimal on SQLite
    assert VALUE_SCALE == 10 ** VALUE_PLACES
    assert scale_value(MAX_VALUE) * SUM_CAPACITY <= INT64_MAX      # metrics' BIGINT aggregates


def test_money_fits_grants_columns_and_metrics_sums():
    assert MONEY.scale == MONEY_PLACES and MAX_MONEY < MONEY.limit
    assert MAX_MONEY * MAX_RATE < MONEY.limit      # a conversion is computed before its ceiling check
    assert MONEY_SCALE == 10 ** MONEY_PLACES
    assert scale_money(MAX_MONEY) * SUM_CAPACITY * 100 <= INT64_MAX
    assert MAX_POPULATION < INT64_MAX


@pytest.mark.parametrize("value, accepted", [
    (MAX_VALUE, True), (str(MAX_VALUE), True), (int(MAX_VALUE), True), ("0", True), (0, True),
    (f"{MAX_VALUE - STEP}", True), ("0.0001", True),
    (str(MAX_VALUE + STEP), False), (10 ** 15, False), ("1000000000000000", False), (10 ** 39, False),
    ("0.00001", False), ("-1", False),
])
def test_indicator_values_are_bounded(value, accepted):
    field = IndicatorValue()
    if accepted:
        assert field.deserialize(str(value) if isinstance(value, Decimal) else value) == Decimal(str(value))
    else:
        with pytest.raises(ValidationError):
            field.deserialize(value)


def test_the_contracts_refuse_what_the_api_refuses():
    """A consumer parks an out-of-bounds value at once (contract) instead of failing on it."""
    good = {"version": 1, "value": str(MAX_VALUE), "disaggregations": {}, "approved_at": "2020-07-01T00:00:00Z"}
    ApprovedValueSchema().load(good)
    with pytest.raises(ValidationError) as caught:
        ApprovedValueSchema().load({**good, "value": "1000000000000000"})
    assert list(caught.value.messages) == ["value"]


@pytest.mark.parametrize("value", [" 5 ", "5 ", "\t5", "+5", "1e3", "1E+1000000", "1e308", "NaN", "Infinity",
                                   "-inf", "5.", ".5", "1_000", "٣", "0x10", "", 1e308, 5.0, True, None])
def test_numbers_are_json_integers_or_canonical_decimal_strings(value):
    with pytest.raises(ValidationError):
        DecimalString().deserialize(value)


@pytest.mark.parametrize("value, expected", [
    ("5", Decimal(5)), (5, Decimal(5)), ("-2.50", Decimal("-2.50")), ("007", Decimal(7)), ("-0", Decimal(0)),
])
def test_canonical_numbers_are_read_exactly(value, expected):
    number = DecimalString().deserialize(value)
    assert number == expected and str(number) == str(expected)    # "-0" is 0, not a signed zero


def test_numbers_are_written_without_exponent():
    assert DecimalString()._serialize(Decimal("1E+3"), None, None) == "1000"
    assert DecimalString()._serialize(Decimal("1.000E-7"), None, None) == "0.0000001000"


def test_money_amounts_are_bounded():
    assert MoneyAmount().deserialize(str(MAX_MONEY)) == MAX_MONEY
    for bad in (str(MAX_MONEY + Decimal("0.01")), "0", "0.001"):
        with pytest.raises(ValidationError):
            MoneyAmount().deserialize(bad)


def test_whole_numbers_of_the_grants_api_are_bounded():
    from shared.api.grants import DisbursementInput, TargetInput
    assert TargetInput().load({"indicator": "people_reached", "value": int(MAX_VALUE)})["value"] == MAX_VALUE
    for schema, body, field in ((TargetInput(), {"indicator": "people_reached", "value": 10 ** 39}, "value"),
                                (DisbursementInput(), {"tranche": 10 ** 39}, "tranche")):
        with pytest.raises(ValidationError) as caught:
            schema.load(body)
        assert list(caught.value.messages) == [field]
