"""The spreadsheet form is defined once: what the export writes, the import reads back to the
same values (gateway.spreadsheets); formulas are defused and restored exactly."""
import pytest

from gateway.problems import DocumentRefused
from gateway.representation import defuse, restore
from gateway.spreadsheets import programmes, results, sheet
from shared.errors import InvalidInput

PROGRAMME = {
    "id": "p1", "iati_identifier": "XM-T-1", "title": "=cmd|' /C calc'!A0", "description": "Two lines,\n\"quoted\"",
    "reporting_org": {"ref": "XM-T", "name": "Test; partner", "type": "21"}, "status": "implementation",
    "funding_window": "global", "instrument": "joint_work_programme", "themes": ["gender_equality"],
    "countries": ["UG", "KE"], "sdg_goals": ["11", "5"], "sdg_targets": ["11.1"],
    "sectors": [{"code": "43030", "percentage": "60"}, {"code": "15150", "percentage": None}],
    "policy_markers": [{"code": "1", "significance": 2}], "budget": {"amount": "5.50", "currency": "USD"},
    "dates": {"planned_start": "2019-07-01", "planned_end": None, "actual_start": None, "actual_end": None},
}
RESULT = {"id": "r1", "programme_id": "p1", "indicator": "people_reached", "city_id": "c1",
          "city": {"id": "c1", "name": "Jinja", "country": "UG"},
          "period": {"start": "2020-01-01", "end": "2020-06-30"}, "value": "350", "status": "draft",
          "disaggregations": {"sex": {"female": "200", "male": "150"}}}


@pytest.mark.parametrize("value", ["=1+1", "+44 20", "-3", "@SUM(A1)", "\tx", "\rx", "'=quoted already", "''+1",
                                   "plain", "'", "'plain", "", "a=b"])
def test_restore_undoes_defuse(value):
    assert restore(defuse(value)) == value


def test_formulas_are_defused():
    assert [defuse(v) for v in ("=1+1", "+1", "-1", "@x", "x", "'=x")] == ["'=1+1", "'+1", "'-1", "'@x", "x", "''=x"]


def _through_csv(columns, row):
    [(number, cells)] = sheet.read(sheet.write(columns, [row]).encode(), columns, ())
    assert number == 2
    return cells


def test_a_programme_row_reads_back_to_the_programme():
    cells = _through_csv(programmes.COLUMNS, programmes.to_row(PROGRAMME, "XM-T-0"))
    entry, errors = programmes.to_entry(cells)
    assert errors == {}
    data = entry["programme"]
    assert data["title"] == PROGRAMME["title"] and data["description"] == PROGRAMME["description"]
    assert data["reporting_org"] == PROGRAMME["reporting_org"]
    assert data["sectors"] == [{"code": "43030", "percentage": "60"}, {"code": "15150", "percentage": None}]
    assert data["policy_markers"] == [{"code": "1", "significance": 2}]
    assert data["budget"] == {"amount": "5.50", "currency": "USD"} and data["dates"] == {"planned_start": "2019-07-01"}
    assert (entry["status"], entry["parent"]) == ("implementation", "XM-T-0")
    assert "parent_id" not in entry["defaulted"]


def test_a_result_row_reads_back_to_the_result():
    entry, errors = results.to_entry(_through_csv(results.COLUMNS, results.to_row(RESULT)))
    assert errors == {}
    assert entry == {"id": "r1", "programme_id": "p1", "indicator": "people_reached", "city_id": "c1",
                     "period": RESULT["period"], "value": "350", "disaggregations": RESULT["disaggregations"],
                     "numerator": None, "denominator": None}


def test_a_percentages_numerator_and_denominator_read_back_and_a_sheet_without_them_keeps_them():
    share = {**RESULT, "indicator": "women_led", "value": "40", "numerator": "4", "denominator": "10",
             "disaggregations": {}}
    entry, errors = results.to_entry(_through_csv(results.COLUMNS, results.to_row(share)))
    assert errors == {} and (entry["numerator"], entry["denominator"]) == ("4", "10")
    old_sheet = tuple(c for c in results.COLUMNS if c not in results.RATIO)
    entry, errors = results.to_entry(_through_csv(old_sheet, results.to_row(share)))
    assert errors == {} and not {"numerator", "denominator"} & set(entry)      # not given: the result's are kept
    _, errors = results.to_entry({**results.to_row(share), "numerator": "4,0", "denominator": "-1"})
    assert [results.column_of(path) for path in sorted(errors)] == ["denominator", "numerator"]


def test_errors_are_the_json_apis_by_field_path():
    row = programmes.to_row(PROGRAMME, None)
    _, errors = programmes.to_entry({**row, "countries": "UG;XX", "status": "dormant", "sectors": "43030:x"})
    assert set(errors) == {"countries.1", "status", "sectors.0.percentage"}
    assert [programmes.column_of(path) for path in sorted(errors)] == ["countries", "sectors", "status"]
    _, errors = results.to_entry({**results.to_row(RESULT), "disaggregations": "sex=1", "value": "1,5"})
    assert set(errors) == {"disaggregations", "value"}


@pytest.mark.parametrize("body, field", [
    (b"\xff\xfe", "_body"), (b'iati_identifier\r\n"open\r\n', "_body"), (b"", "_body")])
def test_unreadable_sheets_name_the_body(body, field):
    with pytest.raises(InvalidInput) as refused:
        sheet.read(body, programmes.COLUMNS, programmes.REQUIRED)
    assert field in refused.value.errors


def test_the_header_is_checked_as_row_1():
    with pytest.raises(DocumentRefused) as refused:
        sheet.read(b"title,title,colour\r\n", programmes.COLUMNS, programmes.REQUIRED)
    assert sorted((p["row"], p["column"], p["reason"]) for p in refused.value.problems) == [
        (1, "colour", "not a column of this sheet"), (1, "iati_identifier", "missing column"),
        (1, "reporting_org.ref", "missing column"), (1, "title", "named more than once")]


def test_a_sheet_is_bounded_in_rows_and_columns():
    header = ",".join(programmes.COLUMNS).encode() + b"\r\n"
    with pytest.raises(InvalidInput) as refused:
        sheet.read(header + b"x\r\n" * (sheet.MAX_ROWS + 1), programmes.COLUMNS, programmes.REQUIRED)
    assert refused.value.errors == {"_body": [f"at most {sheet.MAX_ROWS} rows under the header"]}
    assert len(sheet.read(header + b"x\r\n" * sheet.MAX_ROWS, programmes.COLUMNS, programmes.REQUIRED)) == 5000
    with pytest.raises(DocumentRefused) as wide:   # one problem, not one per column
        sheet.read(b"," * 1_000_000, programmes.COLUMNS, programmes.REQUIRED)
    assert [(p["row"], p["reason"]) for p in wide.value.problems] == [(1, "1000001 columns; this sheet has 22")]


def test_a_refusal_lists_a_bounded_number_of_problems():
    refusal = sheet.refuse([sheet.problem(n, "title", "bad") for n in range(20_000, 0, -1)])
    assert refusal.total == 20_000 and len(refusal.problems) == 10_000
    assert refusal.problems[0]["row"] == 1   # in the sheet's order
