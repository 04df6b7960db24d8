"""Who sees each event type in the event feed (GET /v1/events) and in webhook deliveries, and
which payload fields are hidden from whom: one rule per type in the contract registry
(tests/gateway/test_event_policy.py fails when a type has none). The feed and the webhook
dispatcher both call `view`, so both show the same events with the same fields.

Audiences, on the shared vocabulary (shared.actors):
- `public`: any key;
- `organisation`: keys of the organisation the event concerns (the payload field `organisation`
  of the rule names it; compared case-folded, `Actor.owns`);
- `reviewers`: keys with the `review` scope (they see review events of every organisation, not
  other organisations' private events);
- admins (and the system) see every event whole.

An actor in several audiences sees the event as the first of them in AUDIENCES: the applicant's
own keys see a review of their application redacted even if they also hold the `review` scope."""
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from gateway.access import owned
from gateway.views import event_view
from shared.actors import Actor
from shared.messaging.subscriptions.gateway import FEED_EVENT_TYPES

PUBLIC, ORGANISATION, REVIEWERS = "public", "organisation", "reviewers"
AUDIENCES = (ORGANISATION, REVIEWERS, PUBLIC)  # the order in which an actor's audience is found


@dataclass(frozen=True)
class Rule:
    audiences: tuple[str, ...]              # besides admins, who always see the event whole
    why: str
    organisation: str | None = None         # the payload field naming the organisation concerned
    redacted: dict[str, tuple[str, ...]] = field(default_factory=dict)  # audience -> fields it does not see


def _own(field_name: str, why: str, **redacted: tuple[str, ...]) -> Rule:
    return Rule((ORGANISATION,), why, field_name, redacted)


_PUBLIC = Rule((PUBLIC,), "what the partnership publishes anyway")
_ADMINS = Rule((), "names no key organisation (donors by name, deprecated events): admins only")
_PROGRAMME = "the programme's reporting organisation"
_RESULT = "results of the programme's reporting organisation"
_APPLICATION = "the applicant's own application"
_GRANT = "the recipient's own grant"
# A review is for reviewers (the API shows reviews to reviewers only): the applicant learns that
# its application was reviewed, and how many times, but not by whom or with what outcome.
REVIEW_HIDDEN_FROM_APPLICANT = ("review_id", "reviewer", "reviewer_organisation", "total_score", "recommendation")
PANEL_HIDDEN_FROM_APPLICANT = ("assignment_id", "reviewer", "reviewer_organisation")

POLICY: dict[str, Rule] = {
    "objective.progress_changed": _PUBLIC,
    "fund.created": _PUBLIC,
    "call.opened": _PUBLIC,
    "call.closed": _PUBLIC,
    "contribution.pledged": _ADMINS,
    "contribution.received": _ADMINS,
    "grant.awarded": _ADMINS,
    "result.recorded": _ADMINS,
    "programme.created": _own("reporting_org", _PROGRAMME),
    "programme.updated": _own("reporting_org", _PROGRAMME),
    "programme.status_changed": _own("reporting_org", _PROGRAMME),
    "programme.city_added": _own("reporting_org", _PROGRAMME),
    "indicator.defined": _own("reporting_org_ref", _PROGRAMME),
    "result.submitted": _own("reporting_org_ref", _RESULT),
    "result.approved": _own("reporting_org_ref", _RESULT),
    "result.approved_first_level": _own("reporting_org_ref", _RESULT),
    "result.returned": _own("reporting_org_ref", _RESULT),
    "result.revised": _own("reporting_org_ref", _RESULT),
    "programme_report.reminder_due": _own("reporting_org_ref", _PROGRAMME),
    "programme_report.overdue": _own("reporting_org_ref", _PROGRAMME),
    "programme_report.approved": _own("reporting_org_ref", _PROGRAMME),
    "period.reopened": _own("reporting_org_ref", _PROGRAMME),
    "narrative.updated": _own("reporting_org_ref", "the programme's reporting organisation (its own words and files)"),
    "application.submitted": _own("applicant_organisation", _APPLICATION),
    "application.screened": _own("applicant_organisation", _APPLICATION),
    "application.awarded": _own("applicant_organisation", _APPLICATION),
    "application.rejected": _own("applicant_organisation", _APPLICATION),
    "application.withdrawn": _own("applicant_organisation", _APPLICATION),
    "review.submitted": Rule((ORGANISATION, REVIEWERS), "reviewers see reviews; the applicant sees that one was made",
                             "applicant_organisation", {ORGANISATION: REVIEW_HIDDEN_FROM_APPLICANT}),
    # the panel names reviewers: never for the applicant (whose keys see none of it, even with the
    # review scope); a conflict's reason is the reviewer's own account, for the call's admins only
    "reviewer.assigned": Rule((ORGANISATION, REVIEWERS), "reviewers see who is on a panel; the applicant that one "
                              "was assigned", "applicant_organisation", {ORGANISATION: PANEL_HIDDEN_FROM_APPLICANT}),
    "conflict.declared": Rule((), "a reviewer's declared conflict and its reason: admins only (they assign)"),
    "grant.committed": _own("recipient_organisation", _GRANT),
    "agreement.signed": _own("recipient_organisation", _GRANT),
    "tranche.disbursed": _own("recipient_organisation", _GRANT),
    **{f"payment.{kind}": _own("recipient_organisation", "the recipient's own payment requests")
       for kind in ("requested", "approved", "rejected", "paid", "failed", "retried")},
    "grant.closed": _own("recipient_organisation", _GRANT),
    "grant.cancelled": _own("recipient_organisation", _GRANT),
    "report.due": _own("recipient_organisation", _GRANT),
    "report.overdue": _own("recipient_organisation", _GRANT),
    "report.submitted": _own("recipient_organisation", _GRANT),
    "report.approved": _own("recipient_organisation", _GRANT),
}


