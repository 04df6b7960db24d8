"""The grants domain's money: rounding, conversion, the fund's ledger and balance, contributions."""
from datetime import date

import pytest
from grants_domain_builders import (
    NOW,
    TODAY,
    D,
    converter,
    latest,
    make_fund,
)

from grants import domain
from grants.domain import (
    Balance,
    Contribution,
    Rate,
    convert,
    money,
)
from shared.errors import Conflict, InvalidInput

# --- money and conversion -----------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [("1.005", "1.00"), ("1.015", "1.02"), ("2", "2.00"), ("0.125", "0.12")])
def test_money_is_quantized_to_cents_with_bankers_rounding(value, expected):
    assert str(money(D(value))) == expected


def test_the_same_currency_converts_at_one():
    assert convert(D("10.5"), "USD", "USD", TODAY, latest) == (D("10.50"), D(1))


@pytest.mark.parametrize("on, expected, rate", [
    (date(2020, 1, 1), "110.00", "1.10"),     # effective that day
    (date(2020, 6, 30), "110.00", "1.10"),    # the latest on or before the value date, never a later one
    (date(2020, 7, 1), "120.00", "1.20"),
])
def test_conversion_uses_the_latest_rate_effective_on_the_value_date(on, expected, rate):
    assert convert(D("100"), "EUR", "USD", on, latest) == (D(expected), D(rate))


def test_an_inverse_rate_is_used_when_no_direct_one_exists():
    converted, rate = convert(D("3700000"), "UGX", "USD", date(2020, 6, 1), latest)
    assert converted == D("1000.00") and rate == (D(1) / D(3700)).quantize(domain.RATE_PLACES)


def test_an_inverse_rate_too_large_to_store_exactly_is_refused():
    """Rates are stored as ExactDecimal(18, 10) (below 10**8, so SQLite's scaled integer fits);
    the API bounds a loaded rate to 1,000,000, but the inverse of a rate below 1e-8 is larger."""
    tiny = Rate("USD", "XYZ", date(2020, 1, 1), D("0.000000001"))
    with pytest.raises(InvalidInput) as caught:
        convert(D("1"), "XYZ", "USD", date(2020, 6, 1), lambda f, t, on: tiny if (f, t) == ("USD", "XYZ") else None)
    assert list(caught.value.errors) == ["amount.currency"]


def test_a_missing_rate_is_invalid_input_naming_the_pair_and_date():
    with pytest.raises(InvalidInput) as caught:
        convert(D("100"), "EUR", "USD", date(2019, 12, 31), latest, field_name="amount.currency")
    assert list(caught.value.errors) == ["amount.currency"]
    assert "EUR->USD" in caught.value.errors["amount.currency"][0] and "2019-12-31" in \
        caught.value.errors["amount.currency"][0]


# --- the fund's ledger and balance ------------------------------------------------------------------

def test_the_balance_is_explained_by_the_ledger():
    fund = make_fund(received="0")
    fund.post("11", D("150000"), now=NOW, value_date=TODAY)
    fund.post("1", D("100000"), now=NOW, value_date=TODAY)
    fund.post("2", D("60000"), now=NOW, value_date=TODAY)
    fund.post("3", D("20000"), now=NOW, value_date=TODAY)
    fund.post("2", D("-10000"), now=NOW, value_date=TODAY)   # a returned commitment
    assert fund.balance.as_dict() == {"currency": "USD", "pledged": D("150000.00"), "received": D("100000.00"),
                                      "committed": D("50000.00"), "disbursed": D("20000.00"),
                                      "available": D("50000.00")}
    assert fund.balance.undisbursed == D("30000.00")
    assert [e.transaction_type for e in fund.new_entries] == ["11", "1", "2", "3", "2"]
    recomputed = Balance.of("USD", {t: sum((e.amount for e in fund.new_entries if e.transaction_type == t), D(0))
                                    for t in ("11", "1", "2", "3")})
    assert recomputed == fund.balance


