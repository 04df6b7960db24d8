"""The event visibility policy (gateway.event_policy): one rule per event type in the contract
registry, naming fields the contracts have; who sees what; the SQL filter of the feed agrees
with `audience` for every type and actor; docs/security.md lists the policy as the code has it."""
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from gateway import event_policy, models
from shared.actors import ANONYMOUS, SYSTEM, Actor
from shared.events.contracts import CONTRACTS, contract_for
from shared.events.contracts.grants import EXAMPLES as GRANT_EXAMPLES
from shared.messaging.subscriptions.gateway import FEED_EVENT_TYPES

ROOT = Path(__file__).resolve().parents[2]
REGISTRY_TYPES = {event_type for event_type, _version in CONTRACTS}
REVIEW = GRANT_EXAMPLES["review.submitted"]  # applicant "Jinja Municipal Council", reviewer "UN-Habitat"
APPLICANT = REVIEW["applicant_organisation"]

ACTORS = {
    "admin": Actor.key(organisation="platform", role="admin"),
    "read-only admin": Actor.key(organisation="platform", role="admin", scopes=["read"]),
    "applicant partner": Actor.key(organisation=APPLICANT.upper(), role="partner"),
    "applicant reviewer": Actor.key(organisation=APPLICANT, role="partner", scopes=["read", "review"]),
    "other partner": Actor.key(organisation="XM-OTHER", role="partner"),
    "other reviewer": Actor.key(organisation="UN-Habitat", role="reader", scopes=["read", "review"]),
    "anonymous": ANONYMOUS,
    "system": SYSTEM,
}


def latest_fields(event_type: str) -> set[str]:
    version = max(v for t, v in CONTRACTS if t == event_type)
    return set(contract_for(event_type, version)().fields)


def test_every_event_type_in_the_registry_has_a_rule_and_every_rule_a_type():
    assert set(FEED_EVENT_TYPES) == REGISTRY_TYPES
    assert REGISTRY_TYPES - set(event_policy.POLICY) == set(), "event types without a visibility rule"
    assert set(event_policy.POLICY) - REGISTRY_TYPES == set(), "rules for event types that no longer exist"


@pytest.mark.parametrize("event_type", sorted(REGISTRY_TYPES))
def test_a_rule_names_known_audiences_and_fields_its_contract_has(event_type):
    rule = event_policy.POLICY[event_type]
    assert set(rule.audiences) <= set(event_policy.AUDIENCES)
    assert set(rule.redacted) <= set(rule.audiences)
    fields = latest_fields(event_type)
    if event_policy.ORGANISATION in rule.audiences:
        assert rule.organisation in fields
    for hidden in rule.redacted.values():
        assert set(hidden) <= fields


def review_row(organisation=APPLICANT):
    payload = contract_for("review.submitted", 1)().dumps(REVIEW)
    return SimpleNamespace(sequence=1, event_id="e-1", type="review.submitted", version=1, producer="grants",
                           occurred_at=REVIEW["reviewed_at"], correlation_id="c", organisation=organisation,
                           payload=payload)


def test_the_applicant_sees_a_review_of_its_application_without_reviewer_scores_or_recommendation():
    seen = event_policy.view(review_row(), ACTORS["applicant partner"])
    assert seen is not None
    assert not set(event_policy.REVIEW_HIDDEN_FROM_APPLICANT) & set(seen["payload"])
    assert seen["payload"]["application_id"] == REVIEW["application_id"] and seen["payload"]["reviews"] == 1
    # holding the review scope does not lift the redaction of one's own application's reviews
    assert event_policy.view(review_row(), ACTORS["applicant reviewer"]) == seen


def test_admins_and_reviewers_see_a_review_whole_and_other_partners_not_at_all():
    for who in ("admin", "read-only admin", "other reviewer", "system"):
        seen = event_policy.view(review_row(), ACTORS[who])
        assert seen is not None and seen["payload"]["reviewer"] == "key-7", who
        assert seen["payload"]["total_score"] == 8 and seen["payload"]["recommendation"] == "award", who
    assert event_policy.view(review_row(), ACTORS["other partner"]) is None
    assert event_policy.view(review_row(), ANONYMOUS) is None