def rule_for(event_type: str) -> Rule:
    """The type's rule; a type without one (a contract added without a policy) is for admins only."""
    return POLICY.get(event_type, _ADMINS)


def organisation_of(event_type: str, payload: dict) -> str | None:
    """The organisation an event concerns (stored with it in the feed), or None."""
    name = rule_for(event_type).organisation
    value = payload.get(name) if name else None
    if isinstance(value, dict):
        value = value.get("ref")
    return value if isinstance(value, str) and value else None


def audience(event_type: str, organisation: str | None, actor: Actor) -> str | None:
    """How `actor` sees an event: "admin" (whole), one of AUDIENCES, or None (not at all)."""
    if actor.is_admin:
        return "admin"
    rule = rule_for(event_type)
    member = {ORGANISATION: actor.kind == "key" and organisation is not None and actor.owns(organisation),
              REVIEWERS: actor.has_scope("review"), PUBLIC: True}
    return next((a for a in AUDIENCES if a in rule.audiences and member[a]), None)


def view(row, actor: Actor) -> dict[str, Any] | None:
    """A feed row as `actor` may see it (in GET /v1/events and in a webhook body alike), or None."""
    seen_as = audience(row.type, row.organisation, actor)
    if seen_as is None:
        return None
    event = event_view(row)
    hidden = rule_for(row.type).redacted.get(seen_as, ())
    if hidden:
        event["payload"] = {k: v for k, v in event["payload"].items() if k not in hidden}
    return event


def visible_rows(type_column: Any, organisation_column: Any, actor: Actor) -> Any:
    """SQL: the feed rows `actor` sees at all (`audience` is not None); `view` then redacts."""
    if actor.is_admin:
        return sa.true()
    types = {a: sorted(t for t, r in POLICY.items() if a in r.audiences) for a in AUDIENCES}
    seen = [type_column.in_(types[PUBLIC]), sa.and_(type_column.in_(types[ORGANISATION]),
                                                     owned(organisation_column, actor))]
    if actor.has_scope("review"):
        seen.append(type_column.in_(types[REVIEWERS]))
    return sa.or_(*seen)


def table() -> str:
    """The policy as the Markdown table in docs/security.md ("Event visibility")."""
    lines = ["| event type | seen by (besides admins) | organisation field | hidden from | why |",
             "|---|---|---|---|---|"]
    for event_type in FEED_EVENT_TYPES:
        rule = rule_for(event_type)
        hidden = "; ".join(f"{a}: {', '.join(f'`{f}`' for f in fields)}" for a, fields in rule.redacted.items())
        lines.append(f"| `{event_type}` | {', '.join(rule.audiences) or 'admins only'} | "
                     f"{f'`{rule.organisation}`' if rule.organisation else ''} | {hidden} | {rule.why} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(table(), end="")
