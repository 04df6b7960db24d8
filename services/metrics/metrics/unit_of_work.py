"""Projections and queries of the metrics service."""
import sqlalchemy as sa

from shared.uow import UnitOfWork
from metrics import models


class SqlFacts:
    def __init__(self, session):
        self.session = session

    def _upsert(self, model, key: str, values: dict):
        # Events may arrive twice or out of order: the latest write of a fact wins.
        row = self.session.get(model, values[key])
        if row is None:
            self.session.add(model(**values))
        else:
            for name, value in values.items():
                setattr(row, name, value)

    def put_programme(self, p: dict):
        self._upsert(models.ProgrammeFact, "programme_id", {
            "programme_id": p["programme_id"], "funding_window": p["funding_window"],
            "themes": p["themes"], "countries": p["countries"]})

    def put_result(self, r: dict):
        self._upsert(models.ResultFact, "result_id", {
            "result_id": r["result_id"], "programme_id": r["programme_id"], "indicator": r["indicator"],
            "city_name": r["city"]["name"], "city_country": r["city"]["country"], "value": r["value"],
            "recorded_at": r["recorded_at"]})

    def put_result_version(self, r: dict):
        """result.approved / result.revised: the approved value of a result replaces any
        lower version of the same result. Only the plan's (corporate) indicators count."""
        if not r["indicator"]["corporate"]:
            return
        row = self.session.get(models.ResultFact, r["result_id"])
        if row is not None and row.version > r["version"]:
            return  # an older version arriving late
        values = {
            "result_id": r["result_id"], "programme_id": r["programme_id"], "parent_id": r["parent_id"],
            "indicator": r["indicator"]["code"], "city_name": r["city"]["name"],
            "city_country": r["city"]["country"], "value": int(r["value"]), "version": r["version"],
            "recorded_at": r.get("revised_at") or r["approved_at"]}
        self._upsert(models.ResultFact, "result_id", values)

    def put_grant(self, g: dict):
        self._upsert(models.GrantFact, "grant_id", {
            "grant_id": g["grant_id"], "programme_id": g["programme_id"], "amount": g["amount"],
            "currency": g["currency"], "awarded_at": g.get("committed_at") or g["awarded_at"]})

    def figure(self, target: dict) -> int:
        r = models.ResultFact
        counted = sa.and_(r.value > 0, True if target["indicator"] == "*" else r.indicator == target["indicator"])
        if target["measure"] == "sum":
            q = sa.select(sa.func.coalesce(sa.func.sum(r.value), 0)).where(counted)
        elif target["measure"] == "distinct_cities":
            cities = sa.select(r.city_country, r.city_name).where(counted).distinct().subquery()
            q = sa.select(sa.func.count()).select_from(cities)
        elif target["measure"] == "distinct_countries":
            q = sa.select(sa.func.count(sa.distinct(r.city_country))).where(counted)
        else:
            raise ValueError(f"unknown measure {target['measure']!r}")
        return int(self.session.execute(q).scalar_one())

    def committed_money(self) -> list[dict]:
        g = models.GrantFact
        rows = self.session.execute(sa.select(g.currency, sa.func.sum(g.amount)).group_by(g.currency)
                                    .order_by(g.currency))
        return [{"currency": c, "amount": str(a)} for c, a in rows]

    def last_update(self):
        return self.session.execute(sa.select(sa.func.max(models.inbox.c.processed_at))).scalar_one()


class MetricsUnitOfWork(UnitOfWork):
    def _open(self, session):
        self.facts = SqlFacts(session)