def test_reviewers_do_not_see_other_organisations_private_events():
    reviewer = ACTORS["other reviewer"]
    for event_type in ("application.submitted", "programme.created", "grant.committed", "contribution.pledged"):
        assert event_policy.audience(event_type, APPLICANT, reviewer) is None, event_type
    assert event_policy.audience("call.opened", None, reviewer) == event_policy.PUBLIC


def test_the_organisation_an_event_concerns_comes_from_its_rules_field():
    assert event_policy.organisation_of("review.submitted", REVIEW) == APPLICANT
    assert event_policy.organisation_of("programme.created", {"reporting_org": {"ref": "XM-1"}}) == "XM-1"
    assert event_policy.organisation_of("fund.created", {"organisation": "XM-1"}) is None
    assert event_policy.organisation_of("no.such_type", {"organisation": "XM-1"}) is None


def test_the_feeds_sql_filter_agrees_with_the_policy_for_every_type_and_actor():
    engine = sa.create_engine("sqlite://")
    models.metadata.create_all(engine, tables=[models.event_feed])
    f = models.event_feed
    organisations = [APPLICANT, APPLICANT.upper() + " ", "XM-OTHER", None]
    rows = [dict(event_id=f"{t}/{o}", type=t, version=1, producer="p", occurred_at=REVIEW["reviewed_at"],
                 correlation_id="c", organisation=o, payload="{}", received_at=REVIEW["reviewed_at"])
            for t in sorted(REGISTRY_TYPES) for o in organisations]
    with engine.begin() as conn:
        conn.execute(f.insert(), rows)
        for name, actor in ACTORS.items():
            in_sql = set(conn.execute(sa.select(f.c.event_id).where(
                event_policy.visible_rows(f.c.type, f.c.organisation, actor))).scalars())
            in_python = {r["event_id"] for r in rows if event_policy.audience(r["type"], r["organisation"], actor)}
            assert in_sql == in_python, name


def test_the_security_doc_lists_the_policy_as_the_code_has_it():
    doc = (ROOT / "docs" / "security.md").read_text()
    assert event_policy.table() in doc, "regenerate with `python -m gateway.event_policy`"


def panel_row(event_type):
    example = GRANT_EXAMPLES[event_type]
    payload = contract_for(event_type, 1)().dumps(example)
    return SimpleNamespace(sequence=1, event_id="e-2", type=event_type, version=1, producer="grants",
                           occurred_at=REVIEW["reviewed_at"], correlation_id="c",
                           organisation=event_policy.organisation_of(event_type, example), payload=payload)


def test_a_reviewer_assignment_reaches_reviewers_whole_and_the_applicant_without_who():
    row = panel_row("reviewer.assigned")
    for who in ("applicant partner", "applicant reviewer"):   # the review scope lifts nothing on one's own
        seen = event_policy.view(row, ACTORS[who])
        assert seen is not None and seen["payload"]["application_id"] == "a-1", who
        assert not set(event_policy.PANEL_HIDDEN_FROM_APPLICANT) & set(seen["payload"]), who
    for who in ("admin", "other reviewer", "system"):
        assert event_policy.view(row, ACTORS[who])["payload"]["reviewer"] == "key-7", who
    assert event_policy.view(row, ACTORS["other partner"]) is None


def test_a_declared_conflict_and_its_reason_are_for_admins_only():
    row = panel_row("conflict.declared")
    for who in ("applicant partner", "applicant reviewer", "other reviewer", "other partner", "anonymous"):
        assert event_policy.view(row, ACTORS[who]) is None, who
    assert event_policy.view(row, ACTORS["admin"])["payload"]["reason"] == "advised the applicant in 2019"
