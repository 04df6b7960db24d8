"""Repositories and the unit of work of the programmes service."""
import sqlalchemy as sa

from shared.uow import UnitOfWork
from programmes import domain, models


class SqlProgrammeRepository:
    def __init__(self, session):
        self.session = session

    def add(self, programme: domain.Programme) -> None:
        self.session.add(models.Programme(
            id=programme.id, title=programme.title, funding_window=programme.funding_window,
            themes=programme.themes, countries=programme.countries,
            created_at=programme.created_at, updated_at=programme.updated_at,
            cities=[models.ProgrammeCity(position=i, name=c.name, country=c.country)
                    for i, c in enumerate(programme.cities)]))

    def get(self, programme_id: str) -> domain.Programme | None:
        row = self.session.get(models.Programme, programme_id)
        if row is None:
            return None
        return domain.Programme(
            id=row.id, title=row.title, funding_window=row.funding_window, themes=list(row.themes),
            countries=list(row.countries), cities=[domain.City(c.name, c.country) for c in row.cities],
            created_at=row.created_at, updated_at=row.updated_at)

    def add_result(self, result: domain.Result) -> None:
        self.session.add(models.Result(
            id=result.id, programme_id=result.programme_id, indicator=result.indicator,
            city_name=result.city.name, city_country=result.city.country, value=result.value,
            recorded_at=result.recorded_at))
        self.session.execute(sa.update(models.Programme).where(models.Programme.id == result.programme_id)
                             .values(updated_at=result.recorded_at))

    def results_of(self, programme_id: str) -> list[domain.Result]:
        rows = self.session.scalars(sa.select(models.Result).where(models.Result.programme_id == programme_id)
                                    .order_by(models.Result.recorded_at, models.Result.id))
        return [domain.Result(id=r.id, programme_id=r.programme_id, indicator=r.indicator,
                              city=domain.City(r.city_name, r.city_country), value=r.value,
                              recorded_at=r.recorded_at) for r in rows]


class ProgrammesUnitOfWork(UnitOfWork):
    def _open(self, session):
        self.programmes = SqlProgrammeRepository(session)
