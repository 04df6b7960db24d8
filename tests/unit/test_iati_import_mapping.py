"""The IATI import's reading and mapping without a platform (gateway.iati_import): every
error of a document is listed with its line; other publishers' activities get documented
defaults and themes with a warning; actuals and dimensions map as docs/iati.md says."""
import io

import pytest
from lxml import etree

from gateway.iati_import import importer
from gateway.iati_import.mapping import to_platform
from gateway.iati_import.reading import read_activities
from gateway.iati_import.results import read_results
from gateway.problems import DocumentRefused
from shared.actors import SYSTEM
from tests.iati_documents import activity, document


def read(body: bytes):
    problems = []
    activities = [(a.identifier, a.path, a.errors, to_platform(a.element) if not a.errors else None)
                  for a in read_activities(io.BytesIO(body), problems)]
    return activities, problems


def test_every_schema_error_of_every_activity_is_listed_with_its_line():
    broken = activity("XM-IMP-2").replace("<title><narrative>Imported programme</narrative></title>", "<title/>")
    wrong = activity("XM-IMP-3").replace('hierarchy="1"', 'hierarchy="one"')
    body = document(activity("XM-IMP-1"), broken, wrong)
    activities, problems = read(body)
    assert problems == []
    lines = body.decode().splitlines()
    errors = {identifier: [(e.kind, e.path, e.line) for e in errs] for identifier, _, errs, _ in activities}
    assert errors["XM-IMP-1"] == []
    [(kind, path, line)] = errors["XM-IMP-2"]
    assert (kind, path) == ("schema", "/iati-activities/iati-activity[2]/title") and "<title/>" in lines[line - 1]
    [(kind, path, line)] = errors["XM-IMP-3"]
    assert (kind, path) == ("schema", "/iati-activities/iati-activity[3]") and 'hierarchy="one"' in lines[line - 1]


def test_a_doctype_is_refused_before_any_activity():
    activities, problems = read(b'<!DOCTYPE d [<!ENTITY e "x">]>' + document(activity("XM-IMP-1")).split(b"\n", 1)[1])
    assert activities == [] and [p.kind for p in problems] == ["platform"]


def test_another_publishers_activity_gets_defaults_and_themes_flagged_for_review():
    gender = activity("XM-IMP-1").replace('code="43030"', 'code="11110"')       # education, gender marker 1
    climate = activity("XM-IMP-2").replace('<policy-marker vocabulary="1" code="1" significance="1"/>',
                                           '<policy-marker vocabulary="1" code="7" significance="2"/>') \
        .replace('<sector vocabulary="1" code="43030" percentage="100"/>',
                 '<sector vocabulary="1" code="11110" percentage="100"/><tag vocabulary="2" code="8"/>')
    nothing = activity("XM-IMP-3").replace('<policy-marker vocabulary="1" code="1" significance="1"/>', "") \
        .replace('code="43030"', 'code="11110"')
    mapped = {i: m for i, _, _, m in read(document(gender, climate, nothing))[0]}
    assert mapped["XM-IMP-1"]["programme"]["themes"] == ["gender_equality"]
    assert mapped["XM-IMP-2"]["programme"]["themes"] == ["resilience_climate", "equitable_economic_growth"]
    assert mapped["XM-IMP-3"]["programme"]["themes"] == ["cities_migration"]
    for m in mapped.values():
        assert (m["programme"]["funding_window"], m["programme"]["instrument"]) == ("country_city", "country_programme")
        assert m["defaulted"] == ["funding_window", "instrument", "themes"]
        assert any("review" in w for w in m["warnings"])


def test_actuals_reach_and_disaggregations_titles_on_one_line():
    body = document(activity("XM-IMP-1", title="Two\n   lines", periods=2))
    [(_, _, _, mapped)] = read(body)[0]
    assert mapped["programme"]["title"] == "Two lines"
    [indicator] = mapped["indicators"]
    assert indicator["code"] == "people_reached" and indicator["reach"] == "direct"
    assert [r["value"] for r in mapped["results"]] == ["40", "41"]
    assert mapped["results"][0]["disaggregations"] == {"sex": {"female": "20"}}
    assert mapped["cities"] == [{"ref": "KE-KIS", "name": "Kisumu", "country": "KE", "latitude": "-0.100000",
                                 "longitude": "34.750000"}]
    assert mapped["reported_transactions"][0]["type"] == "2" and mapped["reported_transactions"][0]["amount"] == "20000"


