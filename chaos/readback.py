"""What the platform holds after a run, read straight from the services' databases (never
through the API under test): the approved results programmes holds, how many times metrics
counted each, and whether everything has settled (outboxes published, metrics caught up).

A result is counted in the metric cells of its (programme, city, period end, indicator); the
load gives every result a period end of its own in its programme, so a cell's `n` is how
many times that result was counted (in the plan that counts most: a double count shows)."""
import time

import sqlalchemy as sa

from shared.db import create_engine


def _rows(url: str, sql: str, **params) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql).bindparams(sa.bindparam("ids", expanding=True)), params).all() \
                if "ids" in params else conn.execute(sa.text(sql), params).all()
    finally:
        engine.dispose()


def sources(urls: dict, programmes: list[str]) -> set[str]:
    if not programmes:
        return set()
    return {r[0] for r in _rows(urls["programmes"], "SELECT id FROM results WHERE status = 'approved' "
                                "AND programme_id IN :ids", ids=programmes)}


def counted(urls: dict, programmes: list[str]) -> dict[str, int]:
    if not programmes:
        return {}
    rows = _rows(urls["metrics"], """
        SELECT r.result_id, c.plan_id, SUM(c.n) FROM result_facts r
        LEFT JOIN metric_cells c ON c.programme_id = r.programme_id AND c.city_id = r.city_id
             AND c.period_end = r.period_end AND c.indicator = r.indicator
        WHERE r.programme_id IN :ids AND r.version > 0 GROUP BY r.result_id, c.plan_id""", ids=programmes)
    out: dict[str, int] = {}
    for result_id, _plan, n in rows:
        out[result_id] = max(out.get(result_id, 0), int(n or 0))
    return out


def unpublished(urls: dict) -> int:
    """Events committed in any service's outbox and not yet confirmed by the broker."""
    return sum(_rows(url, "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL")[0][0] for url in urls.values())


def published(urls: dict, service: str = "programmes") -> int:
    return _rows(urls[service], "SELECT COUNT(*) FROM outbox")[0][0]


def settle(urls: dict, programmes: list[str], timeout: float = 90.0) -> float:
    """Waits until every outbox is published and metrics counts what programmes holds (twice
    the same answer, a second apart); returns the seconds waited."""
    began, last = time.monotonic(), None
    while time.monotonic() - began < timeout:
        try:
            state = (unpublished(urls), len(sources(urls, programmes)), sum(counted(urls, programmes).values()))
        except sa.exc.OperationalError:   # a database still away
            state = None
        if state and state[0] == 0 and state[1] <= state[2] and state == last:
            return time.monotonic() - began
        last = state
        time.sleep(1.0)
    return time.monotonic() - began
