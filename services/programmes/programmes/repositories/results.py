"""Results and their versions."""
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from programmes import domain
from programmes.repositories.rows import (
    RV,
    R,
    decimal_parts,
    normal,
    result_from_row,
    result_row,
    result_summary_from_row,
    version_row,
)
from shared.persistence import Page, get, keyset_page, update

COLUMN_FILTERS = {"programme_id": R.c.programme_id, "indicator": R.c.indicator_code, "city": R.c.city_id,
                  "status": R.c.status}


# Built once (every submission looks its slot up; see programmes.py's statements).
_IN_SLOT = sa.select(R.c.id).where(
    R.c.programme_id == sa.bindparam("programme_id"), R.c.indicator_code == sa.bindparam("indicator"),
    R.c.city_id == sa.bindparam("city_id"), R.c.period_start == sa.bindparam("start"),
    R.c.period_end == sa.bindparam("end"))
_VERSIONS = sa.select(RV).where(RV.c.result_id == sa.bindparam("result_id")).order_by(RV.c.number)
_VERSION_NUMBERS = sa.select(RV.c.number).where(RV.c.result_id == sa.bindparam("result_id"))


class SqlResultRepository:
    def __init__(self, session: Any):
        self.session = session

    def get(self, result_id: str, *, for_update: bool = False) -> domain.Result | None:
        """`for_update`: lock the result's row until the transaction ends (unit_of_work: lock order)."""
        row = get(self.session, R, result_id, for_update=for_update)
        if row is None:
            return None
        versions = self.session.execute(_VERSIONS, {"result_id": result_id}).all()
        return result_from_row(row, versions)

    def id_in_slot(self, programme_id: str, indicator: str, city_id: str, start: Any, end: Any) -> str | None:
        return self.session.execute(_IN_SLOT, {"programme_id": programme_id, "indicator": indicator,
                                               "city_id": city_id, "start": start, "end": end}).scalar()

    def add(self, result: domain.Result) -> None:
        self.session.execute(R.insert(), result_row(result))
        self.session.execute(RV.insert(), [version_row(result.id, v) for v in result.versions])

    def save(self, result: domain.Result) -> None:
        update(self.session, R, result_row(result))
        stored = set(self.session.execute(_VERSION_NUMBERS, {"result_id": result.id}).scalars())
        for v in result.versions:
            values = version_row(result.id, v)
            if v.number in stored:
                update(self.session, RV, values)
            else:
                self.session.execute(RV.insert(), values)

    def page(self, *, filters: dict[str, Any], organisation: str | None = None, cursor: str | None = None,
             limit: int = 50) -> Page:
        """Summaries (no versions) in (updated_at, id) order; `organisation`: only its results."""
        query = sa.select(R)
        for name, column in COLUMN_FILTERS.items():
            if filters.get(name) is not None:
                query = query.where(column == filters[name])
        if filters.get("period_start") is not None:
            query = query.where(R.c.period_start >= filters["period_start"])
        if filters.get("period_end") is not None:
            query = query.where(R.c.period_end <= filters["period_end"])
        if organisation is not None:
            query = query.where(sa.func.lower(R.c.reporting_org_ref) == organisation)
        if filters.get("modified_since") is not None:
            query = query.where(R.c.updated_at >= filters["modified_since"])
        page = keyset_page(self.session, query, [R.c.updated_at, R.c.id], limit=limit, cursor=cursor)
        return Page([result_summary_from_row(r) for r in page.rows], page.next_cursor)

    def within(self, programme_id: str, start: Any, end: Any) -> list[dict[str, Any]]:
        """Summaries of a programme's results of periods within [start, end] (a period's report)."""
        rows = self.session.execute(sa.select(R).where(
            R.c.programme_id == programme_id, R.c.period_start >= start, R.c.period_end <= end)
            .order_by(R.c.indicator_code, R.c.city_id, R.c.period_start, R.c.id)).all()
        return [result_summary_from_row(r) for r in rows]

    def approved_values(self, programme_ids: list[str]) -> list[domain.Approved]:
        """The approved version of every approved result of these programmes."""
        if not programme_ids:
            return []
        rows = self.session.execute(
            sa.select(R.c.programme_id, R.c.indicator_code, R.c.city_id, R.c.period_start, R.c.period_end,
                      RV.c.value, RV.c.numerator, RV.c.denominator, RV.c.disaggregations)
            .join(RV, sa.and_(RV.c.result_id == R.c.id, RV.c.number == R.c.approved_version))
            .where(R.c.programme_id.in_(programme_ids)))
        return [domain.Approved(r.programme_id, r.indicator_code, r.city_id, r.period_end, normal(r.value),
                                normal(r.numerator), normal(r.denominator),
                                decimal_parts(r.disaggregations, Decimal), r.period_start) for r in rows]
