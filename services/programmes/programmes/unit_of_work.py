"""Repositories and the unit of work of the programmes service (SQLAlchemy, SQLite and PostgreSQL)."""
from datetime import date, datetime, timezone
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from programmes import domain, models
from shared.uow import UnitOfWork

P, F, C, PC = (models.Programme.__table__, models.ProgrammeFacet.__table__, models.City.__table__,
               models.ProgrammeCity.__table__)
I, R, RV = models.Indicator.__table__, models.Result.__table__, models.ResultVersion.__table__

CENTS = Decimal("0.01")
# SQLite only (migration 0003): the full-text index of titles and the table it indexes.
SEARCH = sa.table("programme_search", sa.column("rowid"), sa.column("programme_id"))
TITLES = sa.table("programme_titles", sa.column("rowid"), sa.column("title"))
FEW_TITLES = 2000  # fewer matches than this: search the full-text index, then sort them

# Filters of the programme list answered by programme_facets, and the facet kind of each.
FACET_FILTERS = {"theme": "theme", "country": "country", "city": "city", "sdg_goal": "sdg_goal",
                 "organisation": "org"}
FACET_PRIORITY = ("city", "organisation", "country", "sdg_goal", "theme")
PROGRAMME_COLUMN_FILTERS = {"funding_window": P.c.funding_window, "instrument": P.c.instrument,
                            "status": P.c.status, "parent_id": P.c.parent_id}
RESULT_COLUMN_FILTERS = {"programme_id": R.c.programme_id, "indicator": R.c.indicator_code, "city": R.c.city_id,
                         "status": R.c.status}


# --- conversions between rows and the domain ---------------------------------------------------