def test_a_location_outside_the_recipient_countries_is_a_warning_not_a_city():
    element = etree.fromstring(activity("XM-IMP-1").replace('<location ref="KE-KIS">', '<location ref="UG-KIS">'))
    mapped = to_platform(element)
    assert mapped["cities"] == [] and any(w.startswith("location[1]") for w in mapped["warnings"])


def test_a_refusal_counts_every_error_and_lists_a_bounded_number(monkeypatch):
    monkeypatch.setattr(importer, "MAX_LISTED", 2)
    broken = [activity(f"XM-IMP-{n}").replace('hierarchy="1"', 'hierarchy="x"') for n in range(3)]
    with pytest.raises(DocumentRefused) as refused:
        importer.import_document(io.BytesIO(document(*broken)), actor=SYSTEM, dry_run=True, service=None)
    assert refused.value.total == 3 and [p["activity"] for p in refused.value.problems] == ["XM-IMP-0", "XM-IMP-1"]
    assert "3 problem(s)" in refused.value.detail and "first 2" in refused.value.detail


def test_a_part_of_an_unknown_category_is_not_added_to_the_total():
    extra = '<actual value="7"><dimension name="sex" value="other"/></actual></period>'
    element = etree.fromstring(activity("XM-IMP-1").replace("</period>", extra, 1))
    mapped = to_platform(element)
    assert mapped["results"][0]["value"] == "40"
    assert mapped["results"][0]["disaggregations"] == {"sex": {"female": "20"}}
    assert any("sex=other" in w for w in mapped["warnings"])


def test_a_reach_split_reads_back_as_the_reach_disaggregation():
    """The export writes a split value as a total without a dimension plus one `actual` per
    reach; a value without a split as one total marked with its reach (docs/iati.md)."""
    def mapped(actuals):
        element = etree.fromstring(activity("XM-IMP-1"))
        for period in element.iter("period"):
            for old in period.findall("actual"):
                period.remove(old)
            for value, reach in actuals:
                actual = etree.SubElement(period, "actual", value=value)
                if reach:
                    etree.SubElement(actual, "dimension", name="reach", value=reach)
        return to_platform(element)

    split = mapped([("1500", None), ("900", "direct"), ("600", "indirect")])
    assert [(r["value"], r["disaggregations"]) for r in split["results"]] == [
        ("1500", {"reach": {"direct": "900", "indirect": "600"}})]
    marked = mapped([("1500", "indirect")])
    assert [(r["value"], r["disaggregations"]) for r in marked["results"]] == [("1500", {})]
    assert marked["indicators"][0]["reach"] == "indirect"
    both = mapped([("900", "direct"), ("600", "indirect")])
    assert [(r["value"], r["disaggregations"]) for r in both["results"]] == [
        ("1500", {"reach": {"direct": "900", "indirect": "600"}})]


def _indicator(attributes, result_status="1"):
    return etree.fromstring(
        f'<result type="1" aggregation-status="{result_status}" xmlns:platform="urn:urban-partnership:iati-extension">'
        f'<indicator {attributes}><title><narrative>X</narrative></title>'
        '<reference vocabulary="99" code="x"/></indicator></result>')


@pytest.mark.parametrize("attributes, result_status, expected, warned", [
    ('measure="5"', "0", ("qualitative", "per_period", None), False),            # a score: latest by default
    ('measure="2" aggregation-status="1"', "1", ("percentage", "per_period", None), False),
    ('measure="1" aggregation-status="0"', "0", ("unit", "per_period", "latest"), True),   # never summed
    ('measure="2"', "0", ("percentage", "per_period", "latest"), True),      # the result's status
    ('measure="5" platform:cumulative="1" platform:rollup="sum"', "1", ("qualitative", "per_period", None), True),
    ('measure="3"', "1", ("unit", "per_period", None), True),                   # nominal: a count, warned
])
def test_measures_and_aggregation_status_of_other_publishers_map_to_kinds_and_rules(attributes, result_status,
                                                                                 expected, warned):
    activity_element = etree.Element("iati-activity")
    activity_element.append(_indicator(attributes, result_status))
    warnings = []
    [spec], _ = read_results(activity_element, warnings)
    assert (spec["measure"], spec["reporting"], spec.get("rollup")) == expected
    assert bool(warnings) == warned, warnings
