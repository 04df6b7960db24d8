"""The programmes domain: lifecycle, hierarchy, review workflow with versions, disaggregation
sums and roll-up. Pure: no schemas, no storage."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from programmes_builders import JINJA, KISUMU, LATER, NOW, PEOPLE, WINDOWS, WOMEN_SHARE, errors_of, fields, programme

from programmes import domain
from programmes.domain import City, Programme
from shared.errors import Conflict

D = Decimal


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
    end = date(2023, 12, 31)
    approved = [domain.Approved("jwp", "people_reached", "c1", end, Decimal(50)),
                domain.Approved("a", "people_reached", "c1", end, Decimal(100)),
                domain.Approved("b", "people_reached", "c2", end, Decimal(200)),
                domain.Approved("a", "share_women", "c1", end, Decimal(40)),
                domain.Approved("b", "share_women", "c2", end, Decimal(60))]
    totals = domain.roll_up("jwp", ["a", "b"], approved, {("a", "people_reached"): PEOPLE,
                                                         ("a", "share_women"): WOMEN_SHARE})
    assert [{k: t[k] for k in ("indicator", "measure", "own", "children", "total", "results")} for t in totals] == [
        {"indicator": "people_reached", "measure": "unit", "own": Decimal(50), "children": Decimal(300),
         "total": Decimal(350), "results": 3},
        # without numerators and denominators each value weighs as value/100
        {"indicator": "share_women", "measure": "percentage", "own": Decimal(0), "children": Decimal("50.00"),
         "total": Decimal("50.00"), "results": 2},
    ]


def test_a_percentage_rolls_up_from_numerators_and_denominators_never_a_mean():
    end = date(2023, 12, 31)
    approved = [domain.Approved("a", "share_women", "c1", end, Decimal(40), Decimal(4), Decimal(10)),
                domain.Approved("b", "share_women", "c2", end, Decimal(60), Decimal(60), Decimal(100))]
    [total] = domain.roll_up("jwp", ["a", "b"], approved, {("a", "share_women"): WOMEN_SHARE})
    assert (total["numerator"], total["denominator"], total["total"]) == (Decimal(64), Decimal(110),
                                                                         Decimal("58.18"))   # not 50


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


@pytest.mark.parametrize("parts, bad", [
    ({"direct": D(70), "indirect": D(30)}, None),                    # both, adding up to the value
    ({"direct": D(70)}, None),                                       # the rest counts as the indicator's reach
    ({"direct": D(70), "indirect": D(20)}, "disaggregations.reach"),  # both, 90 of 100
    ({"direct": D(70), "indirect": D(40)}, "disaggregations.reach"),  # more than the value
    ({"indirect": D("0.5")}, "disaggregations.reach.indirect"),       # people are whole
])
def test_a_result_splits_people_reached_into_direct_and_indirect(parts, bad):
    errors = domain.disaggregation_errors(D(100), {"reach": parts}, PEOPLE)
    assert set(errors) == ({bad} if bad else set())


def test_only_indicators_counted_in_people_have_a_reach_split():
    errors = domain.disaggregation_errors(D(40), {"reach": {"direct": D(40)}}, WOMEN_SHARE)
    assert set(errors) == {"disaggregations.reach"} and "counted in people" in errors["disaggregations.reach"][0]


def test_percentages_are_not_summed_but_stay_percentages():
    assert domain.disaggregation_errors(D(40), {"sex": {"female": D(70), "male": D(20)}}, WOMEN_SHARE) == {}
    assert set(domain.disaggregation_errors(D(40), {"sex": {"female": D(101)}}, WOMEN_SHARE)) == {
        "disaggregations.sex.female"}
    assert set(domain.value_errors("value", D(101), WOMEN_SHARE)) == {"value"}
