"""Contracts of the grants service's review-panel events: conflicts of interest and reviewer
assignments. They name reviewers (API key ids), so the gateway's event policy keeps them from
the applicant (services/gateway/gateway/event_policy.py)."""
from marshmallow import fields

from shared.events.contracts.grants.pieces import ApplicationContext
from shared.events.contracts.registry import contract
from shared.events.fields import UTCDateTime


@contract
class ConflictDeclaredV1(ApplicationContext):
    """A reviewer declared a conflict of interest on an application: it is recused (its review is
    refused; one it gave no longer counts towards the call's required_reviews)."""
    event_type, version, producer = "conflict.declared", 1, "grants"

    conflict_id = fields.String(required=True)
    reviewer = fields.String(required=True, metadata={"description": "the declaring API key's id"})
    reviewer_organisation = fields.String(required=True)
    reason = fields.String(required=True, metadata={"description": "why, in the reviewer's words"})
    declared_at = UTCDateTime(required=True)


@contract
class ReviewerAssignedV1(ApplicationContext):
    """A call's administrator put a reviewer (an API key with the review scope, free of conflicts
    of interest on the application) on the application's panel."""
    event_type, version, producer = "reviewer.assigned", 1, "grants"

    assignment_id = fields.String(required=True)
    reviewer = fields.String(required=True, metadata={"description": "the assigned API key's id"})
    reviewer_organisation = fields.String(required=True)
    assigned_at = UTCDateTime(required=True)
