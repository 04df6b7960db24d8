"""Conflicts of interest and the review panel on the real databases (SQLite and PostgreSQL),
through the use cases and the unit of work: a declared conflict recuses the reviewer (its
review refused, one it gave no longer counting towards required_reviews), a partner
organisation named on the application is conflicted, assignments refuse conflicted reviewers,
review visibility follows the call, and migration 0007 keeps what was there."""
import pytest
import sqlalchemy as sa
from alembic import command

from grants import handlers
from shared.actors import SYSTEM, Actor
from shared.errors import Conflict, Forbidden, InvalidInput
from shared.migrations import alembic_config, upgrade
from tests.grants_flow import REVIEW, application_body, call_body, fund_body, money

ADMIN = Actor.key(key_id="key_admin", organisation="UN-Habitat", role="admin")
WB = Actor.key(key_id="key_wb", organisation="XM-DAC-44000", role="reader", scopes=["read", "review"])
SIDA = Actor.key(key_id="key_sida", organisation="SE-0", role="reader", scopes=["read", "review"])
OECD = Actor.key(key_id="key_oecd", organisation="XM-DAC-1", role="reader", scopes=["read", "review"])
PARTNER_ORG = Actor.key(key_id="key_kcca", organisation="ug-kcca", role="reader", scopes=["read", "review"])


@pytest.fixture
def uow(grants_db):
    return grants_db[1]


def open_application(uow, required_reviews=2, review_visibility="shared"):
    fund = handlers.create_fund(uow(), fund_body(), actor=SYSTEM)
    pledge = handlers.pledge_contribution(uow(), {"fund_id": fund["id"], "contributor": "Sweden",
                                                  "amount": money("100000.00")}, actor=SYSTEM)
    handlers.receive_contribution(uow(), pledge["id"], {}, actor=SYSTEM)
    call = handlers.open_call(uow(), call_body(fund["id"], required_reviews=required_reviews,
                                               review_visibility=review_visibility), actor=SYSTEM)
    assert call["review_visibility"] == review_visibility
    app = handlers.submit_application(uow(), application_body(call["id"], "p-1", partner_organisations=["UG-KCCA"]),
                                      actor=SYSTEM)
    assert app["status"] == "under_review" and app["partner_organisations"] == ["UG-KCCA"]
    return app


def test_a_declared_conflict_recuses_a_reviewer_and_its_earlier_review_stops_counting(uow):
    app = open_application(uow, required_reviews=2)
    handlers.submit_review(uow(), app["id"], REVIEW, actor=WB)
    handlers.submit_review(uow(), app["id"], REVIEW, actor=SIDA)
    conflict = handlers.declare_conflict(uow(), app["id"], {"reason": "I advised the applicant"}, actor=WB)
    assert (conflict["reviewer"], conflict["reviewer_organisation"]) == ("key_wb", "XM-DAC-44000")
    with pytest.raises(Conflict, match="already declared"):
        handlers.declare_conflict(uow(), app["id"], {"reason": "again"}, actor=WB)
    seen = handlers.get_application(uow(), app["id"], actor=ADMIN)
    assert {r["reviewer"]: r["counts"] for r in seen["reviews"]} == {"key_wb": False, "key_sida": True}
    assert [c["reason"] for c in seen["panel"]["conflicts"]] == ["I advised the applicant"]
    with pytest.raises(Conflict, match="asks for 2 review.*has 1"):
        handlers.determine(uow(), app["id"], {"decision": "award", "reasons": ["two reviews"]}, actor=ADMIN)
    handlers.submit_review(uow(), app["id"], REVIEW, actor=OECD)
    decided = handlers.determine(uow(), app["id"], {"decision": "reject", "reasons": ["weak"]}, actor=ADMIN)
    assert decided["application"]["status"] == "rejected"
    assert sum(r["counts"] for r in decided["application"]["reviews"]) == 2


def test_a_recused_reviewer_is_refused_with_the_reason(uow):
    app = open_application(uow)
    handlers.declare_conflict(uow(), app["id"], {"reason": "former employee"}, actor=WB)
    with pytest.raises(Conflict, match="conflict of interest: key_wb declared .*former employee"):
        handlers.submit_review(uow(), app["id"], REVIEW, actor=WB)
    with pytest.raises(Conflict, match="conflict of interest: ug-kcca is a partner organisation"):
        handlers.submit_review(uow(), app["id"], REVIEW, actor=PARTNER_ORG)
    with pytest.raises(InvalidInput) as refused:
        handlers.declare_conflict(uow(), app["id"], {}, actor=SIDA)
    assert set(refused.value.errors) == {"reason"}
    with pytest.raises(Forbidden):   # a reader without the review scope declares nothing
        handlers.declare_conflict(uow(), app["id"], {"reason": "x"},
                                  actor=Actor.key(key_id="key_r", organisation="XM-R", role="reader"))
    assert handlers.get_application(uow(), app["id"], actor=ADMIN)["reviews"] == []


def test_the_programmes_participating_organisations_are_partners_too(uow):
    app = open_application(uow)
    other = handlers.submit_application(
        uow(), application_body(app["call_id"], "p-1", partner_organisations=["UG-KCCA"]), actor=SYSTEM,
        programme={"id": "p-1", "iati_identifier": "XM-1-P1", "reporting_org": "jinja municipal council",
                   "partners": ["ug-kcca", "Jinja Municipal Council", "XM-DAC-1"]})
    assert other["partner_organisations"] == ["UG-KCCA", "XM-DAC-1"]   # not the applicant, not twice
    with pytest.raises(Conflict, match="XM-DAC-1 is a partner organisation"):
        handlers.submit_review(uow(), other["id"], REVIEW, actor=OECD)


