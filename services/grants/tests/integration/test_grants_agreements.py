"""A grant's agreement on the real databases (SQLite and PostgreSQL): the grantee signs with a key
of its own organisation, the fund countersigns with an administrator of another one, who and
when are kept; no tranche is paid before; migration 0007 leaves earlier grants payable."""
import pytest
import sqlalchemy as sa
from alembic import command

from grants import handlers
from shared.actors import SYSTEM, Actor
from shared.errors import Conflict, Forbidden, NotFound
from shared.migrations import alembic_config, upgrade
from tests.grants_flow import REVIEW, application_body, call_body, fund_body, money

APPLICANT = "Jinja Municipal Council"
GRANTEE = Actor.key(key_id="key_jinja", organisation=APPLICANT, role="partner")
GRANTEE_ADMIN = Actor.key(key_id="key_jinja_admin", organisation="jinja municipal council", role="admin")
OTHER = Actor.key(key_id="key_kisumu", organisation="Kisumu County", role="partner")
FUND = Actor.key(key_id="key_fund", organisation="Cities Alliance Secretariat", role="admin")
REVIEWER = Actor.key(key_id="key_wb", organisation="World Bank", role="reader", scopes=["read", "review"])


@pytest.fixture
def uow(grants_db):
    return grants_db[1]


def awarded(uow):
    fund = handlers.create_fund(uow(), fund_body(), actor=SYSTEM)
    pledge = handlers.pledge_contribution(uow(), {"fund_id": fund["id"], "contributor": "Sweden",
                                                  "amount": money("100000.00")}, actor=SYSTEM)
    handlers.receive_contribution(uow(), pledge["id"], {}, actor=SYSTEM)
    call = handlers.open_call(uow(), call_body(fund["id"], required_reviews=1), actor=SYSTEM)
    app = handlers.submit_application(uow(), application_body(call["id"], "p-1"), actor=SYSTEM)
    handlers.submit_review(uow(), app["id"], REVIEW, actor=REVIEWER)
    return handlers.determine(uow(), app["id"], {"decision": "award", "reasons": ["ok"]}, actor=SYSTEM)["grant"]


def test_the_grantee_signs_the_fund_countersigns_and_only_then_a_tranche_is_paid(uow):
    grant = awarded(uow)
    assert grant["agreement"] == {"status": "unsigned", "grantee_signed_by": None, "grantee_signed_at": None,
                                  "fund_signed_by": None, "fund_signed_at": None}
    with pytest.raises(Conflict, match="it is unsigned"):
        handlers.disburse(uow(), grant["id"], {"tranche": 1}, actor=FUND)
    with pytest.raises(NotFound):     # another organisation's grant is missing to it
        handlers.sign_agreement(uow(), grant["id"], actor=OTHER, party="grantee")
    with pytest.raises(Forbidden):    # the fund does not sign for the grantee
        handlers.sign_agreement(uow(), grant["id"], actor=FUND, party="grantee")
    with pytest.raises(Forbidden):    # a partner does not countersign
        handlers.sign_agreement(uow(), grant["id"], actor=GRANTEE, party="fund")
    signed = handlers.sign_agreement(uow(), grant["id"], actor=GRANTEE, party="grantee")["agreement"]
    assert (signed["status"], signed["grantee_signed_by"]) == ("signed_by_grantee", "key_jinja")
    with pytest.raises(Forbidden, match="another organisation"):   # the grantee's own admin key
        handlers.sign_agreement(uow(), grant["id"], actor=GRANTEE_ADMIN, party="fund")
    with pytest.raises(Conflict, match="it is signed_by_grantee"):
        handlers.disburse(uow(), grant["id"], {"tranche": 1}, actor=FUND)
    done = handlers.sign_agreement(uow(), grant["id"], actor=FUND, party="fund")["agreement"]
    assert (done["status"], done["fund_signed_by"]) == ("countersigned", "key_fund")
    assert done["grantee_signed_at"] <= done["fund_signed_at"]
    with pytest.raises(Conflict, match="countersigned agreement"):
        handlers.sign_agreement(uow(), grant["id"], actor=FUND, party="fund")
    paid = handlers.disburse(uow(), grant["id"], {"tranche": 1}, actor=FUND)
    assert paid["grant"]["disbursed"] == money("40000.00")
    assert handlers.get_grant(uow(), grant["id"], actor=GRANTEE)["agreement"] == done


def test_migration_0007_leaves_earlier_grants_payable(grants_db, database_urls):
    engine, uow = grants_db
    grant = awarded(uow)
    engine.dispose()
    command.downgrade(alembic_config("grants", database_urls["grants"]), "0006")
    engine.dispose()
    upgrade("grants", database_urls["grants"])
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT agreement_status FROM grants")).scalar_one() == "not_recorded"
    engine.dispose()
    assert handlers.disburse(uow(), grant["id"], {"tranche": 1}, actor=FUND)["grant"]["agreement"]["status"] == (
        "not_recorded")
