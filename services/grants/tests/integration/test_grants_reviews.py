"""Reviews on the real databases (SQLite and PostgreSQL), through the use cases and the unit of
work: the reviewer is the API key (one review per key per application, however it names
itself, also when two requests race), never one of the applicant's organisation however its
name is written, and a key with the `review` scope reviews without being an administrator.
Migration 0005 turns the old `"<key> (<name>)"` reviewers into one identity per key."""
import eventlet
import pytest
import sqlalchemy as sa
from alembic import command

from grants import domain, handlers
from grants.repositories import SqlReviews
from shared.actors import SYSTEM, Actor
from shared.errors import Conflict, Forbidden, NotFound
from shared.migrations import alembic_config, upgrade
from tests.grants_flow import REVIEW, application_body, call_body, fund_body, money

APPLICANT = "Jinja Municipal Council"
UN_ADMIN = Actor.key(key_id="key_un_admin", organisation="UN-Habitat", role="admin")
WB_REVIEWER = Actor.key(key_id="key_wb_reviewer", organisation="World Bank", role="reader", scopes=["read", "review"])


@pytest.fixture
def uow(grants_db):
    return grants_db[1]


def open_application(uow, required_reviews=2):
    fund = handlers.create_fund(uow(), fund_body(), actor=SYSTEM)
    pledge = handlers.pledge_contribution(uow(), {"fund_id": fund["id"], "contributor": "Sweden",
                                                  "amount": money("100000.00")}, actor=SYSTEM)
    handlers.receive_contribution(uow(), pledge["id"], {}, actor=SYSTEM)
    call = handlers.open_call(uow(), call_body(fund["id"], required_reviews=required_reviews), actor=SYSTEM)
    app = handlers.submit_application(uow(), application_body(call["id"], "p-1", applicant_organisation=APPLICANT),
                                      actor=SYSTEM)
    assert app["status"] == "under_review", app["screening"]
    return app


def test_one_key_naming_itself_twice_is_one_reviewer(uow):
    """The attack: one admin key reviews under two names to meet required_reviews=2 alone."""
    app = open_application(uow, required_reviews=2)
    first = handlers.submit_review(uow(), app["id"], {**REVIEW, "reviewer": "Alice"}, actor=UN_ADMIN)
    assert (first["reviewer"], first["reviewer_name"], first["reviewer_organisation"]) == (
        "key_un_admin", "Alice", "UN-Habitat")
    with pytest.raises(Conflict, match="already reviewed"):
        handlers.submit_review(uow(), app["id"], {**REVIEW, "reviewer": "Bob"}, actor=UN_ADMIN)
    with pytest.raises(Conflict, match="already reviewed"):
        handlers.submit_review(uow(), app["id"], REVIEW, actor=UN_ADMIN)
    with pytest.raises(Conflict, match="asks for 2 review"):
        handlers.determine(uow(), app["id"], {"decision": "award", "reasons": ["two reviews, one key"]},
                           actor=SYSTEM)
    assert [r["reviewer"] for r in handlers.get_application(uow(), app["id"], actor=SYSTEM)["reviews"]] == [
        "key_un_admin"]
    handlers.submit_review(uow(), app["id"], REVIEW, actor=WB_REVIEWER)   # a second key: a second reviewer
    result = handlers.determine(uow(), app["id"], {"decision": "award", "reasons": ["good"]}, actor=SYSTEM)
    assert result["application"]["status"] == "awarded"


def test_two_racing_reviews_by_one_key_store_one(uow, monkeypatch):
    """Each review in its own green thread and connection; the first holds its transaction open a
    moment after reading the existing reviews, so the second certainly overlaps it. The
    application's row lock (PostgreSQL; the process lock on SQLite) and the unique
    (application, reviewer) constraint leave one review and answer the other 409."""
    app = open_application(uow)
    check = domain.Application.check_review

    def slow_check(self, *args, **kwargs):
        check(self, *args, **kwargs)
        eventlet.sleep(0.3)

    monkeypatch.setattr(domain.Application, "check_review", slow_check)

    def review(name):
        try:
            return handlers.submit_review(uow(), app["id"], {**REVIEW, "reviewer": name}, actor=UN_ADMIN)
        except Conflict as exc:
            return exc

    results = list(eventlet.GreenPool().imap(review, ["Alice", "Bob"]))
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "dict"], results
    assert len(handlers.list_reviews(uow(), {"application_id": app["id"]}, actor=SYSTEM)["items"]) == 1


def test_the_database_refuses_a_second_review_by_one_key(uow, monkeypatch):
    """The unique (application, reviewer) constraint on its own: with the domain's check blind
    (no existing reviews read), the second review by one key still answers 409 and writes nothing."""
    app = open_application(uow)
    handlers.submit_review(uow(), app["id"], {**REVIEW, "reviewer": "Alice"}, actor=UN_ADMIN)
    monkeypatch.setattr(SqlReviews, "of", lambda self, application_id: [])
    with pytest.raises(Conflict, match="already reviewed"):
        handlers.submit_review(uow(), app["id"], {**REVIEW, "reviewer": "Bob"}, actor=UN_ADMIN)
    monkeypatch.undo()
    assert [r["reviewer_name"] for r in handlers.get_application(uow(), app["id"], actor=SYSTEM)["reviews"]] == [
        "Alice"]


