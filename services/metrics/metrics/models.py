"""Read model of the metrics service, projected from events.

Facts (one row per thing, the winning version kept): result_facts, metric_programmes,
metric_cities, metric_funds, metric_money_txns, metric_applications; and result_versions, every
approved version of a result with when it counted (valid time, for as_of).
Aggregates (updated by deltas in the same transaction as the inbox record, so the cost of an
event does not grow with history): metric_cells (plan, indicator, reach, programme, city,
country, period end), metric_totals (plan, indicator, reach, period end), metric_city_refs
(plan, indicator, city, country, period end: how many counted results with a positive value:
a city counts while > 0), metric_money (kind, currency, fund, window, theme, country,
programme, day). Bookkeeping: metric_plans (which plan definitions the aggregates were built
for), metric_published (the last objective.progress_changed per plan)."""
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase

from shared.db import backbone_tables
from shared.persistence import UTCDateTime


class Base(DeclarativeBase):
    pass


metadata = Base.metadata
outbox, inbox = backbone_tables(metadata)
# updated_at of the progress is the last time an event was applied: max() needs an index.
sa.Index("ix_inbox_processed_at", inbox.c.processed_at)

_ID = 100

result_facts = sa.Table(
    "result_facts", metadata,
    sa.Column("result_id", sa.String(_ID), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),          # 0: a row being claimed
    sa.Column("programme_id", sa.String(_ID), nullable=False),
    sa.Column("parent_id", sa.String(_ID), nullable=True),
    sa.Column("indicator", sa.String(100), nullable=False),
    sa.Column("corporate", sa.Boolean, nullable=False),
    sa.Column("measure", sa.String(20), nullable=False),
    sa.Column("reach", sa.String(20), nullable=False),
    sa.Column("city_id", sa.String(_ID), nullable=False),
    sa.Column("city_name", sa.String(200), nullable=False),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("period_start", sa.Date, nullable=False),
    sa.Column("period_end", sa.Date, nullable=False),
    sa.Column("value", sa.BigInteger, nullable=False),          # scaled by domain.VALUE_SCALE (see domain.numbers)
    # the result's reach disaggregation (scaled); the rest of the value counts as `reach`
    sa.Column("split_direct", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("split_indirect", sa.BigInteger, nullable=False, server_default="0"),
    # the indicator's reporting and roll-up rule (shared.rollup): a cumulative series counts its growth
    sa.Column("reporting", sa.String(12), nullable=False, server_default="per_period"),
    sa.Column("rollup", sa.String(8), nullable=False, server_default="sum"),
    sa.Column("approved_at", UTCDateTime, nullable=True),        # 0007: when this version was approved
)

# 0007: every approved version of every result with its valid time, [approved_at, superseded_at):
# the version that counted on a past date (as_of), metrics.domain.versions
result_versions = sa.Table(
    "result_versions", metadata,
    *(sa.Column(c.name, c.type, primary_key=c.name in ("result_id", "version"), nullable=c.nullable,
                server_default=c.server_default) for c in result_facts.c if c.name != "approved_at"),
    sa.Column("approved_at", UTCDateTime, nullable=False),
    sa.Column("superseded_at", UTCDateTime, nullable=True),     # a higher version's approval; NULL: current
)

metric_programmes = sa.Table(
    "metric_programmes", metadata,
    sa.Column("programme_id", sa.String(_ID), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),           # 0: known only from its results
    sa.Column("parent_id", sa.String(_ID), nullable=True),
    sa.Column("title", sa.String(500), nullable=True),
    sa.Column("window", sa.String(30), nullable=True),
    sa.Column("themes", sa.JSON, nullable=False),
    sa.Column("sdg_goals", sa.JSON, nullable=False),
    sa.Column("countries", sa.JSON, nullable=False),
    sa.Column("status", sa.String(30), nullable=True),
    sa.Column("organisation", sa.String(200), nullable=True),   # 0006: reporting org, for drill-down access
)

metric_cities = sa.Table(
    "metric_cities", metadata,
    sa.Column("city_id", sa.String(_ID), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("country", sa.String(2), nullable=False),
)

metric_funds = sa.Table(
    "metric_funds", metadata,
    sa.Column("fund_id", sa.String(_ID), primary_key=True),
    sa.Column("name", sa.String(500), nullable=False),
    sa.Column("window", sa.String(30), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
)

metric_money_txns = sa.Table(
    "metric_money_txns", metadata,
    sa.Column("kind", sa.String(20), primary_key=True),
    sa.Column("txn_id", sa.String(_ID), primary_key=True),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),         # cents
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("fund_id", sa.String(_ID), nullable=False),
    sa.Column("window", sa.String(30), nullable=False),
    sa.Column("theme", sa.String(100), nullable=False),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("programme_id", sa.String(_ID), nullable=False),
    # donor attribution (0006): a receipt's contributor, the grant of a grant's money ("" otherwise)
    sa.Column("contributor", sa.String(300), nullable=False, server_default=""),
    sa.Column("grant_id", sa.String(_ID), nullable=False, server_default=""),
)

metric_applications = sa.Table(
    "metric_applications", metadata,
    sa.Column("application_id", sa.String(_ID), primary_key=True),
    sa.Column("rank", sa.Integer, nullable=False),              # 0: a row being claimed
    sa.Column("status", sa.String(30), nullable=False),
    sa.Column("fund_id", sa.String(_ID), nullable=False),
    sa.Column("window", sa.String(30), nullable=False),
    sa.Column("theme", sa.String(100), nullable=False),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("city", sa.String(200), nullable=False),
    sa.Column("programme_id", sa.String(_ID), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("amount_requested", sa.BigInteger, nullable=False),
    sa.Column("targets", sa.JSON, nullable=False),
    sa.Index("ix_metric_applications_status", "status"),
)

metric_cells = sa.Table(
    "metric_cells", metadata,
    sa.Column("plan_id", sa.String(100), primary_key=True),
    sa.Column("indicator", sa.String(100), primary_key=True),
    sa.Column("reach", sa.String(20), primary_key=True),
    sa.Column("programme_id", sa.String(_ID), primary_key=True),
    sa.Column("city_id", sa.String(_ID), primary_key=True),
    sa.Column("country", sa.String(2), primary_key=True),
    sa.Column("period_end", sa.Date, primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
    sa.Column("n", sa.Integer, nullable=False),
)

metric_totals = sa.Table(
    "metric_totals", metadata,
    sa.Column("plan_id", sa.String(100), primary_key=True),
    sa.Column("indicator", sa.String(100), primary_key=True),
    sa.Column("reach", sa.String(20), primary_key=True),
    sa.Column("period_end", sa.Date, primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
    sa.Column("n", sa.Integer, nullable=False),
)

metric_city_refs = sa.Table(
    "metric_city_refs", metadata,
    sa.Column("plan_id", sa.String(100), primary_key=True),
    sa.Column("indicator", sa.String(100), primary_key=True),
    sa.Column("city_id", sa.String(_ID), primary_key=True),
    sa.Column("country", sa.String(2), primary_key=True),
    sa.Column("period_end", sa.Date, primary_key=True),
    sa.Column("n", sa.Integer, nullable=False),
)

metric_money = sa.Table(
    "metric_money", metadata,
    sa.Column("kind", sa.String(20), primary_key=True),
    sa.Column("currency", sa.String(3), primary_key=True),
    sa.Column("fund_id", sa.String(_ID), primary_key=True),
    sa.Column("window", sa.String(30), primary_key=True),
    sa.Column("theme", sa.String(100), primary_key=True),
    sa.Column("country", sa.String(2), primary_key=True),
    sa.Column("programme_id", sa.String(_ID), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("amount", sa.BigInteger, nullable=False),
)

metric_plans = sa.Table(
    "metric_plans", metadata,
    sa.Column("plan_id", sa.String(100), primary_key=True),
    sa.Column("definition_hash", sa.String(64), nullable=False),   # "" until built
    sa.Column("built_at", UTCDateTime, nullable=True),
)

metric_published = sa.Table(
    "metric_published", metadata,
    sa.Column("plan_id", sa.String(100), primary_key=True),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("body_hash", sa.String(64), nullable=False),
    sa.Column("published_at", UTCDateTime, nullable=True),
)

AGGREGATES = (metric_cells, metric_totals, metric_city_refs)
FACTS = (result_facts, result_versions, metric_programmes, metric_cities, metric_funds, metric_money_txns,
         metric_applications, metric_money)