def utc(value: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back: every stored time is UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _iso(value: datetime) -> str:
    return utc(value).isoformat().replace("+00:00", "Z")


def _from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _dec(value) -> str | None:
    return None if value is None else str(value)


def disaggregations_to_json(d: dict) -> dict:
    return {dim: {k: str(v) for k, v in parts.items()} for dim, parts in (d or {}).items()}


def disaggregations_from_json(d: dict) -> dict:
    return {dim: {k: Decimal(v) for k, v in parts.items()} for dim, parts in (d or {}).items()}


def _period_to_json(p: dict) -> dict:
    return {"start": p["start"].isoformat(), "end": p["end"].isoformat()}


def _period_from_json(p: dict) -> dict:
    return {"start": date.fromisoformat(p["start"]), "end": date.fromisoformat(p["end"])}


def _log_to_json(log: list) -> list:
    return [{**entry, "at": _iso(entry["at"])} for entry in log]


def _log_from_json(log: list) -> list:
    return [{**entry, "at": _from_iso(entry["at"])} for entry in log]


def programme_values(p: domain.Programme) -> dict:
    return {
        "id": p.id, "iati_identifier": p.iati_identifier, "title": p.title, "description": p.description,
        "reporting_org_ref": p.reporting_org["ref"], "reporting_org_name": p.reporting_org["name"],
        "reporting_org_type": p.reporting_org.get("type"), "funding_window": p.funding_window,
        "instrument": p.instrument, "status": p.status, "parent_id": p.parent_id, "themes": list(p.themes),
        "countries": list(p.countries), "sdg_goals": list(p.sdg_goals), "sdg_targets": list(p.sdg_targets),
        "sectors": [{"code": s["code"], "percentage": _dec(s.get("percentage"))} for s in p.sectors],
        "policy_markers": [dict(m) for m in p.policy_markers],
        "participating_orgs": [{"ref": o.get("ref"), "name": o["name"], "role": o["role"], "type": o.get("type")}
                               for o in p.participating_orgs],
        "budget_amount": p.budget["amount"] if p.budget else None,
        "budget_currency": p.budget["currency"] if p.budget else None,
        **{k: p.dates.get(k) for k in ("planned_start", "planned_end", "actual_start", "actual_end")},
        "version": p.version, "created_at": p.created_at, "updated_at": p.updated_at,
    }


def programme_from_row(row, cities: list[domain.City]) -> domain.Programme:
    return domain.Programme(
        id=row.id, iati_identifier=row.iati_identifier, title=row.title, description=row.description,
        reporting_org={"ref": row.reporting_org_ref, "name": row.reporting_org_name, "type": row.reporting_org_type},
        funding_window=row.funding_window, instrument=row.instrument, status=row.status, parent_id=row.parent_id,
        themes=list(row.themes), countries=list(row.countries), cities=cities, sdg_goals=list(row.sdg_goals),
        sdg_targets=list(row.sdg_targets),
        sectors=[{"code": s["code"], "percentage": None if s.get("percentage") is None else Decimal(s["percentage"])}
                 for s in row.sectors],
        policy_markers=[dict(m) for m in row.policy_markers],
        participating_orgs=[dict(o) for o in row.participating_orgs],
        budget={"amount": row.budget_amount.quantize(CENTS), "currency": row.budget_currency}
        if row.budget_currency else None,
        dates={k: getattr(row, k) for k in ("planned_start", "planned_end", "actual_start", "actual_end")},
        version=row.version, created_at=utc(row.created_at), updated_at=utc(row.updated_at))


def city_from_row(row) -> domain.City:
    return domain.City(id=row.id, name=row.name, country=row.country, population=row.population,
                       secondary_city=row.secondary_city, latitude=row.latitude, longitude=row.longitude,
                       created_at=utc(row.created_at), updated_at=utc(row.updated_at))


def indicator_from_row(row) -> domain.Indicator:
    baseline = None
    if row.baseline:
        baseline = {"value": Decimal(row.baseline["value"]), "year": row.baseline["year"]}
    return domain.Indicator(
        programme_id=row.programme_id, code=row.code, title=row.title, corporate=row.corporate,
        measure=row.measure, reach=row.reach, ascending=row.ascending, sdg_indicator=row.sdg_indicator,
        baseline=baseline,
        targets=[{"period": _period_from_json(t["period"]), "value": Decimal(t["value"])} for t in row.targets],
        created_at=utc(row.created_at), updated_at=utc(row.updated_at))


def indicator_values(i: domain.Indicator) -> dict:
    return {"programme_id": i.programme_id, "code": i.code, "title": i.title, "corporate": i.corporate,
            "measure": i.measure, "reach": i.reach, "ascending": i.ascending, "sdg_indicator": i.sdg_indicator,
            "baseline": {"value": str(i.baseline["value"]), "year": i.baseline["year"]} if i.baseline else None,
            "targets": [{"period": _period_to_json(t["period"]), "value": str(t["value"])} for t in i.targets],
            "created_at": i.created_at, "updated_at": i.updated_at}


def result_summary_from_row(row) -> dict:
    """What a list shows of a result (no versions), from a `results` row."""
    return {"id": row.id, "programme_id": row.programme_id, "reporting_org_ref": row.reporting_org_ref,
            "indicator": row.indicator_code, "city_id": row.city_id,
            "period": {"start": row.period_start, "end": row.period_end}, "status": row.status,
            "version": row.version, "value": row.value,
            "disaggregations": disaggregations_from_json(row.disaggregations),
            "approved_version": row.approved_version, "approved_value": row.approved_value,
            "allowed_actions": list(domain.RESULT_ACTIONS.get(row.status, ())),
            "created_at": utc(row.created_at), "updated_at": utc(row.updated_at)}


def _insert_ignore(dialect: str, table, values: dict):
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table).values(**values).on_conflict_do_nothing()


def _after(order_cols, after):
    """Rows after the cursor's (updated_at, id) in the list's order."""
    if after is None:
        return sa.true()
    updated_at, row_id = after
    return sa.tuple_(*order_cols) > sa.tuple_(sa.literal(updated_at, models.TS), sa.literal(row_id))


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# --- repositories -------------------------------------------------------------------------------

