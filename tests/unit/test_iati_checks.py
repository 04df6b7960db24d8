"""shared.iati.checks: each codelist check and each Validator rule with an element that passes
and one that fails, the placeholder codes of 24-results.xml, IATI's own example activity, and
where a finding points (path and line) in a parsed document and in a tree built in memory."""
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from shared.iati.checks import Finding, check_activity
from shared.iati.codelist_checks import CODED_ATTRIBUTES
from shared.iati.schema import safe_parser, validation_errors
from shared.reference import codelist

DATA = Path(__file__).resolve().parents[1] / "data" / "iati"
TODAY = date(2026, 12, 1)
HEAD = "<iati-identifier>XM-DAC-1-A</iati-identifier>"


def activity(body: str, attrs: str = 'default-currency="EUR"') -> etree._Element:
    """An iati-activity of `body`, parsed as the import parses documents."""
    xml = f"<iati-activities><iati-activity {attrs}>{HEAD}{body}</iati-activity></iati-activities>"
    return etree.fromstring(xml.encode(), safe_parser()).find("iati-activity")


def findings(body: str, kind: str, attrs: str = 'default-currency="EUR"') -> list[Finding]:
    return [f for f in check_activity(activity(body, attrs), today=TODAY) if f.kind == kind]


# (passing body, failing body, path of the failing attribute below the activity, the bad code)
CODELISTS = {
    "reporting-org type": ('<reporting-org ref="XM-DAC-1" type="10"/>', '<reporting-org ref="XM-DAC-1" type="1"/>',
                           "reporting-org/@type", "1"),
    "participating-org role": ('<participating-org role="4"/>', '<participating-org role="5"/>',
                               "participating-org/@role", "5"),
    "participating-org type": ('<participating-org role="1" type="22"/>', '<participating-org role="1" type="99"/>',
                               "participating-org/@type", "99"),
    "activity-status": ('<activity-status code="2"/>', '<activity-status code="7"/>', "activity-status/@code", "7"),
    "activity-date type": ('<activity-date type="1" iso-date="2025-01-01"/>',
                           '<activity-date type="start-planned" iso-date="2025-01-01"/>',
                           "activity-date/@type", "start-planned"),
    "recipient-country": ('<recipient-country code="UG"/>', '<recipient-country code="ug"/>',
                          "recipient-country/@code", "ug"),
    "recipient-region vocabulary 1": ('<recipient-region code="289"/><recipient-region vocabulary="99" code="A1"/>',
                                      '<recipient-region vocabulary="1" code="A1"/>', "recipient-region/@code", "A1"),
    "sector vocabulary": ('<sector vocabulary="2" code="111"/>', '<sector vocabulary="13" code="111"/>',
                          "sector/@vocabulary", "13"),
    "sector vocabulary 1": ('<sector code="15110"/><sector vocabulary="99" code="X"/>',
                            '<sector vocabulary="1" code="151"/>', "sector/@code", "151"),
    "tag vocabulary": ('<tag vocabulary="1" code="anything"/>', '<tag vocabulary="7" code="1"/>',
                       "tag/@vocabulary", "7"),
    "tag SDG goal": ('<tag vocabulary="2" code="17"/>', '<tag vocabulary="2" code="18"/>', "tag/@code", "18"),
    "tag SDG target": ('<tag vocabulary="3" code="6.1"/>', '<tag vocabulary="3" code="6.99"/>', "tag/@code", "6.99"),
    "policy-marker code": ('<policy-marker code="1" significance="2"/><policy-marker vocabulary="99" code="Z"/>',
                           '<policy-marker vocabulary="1" code="13" significance="2"/>', "policy-marker/@code", "13"),
    "policy-marker significance": ('<policy-marker code="1" significance="0"/>',
                                   '<policy-marker code="1" significance="5"/>', "policy-marker/@significance", "5"),
    "budget type": ('<budget type="2"/>', '<budget type="3"/>', "budget/@type", "3"),
    "budget status": ('<budget status="2"/>', '<budget status="0"/>', "budget/@status", "0"),
    "value currency": ('<budget><value currency="UGX">1</value></budget>',
                       '<budget><value currency="ugx">1</value></budget>', "budget/value/@currency", "ugx"),
    "forecast currency": ('<fss><forecast currency="EUR">1</forecast></fss>',
                          '<fss><forecast currency="XXX1">1</forecast></fss>', "fss/forecast/@currency", "XXX1"),
    "transaction-type": ('<transaction><transaction-type code="11"/></transaction>',
                         '<transaction><transaction-type code="14"/></transaction>',
                         "transaction/transaction-type/@code", "14"),
    "provider-org type": ('<transaction><provider-org type="10"/></transaction>',
                          '<transaction><provider-org type="12"/></transaction>',
                          "transaction/provider-org/@type", "12"),
    "receiver-org type": ('<transaction><receiver-org type="24"/></transaction>',
                          '<transaction><receiver-org type="25"/></transaction>',
                          "transaction/receiver-org/@type", "25"),
    "related-activity": ('<related-activity ref="XM-DAC-1-P" type="1"/>',
                         '<related-activity ref="XM-DAC-1-P" type="6"/>',
                         "related-activity/@type", "6"),
    "result type": ('<result type="9"/>', '<result type="output"/>', "result/@type", "output"),
    "indicator measure": ('<result type="1"><indicator measure="5"/></result>',
                          '<result type="1"><indicator measure="6"/></result>', "result/indicator/@measure", "6"),
    "indicator reference vocabulary": (
        '<result type="1"><indicator measure="1"><reference vocabulary="99" code="B1"/></indicator></result>',
        '<result type="1"><indicator measure="1"><reference vocabulary="98" code="B1"/></indicator></result>',
        "result/indicator/reference/@vocabulary", "98"),
}


