"""portfolio (IATI activity fields, lifecycle, hierarchy), city records, results framework
(indicators, results with reviewed versions) and an index for every list filter

Programmes of 0001 are kept: their IATI identifier becomes `LEGACY-<id>`, their reporting
organisation `LEGACY`, their instrument the first of their window, their status
implementation. Their cities become city records. Their results become approved version 1
of a result whose period is the day they were recorded (results of the same programme,
indicator, city and day are merged into one, whose value is their sum, as 0001 counted
them), with an indicator of the programme for each indicator code used.

Revision ID: 0002
Revises: 0001
"""
import uuid
from datetime import date, datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
DECIMAL_SQLITE, DECIMAL_PG = sa.String(40), sa.Numeric(24, 4)
LEGACY_INSTRUMENT = {"country_city": "country_programme", "global": "joint_work_programme"}
LEGACY_INDICATOR_TITLES = {"people_reached": "Urban poor whose lives improved", "women_empowered": "Women empowered"}


def _decimal():
    return DECIMAL_SQLITE if op.get_bind().dialect.name == "sqlite" else DECIMAL_PG


def upgrade():
    bind = op.get_bind()
    dialect = bind.dialect.name

    # The 0001 tables are renamed, the new ones created, the rows copied, the old tables dropped.
    op.drop_index('ix_results_programme', table_name='results')
    op.drop_index('ix_programmes_funding_window', table_name='programmes')
    op.drop_index('ix_programmes_updated_at', table_name='programmes')
    for table in ('results', 'programme_cities', 'programmes'):
        op.rename_table(table, f'{table}_0001')
        if dialect == "postgresql":  # index names are per schema: free the primary keys' names
            op.execute(f'ALTER INDEX IF EXISTS {table}_pkey RENAME TO {table}_0001_pkey')

    op.create_table(
        'programmes',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('iati_identifier', sa.String(200), nullable=False),
        sa.Column('title', sa.String(500), nullable=False),
        sa.Column('description', sa.Text(), nullable=True),
        sa.Column('reporting_org_ref', sa.String(100), nullable=False),
        sa.Column('reporting_org_name', sa.String(500), nullable=False),
        sa.Column('reporting_org_type', sa.String(3), nullable=True),
        sa.Column('funding_window', sa.String(30), nullable=False),
        sa.Column('instrument', sa.String(40), nullable=False),
        sa.Column('status', sa.String(20), nullable=False),
        sa.Column('parent_id', sa.String(36), sa.ForeignKey('programmes.id'), nullable=True),
        *[sa.Column(name, sa.JSON(), nullable=False) for name in (
            'themes', 'countries', 'sdg_goals', 'sdg_targets', 'sectors', 'policy_markers', 'participating_orgs')],
        sa.Column('budget_amount', _decimal(), nullable=True),
        sa.Column('budget_currency', sa.String(3), nullable=True),
        *[sa.Column(name, sa.Date(), nullable=True) for name in (
            'planned_start', 'planned_end', 'actual_start', 'actual_end')],
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', TS, nullable=False),
        sa.Column('updated_at', TS, nullable=False),
    )
    op.create_index('uq_programmes_iati_identifier', 'programmes', ['iati_identifier'], unique=True)
    op.create_index('ix_programmes_sync', 'programmes', ['updated_at', 'id'])
    op.create_index('ix_programmes_window', 'programmes', ['funding_window', 'updated_at', 'id'])
    op.create_index('ix_programmes_instrument', 'programmes', ['instrument', 'updated_at', 'id'])
    op.create_index('ix_programmes_status', 'programmes', ['status', 'updated_at', 'id'])
    op.create_index('ix_programmes_reporting_org', 'programmes', ['reporting_org_ref', 'updated_at', 'id'])
    op.create_index('ix_programmes_parent', 'programmes', ['parent_id', 'updated_at', 'id'])
    if dialect == "postgresql" and bind.execute(sa.text(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).first():
        # `q` (text in the title) is a substring search: a trigram index serves it on PostgreSQL.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_programmes_title_trgm ON programmes USING gin (title gin_trgm_ops)")

    op.create_table(
        'programme_facets',
        sa.Column('programme_id', sa.String(36), sa.ForeignKey('programmes.id', ondelete='CASCADE'),
                  primary_key=True),
        sa.Column('kind', sa.String(12), primary_key=True),
        sa.Column('code', sa.String(100), primary_key=True),
        sa.Column('updated_at', TS, nullable=False),
    )
    op.create_index('ix_programme_facets_filter', 'programme_facets', ['kind', 'code', 'updated_at', 'programme_id'])

    op.create_table(
        'cities',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('name', sa.String(200), nullable=False),
        sa.Column('name_key', sa.String(200), nullable=False),
        sa.Column('country', sa.String(2), nullable=False),
        sa.Column('population', sa.BigInteger(), nullable=True),
        sa.Column('secondary_city', sa.Boolean(), nullable=False),
        sa.Column('latitude', _decimal(), nullable=True),
        sa.Column('longitude', _decimal(), nullable=True),
        sa.Column('created_at', TS, nullable=False),
        sa.Column('updated_at', TS, nullable=False),
    )
    op.create_index('uq_cities_country_name', 'cities', ['country', 'name_key'], unique=True)
    op.create_index('ix_cities_sync', 'cities', ['updated_at', 'id'])

    op.create_table(
        'programme_cities',
        sa.Column('programme_id', sa.String(36), sa.ForeignKey('programmes.id', ondelete='CASCADE'),
                  primary_key=True),
        sa.Column('city_id', sa.String(36), sa.ForeignKey('cities.id'), primary_key=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('added_at', TS, nullable=False),
    )
    op.create_index('ix_programme_cities_city', 'programme_cities', ['city_id', 'programme_id'])

    op.create_table(
        'indicators',
        sa.Column('programme_id', sa.String(36), sa.ForeignKey('programmes.id', ondelete='CASCADE'),
                  primary_key=True),
        sa.Column('code', sa.String(100), primary_key=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(500), nullable=False),
        sa.Column('corporate', sa.Boolean(), nullable=False),
        sa.Column('measure', sa.String(12), nullable=False),
        sa.Column('reach', sa.String(10), nullable=False),
        sa.Column('ascending', sa.Boolean(), nullable=False),
        sa.Column('sdg_indicator', sa.String(20), nullable=True),
        sa.Column('baseline', sa.JSON(), nullable=True),
        sa.Column('targets', sa.JSON(), nullable=False),
        sa.Column('created_at', TS, nullable=False),
        sa.Column('updated_at', TS, nullable=False),
    )

    op.create_table(
        'results',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('programme_id', sa.String(36), sa.ForeignKey('programmes.id'), nullable=False),
        sa.Column('reporting_org_ref', sa.String(100), nullable=False),
        sa.Column('indicator_code', sa.String(100), nullable=False),
        sa.Column('city_id', sa.String(36), sa.ForeignKey('cities.id'), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('status', sa.String(12), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('value', _decimal(), nullable=False),
        sa.Column('disaggregations', sa.JSON(), nullable=False),
        sa.Column('approved_version', sa.Integer(), nullable=True),
        sa.Column('approved_value', _decimal(), nullable=True),
        sa.Column('created_at', TS, nullable=False),
        sa.Column('updated_at', TS, nullable=False),
    )
    op.create_index('uq_results_slot', 'results',
                    ['programme_id', 'indicator_code', 'city_id', 'period_start', 'period_end'], unique=True)
    op.create_index('ix_results_sync', 'results', ['updated_at', 'id'])
    op.create_index('ix_results_programme', 'results', ['programme_id', 'updated_at', 'id'])
    op.create_index('ix_results_indicator', 'results', ['indicator_code', 'updated_at', 'id'])
    op.create_index('ix_results_city', 'results', ['city_id', 'updated_at', 'id'])
    op.create_index('ix_results_status', 'results', ['status', 'updated_at', 'id'])
    op.create_index('ix_results_reporting_org', 'results', ['reporting_org_ref', 'updated_at', 'id'])
    op.create_index('ix_results_period', 'results', ['period_start', 'period_end'])

    op.create_table(
        'result_versions',
        sa.Column('result_id', sa.String(36), sa.ForeignKey('results.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('number', sa.Integer(), primary_key=True),
        sa.Column('status', sa.String(12), nullable=False),
        sa.Column('value', _decimal(), nullable=False),
        sa.Column('disaggregations', sa.JSON(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('log', sa.JSON(), nullable=False),
        sa.Column('created_at', TS, nullable=False),
        sa.Column('submitted_at', TS, nullable=True),
        sa.Column('approved_at', TS, nullable=True),
    )

    _copy_legacy_rows(bind)
    op.drop_table('results_0001')
    op.drop_table('programme_cities_0001')
    op.drop_table('programmes_0001')


def _as_date(value) -> date:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.date()


def _aware(value):
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _copy_legacy_rows(bind):
    """0001's programmes, cities and results into the new tables (nothing to do on a new database)."""
    meta = sa.MetaData()
    meta.reflect(bind, only=('programmes_0001', 'programme_cities_0001', 'results_0001', 'programmes', 'cities',
                             'programme_cities', 'programme_facets', 'indicators', 'results', 'result_versions'))
    old_programmes = meta.tables['programmes_0001']
    old_programmes.c.themes.type = old_programmes.c.countries.type = sa.JSON()
    legacy = bind.execute(sa.select(old_programmes)).all()
    if not legacy:
        return
    for row in legacy:
        bind.execute(meta.tables['programmes'].insert().values(
            id=row.id, iati_identifier=f"LEGACY-{row.id}", title=row.title, description=None,
            reporting_org_ref="LEGACY", reporting_org_name="Recorded before IATI identifiers",
            reporting_org_type=None, funding_window=row.funding_window,
            instrument=LEGACY_INSTRUMENT.get(row.funding_window, "country_programme"), status="implementation",
            parent_id=None, themes=row.themes, countries=row.countries, sdg_goals=[], sdg_targets=[], sectors=[],
            policy_markers=[], participating_orgs=[], budget_amount=None, budget_currency=None,
            planned_start=None, planned_end=None, actual_start=_as_date(row.created_at), actual_end=None,
            version=1, created_at=_aware(row.created_at), updated_at=_aware(row.updated_at)))
    old_links, old_results = meta.tables['programme_cities_0001'], meta.tables['results_0001']
    cities, links, facets = meta.tables['cities'], meta.tables['programme_cities'], meta.tables['programme_facets']
    indicators, results, versions = meta.tables['indicators'], meta.tables['results'], meta.tables['result_versions']
    sqlite = bind.dialect.name == "sqlite"

    def dec(value):
        return str(value) if sqlite else value

    updated = {row.id: _aware(row.updated_at) for row in legacy}
    for row in legacy:
        for kind, codes in (("theme", row.themes), ("country", row.countries), ("org", ["LEGACY"])):
            for code in dict.fromkeys(codes or []):
                bind.execute(facets.insert().values(programme_id=row.id, kind=kind, code=code,
                                                    updated_at=updated[row.id]))

    city_ids = {}

    def city_id(name, country, at):
        key = (country, " ".join(name.casefold().split()))
        if key not in city_ids:
            city_ids[key] = str(uuid.uuid4())
            bind.execute(cities.insert().values(id=city_ids[key], name=" ".join(name.split()), name_key=key[1],
                                                country=country, population=None, secondary_city=True,
                                                latitude=None, longitude=None, created_at=at, updated_at=at))
        return city_ids[key]

    for link in bind.execute(sa.select(old_links).order_by(old_links.c.programme_id, old_links.c.position)):
        at = updated.get(link.programme_id)
        cid = city_id(link.name, link.country, at)
        bind.execute(links.insert().values(programme_id=link.programme_id, city_id=cid, position=link.position,
                                           added_at=at))
        bind.execute(facets.insert().values(programme_id=link.programme_id, kind="city", code=cid, updated_at=at))

    merged, defined = {}, set()
    for old in bind.execute(sa.select(old_results).order_by(old_results.c.recorded_at, old_results.c.id)):
        at = _aware(old.recorded_at)
        cid = city_id(old.city_name, old.city_country, at)
        slot = (old.programme_id, old.indicator, cid, at.date())
        if slot in merged:
            merged[slot]["value"] += old.value
            continue
        merged[slot] = {"id": old.id, "value": old.value, "at": at}
        if (old.programme_id, old.indicator) not in defined:
            defined.add((old.programme_id, old.indicator))
            bind.execute(indicators.insert().values(
                programme_id=old.programme_id, code=old.indicator, position=len(defined),
                title=LEGACY_INDICATOR_TITLES.get(old.indicator, old.indicator), corporate=True, measure="unit",
                reach="direct", ascending=True, sdg_indicator=None, baseline=None, targets=[], created_at=at,
                updated_at=at))
    for (programme_id, code, cid, day), entry in merged.items():
        at = entry["at"]
        bind.execute(results.insert().values(
            id=entry["id"], programme_id=programme_id, reporting_org_ref="LEGACY", indicator_code=code,
            city_id=cid, period_start=day, period_end=day, status="approved", version=1, value=dec(entry["value"]),
            disaggregations={}, approved_version=1, approved_value=dec(entry["value"]), created_at=at,
            updated_at=at))
        bind.execute(versions.insert().values(
            result_id=entry["id"], number=1, status="approved", value=dec(entry["value"]), disaggregations={},
            comment=None, created_at=at, submitted_at=at, approved_at=at,
            log=[{"action": "approved", "at": at.isoformat().replace("+00:00", "Z"), "by": None,
                  "comment": "recorded before results were reviewed (migration 0002)"}]))


def downgrade():
    raise NotImplementedError("0002 reshapes programmes, cities and results; restore a backup to go back to 0001")
