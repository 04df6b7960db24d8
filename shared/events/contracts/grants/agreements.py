"""Contracts of the grants service's agreement events: the grantee signs, the fund countersigns;
no tranche is paid before the countersignature."""
from marshmallow import fields, validate

from shared.events.contracts.grants.pieces import GrantContext
from shared.events.contracts.registry import contract
from shared.events.fields import UTCDateTime

AGREEMENT_STATUSES = ["unsigned", "signed_by_grantee", "countersigned", "not_recorded"]


@contract
class AgreementSignedV1(GrantContext):
    """A party signed the grant's agreement: the grantee first (`signed_by_grantee`), then the fund
    (`countersigned`: tranches may now be paid)."""
    event_type, version, producer = "agreement.signed", 1, "grants"

    party = fields.String(required=True, validate=validate.OneOf(["grantee", "fund"]))
    signed_by = fields.String(required=True, metadata={"description": "the signing API key's id"})
    previous_status = fields.String(required=True, validate=validate.OneOf(AGREEMENT_STATUSES))
    status = fields.String(required=True, validate=validate.OneOf(AGREEMENT_STATUSES))
    signed_at = UTCDateTime(required=True)