class SqlCityRepository:
    def __init__(self, session):
        self.session = session

    def get(self, city_id: str) -> domain.City | None:
        row = self.session.execute(sa.select(C).where(C.c.id == city_id)).first()
        return city_from_row(row) if row else None

    def find(self, country: str, name: str) -> domain.City | None:
        row = self.session.execute(sa.select(C).where(C.c.country == country,
                                                      C.c.name_key == domain.city_key(name))).first()
        return city_from_row(row) if row else None

    def find_or_add(self, city: domain.City) -> tuple[domain.City, bool]:
        """The city on record with the same country and name, or `city` newly added (race-safe)."""
        dialect = self.session.get_bind().dialect.name
        inserted = self.session.execute(_insert_ignore(dialect, C, {
            "id": city.id, "name": city.name, "name_key": domain.city_key(city.name), "country": city.country,
            "population": city.population, "secondary_city": city.secondary_city, "latitude": city.latitude,
            "longitude": city.longitude, "created_at": city.created_at, "updated_at": city.updated_at}))
        if inserted.rowcount == 1:
            return city, True
        return self.find(city.country, city.name), False

    def many(self, ids: list[str]) -> dict[str, domain.City]:
        if not ids:
            return {}
        rows = self.session.execute(sa.select(C).where(C.c.id.in_(ids))).all()
        return {row.id: city_from_row(row) for row in rows}

    def page(self, *, country=None, q=None, modified_since=None, after=None, limit=50) -> list[domain.City]:
        query = sa.select(C).where(_after((C.c.updated_at, C.c.id), after))
        if country:
            query = query.where(C.c.country == country)
        if q:
            query = query.where(C.c.name.ilike(_like(q), escape="\\"))
        if modified_since:
            query = query.where(C.c.updated_at >= modified_since)
        rows = self.session.execute(query.order_by(C.c.updated_at, C.c.id).limit(limit)).all()
        return [city_from_row(r) for r in rows]