@pytest.mark.parametrize("good, bad, path, code", CODELISTS.values(), ids=CODELISTS.keys())
def test_each_coded_attribute_is_checked_against_its_codelist(good, bad, path, code):
    assert findings(good, "codelist") == []
    [found] = findings(bad, "codelist")
    assert (found.severity, found.code, found.rule, found.activity) == ("error", code, None, "XM-DAC-1-A")
    assert found.path == f"/iati-activities/iati-activity/{path}"
    element, attribute = path.split("/")[-2:]
    assert f'{element}/{attribute}: "{code}"' in found.message


def test_default_currency_is_checked_and_every_codelist_loads():
    assert findings("", "codelist", 'default-currency="USD"') == []
    [found] = findings("", "codelist", 'default-currency="US$"')
    assert (found.path, found.code) == ("/iati-activities/iati-activity/@default-currency", "US$")
    assert "Currency" in found.message
    assert all(codelist(spec.codelist) for spec in CODED_ATTRIBUTES)


def test_every_placeholder_code_of_24_results_is_a_codelist_error_naming_element_and_code():
    doc = etree.parse(str(DATA / "24-results.xml"), safe_parser())
    assert validation_errors(doc) == []     # the schema accepts it: only the codelists can refuse it
    [element] = doc.getroot().iterfind("iati-activity")
    # every coded attribute of the sample that is not a code (reporting-org/@ref is an identifier)
    bad = {(doc.getpath(a.getparent()) + "/@" + a.attrname, str(a)) for a in element.xpath(".//@*")
           if a.attrname != "ref" and str(a) in {"xx", "output", "Unit", "NDP"}}
    assert {path for path, code in bad if code == "xx"} == {
        f"/iati-activities/iati-activity/{p}" for p in
        ("reporting-org/@type", "participating-org/@role", "activity-status/@code", "activity-date/@type")}
    found = [f for f in check_activity(element, today=TODAY) if f.kind == "codelist"]
    assert {(f.path, f.code) for f in found} == bad and len(found) == len(bad)
    for f in found:
        tag = f.path.split("/")[-2].split("[")[0]
        assert f'{tag}/@' in f.message and f'"{f.code}"' in f.message and f.line is not None


def test_the_iati_example_activity_has_no_codelist_error_and_breaks_no_rule():
    doc = etree.parse(str(DATA / "activity-standard-example-annotated.xml"), safe_parser())
    [element] = doc.getroot().iterfind("iati-activity")
    assert check_activity(element, today=TODAY) == []


