"""Programmes: their rows, facets (the multi-valued list filters), cities, title search and
hierarchy."""
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from programmes import domain
from programmes.repositories.cities import like
from programmes.repositories.rows import (
    PC,
    C,
    F,
    P,
    city_from_row,
    city_values,
    programme_from_row,
    programme_row,
    programme_values,
)
from shared.persistence import Page, get, get_many, keyset_page, update

# SQLite only (migration 0003): the full-text index of titles and the table it indexes.
SEARCH = sa.table("programme_search", sa.column("rowid"), sa.column("programme_id"))
TITLES = sa.table("programme_titles", sa.column("rowid"), sa.column("title"))
FEW_TITLES = 2000  # fewer matches than this: search the full-text index, then sort them

# Filters of the programme list answered by programme_facets, and the facet kind of each.
FACET_FILTERS = {"theme": "theme", "country": "country", "city": "city", "sdg_goal": "sdg_goal",
                 "organisation": "org"}
FACET_PRIORITY = ("city", "organisation", "country", "sdg_goal", "theme")
COLUMN_FILTERS = {"funding_window": P.c.funding_window, "instrument": P.c.instrument,
                  "status": P.c.status, "parent_id": P.c.parent_id}


# Built once, run with parameters: every create and every command on a programme runs them, and
# building a statement cost more than running it (bench: third round).
_BY_IATI = sa.select(P.c.id).where(P.c.iati_identifier == sa.bindparam("iati"))
_CITIES_OF = (sa.select(PC.c.programme_id, C).join(C, C.c.id == PC.c.city_id)
              .where(PC.c.programme_id.in_(sa.bindparam("ids", expanding=True)))
              .order_by(PC.c.programme_id, PC.c.position))


