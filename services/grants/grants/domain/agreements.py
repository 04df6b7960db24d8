"""A grant's agreement: signed by the grantee, then countersigned by the fund (two steps, who
and when recorded); no tranche is paid before it is countersigned. Grants awarded before
migration 0007 had their agreements outside the platform: `not_recorded`, nothing to sign."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from grants.domain.common import Lifecycle, check_transition
from shared.errors import Conflict

if TYPE_CHECKING:
    from grants.domain.grants import Grant

AGREEMENT_LIFECYCLE: Lifecycle = {
    "unsigned": {"sign_as_grantee": "signed_by_grantee"},
    "signed_by_grantee": {"countersign": "countersigned"},
    "countersigned": {},
    "not_recorded": {},
}
PAYABLE = ("countersigned", "not_recorded")


def sign(grant: Grant, party: str, by: str, now: datetime) -> str:
    """`party` ("grantee" or "fund") signs as `by` (a key id); the previous status."""
    grant.check_allowed("sign_agreement")
    action = "sign_as_grantee" if party == "grantee" else "countersign"
    check_transition("agreement", AGREEMENT_LIFECYCLE, grant.agreement_status, action)
    previous = grant.agreement_status
    if party == "grantee":
        grant.grantee_signed_by, grant.grantee_signed_at = by, now
        grant.agreement_status = "signed_by_grantee"
    else:
        grant.fund_signed_by, grant.fund_signed_at = by, now
        grant.agreement_status = "countersigned"
    grant.updated_at = now
    grant.record("agreement.signed", {
        **grant.context(), "party": party, "signed_by": by, "previous_status": previous,
        "status": grant.agreement_status, "signed_at": now})
    return previous


def check_payable(grant: Grant) -> None:
    """No first tranche before the agreement is countersigned (409 naming its status)."""
    if grant.agreement_status not in PAYABLE:
        raise Conflict(f"the grant agreement must be signed by the grantee and countersigned by the fund before "
                       f"a tranche is paid; it is {grant.agreement_status}",
                       sorted(AGREEMENT_LIFECYCLE[grant.agreement_status]))
