"""Progress towards a plan's objective. Pure: no framework, no database.

The package, by responsibility:

- `numbers`: exact fixed-point integers (values scaled by 10**4, money in cents) and why they
  are not `ExactDecimal` columns; dates and timestamps for the API.
- `facts`: what the events say, normalised (`ResultFact`, `ProgrammeDim`, `MoneyTxn`,
  `Application`, `Fund`), and which version of a fact wins (`newer`).
- `plan`: the plan as data (`Plan`, `Figure`) and which facts count for it (`Plan.counts`).
- `counting`: the change a new version of a result makes to the aggregate cells of every plan
  (`cell_deltas`), and the totals and city references rolled up from cells (`roll_up`).
- `state`: the sources' state folded from their histories (`SourceState`), for recomputation.
- `versions`: valid time of result versions: which version counted on a date (`as_of`;
  imported from its module, `metrics.domain.versions`).
- `snapshot`: one plan's aggregates as assembly reads them (`Snapshot`), figures and series.
- `projection`: share, least-squares trend and status of a target.
- `attribution`: donor attribution (contributors credited exactly, largest remainder; imported
  from its module, `metrics.domain.attribution`).
- `links`: the drill-down URL of a figure, a breakdown cell, a history point or a credit.
- `money`, `assembly`, `breakdown`: the API bodies (progress, history, pipeline, breakdowns),
  whether the snapshot comes from the database (the incremental projection) or from
  `metrics.recompute` (the full recomputation from source records).

Everything a caller needs is importable from `metrics.domain` itself."""
from metrics.domain.assembly import body_hash, history, people_figure, pipeline, progress
from metrics.domain.breakdown import DIMENSIONS, breakdown, top_programme
from metrics.domain.counting import (
    cell_deltas,
    cell_key,
    city_key,
    contributions,
    counted_contributions,
    roll_up,
    series_key,
    totals_key,
)
from metrics.domain.facts import (
    APPLICATION_RANK,
    Application,
    Fund,
    MoneyTxn,
    ProgrammeDim,
    ResultFact,
    application_from_event,
    fund_from_event,
    money_from_event,
    newer,
    programme_from_event,
    result_from_event,
)
from metrics.domain.money import money_entry, money_figures, money_rows
from metrics.domain.numbers import MONEY_SCALE, NONE, VALUE_SCALE, money_out, scale_money, scale_value, value_out
from metrics.domain.plan import Figure, Plan, load_plans
from metrics.domain.projection import AT_RISK_SHARE, STATUS_ORDER, met, overall_status, projection, share, trend
from metrics.domain.snapshot import Snapshot, figure_value, series
from metrics.domain.state import SourceState

__all__ = [
    "APPLICATION_RANK", "AT_RISK_SHARE", "DIMENSIONS", "MONEY_SCALE", "NONE", "STATUS_ORDER", "VALUE_SCALE",
    "Application", "Figure", "Fund", "MoneyTxn", "Plan", "ProgrammeDim", "ResultFact", "Snapshot",
    "SourceState",
    "application_from_event", "body_hash", "breakdown", "cell_deltas", "cell_key", "city_key", "contributions",
    "counted_contributions", "series_key",
    "figure_value", "fund_from_event", "history", "load_plans", "met", "money_entry", "money_figures",
    "money_from_event", "money_out", "money_rows", "newer", "overall_status", "people_figure", "pipeline",
    "programme_from_event", "progress", "projection", "result_from_event", "roll_up", "scale_money",
    "scale_value", "series", "share", "top_programme", "totals_key", "trend", "value_out",
]
