"""Events the metrics service consumes, each with the kind of fact it carries.

This table is the metrics service's registry: producers declare the metrics queue's bindings
from `EVENT_TYPES`, the service subscribes to each type, and `metrics.registry` maps each kind
to its parser (`metrics.domain.facts`), its projection (the SQL store) and its recomputation
(`metrics.domain.state.SourceState`). Kinds: result, programme, money, application, fund."""
CONSUMER = "metrics"
EVENT_KINDS: dict[str, str] = {
    # programmes: the portfolio (attributes results to windows, themes, SDG goals, parents)
    "programme.created": "programme",
    "programme.updated": "programme",
    "programme.status_changed": "programme",
    "programme.city_added": "programme",
    # programmes: approved result values (a revision replaces the earlier value, never adds)
    "result.recorded": "result",           # deprecated, no longer produced: an approved version 1
    "result.approved": "result",
    "result.revised": "result",
    # grants: money (pooled, committed, disbursed, returned) and the pipeline of applications
    "fund.created": "fund",
    "contribution.received": "money",
    "grant.awarded": "money",              # deprecated direct award, no longer produced: a commitment
    "grant.committed": "money",
    "tranche.disbursed": "money",
    "grant.closed": "money",               # the undisbursed part returns to the fund
    "grant.cancelled": "money",
    "application.submitted": "application",
    "application.screened": "application",
    "application.awarded": "application",
    "application.rejected": "application",
    "application.withdrawn": "application",
}
EVENT_TYPES: list[str] = list(EVENT_KINDS)
