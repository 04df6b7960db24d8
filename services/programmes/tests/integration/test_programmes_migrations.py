"""The programmes migrations on SQLite and PostgreSQL: a new database reaches head, and a
0001 database keeps its programmes, cities and results (as approved values) at head."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from programmes import models
from shared.db import create_engine
from shared.migrations import upgrade

R = models.Result.__table__   # read through its column types: decimals are scaled integers on SQLite
T0 = datetime(2020, 5, 1, 9, 30, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", "postgres"])
def url(request, tmp_path, postgres_database_factory):
    if request.param == "postgres":
        return postgres_database_factory()
    return f"sqlite:///{tmp_path / 'programmes.sqlite3'}"


def test_a_new_database_reaches_head_with_an_index_for_every_filter(url):
    upgrade("programmes", url)
    engine = create_engine(url)
    inspector = sa.inspect(engine)
    indexes = {ix["name"]: ix["column_names"] for table in ("programmes", "results", "programme_facets", "cities")
               for ix in inspector.get_indexes(table)}
    engine.dispose()
    for column in ("funding_window", "instrument", "status", "reporting_org_ref", "parent_id"):
        assert any(cols[:2] == [column, "updated_at"] for cols in indexes.values()), column
    for column in ("programme_id", "indicator_code", "city_id", "status"):
        assert any(cols[:2] == [column, "updated_at"] for cols in indexes.values()), column
    assert indexes["ix_programme_facets_filter"] == ["kind", "code", "updated_at", "programme_id"]
    assert indexes["ix_programmes_sync"] == ["updated_at", "id"]
    assert indexes["ix_results_period"] == ["period_start", "period_end"]


def test_0001_data_is_carried_over(url):
    upgrade("programmes", url, "0001")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO programmes (id, title, funding_window, themes, countries, created_at, updated_at) "
            "VALUES ('p-1', 'Old', 'global', :themes, :countries, :t, :t)"),
            {"themes": '["gender_equality"]', "countries": '["UG", "KE"]', "t": T0})
        for i, (name, country) in enumerate([("Jinja", "UG"), ("Kisumu", "KE")]):
            conn.execute(sa.text("INSERT INTO programme_cities (programme_id, position, name, country) "
                                 "VALUES ('p-1', :i, :n, :c)"), {"i": i, "n": name, "c": country})
        for rid, value in (("r-1", 1200), ("r-2", 300)):   # same programme, indicator, city and day: merged
            conn.execute(sa.text(
                "INSERT INTO results (id, programme_id, indicator, city_name, city_country, value, recorded_at) "
                "VALUES (:id, 'p-1', 'people_reached', 'Jinja', 'UG', :v, :t)"), {"id": rid, "v": value, "t": T0})
    engine.dispose()

    upgrade("programmes", url)

    engine = create_engine(url)
    with engine.connect() as conn:
        programme = conn.execute(sa.text("SELECT iati_identifier, status, instrument FROM programmes")).one()
        cities = conn.execute(sa.text("SELECT name, country FROM cities ORDER BY name")).all()
        result = conn.execute(sa.select(R.c.id, R.c.status, R.c.approved_value, R.c.approved_version)).one()
        facets = conn.execute(sa.text("SELECT kind, count(*) FROM programme_facets GROUP BY kind ORDER BY kind")).all()
        tables = set(sa.inspect(conn).get_table_names())
    engine.dispose()
    assert tuple(programme) == ("LEGACY-p-1", "implementation", "joint_work_programme")
    assert [tuple(c) for c in cities] == [("Jinja", "UG"), ("Kisumu", "KE")]
    assert (result.id, result.status, Decimal(str(result.approved_value)), result.approved_version) == (
        "r-1", "approved", Decimal(1500), 1)
    assert dict((k, n) for k, n in facets) == {"city": 2, "country": 2, "org": 1, "theme": 1}
    assert not {t for t in tables if t.endswith("_0001")}


def test_0005_converts_decimal_text_exactly_and_back(url):
    upgrade("programmes", url, "0004")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO cities (id, name, name_key, country, secondary_city, latitude, longitude, created_at, "
            "updated_at) VALUES ('c-1', 'Jinja', 'jinja', 'UG', true, :lat, :lon, :t, :t)"),
            {"lat": "0.424412", "lon": "33.2042", "t": T0})
    engine.dispose()

    upgrade("programmes", url)

    engine = create_engine(url)
    cities = models.City.__table__
    with engine.connect() as conn:
        row = conn.execute(sa.select(cities.c.latitude, cities.c.longitude)).one()
        raw = conn.execute(sa.text("SELECT latitude FROM cities")).scalar()
    engine.dispose()
    if url.startswith("sqlite"):
        assert raw == 424412           # an integer: 0.424412 * 10**6, exactly
        assert (row.latitude, row.longitude) == (Decimal("0.424412"), Decimal("33.2042"))
    else:                              # NUMERIC(24, 4) had rounded it already
        assert (row.latitude, row.longitude) == (Decimal("0.4244"), Decimal("33.2042"))
