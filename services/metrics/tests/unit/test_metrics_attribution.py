"""Donor attribution: the arithmetic (largest remainder, exact shares; property-based) and the
rule through the real handlers and unit of work on SQLite (the equivalence test compares it with
the recomputation, tests/metrics/test_metrics_equivalence.py; PostgreSQL: the e2e test)."""
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrics import attribution, domain
from metrics.domain.attribution import attribution as attribute
from shared import plan as shared_plan
from shared.apportion import apportion
from shared.errors import NotFound
from tests.metrics import builders as b

PLAN = domain.Plan.from_dict(dict(shared_plan.load_plan(shared_plan.PLANS_DIR / "strategic-plan-2018-2021.yaml")))


@st.composite
def shares(draw):
    weights = draw(st.lists(st.integers(1, 10**6), min_size=1, max_size=8))
    return [Fraction(w, sum(weights)) for w in weights]


@given(total=st.integers(0, 10**12), parts=shares())
def test_largest_remainder_parts_add_up_exactly_and_stay_within_one_unit(total, parts):
    got = apportion(total, parts)
    assert sum(got) == total
    assert all(abs(g - total * s) < 1 for g, s in zip(got, parts, strict=True))


@st.composite
def worlds(draw):
    """Cells of a few programmes, receipts of contributors to two funds, disbursements of grants."""
    programmes = [f"p{i}" for i in range(draw(st.integers(1, 5)))]
    cells = [("people_reached", "direct", draw(st.sampled_from(programmes)), "c-jinja", "UG", date(2020, 6, 30),
              draw(st.integers(0, 10**9)), 1) for _ in range(draw(st.integers(1, 8)))]
    txns = [domain.MoneyTxn("received", f"k{i}", "USD", draw(st.integers(1, 10**8)), date(2019, 1, 1),
                            fund_id=draw(st.sampled_from(["f-1", "f-2", "f-3"])),
                            contributor=draw(st.sampled_from(["Sweden", "Switzerland", "Norway"])))
            for i in range(draw(st.integers(0, 5)))]
    txns += [domain.MoneyTxn("disbursed", f"d{i}", draw(st.sampled_from(["USD", "USD", "EUR"])),
                             draw(st.integers(1, 10**8)), date(2019, 6, 1), fund_id=f"f-{i % 3 + 1}",
                             programme_id=draw(st.sampled_from(programmes)), grant_id=f"g{i % 4}")
             for i in range(draw(st.integers(0, 6)))]
    return domain.Snapshot(cells=cells), txns


@given(world=worlds())
def test_every_programme_is_credited_exactly_its_results(world):
    snap, txns = world
    body = attribute(PLAN, snap, txns, today=date(2020, 12, 31), as_of=None)
    scaled = domain.scale_value
    for code in body["figures"]:
        credited = sum(scaled(i["figures"][code]) for i in body["items"])
        assert credited == scaled(body["attributed"][code])
        assert scaled(body["total"][code]) == credited + scaled(body["unattributed"][code])
        assert scaled(body["total"][code]) == sum(v for ind, *_, v, _n in snap.cells if ind == code)
        per_programme: dict[str, int] = {}
        for path in (p for i in body["items"] for p in i["paths"]):
            per_programme[path["programme_id"]] = per_programme.get(path["programme_id"], 0) + scaled(
                path["credited"][code])
            assert Fraction(path["share"]) == Fraction(path["grant_share"]) * Fraction(path["contributor_share"])
        for pid, credited_to in per_programme.items():
            rest = sum(scaled(u["figures"][code]) for u in body["unattributed_programmes"] if u["programme_id"] == pid)
            assert credited_to + rest == scaled(next(p for i in body["items"] for p in i["paths"]
                                                     if p["programme_id"] == pid)["results"][code])


