"""A parent's achievement per city and per disaggregation part (programmes' totals, `by_scope`)
against the naive oracle (tests/unit/rollup_oracle.py): the family's actuals of that city and
part against the children's targets of that scope, both rolled up by the indicator's rule."""
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from programmes.domain import Approved, Indicator, roll_up
from shared.rollup import Observation
from tests.unit.rollup_oracle import (
    CITIES,
    ENDS,
    PARTS,
    SEMANTICS,
    distinct_periods,
    expected,
    nested,
    observation,
    small,
)

PERCENT = Decimal("0.01")


@st.composite
def scoped_target(draw):
    """A child's target of one city, one part, or a part in one city."""
    city, part = draw(st.sampled_from([(c, None) for c in CITIES] + [(None, p) for p in PARTS]
                                      + [(c, p) for c in CITIES for p in PARTS[:1]]))
    return draw(st.sampled_from(("a", "b"))), {
        "period": {"start": date(2020, 1, 1), "end": draw(st.sampled_from(ENDS))}, "value": draw(small),
        "city_id": city, "disaggregation": part and {"dimension": part[0], "category": part[1]}}


@settings(max_examples=100, deadline=None)
@given(st.lists(observation(("jwp", "a", "b")), min_size=1, max_size=20).map(distinct_periods),
       st.lists(scoped_target(), min_size=1, max_size=8), st.sampled_from(SEMANTICS))
def test_a_parents_achievement_per_city_and_part_is_its_familys_by_the_same_rule(obs, targets, sem):
    defs = {(p, "x"): Indicator(p, "x", "X", False, measure=sem.kind, reporting=sem.reporting, rollup=sem.rollup,
                                targets=[t for owner, t in targets if owner == p]) for p in ("a", "b")}
    approved = [Approved(o.series[0], "x", o.series[1], o.end, o.value, o.numerator, o.denominator,
                         nested(o.parts)) for o in obs]
    [total] = roll_up("jwp", ["a", "b"], approved, defs)
    scopes = {(t["city_id"], t["disaggregation"] and (t["disaggregation"]["dimension"],
                                                      t["disaggregation"]["category"])) for _, t in targets}
    assert {(s["city_id"], s["dimension"] and (s["dimension"], s["category"])) for s in total["by_scope"]} == scopes
    for scope in total["by_scope"]:
        city, part = scope["city_id"], scope["dimension"] and (scope["dimension"], scope["category"])
        aims = [Observation((owner, "*"), t["period"]["end"], t["value"]) for owner, t in targets
                if (t["city_id"], t["disaggregation"] and (t["disaggregation"]["dimension"],
                                                           t["disaggregation"]["category"])) == (city, part)]
        target = expected(aims, sem).value
        assert Decimal(scope["target"]) == (target.quantize(PERCENT) if sem.kind == "percentage" else target)
        actual = expected([o for o in obs if city in (None, o.series[1])], sem)
        if part is not None and sem.kind != "unit":        # a percentage's or a score's parts: flagged, never added
            assert scope["total"] is None and scope["not_aggregated"]
        elif part is not None:
            assert scope["total"] in ({p.get(part, Decimal(0)) for p in actual.parts} if actual.value is not None
                                      else {None})
        else:
            assert scope["total"] == (actual.value.quantize(PERCENT) if actual.value is not None
                                      and sem.kind == "percentage" else actual.value)
        assert scope["achievement"] == (None if scope["total"] is None or not scope["target"] else (
            Decimal(scope["total"]) * 100 / Decimal(scope["target"])).quantize(Decimal("0.1")))