def test_nothing_can_be_committed_beyond_what_was_received():
    fund = make_fund(received="1000")
    with pytest.raises(Conflict, match="available balance is 1000.00 USD"):
        fund.post("2", D("1000.01"), now=NOW, value_date=TODAY)
    assert fund.balance.committed == 0 and len(fund.new_entries) == 1
    fund.post("2", D("1000.00"), now=NOW, value_date=TODAY)
    assert fund.balance.available == 0


def test_nothing_can_be_disbursed_beyond_the_commitments():
    fund = make_fund(received="1000")
    fund.post("2", D("500"), now=NOW, value_date=TODAY)
    with pytest.raises(Conflict, match="undisbursed commitments are 500.00 USD"):
        fund.post("3", D("500.01"), now=NOW, value_date=TODAY)


def test_a_fund_needs_its_minimum_below_its_maximum():
    with pytest.raises(InvalidInput) as caught:
        make_fund(min_grant=D("80000"), max_grant=D("75000"), eligible_countries=["UG", "UG"])
    assert set(caught.value.errors) == {"min_grant", "eligible_countries"}


def test_a_pledge_is_converted_and_keeps_its_original_amount():
    fund = make_fund(received="0")
    contribution, entry = Contribution.pledge(
        fund, contributor=" Sweden ", contributor_type="10", amount={"amount": D("100000"), "currency": "EUR"},
        value_date=date(2020, 6, 1), convert_fn=converter("EUR", "USD", None), now=NOW)
    assert (contribution.contributor, contribution.original_amount, contribution.original_currency,
            contribution.amount, contribution.currency, contribution.exchange_rate) == (
        "Sweden", D("100000.00"), "EUR", D("110000.00"), "USD", D("1.10"))
    assert (entry.transaction_type, entry.amount, entry.original_amount, entry.original_currency) == (
        "11", D("110000.00"), D("100000.00"), "EUR")
    assert fund.balance.pledged == D("110000.00") and fund.balance.available == 0


def test_receipts_are_converted_on_their_own_value_date_and_complete_the_pledge():
    fund = make_fund(received="0")
    contribution, _ = Contribution.pledge(
        fund, contributor="Sweden", contributor_type=None, amount={"amount": D("100000"), "currency": "EUR"},
        value_date=date(2020, 6, 1), convert_fn=converter(None, None, None), now=NOW)
    first, _ = contribution.receive(fund, amount=D("40000"), value_date=date(2020, 6, 15),
                                    convert_fn=converter(None, None, None), now=NOW)
    assert (first.amount, contribution.status, contribution.outstanding_original) == (
        D("44000.00"), "partly_received", D("60000.00"))
    rest, _ = contribution.receive(fund, amount=None, value_date=date(2020, 7, 2),
                                   convert_fn=converter(None, None, None), now=NOW)
    assert (rest.original_amount, rest.amount, rest.exchange_rate) == (D("60000.00"), D("72000.00"), D("1.20"))
    assert contribution.status == "received" and contribution.received_total == D("116000.00")
    assert fund.balance.received == D("116000.00")
    with pytest.raises(Conflict) as caught:
        contribution.receive(fund, amount=None, value_date=TODAY, convert_fn=converter(None, None, None), now=NOW)
    assert caught.value.allowed == []


def test_a_receipt_beyond_the_pledge_is_refused():
    fund = make_fund(received="0")
    contribution, _ = Contribution.pledge(
        fund, contributor="Sweden", contributor_type=None, amount={"amount": D("100"), "currency": "USD"},
        value_date=TODAY, convert_fn=converter(None, None, None), now=NOW)
    with pytest.raises(InvalidInput) as caught:
        contribution.receive(fund, amount=D("100.01"), value_date=TODAY, convert_fn=converter(None, None, None),
                             now=NOW)
    assert list(caught.value.errors) == ["amount"] and fund.balance.received == 0
