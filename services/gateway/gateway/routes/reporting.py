"""Reporting windows (docs/programmes.md, "Periods and locks"): whether a programme's period
takes entries, and an admin's reopening of a locked one. The programmes service decides."""
from typing import Any

from gateway.entrypoints import actor_of, api, json_body
from shared.api import programmes as p

TAGS = ["programmes: reporting"]


class ReportingRoutes:
    programmes: Any   # the programmes service's RPC proxy (GatewayService.programmes)

    @api("GET", "/v1/programmes/<string:programme_id>/period", access="reader", query=p.PeriodIn,
         response=p.PeriodStateOut, tags=TAGS,
         summary="Whether a period (?start=&end=) takes entries for this programme, its lock and reopenings")
    def period_state(self, request, programme_id):
        return self.programmes.period_state(programme_id, request.args.to_dict(), actor=actor_of(request))

    @api("POST", "/v1/programmes/<string:programme_id>/reopenings", access="admin", body=p.ReopeningIn,
         response=p.PeriodStateOut, status=201, tags=TAGS,
         summary="Reopen a locked period for this programme until a date (admins)")
    def reopen_period(self, request, programme_id):
        return 201, self.programmes.reopen_period(programme_id, json_body(request), actor=actor_of(request))
