"""The IATI export's builders, pure and fast: every document validates against the 2.03
XSD, carries the values docs/iati.md maps, and passes the IATI Validator's rules by
construction (percentages total 100, budgets at most a year, no future transaction,
identifiers prefixed by the reporting organisation, numeric indicator values)."""
from datetime import date, datetime, timezone
from decimal import Decimal

from lxml import etree

from gateway.iati import activity, document, organisation, source
from gateway.iati.money import equal_percentages, pro_rata, sector_percentages, yearly_periods
from gateway.iati_import.results import read_results
from shared.iati.schema import safe_parser, validation_errors

TODAY = date(2026, 6, 30)
ORG = {"ref": "XM-TEST-1", "name": "Test partner", "type": "21"}
PLATFORM = organisation.DEFAULT_ORGANISATION


def programme(**changes):
    body = {
        "id": "p1", "iati_identifier": "XM-TEST-1-JWP", "title": "Joint work", "description": "Cities\nand towns",
        "reporting_org": ORG, "status_code": "2", "parent_id": None, "created_at": "2024-01-02T00:00:00+00:00",
        "updated_at": "2026-05-01T10:00:00+00:00", "countries": ["UG", "KE", "TZ"],
        "cities": [{"id": "c1", "name": "Jinja", "country": "UG", "latitude": "0.4244", "longitude": "33.2042"},
                   {"id": "c2", "name": "Kisumu", "country": "KE", "latitude": None, "longitude": None}],
        "sectors": [{"code": "43030", "percentage": None}, {"code": "15150", "percentage": None},
                    {"code": "16050", "percentage": None}],
        "sdg_goals": ["11"], "sdg_targets": ["11.1"], "policy_markers": [{"code": "1", "significance": 2}],
        "participating_orgs": [{"ref": "XM-DAC-41114", "name": "UNDP", "role": "funding", "role_code": "1",
                                "type": "40"}],
        "budget": {"amount": "1000000.00", "currency": "USD"},
        "dates": {"planned_start": "2024-07-01", "planned_end": "2026-06-30", "actual_start": None,
                  "actual_end": None},
        "children": [{"id": "p2", "iati_identifier": "XM-TEST-1-P2", "title": "Project"}],
        "indicators": [{"code": "people_reached", "title": "People reached", "measure_code": "1", "ascending": True,
                        "reach": "direct", "baseline": {"year": 2023, "value": "100"},
                        "targets": [{"period": {"start": "2025-01-01", "end": "2025-12-31"}, "value": "5000"}]}],
    }
    body.update(changes)
    return body


RESULTS = [
    {"indicator": "people_reached", "period": {"start": "2025-01-01", "end": "2025-12-31"}, "value": "1200",
     "disaggregations": {"sex": {"female": "700", "male": "500"}}},
    {"indicator": "people_reached", "period": {"start": "2025-01-01", "end": "2025-12-31"}, "value": "300",
     "disaggregations": {"sex": {"female": "100", "male": "200"}}},
]
TRANSACTIONS = [
    {"type": "2", "date": "2025-02-01", "amount": "40000.00", "currency": "USD", "provider": PLATFORM,
     "receiver": {"ref": None, "name": "Jinja Municipal Council"}},
    {"type": "3", "date": "2025-03-01", "amount": "10000.00", "currency": "USD", "provider": PLATFORM,
     "receiver": {"ref": None, "name": "Jinja Municipal Council"}},
    {"type": "3", "date": "2027-01-01", "amount": "5000.00", "currency": "USD", "provider": PLATFORM,
     "receiver": {"ref": None, "name": "Jinja Municipal Council"}},
]


def parsed(root, elements):
    data = b"".join(document.stream(root, elements, datetime(2026, 6, 30, tzinfo=timezone.utc)))
    return etree.fromstring(data, safe_parser())


def one(**kwargs):
    args = {"results": RESULTS, "transactions": TRANSACTIONS, "parent_ref": None, "today": TODAY}
    args.update(kwargs.pop("args", {}))
    return parsed("iati-activities", [activity.build(programme(**kwargs), **args)])


