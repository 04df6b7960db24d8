"""Results and their review in the programmes domain model: the workflow, revisions, values."""
from datetime import date
from decimal import Decimal

import pytest
from programmes_builders import JINJA, LATER, NOW, PEOPLE, WOMEN_SHARE, errors_of, programme

from programmes import domain
from programmes.domain import Programme, Result
from shared.errors import Conflict, SeparationOfDuties

D = Decimal


# --- results and their review ----------------------------------------------------------------------

def implementing() -> Programme:
    p = programme()
    p.change_status("implementation", now=NOW)
    return p


THOUSAND = D(1000)


def draft(p=None, value=THOUSAND, parts=None) -> Result:
    p = p or implementing()
    return Result.draft(p, PEOPLE, city_id=JINJA.id, period={"start": date(2020, 1, 1), "end": date(2020, 6, 30)},
                        value=value, disaggregations=parts or {}, now=NOW, by="XM-ORG-1")


def test_results_are_reported_only_in_implementation_or_finalisation():
    with pytest.raises(Conflict):
        draft(programme())   # pipeline


def test_a_result_for_a_city_the_programme_does_not_have_names_city_id():
    p = implementing()
    errors = errors_of(Result.draft, p, PEOPLE, city_id="c-elsewhere",
                       period={"start": date(2020, 1, 1), "end": date(2020, 1, 2)}, value=D(1), disaggregations={},
                       now=NOW, by=None)
    assert set(errors) == {"city_id"}


@pytest.mark.parametrize("submitter, first, second, refused_at", [
    ("k-partner", "k-partner", None, "first"),          # the submitter approves at neither level
    ("k-partner", "k-admin", "k-partner", "secretariat"),
    ("k-partner", "k-staff", "k-staff", "secretariat"),  # nor the first level's approver at the second
    ("k-partner", "k-staff", "k-admin", None),
    (None, None, None, None),                            # the system acts without a key: nothing to compare
])
def test_four_eyes_under_two_levels(submitter, first, second, refused_at):
    p, two = implementing(), domain.ReportingRules(approval_levels=2)
    r = draft(p)
    r.submit(p, PEOPLE, now=LATER, by="XM-ORG-1", key=submitter)
    for level, key in (("first", first), ("secretariat", second)):
        if refused_at == level:
            with pytest.raises(SeparationOfDuties):
                r.approve(p, PEOPLE, now=LATER, by="x", rules=two, key=key)
            assert r.status == ("submitted" if level == "first" else "endorsed")
            return
        r.approve(p, PEOPLE, now=LATER, by="x", rules=two, key=key)
    assert r.status == "approved"


def test_a_one_level_plan_asks_no_second_pair_of_eyes():
    p = implementing()
    r = draft(p)
    r.submit(p, PEOPLE, now=LATER, by="platform", key="k-admin")
    r.approve(p, PEOPLE, now=LATER, by="platform", key="k-admin")
    assert r.status == "approved"


def test_draft_submit_approve():
    p = implementing()
    r = draft(p, parts={"sex": {"female": D(600)}})
    assert (r.status, r.allowed_actions, r.approved) == ("draft", ["edit", "submit"], None)
    r.edit(PEOPLE, value=D(1200), disaggregations=None, now=LATER, by="x")
    r.submit(p, PEOPLE, now=LATER, by="x")
    assert r.allowed_actions == ["approve", "return"]
    assert r.approve(p, PEOPLE, now=LATER, by="admin") is None
    assert (r.status, r.approved.number, r.approved.value) == ("approved", 1, D(1200))
    assert [e["action"] for e in r.current.log] == ["drafted", "edited", "submitted", "approved"]
    submitted, approved = r.take_events()
    assert (submitted.type, submitted.payload["replaces_version"]) == ("result.submitted", None)
    assert approved.type == "result.approved"
    assert {k: approved.payload[k] for k in ("programme_id", "reporting_org_ref", "result_id", "version", "value",
                                             "city", "indicator")} == {
        "programme_id": p.id, "reporting_org_ref": "XM-ORG-1", "result_id": r.id, "version": 1, "value": D(1200),
        "city": JINJA.ref(), "indicator": PEOPLE.summary()}


def test_an_approved_correction_records_result_revised_with_the_value_it_replaces():
    p = implementing()
    r = draft(p)
    r.submit(p, PEOPLE, now=NOW, by=None)
    r.approve(p, PEOPLE, now=NOW, by=None)
    r.take_events()
    r.revise(p, PEOPLE, value=D(900), disaggregations={}, comment="a ward twice", now=LATER, by=None)
    r.approve(p, PEOPLE, now=LATER, by=None)
    submitted, revised = r.take_events()
    assert (submitted.type, submitted.payload["version"], submitted.payload["replaces_version"]) == (
        "result.submitted", 2, 1)
    assert (revised.type, revised.payload["value"], revised.payload["comment"]) == ("result.revised", D(900),
                                                                                    "a ward twice")
    assert revised.payload["previous"] == {"version": 1, "value": D(1000), "disaggregations": {}, "approved_at": NOW,
                                           "numerator": None, "denominator": None}


def test_returned_with_a_comment_then_edited_and_submitted_again():
    p = implementing()
    r = draft(p)
    r.submit(p, PEOPLE, now=NOW, by="x")
    r.return_for_revision(p, PEOPLE, comment="sex parts missing", now=LATER, by="admin")
    assert r.status == "returned" and r.current.log[-1]["comment"] == "sex parts missing"
    r.edit(PEOPLE, value=None, disaggregations={"sex": {"female": D(500), "male": D(500)}}, now=LATER, by="x")
    r.submit(p, PEOPLE, now=LATER, by="x")
    r.approve(p, PEOPLE, now=LATER, by="admin")
    assert r.approved.disaggregations == {"sex": {"female": D(500), "male": D(500)}}


