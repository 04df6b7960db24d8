"""Repositories and the unit of work of the grants service."""
from shared.uow import UnitOfWork
from grants import domain, models


class SqlGrantRepository:
    def __init__(self, session):
        self.session = session

    def add(self, grant: domain.Grant) -> None:
        self.session.add(models.Grant(**grant.__dict__))

    def get(self, grant_id: str) -> domain.Grant | None:
        row = self.session.get(models.Grant, grant_id)
        if row is None:
            return None
        return domain.Grant(id=row.id, programme_id=row.programme_id, recipient=row.recipient,
                            amount=row.amount, currency=row.currency, awarded_at=row.awarded_at)


class GrantsUnitOfWork(UnitOfWork):
    def _open(self, session):
        self.grants = SqlGrantRepository(session)