def test_a_rich_activity_validates_and_carries_the_mapping():
    doc = one()
    assert validation_errors(doc) == []
    assert doc.get("version") == "2.03" and doc.get("generated-datetime").startswith("2026-06-30T")
    a = doc.find("iati-activity")
    assert a.get("hierarchy") == "1" and a.get("default-currency") == "USD"
    assert a.findtext("iati-identifier") == "XM-TEST-1-JWP"
    assert a.findtext("iati-identifier").startswith(a.find("reporting-org").get("ref") + "-")
    assert a.xpath("description[@type='1']/narrative/text()") == ["Cities\nand towns"]
    assert a.xpath("participating-org/@role") == ["1"]
    assert a.xpath("activity-status/@code") == ["2"]
    assert a.xpath("activity-date/@type") == ["1", "3"]
    assert a.xpath("location[@ref='c1']/point/pos/text()") == ["0.4244 33.2042"]
    assert a.xpath("location[@ref='c2']/point") == [] and a.xpath("location[@ref='c2']/name/narrative/text()")
    assert a.xpath("tag[@vocabulary='2']/@code") == ["11"] and a.xpath("tag[@vocabulary='3']/@code") == ["11.1"]
    assert a.xpath("policy-marker[@vocabulary='1']/@significance") == ["2"]
    assert a.xpath("related-activity[@type='2']/@ref") == ["XM-TEST-1-P2"]
    indicator = a.find("result/indicator")
    assert indicator.get("measure") == "1" and indicator.xpath("reference[@vocabulary='99']/@code") == [
        "people_reached"]
    assert indicator.xpath("baseline/@value") == ["100"] and indicator.xpath("baseline/@year") == ["2023"]
    assert indicator.xpath("period/target/@value") == ["5000"]
    assert indicator.xpath("period/actual[dimension/@name='reach']/@value") == ["1500"]
    assert indicator.xpath("period/actual[dimension/@value='female']/@value") == ["800"]
    assert indicator.xpath("period/actual[dimension/@value='male']/@value") == ["700"]


def test_percentages_total_100_per_vocabulary():
    a = one().find("iati-activity")
    assert sum(Decimal(p) for p in a.xpath("recipient-country/@percentage")) == 100
    assert sum(Decimal(p) for p in a.xpath("sector[@vocabulary='1']/@percentage")) == 100
    given = one(sectors=[{"code": "43030", "percentage": "70"}, {"code": "15150", "percentage": "30"}])
    assert given.xpath("//sector/@percentage") == ["70", "30"]
    assert equal_percentages(3) == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert sum(sector_percentages([Decimal(50), None])) == 100


def test_budgets_span_at_most_a_year_and_add_up():
    a = one().find("iati-activity")
    budgets = a.findall("budget")
    assert [(b.find("period-start").get("iso-date"), b.find("period-end").get("iso-date")) for b in budgets] == [
        ("2024-07-01", "2024-12-31"), ("2025-01-01", "2025-12-31"), ("2026-01-01", "2026-06-30")]
    for b in budgets:
        start, end = (date.fromisoformat(b.find(t).get("iso-date")) for t in ("period-start", "period-end"))
        assert (end - start).days < 366
    assert sum(Decimal(v) for v in a.xpath("budget/value/text()")) == Decimal("1000000.00")
    periods = yearly_periods(date(2024, 2, 29), date(2028, 2, 28))
    assert sum(pro_rata(Decimal("0.05"), periods)) == Decimal("0.05")


def test_no_transaction_is_dated_in_the_future():
    a = one().find("iati-activity")
    assert a.xpath("transaction/transaction-date/@iso-date") == ["2025-02-01", "2025-03-01"]
    assert a.xpath("transaction/transaction-type/@code") == ["2", "3"]
    assert a.xpath("transaction/provider-org/@ref") == [PLATFORM["ref"]]*2
    assert a.xpath("transaction/receiver-org/narrative/text()") == ["Jinja Municipal Council"] * 2


def test_a_child_names_its_parent_and_a_bare_programme_still_validates():
    doc = one(parent_id="p0", participating_orgs=[], children=[], sectors=[], budget=None, description=None,
              dates={}, indicators=[], reporting_org={"ref": "XM-TEST-1", "name": "Test partner", "type": None},
              args={"parent_ref": "XM-TEST-1-JWP", "results": [], "transactions": []})
    assert validation_errors(doc) == []
    a = doc.find("iati-activity")
    assert a.get("hierarchy") == "2" and a.xpath("related-activity[@type='1']/@ref") == ["XM-TEST-1-JWP"]
    assert a.xpath("participating-org/@ref") == ["XM-TEST-1"] and a.xpath("activity-date/@iso-date") == [
        "2024-01-02"]


