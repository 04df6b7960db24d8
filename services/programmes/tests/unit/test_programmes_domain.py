"""The programmes domain: lifecycle, hierarchy, review workflow with versions, disaggregation
sums and roll-up. Pure: no schemas, no storage."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from programmes import domain
from programmes.domain import City, Indicator, Programme, Result
from shared.errors import Conflict, InvalidInput

NOW = datetime(2020, 3, 1, 9, 30, tzinfo=timezone.utc)
LATER = NOW + timedelta(days=1)
WINDOWS = {"country_city": {"country_programme", "technical_assistance", "innovation_fund_project"},
           "global": {"regional_programme", "joint_work_programme"}}
JINJA = City(id="c-jinja", name="Jinja", country="UG")
KISUMU = City(id="c-kisumu", name="Kisumu", country="KE")
PEOPLE = Indicator(programme_id="p", code="people_reached", title="People", corporate=True)
WOMEN_SHARE = Indicator(programme_id="p", code="share_women", title="Share of women", corporate=False,
                        measure="percentage")


def fields(**overrides):
    data = {"iati_identifier": "XM-ORG-1-001", "reporting_org": {"ref": "XM-ORG-1", "name": "Org", "type": "40"},
            "title": "Secondary cities", "description": None, "funding_window": "country_city",
            "instrument": "country_programme", "themes": ["gender_equality"], "countries": ["UG", "KE"],
            "sdg_goals": ["11"], "sdg_targets": [], "sectors": [], "policy_markers": [], "participating_orgs": [],
            "budget": None, "dates": {}, "parent_id": None}
    data.update(overrides)
    return data


def programme(**overrides) -> Programme:
    p = Programme.create(fields(**overrides), instruments_by_window=WINDOWS, now=NOW)
    p.cities = [JINJA, KISUMU]
    return p


def errors_of(fn, *args, **kwargs) -> dict:
    with pytest.raises(InvalidInput) as caught:
        fn(*args, **kwargs)
    return caught.value.errors


# --- programmes -----------------------------------------------------------------------------

def test_a_programme_records_its_events_from_its_own_fields():
    p = programme()
    p.record_created()
    p.update({"title": "Renamed", "themes": ["gender_equality"]}, instruments_by_window=WINDOWS, now=LATER)
    p.update({"title": "Renamed"}, instruments_by_window=WINDOWS, now=LATER)        # no change: no event
    p.change_status("implementation", now=LATER, reason="signed")
    created, updated, moved = p.take_events()
    assert (created.type, updated.type, moved.type) == ("programme.created", "programme.updated",
                                                        "programme.status_changed")
    assert created.payload == {**created.payload, "programme_id": p.id, "title": "Secondary cities", "version": 1,
                               "cities": [c.as_dict() for c in (JINJA, KISUMU)]}
    assert (updated.payload["changed"], updated.payload["previous"]) == (["title"], {"title": "Secondary cities"})
    assert (moved.payload["previous_status"], moved.payload["status"], moved.payload["reason"],
            moved.payload["version"]) == ("pipeline", "implementation", "signed", 3)
    assert p.take_events() == []


def test_every_field_but_the_fixed_ones_may_change():
    p = programme()
    for name in ("status", "cities", "iati_identifier", "reporting_org", "version"):
        assert errors_of(p.update, {name: None}, instruments_by_window=WINDOWS, now=LATER) == {
            name: ["cannot be changed"]}
    assert {"title", "budget", "dates", "parent_id"} <= set(domain.MUTABLE_FIELDS)


def test_a_new_programme_is_in_the_pipeline_at_version_1():
    p = programme(title="  Secondary cities ")
    assert (p.status, p.status_code, p.version, p.title) == ("pipeline", "1", 1, "Secondary cities")
    assert p.created_at == p.updated_at == NOW
    assert p.allowed_statuses == ["implementation", "cancelled"]


@pytest.mark.parametrize("overrides, field", [
    ({"instrument": "joint_work_programme"}, "instrument"),          # a global window instrument
    ({"iati_identifier": "XM-OTHER-001"}, "iati_identifier"),        # not the reporting org's prefix
    ({"iati_identifier": "XM-ORG-1-"}, "iati_identifier"),           # no own id
    ({"sectors": [{"code": "43030", "percentage": Decimal(60)}, {"code": "16030", "percentage": Decimal(30)}]},
     "sectors"),                                                     # percentages add up to 90
    ({"sectors": [{"code": "43030", "percentage": Decimal(60)}, {"code": "16030", "percentage": None}]},
     "sectors"),
    ({"policy_markers": [{"code": "1", "significance": 1}, {"code": "1", "significance": 2}]}, "policy_markers"),
])
def test_rules_across_fields_name_the_field(overrides, field):
    assert set(errors_of(Programme.create, fields(**overrides), instruments_by_window=WINDOWS, now=NOW)) == {field}


def test_sector_percentages_adding_up_to_100_are_fine():
    p = programme(sectors=[{"code": "43030", "percentage": Decimal("60.5")},
                           {"code": "16030", "percentage": Decimal("39.5")}])
    assert len(p.sectors) == 2


# --- lifecycle ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    ["implementation", "finalisation", "closed"],
    ["implementation", "suspended", "implementation", "finalisation", "closed"],
    ["cancelled"],
    ["implementation", "suspended", "cancelled"],
])
def test_allowed_paths_through_the_lifecycle(path):
    p = programme()
    for i, status in enumerate(path, start=1):
        assert p.change_status(status, now=NOW + timedelta(days=i)) != status
    assert p.status == path[-1] and p.version == 1 + len(path)


@pytest.mark.parametrize("start, to", [("pipeline", "closed"), ("pipeline", "finalisation"),
                                       ("pipeline", "suspended"), ("implementation", "pipeline"),
                                       ("finalisation", "implementation"), ("closed", "implementation"),
                                       ("cancelled", "pipeline"), ("implementation", "implementation")])
def test_other_moves_are_conflicts_listing_what_is_allowed(start, to):
    p = programme()
    p.status = start
    with pytest.raises(Conflict) as caught:
        p.change_status(to, now=LATER)
    assert caught.value.allowed == list(domain.TRANSITIONS[start])
    assert p.status == start and p.version == 1


def test_every_status_is_an_iati_activity_status_and_terminal_ones_lead_nowhere():
    assert {domain.ACTIVITY_STATUSES[s] for s in domain.TRANSITIONS} == {"1", "2", "3", "4", "5", "6"}
    assert domain.TRANSITIONS["closed"] == domain.TRANSITIONS["cancelled"] == ()
    for targets in domain.TRANSITIONS.values():
        assert set(targets) <= set(domain.TRANSITIONS)


def test_starting_and_ending_stamp_the_actual_dates():
    p = programme()
    p.change_status("implementation", now=NOW)
    p.change_status("cancelled", now=LATER)
    assert p.dates["actual_start"] == NOW.date() and p.dates["actual_end"] == LATER.date()


# --- updates ------------------------------------------------------------------------------------

def test_update_returns_the_previous_values_of_what_changed_only():
    p = programme()
    previous = p.update({"title": "New", "themes": ["gender_equality"]}, instruments_by_window=WINDOWS, now=LATER)
    assert previous == {"title": "Secondary cities"}
    assert p.version == 2 and p.updated_at == LATER


def test_an_update_that_changes_nothing_keeps_the_version():
    p = programme()
    assert p.update({"title": "Secondary cities"}, instruments_by_window=WINDOWS, now=LATER) == {}
    assert p.version == 1


def test_a_country_the_programme_works_in_cannot_be_dropped():
    p = programme()
    assert set(errors_of(p.update, {"countries": ["UG"]}, instruments_by_window=WINDOWS, now=LATER)) == {"countries"}


def test_dates_end_before_start_is_refused_by_field():
    p = programme(dates={"planned_start": date(2020, 1, 1)})
    errors = errors_of(p.update, {"dates": {"planned_end": date(2019, 12, 31)}}, instruments_by_window=WINDOWS,
                       now=LATER)
    assert set(errors) == {"dates.planned_end"}


# --- hierarchy ----------------------------------------------------------------------------------

def test_one_level_of_hierarchy():
    jwp, project, sub = programme(), programme(), programme()
    project.parent_id = jwp.id
    domain.check_parent(project, jwp, parent_has_parent=False, has_children=False)
    sub.parent_id = project.id
    assert set(errors_of(domain.check_parent, sub, project, parent_has_parent=True, has_children=False)) == {
        "parent_id"}
    jwp.parent_id = project.id
    assert "one level" in errors_of(domain.check_parent, jwp, project, parent_has_parent=False,
                                    has_children=True)["parent_id"][0]
    project.parent_id = "nope"
    assert set(errors_of(domain.check_parent, project, None, parent_has_parent=False, has_children=False)) == {
        "parent_id"}


def test_roll_up_counts_each_result_once_and_separates_own_from_children():
    approved = [("jwp", "people_reached", Decimal(50)), ("a", "people_reached", Decimal(100)),
                ("b", "people_reached", Decimal(200)), ("a", "share_women", Decimal(40)),
                ("b", "share_women", Decimal(60))]
    totals = domain.roll_up("jwp", ["a", "b"], approved, {"people_reached": PEOPLE, "share_women": WOMEN_SHARE})
    assert totals == [
        {"indicator": "people_reached", "corporate": True, "measure": "unit", "own": Decimal(50),
         "children": Decimal(300), "total": Decimal(350), "results": 3},
        {"indicator": "share_women", "corporate": False, "measure": "percentage", "own": Decimal(0),
         "children": Decimal(100), "total": Decimal("50.00"), "results": 2},   # a mean, not a sum
    ]


# --- cities ----------------------------------------------------------------------------------------

def test_the_same_city_whatever_the_case_and_spacing():
    assert domain.city_key("  Jinja   Town ") == domain.city_key("JINJA town")
    assert City.register(name=" Jinja  Town ", country="UG", now=NOW).name == "Jinja Town"


def test_coordinates_come_in_pairs():
    assert set(errors_of(City.register, name="Jinja", country="UG", latitude=Decimal("0.4"), now=NOW)) == {
        "longitude"}


def test_a_city_outside_the_programmes_countries_is_refused():
    p = programme()
    mombasa = City(id="c-m", name="Mombasa", country="TZ")
    assert set(errors_of(p.add_city, mombasa, now=LATER)) == {"city.country"}
    with pytest.raises(Conflict):
        p.add_city(JINJA, now=LATER)   # already there
    p.add_city(City(id="c-e", name="Entebbe", country="UG"), now=LATER)
    assert p.version == 2 and [c.name for c in p.cities][-1] == "Entebbe"


# --- disaggregations -------------------------------------------------------------------------------

D = Decimal


@pytest.mark.parametrize("value, parts, bad", [
    (D(100), {"sex": {"female": D(60), "male": D(40)}}, None),                            # two of three parts
    (D(100), {"sex": {"female": D(60), "male": D(30), "unknown": D(10)}}, None),          # all, adding up
    (D(100), {"sex": {"female": D(60), "male": D(30), "unknown": D(5)}}, "disaggregations.sex"),   # all, 95
    (D(100), {"sex": {"female": D(80), "male": D(30)}}, "disaggregations.sex"),           # exceed the total
    (D(100), {"age": {"age_0_14": D(101)}}, "disaggregations.age"),
    (D(100), {"migrant_status": {"migrant": D(20), "non_migrant": D(80), "unknown": D(0)}}, None),
    (D(100), {"sex": {"female": D("10.5")}}, "disaggregations.sex.female"),               # people are whole
])
def test_parts_never_exceed_the_total_and_add_up_when_all_are_given(value, parts, bad):
    errors = domain.disaggregation_errors(value, parts, PEOPLE)
    assert set(errors) == ({bad} if bad else set())


def test_percentages_are_not_summed_but_stay_percentages():
    assert domain.disaggregation_errors(D(40), {"sex": {"female": D(70), "male": D(20)}}, WOMEN_SHARE) == {}
    assert set(domain.disaggregation_errors(D(40), {"sex": {"female": D(101)}}, WOMEN_SHARE)) == {
        "disaggregations.sex.female"}
    assert set(domain.value_errors("value", D(101), WOMEN_SHARE)) == {"value"}


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
    assert revised.payload["previous"] == {"version": 1, "value": D(1000), "disaggregations": {}, "approved_at": NOW}


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