def contributed(db, apply):
    """Fund f-1: Sweden 200, Switzerland 100 (2/3, 1/3); fund f-2: Norway 100. Programme p-1 has
    grants g-1 (f-1, 300 disbursed) and g-2 (f-2, 150): 2/3 and 1/3 of its results."""
    apply(b.fund("f-1"), b.fund("f-2"), b.programme("p-1"), b.programme("p-2"), b.programme("p-3", parent_id="p-1"),
          b.received("k-1", "200.00", contributor="Sweden"), b.received("k-2", "100.00", contributor="Switzerland"),
          b.received("k-3", "100.00", fund_id="f-2", contributor="Norway"),
          b.committed("g-1", "400.00"), b.disbursed("d-1", "g-1", "300.00", day=date(2020, 7, 1)),
          b.committed("g-2", "150.00", fund_id="f-2"),
          b.disbursed("d-2", "g-2", "150.00", fund_id="f-2", day=date(2020, 7, 1)),
          b.result("r-1", 900), b.result("r-2", 1, programme_id="p-3", parent_id="p-1"),
          b.result("r-3", 50, programme_id="p-2"), b.result("r-4", 10, indicator="women_empowered"))


def test_contributors_are_credited_through_funds_grants_and_programmes(db, apply):
    contributed(db, apply)
    body = attribution.get_attribution(db.uow())
    people = {i["contributor"]: i["figures"]["people_reached"] for i in body["items"]}
    # p-1: 900 x 2/3 x 2/3 = 400 (Sweden), x 2/3 x 1/3 = 200, x 1/3 = 300 (Norway); p-3 (a child
    # without grants of its own) takes p-1's: 1 = 0.4444.. + 0.2222.. + 0.3333..: largest remainder
    assert people == {"Norway": "300.3333", "Sweden": "400.4445", "Switzerland": "200.2222"}
    assert (body["total"]["people_reached"], body["attributed"]["people_reached"],
            body["unattributed"]["people_reached"]) == (951, 901, 50)
    assert [(u["programme_id"], u["reason"]) for u in body["unattributed_programmes"]] == [
        ("p-2", "no grant disbursed to the programme or its parent")]
    sweden = next(i for i in body["items"] if i["contributor"] == "Sweden")
    path = sweden["paths"][0]
    assert (path["fund_id"], path["contributed"], path["fund_received"], path["contributor_share"], path["grant_id"],
            path["disbursed"], path["programme_disbursed"], path["grant_share"], path["share"],
            path["programme_id"], path["results"]["people_reached"], path["credited"]["people_reached"]) == (
        "f-1", {"amount": "200.00", "currency": "USD"}, {"amount": "300.00", "currency": "USD"}, "2/3", "g-1",
        {"amount": "300.00", "currency": "USD"}, {"amount": "450.00", "currency": "USD"}, "2/3", "4/9", "p-1",
        900, 400)
    assert sweden["figures"]["women_empowered"] == "4.4445"   # 4.4444.. takes the unit left by the floors


def test_as_of_one_contributor_and_an_unknown_one(db, apply):
    contributed(db, apply)
    before = attribution.get_attribution(db.uow(), as_of="2020-06-30")   # the results, not yet the money
    assert before["items"] == [] and before["unattributed"]["people_reached"] == 951
    only = attribution.get_attribution(db.uow(), contributor="Norway")
    assert [i["contributor"] for i in only["items"]] == ["Norway"] and only["total"]["people_reached"] == 951
    with pytest.raises(NotFound):
        attribution.get_attribution(db.uow(), contributor="Atlantis")


def test_a_programme_financed_in_two_currencies_is_unattributed_with_the_reason(db, apply):
    apply(b.fund("f-1"), b.fund("f-9", currency="EUR"), b.received("k-1", "100.00"),
          b.received("k-9", "100.00", fund_id="f-9", currency="EUR"),
          b.disbursed("d-1", "g-1", "10.00"), b.disbursed("d-9", "g-9", "10.00", fund_id="f-9", currency="EUR"),
          b.result("r-1", 7))
    body = attribution.get_attribution(db.uow())
    assert body["items"] == [] and [u["reason"] for u in body["unattributed_programmes"]] == [
        "financed in several currencies: EUR, USD"]