def test_the_document_streams_one_chunk_per_activity():
    chunks = list(document.stream("iati-activities", (activity.build(programme(iati_identifier=f"XM-TEST-1-{i}"),
                                                                     results=[], transactions=[], parent_ref=None,
                                                                     today=TODAY) for i in range(3))))
    assert len(chunks) == 5 and b"XM-TEST-1-1" in chunks[2] and b"XM-TEST-1-1" not in chunks[1]


def test_the_organisation_file_validates_and_sums_by_year():
    grants = [{"awarded_at": "2025-02-01T00:00:00Z", "amount": {"amount": "40000.00", "currency": "USD"},
               "country": "UG"},
              {"awarded_at": "2025-05-01T00:00:00Z", "amount": {"amount": "10000.50", "currency": "USD"},
               "country": "KE"},
              {"awarded_at": "2027-05-01T00:00:00Z", "amount": {"amount": "1.00", "currency": "USD"},
               "country": "KE"}]
    spent = [{"value_date": "2025-03-01", "amount": {"amount": "-10000.00", "currency": "USD"}},
             {"value_date": "2026-01-05", "amount": {"amount": "-2500.00", "currency": "USD"}}]
    element = organisation.build(PLATFORM, organisation.totals(grants, spent, TODAY),
                                 datetime(2026, 6, 30, tzinfo=timezone.utc))
    doc = parsed("iati-organisations", [element])
    assert validation_errors(doc, "organisations") == []
    o = doc.find("iati-organisation")
    assert o.findtext("organisation-identifier") == PLATFORM["ref"]
    assert o.xpath("total-budget/value/text()") == ["50000.50"]
    assert o.xpath("recipient-country-budget/recipient-country/@code") == ["KE", "UG"]
    assert o.xpath("total-expenditure/value/text()") == ["10000.00", "2500.00"]


class _Programmes:
    """The programmes service's list and reads as plain functions over a list (the pager's
    contract: `limit`, `cursor`, `next_cursor`), recording what was asked."""

    def __init__(self, count):
        self.items = [programme(id=f"p{i}", iati_identifier=f"XM-TEST-1-{i}", indicators=[], children=[])
                      for i in range(count)]
        self.asked = []

    def list_programmes(self, query, actor):
        self.asked.append(("list", dict(query), actor))
        start = int(query.get("cursor") or 0)
        end = start + query["limit"]
        return {"items": [{"id": p["id"]} for p in self.items[start:end]],
                "next_cursor": str(end) if end < len(self.items) else None}

    def get_programme(self, programme_id, actor):
        self.asked.append(("get", programme_id, actor))
        return next(p for p in self.items if p["id"] == programme_id)

    def list_results(self, query, actor):
        assert set(query) == {"programme_id", "limit"}   # every status: approved_values picks what counts
        return {"items": [], "next_cursor": None}

    def list_narratives(self, programme_id, query, actor):
        return {"items": []}


class _Grants:
    def list_grants(self, query, actor):
        return {"items": [], "next_cursor": None}


def test_the_export_pages_with_the_cursor_as_the_caller_and_builds_lazily():
    programmes = _Programmes(source.PAGE + 5)
    built = source.activities(programmes, _Grants(), {"status": "implementation"}, actor="the-caller",
                              provider=PLATFORM, today=TODAY, base_url="https://platform.example/")
    first = next(built)
    assert first.findtext("iati-identifier") == "XM-TEST-1-0"
    assert [a for a in programmes.asked if a[0] == "list"] == [
        ("list", {"status": "implementation", "limit": source.PAGE}, "the-caller")]
    rest = list(built)
    assert len(rest) == source.PAGE + 4
    lists = [a for a in programmes.asked if a[0] == "list"]
    assert lists[1] == ("list", {"status": "implementation", "limit": source.PAGE, "cursor": str(source.PAGE)},
                        "the-caller")
    assert {a[2] for a in programmes.asked} == {"the-caller"}


