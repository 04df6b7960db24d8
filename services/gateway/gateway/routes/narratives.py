"""Narratives (docs/programmes.md, "Narratives and attachments"): a programme's words for a
period about an indicator or a report section, their attachments (checked and kept here,
through shared.storage; the programmes service keeps their descriptions and decides who sees
them), and a period's report: its figures and its narratives."""
import logging
from typing import Any

from marshmallow import validate
from werkzeug.wrappers import Response

from gateway import attachments
from gateway.entrypoints import actor_of, api, json_body, query_of
from shared.api import programmes as p
from shared.errors import NotFound, ServiceUnavailable
from shared.events.fields import Text
from shared.events.schemas import StrictSchema
from shared.storage import StorageUnavailable, StoredFileMissing

TAGS = ["programmes: narratives"]
log = logging.getLogger(__name__)


class AttachmentQuery(StrictSchema):
    filename = Text(required=True, validate=validate.Length(min=1, max=200))


class NarrativeRoutes:
    programmes: Any   # the programmes service's RPC proxy (GatewayService.programmes)

    @api("POST", "/v1/programmes/<string:programme_id>/narratives", access="partner", body=p.NarrativeIn,
         response=p.NarrativeOut, status=201, responses={200: "Rewritten: the same period and subject"}, tags=TAGS,
         summary="Write the narrative of a period about an indicator or a report section (409 in a locked period)")
    def write_narrative(self, request, programme_id):
        answer = self.programmes.write_narrative(programme_id, json_body(request), actor=actor_of(request))
        return (201 if answer["created"] else 200), answer["narrative"]

    @api("GET", "/v1/programmes/<string:programme_id>/narratives", access="reader", query=p.NarrativeListQuery,
         response=p.NarrativeList, tags=TAGS, summary="A programme's narratives by period, indicator or section")
    def list_narratives(self, request, programme_id):
        return self.programmes.list_narratives(programme_id, request.args.to_dict(), actor=actor_of(request))

    @api("GET", "/v1/programmes/<string:programme_id>/report", access="reader", query=p.PeriodIn,
         response=p.ProgrammeReportOut, tags=TAGS,
         summary="A period's report (?start=&end=): the programme's results and narratives within it")
    def programme_report(self, request, programme_id):
        return self.programmes.get_programme_report(programme_id, request.args.to_dict(), actor=actor_of(request))

    @api("GET", "/v1/narratives/<string:narrative_id>", access="reader", response=p.NarrativeOut, tags=TAGS,
         summary="A narrative with its attachments")
    def get_narrative(self, request, narrative_id):
        return self.programmes.get_narrative(narrative_id, actor=actor_of(request))

    @api("POST", "/v1/narratives/<string:narrative_id>/attachments", access="partner", query=AttachmentQuery,
         body_media="application/octet-stream", response=p.NarrativeOut, status=201, tags=TAGS,
         responses={413: "Larger than ATTACHMENT_MAX_BYTES (nothing kept)",
                    422: "Not an accepted media type, or the content is not what Content-Type says"},
         summary="Attach a file (body; Content-Type: PDF, PNG, JPEG, plain text, CSV, DOCX or XLSX, checked "
                 "against the content)")
    def attach_file(self, request, narrative_id):
        actor = actor_of(request)
        self.programmes.get_narrative(narrative_id, actor=actor)   # another's narrative: 404 before reading
        data, described = attachments.read_attachment(request, query_of(request)["filename"])
        key = f"narratives/{narrative_id}/{described['id']}"
        store = attachments.storage()
        try:
            store.put(key, data, described["content_type"])
        except StorageUnavailable as exc:
            raise ServiceUnavailable(f"file storage: {exc}") from None
        try:
            return 201, self.programmes.attach_file(narrative_id, {**described, "key": key}, actor=actor)
        except BaseException:
            try:
                store.delete(key)   # refused (a locked period, too many files) or failed: nothing kept
            except StorageUnavailable:
                pass                # an orphan file, named by no narrative: never served
            raise

    @api("GET", "/v1/narratives/<string:narrative_id>/attachments/<string:attachment_id>", access="reader",
         media=tuple(attachments.SNIFFERS), tags=TAGS, summary="An attachment's file, as uploaded")
    def get_attachment(self, request, narrative_id, attachment_id):
        found = self.programmes.get_attachment(narrative_id, attachment_id, actor=actor_of(request))
        try:
            data = attachments.storage().get(found["key"])
        except StoredFileMissing:
            raise NotFound("attachment", attachment_id) from None
        except StorageUnavailable as exc:
            raise ServiceUnavailable(f"file storage: {exc}") from None
        return Response(data, content_type=found["content_type"], headers={
            "Content-Disposition": f'attachment; filename="{found["filename"]}"', "X-Content-Type-Options": "nosniff"})

    @api("DELETE", "/v1/narratives/<string:narrative_id>/attachments/<string:attachment_id>", access="partner",
         response=p.NarrativeOut, tags=TAGS,
         responses={409: "The period is locked (the organisation's keys; admins remove in any period)"},
         summary="Remove an attachment and its stored file (audited; a narrative.updated event follows)")
    def remove_attachment(self, request, narrative_id, attachment_id):
        answer = self.programmes.remove_attachment(narrative_id, attachment_id, actor=actor_of(request))
        try:   # after the commit: a refused removal never loses the file of a described attachment
            attachments.storage().delete(answer["key"])
        except StorageUnavailable as exc:
            log.warning("attachment %s removed, its file %s kept (an orphan named by no narrative, never "
                        "served): %s", attachment_id, answer["key"], exc)
        return answer["narrative"]
