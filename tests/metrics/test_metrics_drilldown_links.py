"""Property: every figure of the progress API links to the approved results behind it, and what
a link lists adds up to the figure it hangs from, now and as of a drawn date: every breakdown
cell (dimension filter; a distinct count: the cities or countries of the results), every history
point (`through=` its date) and every contributor's credit (`contributor=`: the programmes'
results, whose values times the contributor's shares, apportioned, are its credit).

The generated histories are the equivalence test's (tests/metrics/test_metrics_equivalence.py),
applied through the real handlers to a real SQLite database; that test shows the store's bodies
equal the recomputation's, so checking the links against the store's bodies is enough here."""
import os
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics import attribution, domain, handlers, plans
from shared.actors import Actor
from tests.metrics.links import follow, same
from tests.metrics.test_metrics_equivalence import histories, world  # noqa: F401 (the fixture)

ADMIN = Actor.key(key_id="k-admin", organisation="XM-SECRETARIAT", role="admin")


def _check_breakdowns(db, plan, day):
    for dimension in domain.DIMENSIONS:
        for item in handlers.get_breakdown(db.uow(), dimension, plan.id, day)["items"]:
            assert set(item["links"]) == set(item["figures"])
            for code, figure in item["figures"].items():
                summary = follow(db.uow(), item["links"][code], ADMIN)["summary"]
                assert same(summary["figure_value"], figure["value"]), (dimension, item["key"], code)
                if "direct" in figure:
                    assert same(summary["value"], figure["value"])


def _check_history(db, plan, day):
    for figure in handlers.get_history(db.uow(), plan.id, day)["figures"]:
        for point in figure["series"]:
            summary = follow(db.uow(), point["link"], ADMIN)["summary"]
            assert same(summary["figure_value"], point["value"]), (figure["code"], point)


def _check_contributors(db, plan, day):
    body = attribution.get_attribution(db.uow(), plan.id, day)
    for item in body["items"]:
        for code in body["figures"]:
            behind = follow(db.uow(), item["links"][code], ADMIN)
            credit = behind["summary"]["contributor"]
            assert same(credit["credited"], item["figures"][code])
            assert domain.scale_value(credit["credited"]) == sum(
                domain.scale_value(p["credited"]) for p in credit["programmes"])
            assert domain.scale_value(behind["summary"]["value"]) == sum(   # the programmes' results, whole
                domain.scale_value(p["results"]) for p in credit["programmes"])


@settings(max_examples=int(os.environ.get("METRICS_DRILLDOWN_EXAMPLES", 20)), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(history=histories(), day=st.one_of(st.none(), st.dates(date(2017, 6, 1), date(2024, 12, 31))))
def test_every_link_lists_the_results_that_add_up_to_its_figure(world, history, day):  # noqa: F811
    _commit_order, deliveries = history
    world.empty()
    for envelope in deliveries:
        handlers.apply_event(world.uow(), envelope)
    for plan in plans.current().values():
        progress = handlers.get_progress(world.uow(), plan.id, day)
        for code, url in progress["links"].items():
            assert same(follow(world.uow(), url, ADMIN)["summary"]["figure_value"], progress["figures"][code]["value"])
        _check_breakdowns(world, plan, day)
        _check_history(world, plan, day)
        _check_contributors(world, plan, day)