def test_assignment_refuses_conflicted_reviewers_and_is_for_administrators(uow):
    app = open_application(uow)
    handlers.declare_conflict(uow(), app["id"], {"reason": "related to the mayor"}, actor=SIDA)
    assign = lambda who, org, actor=ADMIN: handlers.assign_reviewer(  # noqa: E731
        uow(), app["id"], {"reviewer": who, "reviewer_organisation": org}, actor=actor)
    assigned = assign("key_wb", "XM-DAC-44000")
    assert (assigned["reviewer"], assigned["assigned_by"]) == ("key_wb", "key_admin")
    with pytest.raises(Conflict, match="already assigned"):
        assign("key_wb", "XM-DAC-44000")
    with pytest.raises(Conflict, match="conflict of interest: key_sida declared"):
        assign("key_sida", "SE-0")
    with pytest.raises(Conflict, match="partner organisation"):
        assign("key_kcca", "UG-KCCA")
    with pytest.raises(Conflict, match="is the applicant"):
        assign("key_jmc", "jinja municipal council")
    with pytest.raises(Forbidden):
        assign("key_oecd", "XM-DAC-1", actor=WB)
    panel = handlers.get_application(uow(), app["id"], actor=ADMIN)["panel"]
    assert [a["reviewer"] for a in panel["assignments"]] == ["key_wb"]
    assert "panel" not in handlers.get_application(uow(), app["id"], actor=WB)


def test_once_reviewers_are_assigned_only_they_review(uow):
    app = open_application(uow, required_reviews=1)
    handlers.submit_review(uow(), app["id"], REVIEW, actor=SIDA)      # before any assignment: anyone may
    handlers.assign_reviewer(uow(), app["id"], {"reviewer": "key_wb", "reviewer_organisation": "XM-DAC-44000"},
                             actor=ADMIN)
    with pytest.raises(Forbidden, match="key_oecd is not on this application's review panel"):
        handlers.submit_review(uow(), app["id"], REVIEW, actor=OECD)
    with pytest.raises(Forbidden, match="not on this application's review panel"):
        handlers.submit_review(uow(), app["id"], REVIEW, actor=ADMIN)   # an admin key is no exception
    handlers.submit_review(uow(), app["id"], REVIEW, actor=WB)
    handlers.declare_conflict(uow(), app["id"], {"reason": "joined the applicant"}, actor=WB)
    reviews = handlers.get_application(uow(), app["id"], actor=ADMIN)["reviews"]
    assert {r["reviewer"]: r["counts"] for r in reviews} == {"key_sida": True, "key_wb": False}


@pytest.mark.parametrize("visibility", ["private", "shared"])
def test_review_visibility_follows_the_call(uow, visibility):
    app = open_application(uow, review_visibility=visibility)
    mine = handlers.submit_review(uow(), app["id"], REVIEW, actor=WB)
    assert handlers.get_application(uow(), app["id"], actor=SIDA)["reviews"] == []   # before its own
    assert handlers.list_reviews(uow(), {"application_id": app["id"]}, actor=SIDA)["items"] == []
    theirs = handlers.submit_review(uow(), app["id"], REVIEW, actor=SIDA)
    expected = [mine["id"], theirs["id"]] if visibility == "shared" else [theirs["id"]]
    assert [r["id"] for r in handlers.get_application(uow(), app["id"], actor=SIDA)["reviews"]] == expected
    assert [r["id"] for r in handlers.list_reviews(uow(), {"application_id": app["id"]}, actor=SIDA)["items"]] == (
        expected)
    # a reviewer that declares a conflict after reviewing sees its own review only
    handlers.declare_conflict(uow(), app["id"], {"reason": "found out later"}, actor=SIDA)
    assert [r["id"] for r in handlers.list_reviews(uow(), {}, actor=SIDA)["items"]] == [theirs["id"]]
    assert [r["counts"] for r in handlers.list_reviews(uow(), {}, actor=SIDA)["items"]] == [False]
    assert len(handlers.list_reviews(uow(), {"application_id": app["id"]}, actor=ADMIN)["items"]) == 2


def test_migration_0007_keeps_applications_and_calls_with_defaults(grants_db, database_urls):
    """Down to 0006 and up again: a call and an application stored before 0007 read back as
    `shared` with no partners, and the new tables start empty."""
    engine, uow = grants_db
    app = open_application(uow, review_visibility="private")
    engine.dispose()
    command.downgrade(alembic_config("grants", database_urls["grants"]), "0006")
    with engine.begin() as conn:
        assert "review_visibility" not in {c["name"] for c in sa.inspect(conn).get_columns("calls")}
    engine.dispose()
    upgrade("grants", database_urls["grants"])
    seen = handlers.get_application(uow(), app["id"], actor=ADMIN)
    assert seen["partner_organisations"] == [] and seen["panel"] == {"assignments": [], "conflicts": []}
    assert handlers.get_call(uow(), app["call_id"], actor=ADMIN)["review_visibility"] == "shared"
