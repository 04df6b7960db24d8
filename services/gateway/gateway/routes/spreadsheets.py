"""Spreadsheets (docs/api.md "Spreadsheets"): the programmes sheet as CSV, and the same sheet
imported back (all or nothing; `dry_run=true` to check). A partner exports and imports its
own organisation's programmes; another organisation's row is refused like any other."""
from typing import Any

from werkzeug.wrappers import Response

from gateway.entrypoints import actor_of, api, query_of
from gateway.iati import source
from gateway.iati_import.schemas import ImportQuery
from gateway.spreadsheets import programmes, sheet
from gateway.spreadsheets.importer import import_programmes
from gateway.spreadsheets.schemas import SheetReport
from shared.api.iati import ActivitiesQuery

CSV = "text/csv"
TAGS = ["programmes"]


class SpreadsheetRoutes:
    programmes: Any
    programmes_import: Any   # the programmes service, with the import's longer deadline (GatewayService)

    @api("GET", "/v1/programmes/export.csv", access="reader", query=ActivitiesQuery, media=CSV, tags=TAGS,
         summary="The programmes the caller may read (a partner: its own) as a sheet that imports back")
    def export_programmes(self, request):
        actor = actor_of(request)
        items = list(source.pages(self.programmes.list_programmes, request.args.to_dict(), actor=actor))
        parents = {item["id"]: item["iati_identifier"] for item in items}
        rows = [programmes.to_row(item, source._parent_ref(self.programmes, item.get("parent_id"), parents, actor))
                for item in items]
        return Response(sheet.write(programmes.COLUMNS, rows), content_type=f"{CSV}; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="programmes.csv"'})

    @api("POST", "/v1/programmes/import", access="partner", query=ImportQuery, response=SheetReport,
         body_media=CSV, idempotent=False, tags=TAGS,
         responses={413: "The sheet is larger than SPREADSHEET_MAX_BYTES (nothing read)",
                    422: "Refused: `errors` lists every problem as {row, column, reason} (header = row 1); "
                         "nothing was imported"},
         summary="Import the programmes sheet of GET /v1/programmes/export.csv (all or nothing; "
                 "`dry_run=true` to check)")
    def import_programmes(self, request):
        return import_programmes(sheet.read_body(request), actor=actor_of(request),
                                 dry_run=query_of(request)["dry_run"], service=self.programmes_import)