class SqlProgrammeRepository:
    def __init__(self, session: Any):
        self.session = session

    # -- programmes
    def get(self, programme_id: str, *, for_update: bool = False) -> domain.Programme | None:
        """`for_update`: lock the programme's row until the transaction ends (unit_of_work: lock order)."""
        row = get(self.session, P, programme_id, for_update=for_update)
        if row is None:
            return None
        return programme_from_row(row, self._cities_of([row.id])[row.id])

    def lock(self, programme_ids: list[str]) -> None:
        """Lock these programmes' rows in id order (unit_of_work: lock order)."""
        get_many(self.session, P, programme_ids, for_update=True)

    def id_of_iati_identifier(self, iati_identifier: str) -> str | None:
        return self.session.execute(_BY_IATI, {"iati": iati_identifier}).scalar()

    def add(self, programme: domain.Programme) -> None:
        self.session.execute(P.insert(), programme_row(programme))
        self._write_links(programme, new=True)

    def save(self, programme: domain.Programme) -> None:
        update(self.session, P, programme_row(programme))
        self._write_links(programme)

    def touch(self, programme_id: str, at: datetime) -> None:
        """A change shown in the programme (its indicators) moves it in the sync order."""
        self.session.execute(P.update().where(P.c.id == programme_id, P.c.updated_at < at).values(updated_at=at))
        self.session.execute(F.update().where(F.c.programme_id == programme_id, F.c.updated_at < at)
                             .values(updated_at=at))

    def _write_links(self, programme: domain.Programme, *, new: bool = False) -> None:
        """Facets and city links; a `new` programme has none yet: nothing to delete or look up."""
        if not new:
            self.session.execute(F.delete().where(F.c.programme_id == programme.id))
        facets = {(kind, code) for kind, codes in (
            ("theme", programme.themes), ("country", programme.countries), ("sdg_goal", programme.sdg_goals),
            ("sdg_target", programme.sdg_targets), ("sector", [s["code"] for s in programme.sectors]),
            ("city", [c.id for c in programme.cities]), ("org", programme.organisations())) for code in codes}
        if facets:
            self.session.execute(F.insert(), [{"programme_id": programme.id, "kind": kind, "code": code,
                                               "updated_at": programme.updated_at} for kind, code in sorted(facets)])
        linked: set[str] = set() if new else set(self.session.execute(
            sa.select(PC.c.city_id).where(PC.c.programme_id == programme.id)).scalars())
        unlinked = [(i, c) for i, c in enumerate(programme.cities) if c.id not in linked]
        if unlinked:
            self.session.execute(PC.insert(), [{"programme_id": programme.id, "city_id": c.id, "position": i,
                                                "added_at": programme.updated_at} for i, c in unlinked])

    def _cities_of(self, programme_ids: list[str], convert: Any = city_from_row) -> dict[str, list[Any]]:
        """Each programme's cities in its order, one query for them all; `convert` makes each row's city."""
        out: dict[str, list[Any]] = {pid: [] for pid in programme_ids}
        if not programme_ids:
            return out
        rows = self.session.execute(_CITIES_OF, {"ids": programme_ids}).all()
        for row in rows:
            out[row.programme_id].append(convert(row))
        return out

    def page(self, *, filters: dict, organisation: str | None = None, cursor: str | None = None,
             limit: int = 50) -> Page:
        """A page of programmes in (updated_at, id) order; `organisation`: only those it reports.
        Its rows are rows.programme_values: what a list shows, with no domain object to build."""
        # The most selective facet drives the scan (a city has few programmes, a theme many).
        facet_filters = [(FACET_FILTERS[name], filters[name]) for name in FACET_PRIORITY if filters.get(name)]
        if facet_filters:
            # Drive the query from the first facet's index: (kind, code, updated_at, programme_id).
            (kind, code), rest = facet_filters[0], facet_filters[1:]
            first = F.alias("f0")
            # The facet's order columns are selected too: the page's cursor is read from them.
            query = (sa.select(P, first.c.updated_at, first.c.programme_id)
                     .join(first, first.c.programme_id == P.c.id).where(first.c.kind == kind, first.c.code == code))
            order = (first.c.updated_at, first.c.programme_id)
            for n, (kind, code) in enumerate(rest, start=1):
                other = F.alias(f"f{n}")
                query = query.where(sa.exists().where(other.c.programme_id == P.c.id, other.c.kind == kind,
                                                      other.c.code == code))
        else:
            query, order = sa.select(P), (P.c.updated_at, P.c.id)
        for name, column in COLUMN_FILTERS.items():
            if filters.get(name) is not None:
                query = query.where(column == filters[name])
        if organisation is not None:
            query = query.where(sa.func.lower(P.c.reporting_org_ref) == organisation)
        if filters.get("q"):
            query = query.where(self._title_contains(filters["q"]))
        if filters.get("modified_since") is not None:
            query = query.where(order[0] >= filters["modified_since"])
        page = keyset_page(self.session, query, list(order), limit=limit, cursor=cursor)
        cities = self._cities_of([r.id for r in page.rows], city_values)
        return Page([programme_values(r, cities[r.id]) for r in page.rows], page.next_cursor)

    def _title_contains(self, text: str):
        """`q`: on PostgreSQL ILIKE (trigram GIN index); on SQLite the FTS5 trigram index of
        migration 0003 for a text matching few titles (the matches are then sorted), else a
        walk of the sync index that stops at the page's end (a common text fills it fast)."""
        if self.session.get_bind().dialect.name == "sqlite" and len(text) >= 3 and not set(text) & set("%_\\"):
            matching = TITLES.c.title.like(f"%{text}%")
            few = self.session.execute(sa.select(sa.func.count()).select_from(
                sa.select(TITLES.c.rowid).where(matching).limit(FEW_TITLES).subquery())).scalar_one()
            if few < FEW_TITLES:
                return P.c.id.in_(sa.select(SEARCH.c.programme_id).where(
                    SEARCH.c.rowid.in_(sa.select(TITLES.c.rowid).where(matching))))
        return P.c.title.ilike(like(text), escape="\\")

    # -- hierarchy
    def children(self, programme_id: str) -> list[dict[str, str]]:
        rows = self.session.execute(sa.select(P.c.id, P.c.iati_identifier, P.c.title)
                                    .where(P.c.parent_id == programme_id).order_by(P.c.iati_identifier)).all()
        return [{"id": r.id, "iati_identifier": r.iati_identifier, "title": r.title} for r in rows]

    def has_children(self, programme_id: str) -> bool:
        return self.session.execute(sa.select(sa.exists().where(P.c.parent_id == programme_id))).scalar()
