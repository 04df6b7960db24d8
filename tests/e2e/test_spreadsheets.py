"""The programmes sheet on the whole platform (SQLite and PostgreSQL): exported as CSV,
edited, imported back (dry run first: nothing written), imported again (all unchanged);
a sheet with bad rows is refused listing every error by row and column with the JSON API's
messages, nothing written; formulas are defused on export and restored on import; a
partner's sheet cannot touch another organisation's programme."""
import csv
import io
import operator
import uuid

import pytest
import requests

from gateway.schemas import FieldError
from tests.e2e.conftest import ADMIN_KEY, running_platform
from tests.grants_flow import Http
from tests.programmes_flow import programme_body, result_body

pytestmark = [pytest.mark.e2e, pytest.mark.broker]

MAX_BYTES = 100_000
EXPORT, IMPORT = "/v1/programmes/export.csv", "/v1/programmes/import"
CSV = {"Content-Type": "text/csv"}
FIELD_ERROR = FieldError()   # what the OpenAPI document promises of each error


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def platform(request, vhost_factory, postgres_database_factory, tmp_path_factory):
    # chunks of 2 rows per message: a sheet of 3 or more rows is staged, then applied at once
    with running_platform(request.param, vhost_factory, postgres_database_factory, tmp_path_factory,
                          session=request.session, SPREADSHEET_MAX_BYTES=str(MAX_BYTES),
                          IATI_IMPORT_CHUNK="2") as base:
        yield base


def partner_of(platform):
    admin = Http(platform, ADMIN_KEY)
    org = {"ref": f"XM-CSV-{uuid.uuid4().hex[:6].upper()}", "name": "Sheet partner", "type": "21"}
    return org, admin.as_key(admin.new_key(org["ref"], "partner"))


