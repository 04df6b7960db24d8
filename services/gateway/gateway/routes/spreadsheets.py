"""Spreadsheets (docs/api.md "Spreadsheets"): the programmes and results sheets as CSV, and
the same sheets imported back (all or nothing; `dry_run=true` to check). A partner exports
and imports its own organisation's rows; another organisation's row is refused like a
missing one."""
from typing import Any

from werkzeug.wrappers import Response

from gateway.entrypoints import actor_of, api, query_of
from gateway.iati import source
from gateway.iati_import.schemas import ImportQuery
from gateway.spreadsheets import importer, programmes, results, sheet
from gateway.spreadsheets.schemas import ProgrammeSheetReport, ResultSheetQuery, ResultSheetReport
from shared.api.iati import ActivitiesQuery

CSV = "text/csv"
REFUSED = {413: "The sheet is larger than SPREADSHEET_MAX_BYTES (nothing read)",
           422: "Refused: `errors` lists every problem as {row, column, reason} (header = row 1); nothing was "
                "imported"}


def _csv(text: str, filename: str) -> Response:
    return Response(text, content_type=f"{CSV}; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


class SpreadsheetRoutes:
    programmes: Any
    programmes_import: Any   # the programmes service, with the import's longer deadline (GatewayService)

    @api("GET", "/v1/programmes/export.csv", access="reader", query=ActivitiesQuery, media=CSV, tags=["programmes"],
         summary="The programmes the caller may read (a partner: its own) as a sheet that imports back")
    def export_programmes(self, request):
        actor = actor_of(request)
        items = list(source.pages(self.programmes.list_programmes, request.args.to_dict(), actor=actor))
        parents = {item["id"]: item["iati_identifier"] for item in items}
        rows = [programmes.to_row(item, source._parent_ref(self.programmes, item.get("parent_id"), parents, actor))
                for item in items]
        return _csv(sheet.write(programmes.COLUMNS, rows), "programmes.csv")

    @api("POST", "/v1/programmes/import", access="partner", query=ImportQuery, response=ProgrammeSheetReport,
         body_media=CSV, idempotent=False, tags=["programmes"], responses=REFUSED,
         summary="Import the sheet of GET /v1/programmes/export.csv (all or nothing; `dry_run=true` to check)")
    def import_programmes(self, request):
        return importer.import_programmes(sheet.read_body(request), actor=actor_of(request),
                                          dry_run=query_of(request)["dry_run"], service=self.programmes_import)

    @api("GET", "/v1/results/export.csv", access="reader", query=ResultSheetQuery, media=CSV,
         tags=["programmes: results"],
         summary="The results the caller may read (a partner: its own) as a sheet that imports back")
    def export_results(self, request):
        items = source.pages(self.programmes.list_results, request.args.to_dict(), actor=actor_of(request))
        return _csv(sheet.write(results.COLUMNS, (results.to_row(item) for item in items)), "results.csv")

    @api("POST", "/v1/results/import", access="partner", query=ImportQuery, response=ResultSheetReport,
         body_media=CSV, idempotent=False, tags=["programmes: results"], responses=REFUSED,
         summary="Import the sheet of GET /v1/results/export.csv: drafts created or edited (all or nothing; "
                 "`dry_run=true` to check)")
    def import_results(self, request):
        return importer.import_results(sheet.read_body(request), actor=actor_of(request),
                                       dry_run=query_of(request)["dry_run"], service=self.programmes_import)
