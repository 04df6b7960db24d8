"""The persistence kit on real databases: exact decimals, UTC times, keyset pages, row locks."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from shared.db import create_engine
from shared.errors import InvalidInput
from shared.persistence import ExactDecimal, UTCDateTime, decode_cursor, get, get_many, keyset_page, upsert

metadata = sa.MetaData()
entries = sa.Table(
    "kit_entries", metadata,
    sa.Column("id", sa.String(10), primary_key=True),
    sa.Column("amount", ExactDecimal(20, 2), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
)


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/kit.sqlite3"
    else:
        url = request.getfixturevalue("postgres_database_factory")()
    engine = create_engine(url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    yield engine
    metadata.drop_all(engine)
    engine.dispose()


T0 = datetime(2021, 1, 1, tzinfo=timezone.utc)


def test_a_thousand_tenths_sum_to_exactly_one_hundred(engine):
    with engine.begin() as conn:
        conn.execute(entries.insert(), [{"id": f"e{i:04d}", "amount": Decimal("0.10"),
                                         "at": T0 + timedelta(seconds=i)} for i in range(1000)])
        total = conn.execute(sa.select(sa.func.sum(entries.c.amount))).scalar_one()
        over = conn.execute(sa.select(sa.func.count()).where(entries.c.amount > Decimal("0.09"))).scalar_one()
    assert total == Decimal("100.00") and str(total) == "100.00"
    assert over == 1000


def test_values_that_do_not_fit_are_refused(engine):
    with pytest.raises(sa.exc.StatementError):
        with engine.begin() as conn:
            conn.execute(entries.insert().values(id="x", amount=Decimal("0.001"), at=T0))


def test_times_come_back_aware_utc(engine):
    local = datetime(2021, 1, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    with engine.begin() as conn:
        conn.execute(entries.insert().values(id="t", amount=Decimal("1"), at=local))
        at = conn.execute(sa.select(entries.c.at)).scalar_one()
    assert at == local and at.tzinfo == timezone.utc and at.hour == 12


def test_keyset_pages_walk_every_row_once_either_way(engine):
    with engine.begin() as conn:
        conn.execute(entries.insert(), [{"id": f"r{i:02d}", "amount": Decimal(i), "at": T0 + timedelta(minutes=i // 3)}
                                        for i in range(25)])
    for descending in (False, True):
        seen, cursor = [], None
        with engine.begin() as conn:
            while True:
                page = keyset_page(conn, sa.select(entries), [entries.c.at, entries.c.id], limit=7, cursor=cursor,
                                   descending=descending)
                seen += [row.id for row in page.rows]
                cursor = page.next_cursor
                if cursor is None:
                    break
        expected = [f"r{i:02d}" for i in range(25)]
        assert seen == (expected[::-1] if descending else expected)


@pytest.mark.parametrize("cursor", ["%%%", "bm90IGpzb24", "WzEsMl0", "WyJub3QgYSB0aW1lIiwieCJd"])
def test_a_foreign_cursor_is_invalid_input_naming_the_cursor(engine, cursor):
    with engine.begin() as conn, pytest.raises(InvalidInput) as err:
        keyset_page(conn, sa.select(entries), [entries.c.at, entries.c.id], limit=5, cursor=cursor)
    assert "cursor" in err.value.errors


def test_cursor_round_trip_is_opaque_json():
    assert decode_cursor(None) is None
    with pytest.raises(InvalidInput):
        decode_cursor("e30")  # {} is not a list of sort values


def test_get_and_upsert(engine):
    from sqlalchemy.orm import Session
    with Session(engine) as session, session.begin():
        upsert(session, entries, {"id": "u", "amount": Decimal("1.50"), "at": T0})
        upsert(session, entries, {"id": "u", "amount": Decimal("2.25"), "at": T0})
        row = get(session, entries, "u", for_update=True)
        assert row is not None and row.amount == Decimal("2.25")
        assert get(session, entries, "missing") is None


def test_sqlite_refuses_what_its_64_bit_integer_cannot_hold(tmp_path):
    wide = sa.Table("kit_wide", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("value", ExactDecimal(24, 4)))
    engine = create_engine(f"sqlite:///{tmp_path}/wide.sqlite3")
    wide.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(wide.insert().values(id=1, value=Decimal("900000000000000.1234")))
        assert conn.execute(sa.select(wide.c.value)).scalar_one() == Decimal("900000000000000.1234")
    with pytest.raises(sa.exc.StatementError, match="64-bit"):
        with engine.begin() as conn:
            conn.execute(wide.insert().values(id=2, value=Decimal("1000000000000000")))


def test_get_many_locks_in_key_order_and_returns_what_exists(engine):
    from sqlalchemy.orm import Session
    with engine.begin() as conn:
        conn.execute(entries.insert(), [{"id": k, "amount": Decimal("1"), "at": T0} for k in ("b", "a", "c")])
    for mode in ({}, {"for_update": True}, {"shared": True}):
        with Session(engine) as session, session.begin():
            rows = get_many(session, entries, ["c", "a", "zz", "a"], **mode)
            assert sorted(rows) == ["a", "c"] and rows["c"].amount == Decimal("1.00")