@pytest.mark.parametrize("steps, action", [
    ([], "approve"), ([], "return"), ([], "revise"),
    (["submit"], "edit"), (["submit"], "submit"), (["submit"], "revise"),
    (["submit", "approve"], "edit"), (["submit", "approve"], "approve"), (["submit", "approve"], "submit"),
])
def test_moves_out_of_order_are_conflicts_listing_the_allowed_actions(steps, action):
    p = implementing()
    r = draft(p)
    for step in steps:
        {"submit": lambda: r.submit(p, PEOPLE, now=NOW, by=None),
         "approve": lambda: r.approve(p, PEOPLE, now=NOW, by=None)}[step]()
    calls = {"approve": lambda: r.approve(p, PEOPLE, now=LATER, by=None),
             "return": lambda: r.return_for_revision(p, PEOPLE, comment="c", now=LATER, by=None),
             "revise": lambda: r.revise(p, PEOPLE, value=D(1), disaggregations={}, comment="c", now=LATER, by=None),
             "edit": lambda: r.edit(PEOPLE, value=D(5), disaggregations=None, now=LATER, by=None),
             "submit": lambda: r.submit(p, PEOPLE, now=LATER, by=None)}
    with pytest.raises(Conflict) as caught:
        calls[action]()
    assert caught.value.allowed == r.allowed_actions


def test_a_revision_is_a_new_version_that_replaces_the_approved_one_once_approved():
    p = implementing()
    r = draft(p, value=D(1200))
    r.submit(p, PEOPLE, now=NOW, by=None)
    r.approve(p, PEOPLE, now=NOW, by=None)

    version = r.revise(p, PEOPLE, value=D(1000), disaggregations={}, comment="a ward was counted twice",
                       now=LATER, by="x")
    assert (version.number, version.status, r.status) == (2, "submitted", "submitted")
    assert r.approved.number == 1 and r.approved.value == D(1200)   # still what counts

    replaced = r.approve(p, PEOPLE, now=LATER, by="admin")
    assert (replaced.number, replaced.value, replaced.status) == (1, D(1200), "superseded")
    assert (r.approved.number, r.approved.value) == (2, D(1000))
    assert [(v.number, v.status) for v in r.versions] == [(1, "superseded"), (2, "approved")]


def test_a_returned_revision_leaves_the_approved_value_counting():
    p = implementing()
    r = draft(p, value=D(1200))
    r.submit(p, PEOPLE, now=NOW, by=None)
    r.approve(p, PEOPLE, now=NOW, by=None)
    r.revise(p, PEOPLE, value=D(900), disaggregations={}, comment="c", now=LATER, by=None)
    r.return_for_revision(p, PEOPLE, comment="no evidence", now=LATER, by=None)
    assert r.approved.value == D(1200) and r.status == "returned"


def test_a_revision_to_the_same_value_is_refused():
    p = implementing()
    r = draft(p)
    r.submit(p, PEOPLE, now=NOW, by=None)
    r.approve(p, PEOPLE, now=NOW, by=None)
    assert set(errors_of(r.revise, p, PEOPLE, value=D(1000), disaggregations={}, comment="c", now=LATER,
                         by=None)) == {"value"}


def test_approved_values_of_a_closed_programme_can_still_be_corrected():
    p = implementing()
    r = draft(p)
    r.submit(p, PEOPLE, now=NOW, by=None)
    r.approve(p, PEOPLE, now=NOW, by=None)
    p.change_status("finalisation", now=NOW)
    p.change_status("closed", now=NOW)
    r.revise(p, PEOPLE, value=D(900), disaggregations={}, comment="audit", now=LATER, by=None)
    assert r.current.number == 2


@pytest.mark.parametrize("indicator, value, ok", [(PEOPLE, D("10.5"), False), (PEOPLE, D(10), True),
                                                  (WOMEN_SHARE, D("42.5"), True), (WOMEN_SHARE, D(100.01), False)])
def test_values_fit_the_measure(indicator, value, ok):
    assert (domain.value_errors("value", value, indicator) == {}) is ok


def test_target_periods_of_an_indicator_do_not_overlap():
    spec = {"code": "people_reached", "targets": [
        {"period": {"start": date(2020, 1, 1), "end": date(2020, 12, 31)}, "value": D(10)},
        {"period": {"start": date(2020, 6, 1), "end": date(2021, 5, 31)}, "value": D(20)}]}
    assert set(errors_of(domain.define_indicator, "p", spec, corporate_titles={"people_reached": "People"},
                         now=NOW)) == {"targets.1.period"}


def test_a_corporate_indicator_takes_the_plans_title_and_an_own_one_needs_one():
    people = domain.define_indicator("p", {"code": "people_reached"}, corporate_titles={"people_reached": "People"},
                                     now=NOW)
    assert (people.title, people.corporate) == ("People", True)
    assert set(errors_of(domain.define_indicator, "p", {"code": "km_drains"}, corporate_titles={}, now=NOW)) == {
        "title"}
    assert set(errors_of(domain.define_indicator, "p", {"code": "people_reached", "measure": "percentage"},
                         corporate_titles={"people_reached": "People"}, now=NOW)) == {"measure"}
