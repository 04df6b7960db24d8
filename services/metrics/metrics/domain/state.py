"""The sources' state: what programmes and grants hold now, folded from their event histories
in commit order (their outboxes), where the last word on a key is the truth. `metrics.recompute`
computes the aggregates from it by straightforward grouping."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date

from metrics.domain.facts import Application, Fund, MoneyTxn, ProgrammeDim, ResultFact
from metrics.domain.versions import current_on


@dataclass
class SourceState:
    results: dict[str, ResultFact] = field(default_factory=dict)         # current approved version
    programmes: dict[str, ProgrammeDim] = field(default_factory=dict)
    money: dict[tuple[str, str], MoneyTxn] = field(default_factory=dict)  # (kind, txn_id) -> MoneyTxn
    applications: dict[str, Application] = field(default_factory=dict)  # current status
    funds: dict[str, dict[str, str]] = field(default_factory=dict)      # fund_id -> {"name", "window", "currency"}
    cities: dict[str, tuple[str, str]] = field(default_factory=dict)    # city_id -> (name, country)
    versions: dict[tuple[str, int], ResultFact] = field(default_factory=dict)  # every approved version

    def add_result(self, fact: ResultFact) -> None:
        self.results[fact.result_id] = fact
        self.versions.setdefault((fact.result_id, fact.version), fact)
        self.cities.setdefault(fact.city_id, (fact.city_name, fact.country))

    def as_of(self, day: date) -> SourceState:
        """The state with each result at the version that counted on `day` (`domain.versions`)."""
        return dataclasses.replace(self, results=current_on(self.versions.values(), day))

    def add_programme(self, dim: ProgrammeDim) -> None:
        self.programmes[dim.programme_id] = dim

    def add_money(self, txn: MoneyTxn) -> None:
        """A transaction counts once."""
        self.money.setdefault((txn.kind, txn.txn_id), txn)

    def add_application(self, app: Application) -> None:
        self.applications[app.application_id] = app

    def add_fund(self, fund: Fund) -> None:
        self.funds[fund.fund_id] = fund.as_dict()