# (rule, passing bodies, failing body, path of the finding below the activity, words of its message)
RULES = [
    ("sector-percentages",
        ['<sector code="15110"/>',
         '<sector code="15110" percentage="60"/><sector code="11220" percentage="40.00"/>'
         '<sector vocabulary="2" code="111"/>',
         '<sector code="15110" percentage="33.333"/><sector code="11220" percentage="33.333"/>'
         '<sector code="12220" percentage="33.333"/>'],
        '<sector code="15110" percentage="100"/><sector vocabulary="2" code="111" percentage="60"/>'
        '<sector vocabulary="2" code="112" percentage="30"/>',
        "sector[2]/@percentage", "vocabulary 2: the percentages total 90"),
    ("sector-percentages",
        [], '<sector code="15110" percentage="50"/><sector code="11220"/>', "sector[2]", "each needs a percentage"),
    ("sector-percentages", [], '<sector code="15110" percentage="50"/>', "sector/@percentage", "total 50"),
    ("geography-percentages",
        ['<recipient-country code="UG"/>',
         '<recipient-country code="UG" percentage="50"/><recipient-region code="289" percentage="50"/>'],
        '<recipient-country code="UG" percentage="50"/><recipient-country code="KE" percentage="30"/>',
        "recipient-country[1]/@percentage", "total 80"),
    ("percentage-range",
        ['<recipient-country code="UG" percentage="100"/><recipient-region code="289" percentage="0"/>'],
        '<sector code="15110" percentage="100"/><sector code="11220" percentage="-0.5"/>', "sector[2]/@percentage",
        "percentage -0.5 is not between 0 and 100"),
    ("geography-percentages",
        [], '<recipient-country code="UG"/><recipient-country code="KE"/>', "recipient-country[1]",
        "each needs a percentage"),
    ("budget-period-length",
        ['<budget><period-start iso-date="2026-01-01"/><period-end iso-date="2026-12-31"/></budget>',
         # the Validator's bound: start + P1Y
         '<budget><period-start iso-date="2026-01-01"/><period-end iso-date="2027-01-01"/></budget>',
         '<budget><period-start iso-date="2024-02-29"/><period-end iso-date="2025-02-28"/></budget>'],
        '<budget><period-start iso-date="2026-01-01"/><period-end iso-date="2027-01-02"/></budget>',
        "budget/period-end/@iso-date", "longer than one year"),
    ("budget-period-order",
        ['<budget><period-start iso-date="2026-01-01"/><period-end iso-date="2026-01-01"/></budget>'],
        '<budget><period-start iso-date="2026-01-01"/><period-end iso-date="2025-12-31"/></budget>',
        "budget/period-end/@iso-date", "before it starts"),
    ("transaction-date-future",
        ['<transaction><transaction-date iso-date="2026-12-01"/>'
         '<value value-date="2026-12-01">1</value></transaction>'],
        '<transaction><transaction-date iso-date="2026-12-02"/></transaction>',
        "transaction/transaction-date/@iso-date", "2026-12-02 is in the future"),
    ("transaction-date-future",
        [], '<transaction><transaction-date iso-date="2026-11-01"/>'
            '<value value-date="2026-12-02">1</value></transaction>',
        "transaction/value/@value-date", "value date 2026-12-02"),
    ("identifier-prefix",
        ['<reporting-org ref="XM-DAC-1"/>',
         '<reporting-org ref="XM-DAC-2"/><other-identifier type="B1" ref="XM-DAC-1"/>'],
        '<reporting-org ref="XM-DAC-1-A"/>', "iati-identifier", '"XM-DAC-1-A-"'),
    ("quantitative-value",
        ['<result type="1"><indicator measure="1"><baseline year="2025" value="10.5"/><period>'
         '<target value="12"/><actual value="0"/></period></indicator></result>',
         '<result type="1"><indicator measure="5"><baseline year="2025" value="good"/></indicator></result>'],
        '<result type="1"><indicator measure="2"><period><target value="12"/><actual value="12%"/></period>'
        '</indicator></result>',
        "result/indicator/period/actual/@value", '"12%" is not a number'),
    ("indicator-period-order",
        ['<result type="1"><indicator measure="1"><period><period-start iso-date="2025-01-01"/>'
         '<period-end iso-date="2025-01-01"/></period></indicator></result>'],
        '<result type="1"><indicator measure="1"><period><period-start iso-date="2025-01-01"/>'
        '<period-end iso-date="2024-12-31"/></period></indicator></result>',
        "result/indicator/period/period-end/@iso-date", "ends (2024-12-31) before it starts (2025-01-01)"),
    ("quantitative-value", [], '<result type="1"><indicator measure="1"><baseline year="2025" value="1_000"/>'
        '</indicator></result>', "result/indicator/baseline/@value", '"1_000" is not a number'),
    ("quantitative-value", [], '<result type="1"><indicator measure="3"><period><target value="\u0661\u0662"/>'
        '</period></indicator></result>', "result/indicator/period/target/@value", "is not a number"),
    ("activity-date-order",
        ['<activity-date type="1" iso-date="2025-01-01"/><activity-date type="3" iso-date="2025-01-01"/>'],
        '<activity-date type="2" iso-date="2025-01-02"/><activity-date type="4" iso-date="2025-01-01"/>',
        "activity-date[2]/@iso-date", "actual end 2025-01-01 is before the actual start 2025-01-02"),
    ("activity-date-future",
        ['<activity-date type="1" iso-date="2027-01-01"/><activity-date type="2" iso-date="2026-12-01"/>'],
        '<activity-date type="2" iso-date="2026-12-02"/>', "activity-date/@iso-date", "actual start 2026-12-02"),
]