class _Revised:
    """A draft, an approved result, and one approved at version 1 whose revision (2) is pending."""
    PARTS = {"sex": {"female": "6", "male": "4"}}

    def list_results(self, query, actor):
        items = [{"id": "r-draft", "version": 1, "approved_version": None, "value": "5", "disaggregations": {}},
                 {"id": "r-ok", "version": 1, "approved_version": 1, "value": "7", "disaggregations": {}},
                 {"id": "r-rev", "version": 2, "approved_version": 1, "value": "99", "disaggregations": {}}]
        return {"items": items, "next_cursor": None}

    def get_result(self, result_id, actor):
        assert result_id == "r-rev"
        return {"versions": [{"version": 1, "value": "10", "disaggregations": self.PARTS},
                             {"version": 2, "value": "99", "disaggregations": {}}]}


def test_the_export_keeps_only_approved_values_and_a_pending_revision_keeps_the_approved_one():
    counted = source.approved_values(_Revised(), "p-1", actor="the-caller")
    assert [(r["id"], r["value"], r["disaggregations"]) for r in counted] == [
        ("r-ok", "7", {}), ("r-rev", "10", _Revised.PARTS)]


def test_the_openapi_document_describes_the_xml_routes_without_an_etag():
    from gateway.openapi import build
    paths = build()["paths"]
    for path in ("/v1/iati/activities.xml", "/v1/iati/organisation.xml"):
        get = paths[path]["get"]
        assert list(get["responses"]["200"]["content"]) == ["application/xml"]
        assert "ETag" not in get["responses"]["200"]["headers"] and "304" not in get["responses"]
        assert "If-None-Match" not in {p["name"] for p in get.get("parameters", []) if "name" in p}
    assert {p["name"] for p in paths["/v1/iati/activities.xml"]["get"]["parameters"] if p["in"] == "query"} == {
        "organisation", "country", "status", "modified_since"}


def test_exports_break_no_validator_rule_and_use_only_listed_codes():
    """shared.iati.checks (the codelists and the IATI Validator's rules the import applies)
    finds nothing in what the export writes: a rich activity, a child and a bare one."""
    from shared.iati.checks import check_activity
    bare = programme(countries=["UG"], sectors=[], sdg_goals=[], sdg_targets=[], policy_markers=[],
                     participating_orgs=[], budget=None, indicators=[], children=[], description=None,
                     dates={"planned_start": None, "planned_end": None, "actual_start": None, "actual_end": None})
    for doc in (one(), one(parent_id="p0", args={"parent_ref": "XM-TEST-1-ROOT"}),
                one(args={"results": [], "transactions": []}, **bare)):
        for element in doc.iter("iati-activity"):
            assert check_activity(element, today=TODAY) == []


REPORTED = [  # as the import stores them (programme `reported_transactions`)
    {"type": "11", "date": "2025-02-15", "amount": "2500", "currency": "EUR", "value_date": "2025-02-10",
     "ref": "TX-1", "description": "Incoming funds\nfrom a donor", "provider": {"ref": "XM-DAC-7", "name": "Donor"},
     "receiver": None},
    {"type": "3", "date": "2025-02-01", "amount": "100", "currency": "USD", "value_date": None, "ref": None,
     "description": None, "provider": None, "receiver": {"ref": None, "name": "A city"}},
]


def test_reported_transactions_are_written_with_the_grants_by_date():
    a = one(reported_transactions=REPORTED).find("iati-activity")
    assert a.xpath("transaction/transaction-date/@iso-date") == ["2025-02-01", "2025-02-01", "2025-02-15",
                                                                "2025-03-01"]
    assert validation_errors(a.getparent(), "activities") == []
    incoming = a.xpath("transaction[@ref='TX-1']")[0]
    assert incoming.xpath("transaction-type/@code") == ["11"]
    assert incoming.xpath("value/@value-date") == ["2025-02-10"] and incoming.findtext("value") == "2500"
    assert incoming.xpath("description/narrative/text()") == ["Incoming funds\nfrom a donor"]
    assert incoming.xpath("provider-org/@ref") == ["XM-DAC-7"] and incoming.find("receiver-org") is None
    reported = a.xpath("transaction[value/@currency='USD'][value='100']")[0]
    assert reported.find("provider-org") is None and reported.xpath("value/@value-date") == ["2025-02-01"]


