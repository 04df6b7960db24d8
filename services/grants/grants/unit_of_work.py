"""The unit of work of the grants service: one transaction over its repositories
(grants.repositories) and the outbox (shared.uow).

Lock order. Writes that move money lock the rows they check first, with
`get(..., for_update=True)` (SELECT ... FOR UPDATE on PostgreSQL; on SQLite the transaction's
BEGIN IMMEDIATE already serialises writers), always in the order

    fund -> call -> application -> grant -> payment

then re-read what they change inside the transaction, so two racing awards cannot both spend
the same money and two transactions never wait for each other's locks in a cycle."""
from sqlalchemy.orm import Session

from grants import models
from grants.repositories import (
    SqlApplications,
    SqlCalls,
    SqlContributions,
    SqlFunds,
    SqlGrants,
    SqlPanel,
    SqlPayments,
    SqlRates,
    SqlReviews,
)
from shared.uow import UnitOfWork


class GrantsUnitOfWork(UnitOfWork):
    commands = models.commands
    def _open(self, session: Session) -> None:
        self.funds = SqlFunds(session, self.track)
        self.rates = SqlRates(session, self.track)
        self.contributions = SqlContributions(session, self.track)
        self.calls = SqlCalls(session, self.track)
        self.applications = SqlApplications(session, self.track)
        self.reviews = SqlReviews(session, self.track)
        self.panel = SqlPanel(session, self.track)
        self.payments = SqlPayments(session, self.track)
        self.grants = SqlGrants(session, self.track)
