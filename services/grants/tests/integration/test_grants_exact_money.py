"""Grants money is exact on every database: 0.10 added 1,000 times is 100.00 in every balance
and in the ledger, on SQLite (scaled integers) and PostgreSQL (NUMERIC), through the real use
cases and unit of work; and migration 0003 converts existing SQLite floats exactly."""
import os
from decimal import Decimal

import sqlalchemy as sa

from grants import handlers, models
from shared.actors import SYSTEM, Actor
from shared.db import create_engine
from tests.grants_flow import REVIEWERS, application_body, call_body, fund_body, money

TIMES = int(os.environ.get("GRANTS_EXACT_MONEY_TIMES", "1000"))
TENTH = "0.10"
REVIEWER = Actor.from_wire(REVIEWERS[0])
TOTAL = str(Decimal(TENTH) * TIMES)   # "100.00"


def sql_sums(engine) -> dict[str, Decimal]:
    """The ledger's SUM(amount) per transaction type as the database computes it, unrounded:
    a float sum (the old REAL column on SQLite) shows its error here."""
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT transaction_type, SUM(amount) FROM ledger GROUP BY transaction_type")
        sums = {}
        for transaction_type, total in rows:
            if isinstance(total, float):
                sums[transaction_type] = Decimal(total)             # binary float: inexact
            elif engine.dialect.name == "sqlite":
                sums[transaction_type] = Decimal(total).scaleb(-2)  # scaled integer
            else:
                sums[transaction_type] = Decimal(total)
    return sums


def test_a_tenth_added_a_thousand_times_is_exactly_a_hundred(grants_db, db_backend):
    engine, uow = grants_db
    fund = handlers.create_fund(uow(), fund_body(min_grant=money(TENTH), max_grant=money(TOTAL),
                                                  max_cofinancing_share="1.0000"), actor=SYSTEM)
    for _ in range(TIMES):    # pledged and received: 1,000 contributions of 0.10
        pledge = handlers.pledge_contribution(uow(), {"fund_id": fund["id"], "contributor": "Sweden",
                                                       "amount": money(TENTH)}, actor=SYSTEM)
        handlers.receive_contribution(uow(), pledge["id"], {}, actor=SYSTEM)
    call = handlers.open_call(uow(), call_body(fund["id"], envelope=TOTAL, required_reviews=1), actor=SYSTEM)
    grants = []
    for _ in range(TIMES):    # committed: 1,000 awards of 0.10
        app = handlers.submit_application(uow(), application_body(call["id"], "p-1", amount=TENTH, cost=TENTH),
                                           actor=SYSTEM)
        handlers.submit_review(uow(), app["id"], {"scores": {"relevance": 4, "feasibility": 4},
                                                   "recommendation": "award", "comment": ""},
                                actor=REVIEWER)
        grants.append(handlers.determine(uow(), app["id"], {"decision": "award", "reasons": ["ok"]},
                                         actor=SYSTEM)["grant"])
    # the agreements are not what this test is about: countersigned in one statement, not 2,000 calls
    with engine.begin() as conn:
        conn.execute(sa.update(models.Grant.__table__).values(agreement_status="countersigned"))
    for grant in grants:      # disbursed: each paid out
        handlers.disburse(uow(), grant["id"], {"tranche": 1}, actor=SYSTEM)

    hundred = {"amount": TOTAL, "currency": "USD"}
    balance = handlers.get_fund(uow(), fund["id"], actor=SYSTEM)["balance"]
    assert (balance["pledged"], balance["received"], balance["committed"], balance["disbursed"],
            balance["available"], balance["undisbursed"]) == (TOTAL, TOTAL, TOTAL, TOTAL, "0.00", "0.00")
    assert handlers.get_call(uow(), call["id"], actor=SYSTEM)["committed"] == hundred
    assert sql_sums(engine) == {"11": Decimal(TOTAL), "1": Decimal(TOTAL), "2": Decimal(TOTAL),
                                "3": Decimal(TOTAL)}
    totals: dict[str, Decimal] = {}
    cursor = None
    while True:   # the ledger as the API lists it, page by page
        page = handlers.fund_ledger(uow(), fund["id"], {"limit": 200}, cursor, actor=SYSTEM)
        for entry in page["items"]:
            kind = entry["transaction_type"]
            totals[kind] = totals.get(kind, Decimal(0)) + Decimal(entry["amount"]["amount"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert totals == {"11": Decimal(TOTAL), "1": Decimal(TOTAL), "2": Decimal(TOTAL),
                      "3": Decimal(TOTAL)}
    with engine.connect() as conn:
        grants_total = conn.execute(sa.select(sa.func.sum(models.Grant.__table__.c.disbursed))).scalar_one()
    assert grants_total == Decimal(TOTAL)



def test_migration_0003_converts_existing_sqlite_money_exactly(tmp_path):
    """Floats written by the NUMERIC (REAL) columns of 0002 become exact scaled integers."""
    from shared.migrations import upgrade
    url = f"sqlite:///{tmp_path / 'grants.sqlite3'}"
    upgrade("grants", url, "0002")
    engine = create_engine(url)
    values = {"min_grant": 0.1 + 0.2, "max_grant": 1234567.89, "max_cofinancing_share": 0.8}   # 0.30000000000000004
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO funds (id, name, window, currency, min_grant, max_grant, eligible_applicant_types, "
            "eligible_countries, max_cofinancing_share, created_at) VALUES ('f-1', 'Fund', 'global', 'USD', "
            "?, ?, '[]', '[]', ?, '2020-01-01 00:00:00')", tuple(values.values()))
        conn.exec_driver_sql(
            "INSERT INTO exchange_rates (from_currency, to_currency, effective_date, rate, loaded_at) "
            "VALUES ('EUR', 'USD', '2020-01-01', ?, '2020-01-01 00:00:00')", (1.0912345678,))
        for i in range(10):
            conn.exec_driver_sql(
                "INSERT INTO ledger (id, fund_id, transaction_type, amount, currency, original_amount, "
                "original_currency, exchange_rate, value_date, recorded_at, description) VALUES "
                "(?, 'f-1', '1', ?, 'USD', ?, 'USD', 1, '2020-01-01', '2020-01-01 00:00:00', '')",
                (f"e-{i}", 0.1, 0.1))
    upgrade("grants", url)
    funds, ledger, rates = models.Fund.__table__, models.LedgerEntry.__table__, models.ExchangeRate.__table__
    with engine.connect() as conn:
        fund = conn.execute(sa.select(funds)).one()
        assert (fund.min_grant, fund.max_grant, fund.max_cofinancing_share) == (
            Decimal("0.30"), Decimal("1234567.89"), Decimal("0.8000"))
        assert conn.execute(sa.select(rates.c.rate)).scalar_one() == Decimal("1.0912345678")
        assert conn.exec_driver_sql("SELECT SUM(amount), typeof(SUM(amount)) FROM ledger").one() == (100, "integer")
        assert conn.execute(sa.select(sa.func.sum(ledger.c.amount))).scalar_one() == Decimal("1.00")
    engine.dispose()