@pytest.mark.parametrize("rule, goods, bad, path, words", RULES, ids=[case[0] for case in RULES])
def test_each_validator_rule_passes_good_data_and_names_what_breaks_it(rule, goods, bad, path, words):
    for good in goods:
        assert findings(good, "rule") == [], good
    [found] = findings(bad, "rule")
    assert (found.rule, found.severity, found.code) == (rule, "error", None)
    assert found.path == f"/iati-activities/iati-activity/{path}"
    assert words in found.message and found.activity == "XM-DAC-1-A"


def test_an_amount_without_currency_needs_the_activity_default_currency():
    amounts = ('<budget><value value-date="2025-01-01">1</value></budget><crs-add><loan-status year="2025"/></crs-add>'
               '<fss><forecast year="2025" currency="EUR">1</forecast></fss>')
    assert findings(amounts, "rule") == []
    found = findings(amounts, "rule", attrs="")
    assert [(f.rule, f.path) for f in found] == [
        ("value-currency", "/iati-activities/iati-activity/budget/value"),
        ("value-currency", "/iati-activities/iati-activity/crs-add/loan-status")]
    assert "budget/value has no currency" in found[0].message


def test_a_long_value_is_quoted_cut_short():
    code, identifier = "9" * 10_000, "X" * 10_000
    [status] = check_activity(activity(f'<activity-status code="{code}"/>'), today=TODAY)
    assert status.code == "9" * 79 + "\u2026" and len(status.message) < 200
    element = activity('<reporting-org ref="XM-DAC-1"/>')
    element.find("iati-identifier").text = identifier
    [prefix] = check_activity(element, today=TODAY)
    assert prefix.rule == "identifier-prefix" and len(prefix.message) < 250 and prefix.activity == identifier


def test_last_updated_is_not_in_the_future_and_a_later_transaction_is_a_warning():
    transaction = '<transaction><transaction-date iso-date="2026-06-01"/></transaction>'
    assert findings(transaction, "rule", 'last-updated-datetime="2026-06-01T10:00:00Z"') == []
    [later] = findings(transaction, "rule", 'last-updated-datetime="2026-05-31T23:59:59Z"')
    assert (later.rule, later.severity, later.path) == (
        "transaction-after-update", "warning", "/iati-activities/iati-activity/transaction/transaction-date/@iso-date")
    [future] = findings("", "rule", 'last-updated-datetime="2026-12-02T00:00:00Z"')
    assert (future.rule, future.severity, future.path) == (
        "last-updated-future", "error", "/iati-activities/iati-activity/@last-updated-datetime")


def test_path_and_line_point_at_the_element_in_a_document_of_several_activities():
    xml = (b"<iati-activities>\n<iati-activity><iati-identifier>XM-DAC-1-A</iati-identifier></iati-activity>\n"
           b"<iati-activity>\n <iati-identifier> XM-DAC-1-B </iati-identifier>\n"
           b" <sector code=\"15110\" percentage=\"50\"/>\n"
           b" <sector code=\"99999\" percentage=\"50\"/>\n</iati-activity>\n</iati-activities>")
    second = etree.fromstring(xml, safe_parser())[1]
    [found] = check_activity(second, today=TODAY)
    assert (found.activity, found.line, found.code) == ("XM-DAC-1-B", 6, "99999")
    assert found.path == "/iati-activities/iati-activity[2]/sector[2]/@code"


def test_an_activity_built_in_memory_as_the_export_builds_it_is_checked_alike():
    element = etree.Element("iati-activity", {"default-currency": "EUR"})
    etree.SubElement(element, "iati-identifier").text = "XM-DAC-1-A"
    etree.SubElement(element, "reporting-org", ref="XM-DAC-1", type="10")
    etree.SubElement(element, "sector", code="15110", percentage="100")
    etree.SubElement(element, "transaction-type")  # misplaced: not under a transaction, so not checked
    assert check_activity(element, today=TODAY) == []
    etree.SubElement(element, "sector", code="11220", percentage="10")
    [found] = check_activity(element, today=TODAY)
    assert (found.rule, found.path, found.line) == ("sector-percentages", "/iati-activity/sector[1]/@percentage", None)
