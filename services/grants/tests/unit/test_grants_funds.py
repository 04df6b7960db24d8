"""Funds, rates and contributions through the use cases and the in-memory unit of work
(grants_testkit.py): events, conversion, bad input."""

import pytest
from grants_requests import (
    fund_body,
    handlers,
    usd,
    wire,
)

from shared.errors import InvalidInput

# --- funds, rates, contributions ---------------------------------------------------------------

def test_the_money_path_emits_iati_typed_events_with_decimal_strings(uow, funded):
    assert uow.types() == ["fund.created", "contribution.pledged", "contribution.received", "call.opened"]
    pledged, received = wire(uow.events("contribution.pledged")[0]), wire(uow.events("contribution.received")[0])
    assert (pledged["transaction_type"], pledged["amount"], pledged["currency"], pledged["window"]) == (
        "11", "100000.00", "USD", "country_city")
    assert (received["transaction_type"], received["amount"], received["status"], received["previous_status"]) == (
        "1", "100000.00", "received", "pledged")
    assert received["fund_balance"] == {"currency": "USD", "pledged": "100000.00", "received": "100000.00",
                                        "committed": "0.00", "disbursed": "0.00", "available": "100000.00"}
    fund = handlers.get_fund(uow, funded["fund"]["id"])
    assert fund["balance"]["available"] == "100000.00" and "available 100000.00 = received" in \
        fund["balance"]["explanation"]


def test_a_contribution_in_another_currency_converts_at_the_rate_of_its_value_date(uow):
    fund = handlers.create_fund(uow, fund_body())
    handlers.load_rates(uow, {"rates": [
        {"from_currency": "EUR", "to_currency": "USD", "effective_date": "2020-01-01", "rate": "1.10"},
        {"from_currency": "EUR", "to_currency": "USD", "effective_date": "2020-07-01", "rate": "1.20"}]})
    pledge = handlers.pledge_contribution(uow, {"fund_id": fund["id"], "contributor": "Sweden",
                                                "amount": {"amount": "100000.00", "currency": "EUR"},
                                                "value_date": "2020-06-30"})
    assert (pledge["amount"], pledge["original_amount"], pledge["exchange_rate"]) == (
        usd("110000.00"), {"amount": "100000.00", "currency": "EUR"}, "1.10")
    done = handlers.receive_contribution(uow, pledge["id"], {"value_date": "2020-07-15"})
    assert done["received"] == usd("120000.00") and done["status"] == "received"
    event = wire(uow.events("contribution.received")[0])
    assert (event["original_amount"], event["original_currency"], event["amount"], event["exchange_rate"],
            event["value_date"]) == ("100000.00", "EUR", "120000.00", "1.20", "2020-07-15")


def test_a_missing_rate_is_a_422_and_nothing_is_kept(uow):
    fund = handlers.create_fund(uow, fund_body())
    before = uow.commits
    with pytest.raises(InvalidInput) as caught:
        handlers.pledge_contribution(uow, {"fund_id": fund["id"], "contributor": "Japan",
                                           "amount": {"amount": "1000000", "currency": "JPY"}})
    assert list(caught.value.errors) == ["amount.currency"] and "JPY->USD" in caught.value.errors["amount.currency"][0]
    assert uow.commits == before and uow.state.contributions == {} and uow.state.ledger == []