class SqlProgrammeRepository:
    def __init__(self, session):
        self.session = session

    # -- programmes
    def get(self, programme_id: str, *, lock: bool = False) -> domain.Programme | None:
        """`lock`: hold the row until the transaction ends (PostgreSQL; SQLite has one writer)."""
        query = sa.select(P).where(P.c.id == programme_id)
        row = self.session.execute(query.with_for_update() if lock else query).first()
        if row is None:
            return None
        return programme_from_row(row, self._cities_of([row.id])[row.id])

    def id_of_iati_identifier(self, iati_identifier: str) -> str | None:
        return self.session.execute(sa.select(P.c.id).where(P.c.iati_identifier == iati_identifier)).scalar()

    def add(self, programme: domain.Programme) -> None:
        self.session.execute(P.insert().values(**programme_values(programme)))
        self._write_links(programme)

    def save(self, programme: domain.Programme) -> None:
        self.session.execute(P.update().where(P.c.id == programme.id).values(**programme_values(programme)))
        self._write_links(programme)

    def touch(self, programme_id: str, at: datetime) -> None:
        """A change shown in the programme (its indicators) moves it in the sync order."""
        self.session.execute(P.update().where(P.c.id == programme_id, P.c.updated_at < at).values(updated_at=at))
        self.session.execute(F.update().where(F.c.programme_id == programme_id, F.c.updated_at < at)
                             .values(updated_at=at))

    def _write_links(self, programme: domain.Programme) -> None:
        self.session.execute(F.delete().where(F.c.programme_id == programme.id))
        facets = {(kind, code) for kind, codes in (
            ("theme", programme.themes), ("country", programme.countries), ("sdg_goal", programme.sdg_goals),
            ("sdg_target", programme.sdg_targets), ("sector", [s["code"] for s in programme.sectors]),
            ("city", [c.id for c in programme.cities]), ("org", programme.organisations())) for code in codes}
        if facets:
            self.session.execute(F.insert(), [{"programme_id": programme.id, "kind": kind, "code": code,
                                               "updated_at": programme.updated_at} for kind, code in sorted(facets)])
        linked = set(self.session.execute(sa.select(PC.c.city_id).where(PC.c.programme_id == programme.id))
                     .scalars())
        new = [(i, c) for i, c in enumerate(programme.cities) if c.id not in linked]
        if new:
            self.session.execute(PC.insert(), [{"programme_id": programme.id, "city_id": c.id, "position": i,
                                                "added_at": programme.updated_at} for i, c in new])

    def _cities_of(self, programme_ids: list[str]) -> dict[str, list[domain.City]]:
        out = {pid: [] for pid in programme_ids}
        if not programme_ids:
            return out
        rows = self.session.execute(
            sa.select(PC.c.programme_id, C).join(C, C.c.id == PC.c.city_id)
            .where(PC.c.programme_id.in_(programme_ids)).order_by(PC.c.programme_id, PC.c.position)).all()
        for row in rows:
            out[row.programme_id].append(city_from_row(row))
        return out

    def page(self, *, filters: dict, organisation: str | None = None, after=None, limit: int = 50
             ) -> list[domain.Programme]:
        """A page of programmes in (updated_at, id) order, after the cursor `after`."""
        # The most selective facet drives the scan (a city has few programmes, a theme many).
        facet_filters = [(FACET_FILTERS[name], filters[name]) for name in FACET_PRIORITY if filters.get(name)]
        if facet_filters:
            # Drive the query from the first facet's index: (kind, code, updated_at, programme_id).
            (kind, code), rest = facet_filters[0], facet_filters[1:]
            first = F.alias("f0")
            query = (sa.select(P).join(first, first.c.programme_id == P.c.id)
                     .where(first.c.kind == kind, first.c.code == code))
            order = (first.c.updated_at, first.c.programme_id)
            for n, (kind, code) in enumerate(rest, start=1):
                other = F.alias(f"f{n}")
                query = query.where(sa.exists().where(other.c.programme_id == P.c.id, other.c.kind == kind,
                                                      other.c.code == code))
        else:
            query, order = sa.select(P), (P.c.updated_at, P.c.id)
        for name, column in PROGRAMME_COLUMN_FILTERS.items():
            if filters.get(name) is not None:
                query = query.where(column == filters[name])
        if organisation is not None:
            query = query.where(P.c.reporting_org_ref == organisation)
        if filters.get("q"):
            query = query.where(self._title_contains(filters["q"]))
        if filters.get("modified_since") is not None:
            query = query.where(order[0] >= filters["modified_since"])
        query = query.where(_after(order, after)).order_by(*order).limit(limit)
        rows = self.session.execute(query).all()
        cities = self._cities_of([r.id for r in rows])
        return [programme_from_row(r, cities[r.id]) for r in rows]

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
        return P.c.title.ilike(_like(text), escape="\\")

    # -- hierarchy
    def children(self, programme_id: str) -> list[dict]:
        rows = self.session.execute(sa.select(P.c.id, P.c.iati_identifier, P.c.title)
                                    .where(P.c.parent_id == programme_id).order_by(P.c.iati_identifier)).all()
        return [{"id": r.id, "iati_identifier": r.iati_identifier, "title": r.title} for r in rows]

    def has_children(self, programme_id: str) -> bool:
        return self.session.execute(sa.select(sa.exists().where(P.c.parent_id == programme_id))).scalar()

    # -- indicators
    def indicators(self, programme_id: str) -> list[domain.Indicator]:
        rows = self.session.execute(sa.select(I).where(I.c.programme_id == programme_id)
                                    .order_by(I.c.position, I.c.code)).all()
        return [indicator_from_row(r) for r in rows]

    def indicators_of(self, programme_ids: list[str]) -> dict[tuple[str, str], domain.Indicator]:
        rows = self.session.execute(sa.select(I).where(I.c.programme_id.in_(programme_ids))).all() \
            if programme_ids else []
        return {(r.programme_id, r.code): indicator_from_row(r) for r in rows}

    def indicator(self, programme_id: str, code: str) -> domain.Indicator | None:
        row = self.session.execute(sa.select(I).where(I.c.programme_id == programme_id, I.c.code == code)).first()
        return indicator_from_row(row) if row else None

    def add_indicator(self, indicator: domain.Indicator) -> None:
        position = self.session.execute(sa.select(sa.func.count()).select_from(I)
                                        .where(I.c.programme_id == indicator.programme_id)).scalar_one()
        self.session.execute(I.insert().values(position=position + 1, **indicator_values(indicator)))

    def save_indicator(self, indicator: domain.Indicator) -> None:
        values = indicator_values(indicator)
        self.session.execute(I.update().where(I.c.programme_id == indicator.programme_id,
                                              I.c.code == indicator.code).values(**values))