def test_a_reach_split_is_the_dimension_reach_once():
    split = [{**r, "disaggregations": {**r["disaggregations"], "reach": {"direct": "900", "indirect": "300"}}}
             for r in RESULTS[:1]] + RESULTS[1:]
    period = one(args={"results": split}).xpath("//indicator[reference/@code='people_reached']/period")[0]
    reach = period.xpath("actual[dimension/@name='reach']")
    assert [(a.get("value"), a.find("dimension").get("value")) for a in reach] == [("900", "direct"),
                                                                                  ("300", "indirect")]
    assert period.xpath("actual[not(dimension)]/@value") == ["1500"]   # the total, no reach of its own
    # without a split the total carries the indicator's reach, as before
    plain = one().xpath("//indicator[reference/@code='people_reached']/period/actual[dimension/@name='reach']")
    assert [(a.get("value"), a.find("dimension").get("value")) for a in plain] == [("1500", "direct")]


def test_a_location_names_its_country_and_a_budget_without_periods_no_currency():
    a = one(budget={"amount": "1000.00", "currency": "USD"},
            dates={"planned_start": None, "planned_end": None, "actual_start": "2024-01-01", "actual_end": None}
            ).find("iati-activity")
    assert a.xpath("location/administrative[@vocabulary='A4']/@code") == ["UG", "KE"]
    assert a.find("budget") is None and a.get("default-currency") is None


NARRATIVES = [{"id": "n-1", "indicator": None, "category": "progress",
               "period": {"start": "2025-01-01", "end": "2025-12-31"},
               "attachments": [{"id": "a-1", "filename": "Annual report.pdf", "content_type": "application/pdf",
                                "uploaded_at": "2026-01-15T10:00:00+00:00"},
                               {"id": "a-2", "filename": "drain.png", "content_type": "image/png",
                                "uploaded_at": "2026-01-16T10:00:00+00:00"}]}]


def test_narratives_attachments_are_document_links_that_validate():
    from gateway.iati import documents
    from shared.iati.checks import check_activity
    doc = one(args={"documents": documents.links(NARRATIVES, "https://platform.example/")})
    assert validation_errors(doc) == []
    a = doc.find("iati-activity")
    assert check_activity(a, today=TODAY) == []
    assert a.xpath("document-link/@url") == ["https://platform.example/v1/narratives/n-1/attachments/a-1",
                                             "https://platform.example/v1/narratives/n-1/attachments/a-2"]
    assert a.xpath("document-link/@format") == ["application/pdf", "image/png"]
    assert a.xpath("document-link/category/@code") == ["A08", "A08"]
    assert a.xpath("document-link[1]/title/narrative/text()") == ["Annual report.pdf"]
    assert a.xpath("document-link[1]/description/narrative/text()") == [
        "Narrative of report section progress, reporting period 2025-01-01/2025-12-31"]
    assert a.xpath("document-link[1]/document-date/@iso-date") == ["2026-01-15"]
    # in the XSD's order: after the transactions, before the related activities and results
    tags = [child.tag for child in a]
    assert tags.index("document-link") > max(i for i, t in enumerate(tags) if t == "transaction")
    assert tags.index("document-link") < tags.index("result")


