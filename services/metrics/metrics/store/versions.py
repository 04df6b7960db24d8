"""Valid-time history of results in SQL (`result_versions`): every approved version with when it
counted, [approved_at, superseded_at), kept by each result event at a cost that depends only on
that result's versions, and the facts as they stood at the end of a day (`metrics.domain.versions`
is the rule). The result's `result_facts` row is held while its versions are written, so writers
of one result are serialised (lock order step 2, `metrics.store`)."""
from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from metrics import models as m
from metrics.domain import ResultFact
from metrics.domain.versions import approved, end_of, superseded_at
from metrics.store.sql import Store

FACT_COLUMNS = tuple(c.name for c in m.result_facts.c)


class VersionStore(Store):
    def record_version(self, fact: ResultFact) -> None:
        """Add a version (once: a redelivery adds nothing), close it at the first approval of a
        higher version, and close the lower versions still open at its approval."""
        v = m.result_versions
        key = {"rid": fact.result_id, "v": fact.version}
        higher = self.run(self.cached(("versions", "higher"), lambda: sa.select(sa.func.min(v.c.approved_at)).where(
            v.c.result_id == sa.bindparam("rid"), v.c.version > sa.bindparam("v"))), key).scalar()
        at = approved(fact)
        inserted = self.claim(v, ("result_id", "version"),
                              {**fact.as_row(), "approved_at": at, "superseded_at": higher}).rowcount
        if inserted == 1:
            self.run(self.cached(("versions", "close"), lambda: v.update().where(
                v.c.result_id == sa.bindparam("rid"), v.c.version < sa.bindparam("v"),
                sa.or_(v.c.superseded_at.is_(None), v.c.superseded_at > sa.bindparam("at", type_=v.c.approved_at.type)))
                .values(superseded_at=sa.bindparam("at", type_=v.c.approved_at.type))), {**key, "at": at})

    @staticmethod
    def facts_on(day: date, name: str = "facts_on") -> sa.Subquery:
        """The result facts as they stood at the end of `day`: each result at the version that
        counted then, with result_facts' columns (a drop-in for the table in queries)."""
        v, end = m.result_versions.c, end_of(day)
        return (sa.select(*(v[name] for name in FACT_COLUMNS))
                .where(v.approved_at < end, sa.or_(v.superseded_at.is_(None), v.superseded_at >= end))
                .subquery(name))

    @staticmethod
    def version_rows(versions: list[ResultFact]) -> list[dict[str, Any]]:
        """Rows of every version with its valid time (a rebuild from the sources' state)."""
        by_result: dict[str, list[ResultFact]] = {}
        for fact in versions:
            by_result.setdefault(fact.result_id, []).append(fact)
        return [{**fact.as_row(), "approved_at": approved(fact),
                 "superseded_at": superseded_at(fact, by_result[fact.result_id])} for fact in versions]

    @staticmethod
    def version_keys(versions: list[ResultFact]) -> list[tuple[Any, ...]]:
        """(result id, version, approved_at, superseded_at) of each version, as reconcile compares."""
        return [(r["result_id"], r["version"], r["approved_at"], r["superseded_at"])
                for r in VersionStore.version_rows(versions)]

    def stored_versions(self) -> list[tuple[Any, ...]]:
        v = m.result_versions.c
        return [tuple(r) for r in self.run(sa.select(v.result_id, v.version, v.approved_at, v.superseded_at))]
