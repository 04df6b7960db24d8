"""Every indicator kind, reporting mode and roll-up rule the platform accepts (shared.rollup),
each as a series over three periods with its latest value revised, through the metrics
equivalence check (tests/metrics/test_metrics_equivalence.py: the store == the recomputation ==
an oracle). The generated histories draw the rules at random; this history has all of them
every time, so that a rule metrics gets wrong fails here whatever hypothesis draws."""
from datetime import date, datetime, timezone
from decimal import Decimal

from metrics import handlers
from tests.metrics import builders as b
from tests.metrics.builders import wire
from tests.metrics.test_metrics_equivalence import EVERY_RULE, check_history, world  # noqa: F401  (a fixture)

ENDS = [date(2019, 12, 31), date(2020, 6, 30), date(2021, 12, 31)]
RULES = EVERY_RULE + [{}]      # {}: an event from before indicators had a kind, reporting and rule


def _values(kind, i):
    """The i-th period's value: counts 300, 200, 100 (so sum, latest and max all differ)."""
    if kind == "qualitative":
        return {"value": 2 + i, "measure": "unit"}
    if kind == "percentage":
        return {"value": Decimal(25 * (i + 1)), "numerator": i + 1, "denominator": 4, "measure": "percentage"}
    return {"value": 100 * (3 - i)}


def test_each_kind_and_rule_is_counted_or_left_out_alike_in_projection_and_recomputation(world):  # noqa: F811
    events = [b.programme("p-parent")]
    for n, rule in enumerate(RULES):
        pid, kind = f"p{n}", rule.get("kind", "unit")
        events.append(b.programme(pid, parent_id="p-parent"))
        for i, end in enumerate(ENDS):
            events.append(b.result(f"r{n}-{i}", **_values(kind, i), programme_id=pid, parent_id="p-parent",
                                   period_end=end, **rule))
        revised = {"value": 5, "measure": "unit"} if kind == "qualitative" else (
            {"value": 50} if kind == "unit" else {"value": 50, "numerator": 2, "denominator": 4, "measure": kind})
        events.append(b.result(f"r{n}-2", **revised, version=2, programme_id=pid, parent_id="p-parent",
                               period_end=ENDS[2], approved_at=datetime(2022, 1, 5, tzinfo=timezone.utc), **rule))
    commit_order = [wire(t, p) for t, p in events]
    check_history(world, commit_order, list(reversed(commit_order)) + commit_order[:5], date(2020, 12, 31))
    # counted: per-period sums 300 + 200 + 50 (twice: `unit` and no rule stated), the cumulative
    # sum's latest 50; left out: percentages, scores, `latest` and `max`
    figure = handlers.get_progress(world.uow(), "strategic-plan-2018-2021")["figures"]["people_reached"]
    assert figure["value"] == 550 + 550 + 50
