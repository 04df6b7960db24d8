"""Each service's models and its alembic history agree: a fresh database migrated to head is
what the models describe (alembic autogenerate finds nothing to add, drop or change), on SQLite
and on PostgreSQL. A model changed without its migration (or the reverse) fails here."""
import fnmatch
import importlib

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from shared.db import create_engine
from shared.migrations import upgrade
from shared.persistence.types import ExactDecimal

SERVICES = ("programmes", "grants", "metrics", "gateway")
# Made by migrations alone, which models cannot declare: programmes' title search (an FTS5
# virtual table and its shadow tables on SQLite, a pg_trgm GIN index on PostgreSQL).
MIGRATION_ONLY = {"programmes": ("programme_search", "programme_titles*", "ix_programmes_title_trgm")}


def compare_type(context, inspected_column, metadata_column, inspected_type, metadata_type):
    """ExactDecimal is NUMERIC(p, s) on PostgreSQL and scaled integers on SQLite, in a column
    of NUMERIC or INTEGER affinity (both keep an integer exactly; SQLite enforces no precision):
    compare what each database keeps."""
    if not isinstance(metadata_type, ExactDecimal):
        return None  # alembic's own comparison
    if context.dialect.name == "sqlite":
        return not isinstance(inspected_type, sa.Numeric | sa.Integer)
    if not isinstance(inspected_type, sa.Numeric):
        return True
    return (inspected_type.precision, inspected_type.scale) != (metadata_type.precision, metadata_type.scale)


def differences(url: str, service: str) -> list:
    metadata = importlib.import_module(f"{service}.models").metadata
    skipped = MIGRATION_ONLY.get(service, ())

    def include(obj, name, kind, reflected, compare_to):
        return not any(fnmatch.fnmatch(name or "", pattern) for pattern in skipped)

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": compare_type,
                                                                   "include_object": include})
            return compare_metadata(context, metadata)
    finally:
        engine.dispose()


# SQLite cannot reflect expression indexes (programmes' reporting-org keys): PostgreSQL compares them.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index",
                            "ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("service", SERVICES)
def test_a_database_migrated_to_head_is_what_the_models_describe(service, backend, tmp_path,
                                                                  postgres_database_factory):
    url = postgres_database_factory() if backend == "postgres" else f"sqlite:///{tmp_path / 'db.sqlite3'}"
    upgrade(service, url)
    assert differences(url, service) == [], f"{service}'s models and migrations differ on {backend}"


@pytest.mark.postgres
def test_the_comparison_sees_a_difference(postgres_database_factory):
    """The check can fail: before 0006, grants' rates were wider on PostgreSQL than the models say."""
    url = postgres_database_factory()
    upgrade("grants", url, "0005")
    found = {(diff[0][2], diff[0][3]) for diff in differences(url, "grants") if isinstance(diff, list)}
    assert ("exchange_rates", "rate") in found and ("ledger", "exchange_rate") in found
