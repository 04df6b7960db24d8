"""Valid time of result versions (pure): the intervals the store keeps, [approved_at,
superseded_at), select on every day exactly the version the recomputation picks (the highest
approved by the end of the day), whatever order versions were approved in."""
from datetime import date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from metrics.domain import ResultFact
from metrics.domain.versions import current_on, end_of, superseded_at, valid_on

START = datetime(2020, 1, 1, tzinfo=timezone.utc)


def version(result_id, n, hours):
    return ResultFact(result_id, n, "p-1", None, "people_reached", True, "unit", "direct", "c-1", "Jinja", "UG",
                      date(2020, 1, 1), date(2020, 6, 30), n * 10_000, approved_at=START + timedelta(hours=hours))


@given(st.lists(st.tuples(st.sampled_from(["r-1", "r-2"]), st.integers(1, 4), st.integers(0, 24 * 6)),
                unique_by=lambda t: t[:2], max_size=8),
       st.dates(date(2019, 12, 30), date(2020, 1, 9)))
def test_intervals_select_the_highest_version_approved_by_the_day(drawn, day):
    versions = [version(*t) for t in drawn]
    by_interval = {v.result_id: v for v in versions if valid_on(v, superseded_at(v, versions), day)}
    assert by_interval == current_on(versions, day)
    for v in by_interval.values():   # at most one version of a result counts on a day
        assert sum(1 for w in versions if w.result_id == v.result_id
                   and valid_on(w, superseded_at(w, versions), day)) == 1


def test_a_version_counts_from_its_approval_to_the_next_ones():
    v1, v2 = version("r-1", 1, 10), version("r-1", 2, 24 * 3)   # approved 1 and 4 January
    assert end_of(date(2020, 1, 1)) == datetime(2020, 1, 2, tzinfo=timezone.utc)
    assert [current_on([v1, v2], date(2020, 1, d)).get("r-1") for d in (1, 3, 4)] == [v1, v1, v2]
    assert current_on([v1, v2], date(2019, 12, 31)) == {}
    late = version("r-1", 1, 24 * 5)   # a lower version approved after the higher one never counts
    assert superseded_at(late, [late, v2]) < late.approved_at
    assert not any(valid_on(late, superseded_at(late, [late, v2]), date(2020, 1, d)) for d in range(1, 9))
