"""The IATI import (docs/iati.md "Import"): POST an iati-activities document.

The size limit is checked before a byte is parsed (413); the document is read activity by
activity (gateway.iati_import), and the programmes service applies every activity in one
transaction. Partners import their organisation's activities only, admins any."""
import io
from typing import Any

import eventlet

from gateway.entrypoints import actor_of, api, query_of
from gateway.iati_import.importer import import_document
from gateway.iati_import.reading import max_bytes
from gateway.iati_import.schemas import ImportQuery, ImportReport
from gateway.problems import TooLarge
from shared.errors import InvalidInput

XML_TYPES = ("application/xml", "text/xml")


def _yield(done: int) -> None:
    eventlet.sleep(0)   # a large document: let the gateway's other requests run between chunks


class IatiImportRoutes:
    programmes_import: Any   # the programmes service, with the import's longer deadline (GatewayService)

    @api("POST", "/v1/iati/activities", access="partner", query=ImportQuery, response=ImportReport,
         body_media="application/xml", idempotent=False, tags=["iati"],
         responses={413: "The document is larger than IATI_IMPORT_MAX_BYTES (nothing read)",
                    422: "Refused: `errors` lists every problem (`kind` schema, codelist, rule or platform; "
                         "`activity`, `path`, `line`, `reason`); nothing was imported"},
         summary="Import an IATI 2.03 iati-activities document (all or nothing; `dry_run=true` to check)")
    def import_iati_activities(self, request):
        limit = max_bytes()
        if request.content_length is not None and request.content_length > limit:
            raise TooLarge(limit, "IATI_IMPORT_MAX_BYTES")
        if request.mimetype not in XML_TYPES:
            raise InvalidInput({"_body": ["send an iati-activities document with Content-Type: application/xml"]},
                               "Unsupported request body.")
        body = request.stream.read(limit + 1)
        if len(body) > limit:   # no Content-Length (chunked): counted as it is read
            raise TooLarge(limit, "IATI_IMPORT_MAX_BYTES")
        return import_document(io.BytesIO(body), actor=actor_of(request), dry_run=query_of(request)["dry_run"],
                               service=self.programmes_import, progress=_yield)