def test_indicator_semantics_measure_aggregation_status_cumulative_and_actuals_by_the_rule():
    year = {"start": "2025-01-01", "end": "2025-12-31"}
    indicators = [
        {"code": "beneficiaries", "title": "Beneficiaries", "measure": "unit", "measure_code": "1", "ascending": True,
         "reach": "direct", "reporting": "cumulative", "rollup": "sum", "baseline": None,
         "targets": [{"period": year, "value": "5000", "city_id": None, "disaggregation": None},
                     {"period": year, "value": "3000", "city_id": "c1", "disaggregation": None},
                     {"period": year, "value": "2500", "city_id": None,
                      "disaggregation": {"dimension": "sex", "category": "female"}}]},
        {"code": "women_led", "title": "Women-led", "measure": "percentage", "measure_code": "2", "ascending": True,
         "reach": "direct", "reporting": "per_period", "rollup": "sum", "baseline": None, "targets": []},
        {"code": "score", "title": "Satisfaction", "measure": "qualitative", "measure_code": "5", "ascending": True,
         "reach": "direct", "reporting": "per_period", "rollup": "max", "baseline": None, "targets": [],
         "scale": {"min": 0, "max": 10}}]
    results = [{"indicator": "women_led", "period": year, "value": "40", "numerator": "4", "denominator": "10",
                "disaggregations": {}},
               {"indicator": "women_led", "period": year, "value": "60", "numerator": "60", "denominator": "100",
                "disaggregations": {}},
               {"indicator": "score", "period": year, "value": "3", "disaggregations": {}},
               {"indicator": "score", "period": year, "value": "4", "disaggregations": {}}]
    doc = one(indicators=indicators, args={"results": results})
    from shared.iati.checks import check_activity
    assert validation_errors(doc) == [] and check_activity(doc.find("iati-activity"), today=TODAY) == []

    def indicator(code):
        return doc.xpath(f"//indicator[reference/@code='{code}']")[0]
    assert [(indicator(c).get("measure"), indicator(c).get("aggregation-status")) for c in
            ("beneficiaries", "women_led", "score")] == [("1", "1"), ("2", "1"), ("5", "0")]
    assert indicator("beneficiaries").get(activity.CUMULATIVE) == "1"
    assert indicator("women_led").get(activity.CUMULATIVE) is None
    targets = indicator("beneficiaries").xpath("period/target")
    assert [(t.get("value"), t.xpath("location/@ref"), t.xpath("dimension/@value")) for t in targets] == [
        ("5000", [], []), ("2500", [], ["female"]), ("3000", ["c1"], [])]
    assert indicator("women_led").xpath("period/actual/@value") == ["58.18"]   # 64 / 110, not the mean 50
    assert indicator("score").xpath("period/actual/@value") == ["4"]           # a score is never summed
    assert (indicator("score").get(activity.ROLLUP), indicator("score").get(activity.SCALE)) == ("max", "0-10")
    assert indicator("women_led").get(activity.ROLLUP) is None                 # the kind's default: not written
    warnings = []
    specs, _ = read_results(doc.find("iati-activity"), warnings)               # and the import reads them back
    assert [(s["code"], s["measure"], s["reporting"], s.get("rollup"), s.get("scale")) for s in specs] == [
        ("beneficiaries", "unit", "cumulative", None, None), ("women_led", "percentage", "per_period", None, None),
        ("score", "qualitative", "per_period", "max", {"min": 0, "max": 10})]
    assert warnings == []


TEXTS = [{"id": "n-2", "indicator": "people_reached", "category": None, "attachments": [],
          "period": {"start": "2025-01-01", "end": "2025-12-31"}, "text": "Drains cleared in Jinja & Kisumu.\n<Rains>"},
         {"id": "n-3", "indicator": "people_reached", "category": None, "attachments": [],
          "period": {"start": "2024-01-01", "end": "2024-12-31"}, "text": "No approved figures yet."},
         {"id": "n-4", "indicator": None, "category": "challenges", "attachments": [],
          "period": {"start": "2025-01-01", "end": "2025-12-31"}, "text": "A report section."}]


def test_an_indicator_periods_narrative_is_the_comment_of_its_approved_actual_and_the_import_ignores_it():
    from gateway.iati import documents
    from shared.iati.checks import check_activity
    [indicator] = programme()["indicators"]
    targets = [{"period": {"start": "2024-01-01", "end": "2024-12-31"}, "value": "4000"}, *indicator["targets"]]
    changes = {"indicators": [{**indicator, "targets": targets}]}   # 2024: a target, no approved value
    doc = one(**changes, args={"comments": documents.comments(TEXTS)})
    assert validation_errors(doc) == []
    a = doc.find("iati-activity")
    assert check_activity(a, today=TODAY) == []
    periods = a.xpath("result/indicator[reference/@code='people_reached']/period")
    assert [p.find("period-start").get("iso-date") for p in periods] == ["2024-01-01", "2025-01-01"]
    # the total's actual only (after its dimension, as the XSD orders), in the activity's language
    commented = [(x.get("value"), [c.tag for c in x]) for x in periods[1].findall("actual")
                 if x.find("comment") is not None]
    assert commented == [("1500", ["dimension", "comment"])]
    assert a.xpath("//comment/narrative/text()") == ["Drains cleared in Jinja & Kisumu.\n<Rains>"]
    assert a.xpath("//comment/narrative/@xml:lang") == [] and a.get(activity.XML_LANG) == "en"
    # a period without approved values and a report section's narrative: no comment anywhere
    assert periods[0].find("actual") is None and len(a.xpath("//comment")) == 1
    # the import reads the same indicators and results as without the comments, and warns of nothing more
    plain = one(**changes).find("iati-activity")
    with_comments, without = [], []
    assert read_results(a, with_comments) == read_results(plain, without) and with_comments == without