@pytest.mark.parametrize("amount, field", [
    ({"amount": "-5.00", "currency": "USD"}, "amount.amount"),
    ({"amount": "0", "currency": "USD"}, "amount.amount"),
    ({"amount": "0.00", "currency": "USD"}, "amount.amount"),
    ({"amount": "ten", "currency": "USD"}, "amount.amount"),
    ({"amount": "12,50", "currency": "USD"}, "amount.amount"),
    ({"amount": "1e3", "currency": "USD"}, "amount.amount"),      # canonical decimal strings only (no exponent)
    ({"amount": " 5.00", "currency": "USD"}, "amount.amount"),    # nor padding
    ({"amount": "NaN", "currency": "USD"}, "amount.amount"),
    ({"amount": 12.5, "currency": "USD"}, "amount.amount"),      # a float, even an exact one
    ({"amount": "10.555", "currency": "USD"}, "amount.amount"),
    ({"amount": "1000000000.01", "currency": "USD"}, "amount.amount"),   # beyond the ceiling
    ({"amount": "100.00", "currency": "XXY"}, "amount.currency"),
    ({"amount": "100.00", "currency": "usd"}, "amount.currency"),
    ({"amount": "100.00"}, "amount.currency"),
    ("100.00 USD", "amount"),
])
def test_bad_amounts_name_the_field_and_keep_the_balance(uow, funded, amount, field):
    fund_id = funded["fund"]["id"]
    before = handlers.get_fund(uow, fund_id)["balance"]
    body = {"fund_id": fund_id, "contributor": "Norway", "amount": amount}
    if field is None:
        handlers.pledge_contribution(uow, body)
        return
    commits = uow.commits
    with pytest.raises(InvalidInput) as caught:
        handlers.pledge_contribution(uow, body)
    assert set(caught.value.errors) == {field}
    assert uow.commits == commits and handlers.get_fund(uow, fund_id)["balance"] == before


def test_a_converted_amount_beyond_the_ceiling_is_refused(uow):
    fund = handlers.create_fund(uow, fund_body())
    handlers.load_rates(uow, {"rates": [{"from_currency": "GBP", "to_currency": "USD",
                                         "effective_date": "2000-01-01", "rate": "1.5"}]})
    with pytest.raises(InvalidInput) as caught:
        handlers.pledge_contribution(uow, {"fund_id": fund["id"], "contributor": "UK",
                                           "amount": {"amount": "900000000", "currency": "GBP"}})
    assert list(caught.value.errors) == ["amount.amount"]


@pytest.mark.parametrize("changes, fields", [
    ({"window": "regional"}, {"window"}),
    ({"currency": "XYZ"}, {"currency"}),
    ({"eligible_applicant_types": ["99"]}, {"eligible_applicant_types.0"}),
    ({"eligible_countries": ["ZZ"]}, {"eligible_countries.0"}),
    ({"eligible_countries": []}, {"eligible_countries"}),
    ({"max_cofinancing_share": "1.5"}, {"max_cofinancing_share"}),
    ({"max_cofinancing_share": "0"}, {"max_cofinancing_share"}),
    ({"min_grant": {"amount": "100", "currency": "EUR"}}, {"min_grant.currency"}),
    ({"min_grant": usd("90000")}, {"min_grant"}),
    ({"colour": "red"}, {"colour"}),
])
def test_bad_funds_are_refused_naming_each_field(uow, changes, fields):
    with pytest.raises(InvalidInput) as caught:
        handlers.create_fund(uow, fund_body(**changes))
    assert set(caught.value.errors) == fields and uow.outbox == []


def test_rates_must_be_positive_and_distinct(uow):
    with pytest.raises(InvalidInput) as caught:
        handlers.load_rates(uow, {"rates": [
            {"from_currency": "EUR", "to_currency": "EUR", "effective_date": "2020-01-01", "rate": "1"},
            {"from_currency": "EUR", "to_currency": "USD", "effective_date": "2020-01-01", "rate": "-1"},
            {"from_currency": "EUR", "to_currency": "USD", "effective_date": "2020-13-01", "rate": "1"}]})
    assert set(caught.value.errors) == {"rates.0.to_currency", "rates.1.rate", "rates.2.effective_date"}
    with pytest.raises(InvalidInput) as caught:
        handlers.load_rates(uow, {"rates": [
            {"from_currency": "EUR", "to_currency": "USD", "effective_date": "2020-01-01", "rate": "1.1"},
            {"from_currency": "EUR", "to_currency": "USD", "effective_date": "2020-01-01", "rate": "1.2"}]})
    assert set(caught.value.errors) == {"rates.1"}