def export(client, **params):
    response = client.get(EXPORT, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    return response.content.decode("utf-8-sig")


def rows_of(text):
    return list(csv.DictReader(io.StringIO(text, newline="")))


def sheet(rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def upload(client, body, *, dry_run=False):
    return requests.post(client.base + IMPORT + ("?dry_run=true" if dry_run else ""), data=body,
                         headers={**client.headers(), **CSV}, timeout=60)


def report(response):
    assert response.status_code == 200, response.text
    return [(r["row"], r["outcome"]) for r in response.json()["rows"]]


def refused(response):
    assert response.status_code == 422, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    assert [FIELD_ERROR.validate(e) for e in response.json()["errors"]] == [{}] * len(response.json()["errors"])
    return [(e["row"], e["column"], e["reason"]) for e in response.json()["errors"]]


@pytest.fixture
def portfolio(platform):
    """A partner with three programmes, one of them rich (lists, pairs, money, dates), one a
    child of it."""
    org, partner = partner_of(platform)
    rich = partner.ok(partner.post("/v1/programmes", programme_body(
        "Joint work", org=org, own_id="JWP", funding_window="global", instrument="joint_work_programme",
        sectors=[{"code": "43030", "percentage": "60"}, {"code": "15150", "percentage": "40"}],
        policy_markers=[{"code": "1", "significance": 2}], sdg_goals=["11", "5"], sdg_targets=["11.1"],
        budget={"amount": "1000000.50", "currency": "USD"}, description="Two lines,\nkept",
        dates={"planned_start": "2019-07-01", "planned_end": "2021-06-30"})), 201)
    child = partner.ok(partner.post("/v1/programmes", programme_body("A project", org=org, own_id="P1",
                                                                     parent_id=rich["id"])), 201)
    plain = partner.ok(partner.post("/v1/programmes", programme_body("Plain", org=org, own_id="PLAIN")), 201)
    return org, partner, {"rich": rich, "child": child, "plain": plain}


def test_export_edit_dry_run_import_and_again_unchanged(portfolio):
    org, partner, made = portfolio
    exported = export(partner)
    rows = rows_of(exported)
    by_id = {r["iati_identifier"]: r for r in rows}
    rich = by_id[f"{org['ref']}-JWP"]
    assert rich["sectors"] == "43030:60;15150:40" and rich["policy_markers"] == "1:2"
    assert (rich["budget.amount"], rich["budget.currency"]) == ("1000000.50", "USD")
    assert rich["dates.planned_start"] == "2019-07-01" and rich["sdg_goals"] == "11;5"
    assert by_id[f"{org['ref']}-P1"]["parent"] == f"{org['ref']}-JWP"

    edited = [dict(r) for r in rows]
    plain_row = next(i for i, r in enumerate(edited) if r["title"] == "Plain")
    edited[plain_row]["title"] = "Plain, renamed"
    edited[plain_row]["budget.amount"], edited[plain_row]["budget.currency"] = "2500", "EUR"
    body = sheet(edited)

    dry = upload(partner, body, dry_run=True)
    assert report(dry) == [(i + 2, "updated" if i == plain_row else "unchanged") for i in range(len(rows))]
    assert dry.json()["dry_run"] is True
    assert partner.ok(partner.get(f"/v1/programmes/{made['plain']['id']}"))["title"] == "Plain"   # nothing written

    assert report(upload(partner, body)) == report(dry)
    plain = partner.ok(partner.get(f"/v1/programmes/{made['plain']['id']}"))
    assert plain["title"] == "Plain, renamed" and plain["budget"] == {"amount": "2500.00", "currency": "EUR"}
    assert partner.ok(partner.get(f"/v1/programmes/{made['child']['id']}"))["parent_id"] == made["rich"]["id"]

    assert set(report(upload(partner, body))) == {(i + 2, "unchanged") for i in range(len(rows))}
    edited[plain_row]["budget.amount"] = "2500.00"   # the platform writes money with its currency's places
    assert rows_of(export(partner)) == edited


def test_the_sheet_imported_into_an_empty_platform_exports_the_same(portfolio, request, vhost_factory,
                                                                   postgres_database_factory, tmp_path_factory):
    org, partner, _ = portfolio
    exported = export(partner)
    backend = request.node.callspec.params["platform"]
    with running_platform(backend, vhost_factory, postgres_database_factory, tmp_path_factory,
                          session=request.session) as empty:
        admin = Http(empty, ADMIN_KEY)
        newcomer = admin.as_key(admin.new_key(org["ref"], "partner"))
        assert report(upload(newcomer, exported.encode())) == [(2, "created"), (3, "created"), (4, "created")]
        again = export(newcomer)
    key = operator.itemgetter("iati_identifier")
    assert sorted(rows_of(again), key=key) == sorted(rows_of(exported), key=key)


def test_a_new_row_is_created(portfolio):
    org, partner, _ = portfolio
    row = rows_of(export(partner))[0]
    row.update({"iati_identifier": f"{org['ref']}-NEW", "title": "From the sheet", "parent": "", "status": "pipeline"})
    assert report(upload(partner, sheet([row]))) == [(2, "created")]
    [made] = partner.ok(partner.get("/v1/programmes", params={"q": "From the sheet"}))["items"]
    assert made["iati_identifier"] == f"{org['ref']}-NEW"


def test_errors_in_rows_3_and_5_are_all_listed_and_nothing_is_written(portfolio):
    org, partner, made = portfolio
    rows = [dict(r) for r in rows_of(export(partner))]
    template = next(r for r in rows if r["title"] == "Plain")
    new = [{**template, "iati_identifier": f"{org['ref']}-N{n}", "title": f"New {n}", "parent": ""}
           for n in range(4)]
    new[1]["countries"] = "UG;XX"          # row 3
    new[3]["budget.amount"], new[3]["budget.currency"] = "lots", "EUR"      # row 5
    new[3]["status"] = "dormant"           # row 5, a second column
    errors = refused(upload(partner, sheet(new)))
    json_error = partner.post("/v1/programmes", programme_body(org=org, countries=["UG", "XX"])).json()["errors"]
    assert (3, "countries") in [(row, column) for row, column, _ in errors]
    [countries] = [reason for row, column, reason in errors if (row, column) == (3, "countries")]
    assert countries == f"countries.1: {json_error[0]['messages'][0]}"   # the JSON API's words
    assert {(row, column) for row, column, _ in errors} == {(3, "countries"), (5, "budget.amount"), (5, "status")}
    listed = partner.ok(partner.get("/v1/programmes", params={"organisation": org["ref"]}))["items"]
    assert sorted(p["title"] for p in listed) == ["A project", "Joint work", "Plain"]   # rows 2 and 4 neither


def test_formulas_are_defused_on_export_and_restored_on_import(portfolio):
    org, partner, made = portfolio
    formula = '=HYPERLINK("http://evil.example","click")'
    patched = requests.patch(f"{partner.base}/v1/programmes/{made['plain']['id']}", json={"title": formula},
                             headers=partner.headers(), timeout=15)
    assert patched.status_code == 200, patched.text
    rows = rows_of(export(partner))
    [row] = [r for r in rows if r["iati_identifier"] == f"{org['ref']}-PLAIN"]
    assert row["title"] == "'" + formula
    assert set(report(upload(partner, sheet(rows)))) == {(i + 2, "unchanged") for i in range(len(rows))}
    assert partner.ok(partner.get(f"/v1/programmes/{made['plain']['id']}"))["title"] == formula


def test_a_partner_cannot_import_another_organisations_row(platform, portfolio):
    org, partner, _ = portfolio
    other, stranger = partner_of(platform)
    theirs = stranger.ok(stranger.post("/v1/programmes", programme_body("Theirs", org=other, own_id="T")), 201)
    assert rows_of(export(partner, organisation=other["ref"])) == []    # not exported: missing to this partner
    [row] = rows_of(export(stranger))
    errors = refused(upload(partner, sheet([{**row, "title": "Taken over"}])))
    assert [(r, c) for r, c, _ in errors] == [(2, "reporting_org.ref")]
    disguised = {**row, "reporting_org.ref": org["ref"], "title": "Taken over"}   # their identifier, our name
    errors = refused(upload(partner, sheet([disguised])))
    assert [(r, c) for r, c, _ in errors] == [(2, "iati_identifier")]   # as POST /v1/programmes answers it
    admin = Http(platform, ADMIN_KEY)
    assert admin.ok(admin.get(f"/v1/programmes/{theirs['id']}"))["title"] == "Theirs"


@pytest.mark.parametrize("body, content_type, status, field", [
    (b"iati_identifier,title\r\n\xff\xfe,x\r\n", "text/csv", 422, "_body"),           # not UTF-8
    (b'iati_identifier,title\r\n"unclosed,x\r\n', "text/csv", 422, "_body"),           # not CSV
    (b"<xml/>", "application/xml", 422, "_body"),                                     # not a sheet at all
    (b"x" * (MAX_BYTES + 1), "text/csv", 413, None),                                  # too large, unread
    (b"iati_identifier,reporting_org.ref,colour\r\n", "text/csv", 422, "colour"),      # unknown column
])
def test_bad_sheets_are_4xx_naming_the_field(portfolio, body, content_type, status, field):
    _, partner, _ = portfolio
    response = requests.post(partner.base + IMPORT, data=body, headers={**partner.headers(),
                                                                        "Content-Type": content_type}, timeout=30)
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    if field:
        assert field in [e["field"] for e in response.json()["errors"]]


# --- the results sheet ---------------------------------------------------------------------

RESULTS_EXPORT, RESULTS_IMPORT = "/v1/results/export.csv", "/v1/results/import"
LATER = {"start": "2020-07-01", "end": "2020-12-31"}


def upload_results(client, body, *, dry_run=False):
    return requests.post(client.base + RESULTS_IMPORT + ("?dry_run=true" if dry_run else ""), data=body,
                         headers={**client.headers(), **CSV}, timeout=60)


def export_results(client, **params):
    response = client.get(RESULTS_EXPORT, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    return rows_of(response.content.decode("utf-8-sig"))


def started(client, body):
    made = client.ok(client.post("/v1/programmes", body), 201)
    return client.ok(client.post(f"/v1/programmes/{made['id']}/status", {"status": "implementation"}))


@pytest.fixture
def reporting(platform):
    """A partner's programme in implementation with two draft results."""
    org, partner = partner_of(platform)
    programme = started(partner, programme_body("Reporting", org=org))
    drafts = [partner.ok(partner.post(f"/v1/programmes/{programme['id']}/results",
                                      result_body(programme, value, city=city)), 201)
              for value, city in (("100", "Jinja"), ("300", "Kisumu"))]
    return org, partner, programme, drafts


def test_results_export_edit_dry_run_import_and_again_unchanged(reporting):
    _, partner, programme, drafts = reporting
    rows = export_results(partner, programme_id=programme["id"])
    assert sorted((r["id"], r["value"], r["status"]) for r in rows) == sorted(
        (d["id"], d["value"], "draft") for d in drafts)
    kisumu = next(i for i, r in enumerate(rows) if r["city.name"] == "Kisumu")
    rows[kisumu].update(value="350", disaggregations="sex.female=200;sex.male=150")
    body = sheet(rows)

    dry = upload_results(partner, body, dry_run=True)
    assert report(dry) == [(i + 2, "updated" if i == kisumu else "unchanged") for i in range(2)]
    assert partner.ok(partner.get(f"/v1/results/{rows[kisumu]['id']}"))["value"] == "300"   # nothing written

    assert report(upload_results(partner, body)) == report(dry)
    changed = partner.ok(partner.get(f"/v1/results/{rows[kisumu]['id']}"))
    assert changed["value"] == "350" and changed["disaggregations"]["sex"] == {"female": "200", "male": "150"}
    assert report(upload_results(partner, body)) == [(2, "unchanged"), (3, "unchanged")]
    assert export_results(partner, programme_id=programme["id"]) == rows

    new = {**rows[0], "id": "", "period.start": LATER["start"], "period.end": LATER["end"], "value": "5"}
    assert report(upload_results(partner, sheet([*rows, new]))) == [(2, "unchanged"), (3, "unchanged"),
                                                                     (4, "created")]
    assert len(export_results(partner, programme_id=programme["id"])) == 3


def test_results_errors_in_rows_3_and_5_are_all_listed_and_nothing_is_written(reporting):
    _, partner, programme, _ = reporting
    template = export_results(partner, programme_id=programme["id"])[0]
    new = [{**template, "id": "", "period.start": f"202{n}-01-01", "period.end": f"202{n}-06-30"} for n in range(1, 5)]
    new[1]["value"] = "1,5"                 # row 3: the schema's message
    new[3]["city_id"] = "no-such-city"      # row 5: the domain's rule, from the service
    errors = refused(upload_results(partner, sheet(new)))
    assert [(row, column) for row, column, _ in errors] == [(3, "value"), (5, "city_id")]
    json_error = partner.post(f"/v1/programmes/{programme['id']}/results",
                              {**result_body(programme, "1,5"), "period": LATER}).json()["errors"]
    assert errors[0][2] == json_error[0]["messages"][0]                  # the JSON API's words
    assert len(export_results(partner, programme_id=programme["id"])) == 2   # rows 2 and 4 not written


def test_a_partner_cannot_import_another_organisations_result(platform, reporting):
    _, partner, programme, _ = reporting
    other, stranger = partner_of(platform)
    theirs = started(stranger, programme_body("Theirs", org=other))
    result = stranger.ok(stranger.post(f"/v1/programmes/{theirs['id']}/results", result_body(theirs, "7")), 201)
    assert export_results(partner, programme_id=theirs["id"]) == []
    [row] = export_results(stranger)
    edited = {**row, "value": "8"}
    drafted = {**row, "id": "", "period.start": LATER["start"], "period.end": LATER["end"]}
    errors = refused(upload_results(partner, sheet([edited, drafted])))
    assert errors == [(2, "id", f"no result {result['id']!r}"), (3, "programme_id", f"no programme {theirs['id']!r}")]
    assert stranger.ok(stranger.get(f"/v1/results/{result['id']}"))["value"] == "7"


def test_an_approved_result_is_not_edited_by_a_sheet(platform, reporting):
    _, partner, programme, drafts = reporting
    admin = Http(platform, ADMIN_KEY)
    partner.ok(partner.post(f"/v1/results/{drafts[0]['id']}/submit", {}))
    admin.ok(admin.post(f"/v1/results/{drafts[0]['id']}/approve", {}))
    rows = export_results(partner, programme_id=programme["id"])
    approved = next(i for i, r in enumerate(rows) if r["id"] == drafts[0]["id"])
    rows[approved]["value"] = "101"
    errors = refused(upload_results(partner, sheet(rows)))
    assert [(row, column) for row, column, _ in errors] == [(approved + 2, None)]   # the row as a whole
    assert "revise" in errors[0][2] or "approved" in errors[0][2]
    assert partner.ok(partner.get(f"/v1/results/{drafts[0]['id']}"))["value"] == "100"


def test_a_row_twice_in_a_sheet_is_an_error_not_an_update(reporting):
    org, partner, programme, drafts = reporting
    [row] = [r for r in rows_of(export(partner)) if r["title"] == "Reporting"]
    errors = refused(upload(partner, sheet([row, {**row, "title": "Again"}])))
    assert errors == [(3, "iati_identifier", f"{row['iati_identifier']!r} is also in row 2")]
    new = {**export_results(partner)[0], "id": "", "period.start": LATER["start"], "period.end": LATER["end"]}
    errors = refused(upload_results(partner, sheet([new, {**new, "value": "9"}])))   # one slot, two new drafts
    assert [(row, column) for row, column, _ in errors] == [(3, "period.start")]
    assert len(export_results(partner, programme_id=programme["id"])) == 2


def test_a_percentages_numerator_and_denominator_come_and_go_through_the_sheet(platform):
    org, partner = partner_of(platform)
    programme = started(partner, programme_body("Shares", org=org, indicators=[
        {"code": "women_led", "title": "Enterprises led by women", "measure": "percentage"}]))
    draft = partner.ok(partner.post(f"/v1/programmes/{programme['id']}/results", result_body(
        programme, "40", indicator="women_led", numerator="4", denominator="10")), 201)
    [row] = export_results(partner, programme_id=programme["id"])
    assert (row["numerator"], row["denominator"]) == ("4", "10")
    new = {**row, "id": "", "period.start": LATER["start"], "period.end": LATER["end"], "value": "25",
           "numerator": "5", "denominator": "20"}
    bad = {**new, "period.start": "2021-01-01", "period.end": "2021-06-30", "denominator": "30"}   # 5/30 is not 25 %
    errors = refused(upload_results(partner, sheet([{**row, "value": "50", "numerator": "5"}, new, bad])))
    assert [(r, column) for r, column, _ in errors] == [(4, "value")] and "16.67" in errors[0][2]
    assert report(upload_results(partner, sheet([{**row, "value": "50", "numerator": "5"}, new]))) == [
        (2, "updated"), (3, "created")]
    assert sorted((r["value"], r["numerator"], r["denominator"]) for r in export_results(
        partner, programme_id=programme["id"])) == [("25", "5", "20"), ("50", "5", "10")]
    assert partner.ok(partner.get(f"/v1/results/{draft['id']}"))["numerator"] == "5"
