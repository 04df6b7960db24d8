"""A grant's agreement in the pure domain: the grantee signs, then the fund countersigns (who and
when recorded, one event each); no tranche is paid before the countersignature."""
import pytest
from grants_domain_builders import NOW, TODAY, awarded

from grants import domain
from shared.errors import Conflict


def test_no_tranche_is_paid_before_the_agreement_is_countersigned():
    fund, _, _, grant = awarded(signed=False)
    assert grant.agreement_status == "unsigned"
    with pytest.raises(Conflict, match="countersigned by the fund before a tranche is paid; it is unsigned") as no:
        grant.disburse(fund, "1", None, TODAY, NOW)
    assert no.value.allowed == ["sign_as_grantee"]
    domain.sign_agreement(grant, "grantee", "key_grantee", NOW)
    with pytest.raises(Conflict, match="it is signed_by_grantee"):
        grant.disburse(fund, "1", None, TODAY, NOW)
    assert grant.disbursed == 0 and fund.balance.disbursed == 0
    domain.sign_agreement(grant, "fund", "key_fund", NOW)
    grant.disburse(fund, "1", None, TODAY, NOW)
    assert grant.disbursed == grant.amount


def test_the_two_signatures_come_in_order_once_each_with_who_and_when():
    _, _, _, grant = awarded(signed=False)
    with pytest.raises(Conflict, match="cannot countersign: the agreement is unsigned") as early:
        domain.sign_agreement(grant, "fund", "key_fund", NOW)
    assert early.value.allowed == ["sign_as_grantee"]
    assert domain.sign_agreement(grant, "grantee", "key_grantee", NOW) == "unsigned"
    with pytest.raises(Conflict, match="cannot sign as grantee"):
        domain.sign_agreement(grant, "grantee", "key_other", NOW)
    assert domain.sign_agreement(grant, "fund", "key_fund", NOW) == "signed_by_grantee"
    assert (grant.agreement_status, grant.grantee_signed_by, grant.grantee_signed_at, grant.fund_signed_by,
            grant.fund_signed_at) == ("countersigned", "key_grantee", NOW, "key_fund", NOW)
    with pytest.raises(Conflict, match="nothing can be done to a countersigned agreement"):
        domain.sign_agreement(grant, "fund", "key_fund", NOW)
    events = grant.take_events()
    assert [(e.type, e.payload["party"], e.payload["signed_by"], e.payload["status"]) for e in events] == [
        ("agreement.signed", "grantee", "key_grantee", "signed_by_grantee"),
        ("agreement.signed", "fund", "key_fund", "countersigned")]


def test_a_grant_awarded_before_agreements_were_kept_is_paid_as_before():
    fund, _, _, grant = awarded(signed=False)
    grant.agreement_status = "not_recorded"   # what migration 0007 makes of existing grants
    grant.disburse(fund, "1", None, TODAY, NOW)
    with pytest.raises(Conflict, match="not_recorded"):
        domain.sign_agreement(grant, "grantee", "key_grantee", NOW)