class SqlResultRepository:
    def __init__(self, session):
        self.session = session

    def get(self, result_id: str, *, lock: bool = False) -> domain.Result | None:
        query = sa.select(R).where(R.c.id == result_id)
        row = self.session.execute(query.with_for_update() if lock else query).first()
        if row is None:
            return None
        versions = self.session.execute(sa.select(RV).where(RV.c.result_id == result_id)
                                        .order_by(RV.c.number)).all()
        return domain.Result(
            id=row.id, programme_id=row.programme_id, reporting_org_ref=row.reporting_org_ref,
            indicator=row.indicator_code, city_id=row.city_id, period_start=row.period_start,
            period_end=row.period_end, created_at=utc(row.created_at), updated_at=utc(row.updated_at),
            versions=[domain.ResultVersion(
                number=v.number, value=v.value, disaggregations=disaggregations_from_json(v.disaggregations),
                status=v.status, created_at=utc(v.created_at), comment=v.comment, submitted_at=utc(v.submitted_at),
                approved_at=utc(v.approved_at), log=_log_from_json(v.log)) for v in versions])

    def id_in_slot(self, programme_id, indicator, city_id, start, end) -> str | None:
        return self.session.execute(sa.select(R.c.id).where(
            R.c.programme_id == programme_id, R.c.indicator_code == indicator, R.c.city_id == city_id,
            R.c.period_start == start, R.c.period_end == end)).scalar()

    def _values(self, result: domain.Result) -> dict:
        current, approved = result.current, result.approved
        return {"id": result.id, "programme_id": result.programme_id, "reporting_org_ref": result.reporting_org_ref,
                "indicator_code": result.indicator, "city_id": result.city_id, "period_start": result.period_start,
                "period_end": result.period_end, "status": current.status, "version": current.number,
                "value": current.value, "disaggregations": disaggregations_to_json(current.disaggregations),
                "approved_version": approved.number if approved else None,
                "approved_value": approved.value if approved else None,
                "created_at": result.created_at, "updated_at": result.updated_at}

    @staticmethod
    def _version_values(result_id: str, v: domain.ResultVersion) -> dict:
        return {"result_id": result_id, "number": v.number, "status": v.status, "value": v.value,
                "disaggregations": disaggregations_to_json(v.disaggregations), "comment": v.comment,
                "log": _log_to_json(v.log), "created_at": v.created_at, "submitted_at": v.submitted_at,
                "approved_at": v.approved_at}

    def add(self, result: domain.Result) -> None:
        self.session.execute(R.insert().values(**self._values(result)))
        self.session.execute(RV.insert(), [self._version_values(result.id, v) for v in result.versions])

    def save(self, result: domain.Result) -> None:
        self.session.execute(R.update().where(R.c.id == result.id).values(**self._values(result)))
        stored = set(self.session.execute(sa.select(RV.c.number).where(RV.c.result_id == result.id)).scalars())
        for v in result.versions:
            values = self._version_values(result.id, v)
            if v.number in stored:
                self.session.execute(RV.update().where(RV.c.result_id == result.id, RV.c.number == v.number)
                                     .values(**values))
            else:
                self.session.execute(RV.insert().values(**values))

    def page(self, *, filters: dict, organisation: str | None = None, after=None, limit: int = 50) -> list[dict]:
        order = (R.c.updated_at, R.c.id)
        query = sa.select(R)
        for name, column in RESULT_COLUMN_FILTERS.items():
            if filters.get(name) is not None:
                query = query.where(column == filters[name])
        if filters.get("period_start") is not None:
            query = query.where(R.c.period_start >= filters["period_start"])
        if filters.get("period_end") is not None:
            query = query.where(R.c.period_end <= filters["period_end"])
        if organisation is not None:
            query = query.where(R.c.reporting_org_ref == organisation)
        if filters.get("modified_since") is not None:
            query = query.where(R.c.updated_at >= filters["modified_since"])
        rows = self.session.execute(query.where(_after(order, after)).order_by(*order).limit(limit)).all()
        return [result_summary_from_row(r) for r in rows]

    def approved_values(self, programme_ids: list[str]) -> list[tuple[str, str, Decimal]]:
        """(programme, indicator, approved value) of every approved result of these programmes."""
        if not programme_ids:
            return []
        rows = self.session.execute(sa.select(R.c.programme_id, R.c.indicator_code, R.c.approved_value)
                                    .where(R.c.programme_id.in_(programme_ids), R.c.approved_value.is_not(None)))
        return [(r.programme_id, r.indicator_code, r.approved_value) for r in rows]


class ProgrammesUnitOfWork(UnitOfWork):
    def _open(self, session):
        self.programmes = SqlProgrammeRepository(session)
        self.cities = SqlCityRepository(session)
        self.results = SqlResultRepository(session)