# (a tab in a body is refused as a control character before this rule is reached)
@pytest.mark.parametrize("organisation", [
    APPLICANT, "jinja municipal council", "  JINJA MUNICIPAL COUNCIL ", "Jinja  Municipal  Council"])
@pytest.mark.parametrize("role, scopes", [("admin", None), ("reader", ["read", "review"])])
def test_no_key_of_the_applicants_organisation_reviews_however_it_is_written(uow, organisation, role, scopes):
    app = open_application(uow)
    own = Actor.key(key_id="key_own", organisation=organisation, role=role, scopes=scopes)
    with pytest.raises(Forbidden, match="own organisation"):
        handlers.submit_review(uow(), app["id"], REVIEW, actor=own)
    with pytest.raises(Forbidden):   # the organisation is the key's: the body cannot name another
        handlers.submit_review(uow(), app["id"], {**REVIEW, "reviewer_organisation": "World Bank"}, actor=own)
    with pytest.raises(Forbidden, match="own organisation"):   # an internal call naming it is refused too
        handlers.submit_review(uow(), app["id"], {**REVIEW, "reviewer": "someone",
                                                  "reviewer_organisation": organisation}, actor=SYSTEM)
    assert handlers.get_application(uow(), app["id"], actor=SYSTEM)["reviews"] == []


def test_a_review_scope_key_reviews_and_reads_reviews_but_decides_nothing(uow):
    app = open_application(uow, required_reviews=1)
    review = handlers.submit_review(uow(), app["id"], REVIEW, actor=WB_REVIEWER)
    assert (review["reviewer"], review["reviewer_organisation"]) == ("key_wb_reviewer", "World Bank")
    assert [r["id"] for r in handlers.get_application(uow(), app["id"], actor=WB_REVIEWER)["reviews"]] == [
        review["id"]]
    refused = [
        lambda: handlers.determine(uow(), app["id"], {"decision": "award", "reasons": ["x"]}, actor=WB_REVIEWER),
        lambda: handlers.determine(uow(), app["id"], {"decision": "reject", "reasons": ["x"]}, actor=WB_REVIEWER),
        lambda: handlers.create_fund(uow(), fund_body(), actor=WB_REVIEWER),
        lambda: handlers.submit_application(uow(), application_body(app["call_id"], "p-2"), actor=WB_REVIEWER),
    ]
    for attempt in refused:
        with pytest.raises(Forbidden):
            attempt()
    # a reviewer of the applicant's organisation sees neither the application's reviews nor lists them
    applicant_reviewer = Actor.key(key_id="key_jmc_reviewer", organisation=" jinja municipal COUNCIL",
                                   role="reader", scopes=["read", "review"])
    assert "reviews" not in handlers.get_application(uow(), app["id"], actor=applicant_reviewer)
    assert handlers.list_reviews(uow(), {}, actor=applicant_reviewer)["items"] == []
    assert [r["id"] for r in handlers.list_reviews(uow(), {}, actor=WB_REVIEWER)["items"]] == [review["id"]]
    grant = handlers.determine(uow(), app["id"], {"decision": "award", "reasons": ["ok"]}, actor=UN_ADMIN)["grant"]
    with pytest.raises(NotFound):   # reviewing is not overseeing: another organisation's grant is missing
        handlers.get_grant(uow(), grant["id"], actor=WB_REVIEWER)
    assert handlers.list_grants(uow(), {}, actor=WB_REVIEWER)["items"] == []


def test_migration_0005_keeps_one_review_per_key_and_splits_off_the_name(grants_db, database_urls):
    """Rows as the code before 0005 wrote them: `"<key id> (<name>)"` for a key that named itself,
    the name alone on an internal call. The later review of a key that reviewed twice goes."""
    engine, uow = grants_db
    app = open_application(uow)
    url = database_urls["grants"]
    engine.dispose()
    command.downgrade(alembic_config("grants", url), "0004")   # 0005's downgrade, then rows as before it
    old = [("r1", "key_un_admin (Alice)", "2020-01-01T10:00:00+00:00"),
           ("r2", "key_un_admin (Bob)", "2020-01-01T11:00:00+00:00"),
           ("r3", "key_wb", "2020-01-01T12:00:00+00:00"),
           ("r4", "Dr Okello (panel)", "2020-01-01T13:00:00+00:00")]
    reviews = sa.table("reviews", *(sa.column(c) for c in (
        "id", "application_id", "reviewer", "reviewer_organisation", "scores", "total_score", "recommendation",
        "comment", "reviewed_at")))
    with engine.begin() as conn:
        conn.execute(reviews.insert(), [
            {"id": rid, "application_id": app["id"], "reviewer": who, "reviewer_organisation": "UN-Habitat",
             "scores": '{"relevance": 4, "feasibility": 4}', "total_score": 8, "recommendation": "award",
             "comment": "", "reviewed_at": at} for rid, who, at in old])
    engine.dispose()
    upgrade("grants", url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, reviewer, reviewer_name FROM reviews ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [("r1", "key_un_admin", "Alice"), ("r3", "key_wb", ""),
                                        ("r4", "Dr Okello (panel)", "")]
    with pytest.raises(Conflict, match="already reviewed"):
        handlers.submit_review(uow(), app["id"], {**REVIEW, "reviewer": "Carol"}, actor=UN_ADMIN)
