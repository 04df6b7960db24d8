"""Conflicts of interest in the pure domain: a declared or organisational conflict recuses a
reviewer (its review refused, one it gave no longer counting), assignment refuses a conflicted
reviewer, and review visibility follows the call (private / shared after one's own)."""
import pytest
from grants_domain_builders import NOW, make_application, make_call, make_fund, review

from grants import domain
from shared.errors import Conflict, Forbidden, InvalidInput


@pytest.fixture
def world():
    fund = make_fund()
    call = make_call(fund, required_reviews=2)
    app = make_application(fund, call, partner_organisations=["XM-DAC-41120", " Kampala  Capital City "])
    app.events.clear()
    return fund, call, app


def declare(app, who="key_a", org="UN-Habitat", conflicts=(), reason="advised the applicant in 2019"):
    return domain.declare_conflict(app, reviewer=who, reviewer_organisation=org, reason=reason,
                                   conflicts=list(conflicts), now=NOW)


def test_a_declared_conflict_recuses_the_reviewer_and_records_its_event(world):
    _, call, app = world
    conflict = declare(app)
    assert domain.recusal(app, "key_a", "UN-Habitat", [conflict]) == (
        "key_a declared a conflict of interest on this application: advised the applicant in 2019")
    assert domain.recusal(app, "key_b", "UN-Habitat", [conflict]) is None   # a key, not its organisation
    assert [e.type for e in app.events] == ["conflict.declared"]
    assert app.events[0].payload["reason"] == "advised the applicant in 2019"
    with pytest.raises(Conflict, match="conflict of interest: key_a declared"):
        app.add_review(call, reviewer="key_a", reviewer_organisation="UN-Habitat", scores={"relevance": 4},
                       recommendation="award", comment="", existing=[], now=NOW,
                       recused=domain.recusal(app, "key_a", "UN-Habitat", [conflict]))


def test_a_conflict_needs_a_reason_and_is_declared_once(world):
    _, _, app = world
    with pytest.raises(InvalidInput) as refused:
        declare(app, reason="   ")
    assert set(refused.value.errors) == {"reason"}
    with pytest.raises(Conflict, match="already declared"):
        declare(app, conflicts=[declare(app)])


@pytest.mark.parametrize("organisation", ["xm-dac-41120", "Kampala Capital City", " KAMPALA CAPITAL  CITY"])
def test_a_partner_organisation_named_on_the_application_is_conflicted_however_written(world, organisation):
    _, _, app = world
    assert domain.recusal(app, "key_p", organisation, []) == (
        f"{organisation} is a partner organisation named on the application")


def test_the_applicants_own_organisation_stays_forbidden(world):
    _, call, app = world
    with pytest.raises(Forbidden, match="own organisation"):
        review(app, call, who="key_own", org="jinja municipal council")


def test_a_review_given_before_the_conflict_stops_counting(world):
    fund, call, app = world
    first = review(app, call, who="key_a")
    second = review(app, call, who="key_b", org="World Bank", existing=[first])
    conflict = declare(app, who="key_a")
    counting = domain.counting(app, [first, second], [conflict])
    assert [r.reviewer for r in counting] == ["key_b"]
    with pytest.raises(Conflict, match="asks for 2 review"):
        app.determine("award", ["good"], counting, call, NOW)
    assert app.status == "under_review"


def test_assignment_refuses_a_conflicted_reviewer_and_a_second_assignment(world):
    _, _, app = world
    conflict = declare(app, who="key_a")
    with pytest.raises(Conflict, match="conflict of interest: key_a declared"):
        domain.assign_reviewer(app, reviewer="key_a", reviewer_organisation="UN-Habitat", assigned_by="key_admin",
                               assignments=[], conflicts=[conflict], now=NOW)
    with pytest.raises(Conflict, match="partner organisation"):
        domain.assign_reviewer(app, reviewer="key_p", reviewer_organisation="XM-DAC-41120", assigned_by="key_admin",
                               assignments=[], conflicts=[], now=NOW)
    with pytest.raises(Conflict, match="is the applicant"):
        domain.assign_reviewer(app, reviewer="key_j", reviewer_organisation="Jinja Municipal Council",
                               assigned_by="key_admin", assignments=[], conflicts=[], now=NOW)
    assigned = domain.assign_reviewer(app, reviewer="key_b", reviewer_organisation="World Bank",
                                      assigned_by="key_admin", assignments=[], conflicts=[conflict], now=NOW)
    assert (assigned.reviewer, assigned.assigned_by) == ("key_b", "key_admin")
    assert app.events[-1].type == "reviewer.assigned"
    with pytest.raises(Conflict, match="already assigned"):
        domain.assign_reviewer(app, reviewer="key_b", reviewer_organisation="World Bank", assigned_by="key_admin",
                               assignments=[assigned], conflicts=[], now=NOW)


def test_no_reviewer_is_assigned_once_the_application_is_decided(world):
    _, call, app = world
    app.withdraw(NOW)
    with pytest.raises(Conflict, match="withdrawn"):
        domain.assign_reviewer(app, reviewer="key_b", reviewer_organisation="World Bank", assigned_by="key_admin",
                               assignments=[], conflicts=[], now=NOW)


def test_review_visibility_private_shows_ones_own_and_shared_the_others_after_ones_own(world):
    _, call, app = world
    a = review(app, call, who="key_a")
    b = review(app, call, who="key_b", org="World Bank", existing=[a])
    reviews = [a, b]
    assert domain.visible_reviews(reviews, "private", "key_a", recused=False) == [a]
    assert domain.visible_reviews(reviews, "shared", "key_a", recused=False) == [a, b]
    assert domain.visible_reviews(reviews, "shared", "key_c", recused=False) == []    # has not reviewed
    assert domain.visible_reviews(reviews, "shared", "key_a", recused=True) == [a]    # recused: its own only
    assert domain.visible_reviews(reviews, "private", None, recused=False) == []


def test_a_call_declares_its_review_visibility(world):
    fund, _, _ = world
    assert make_call(fund).review_visibility == "shared"
    assert make_call(fund, review_visibility="private").review_visibility == "private"
