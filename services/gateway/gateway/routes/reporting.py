"""Reporting windows and report schedules (docs/programmes.md, "Periods and locks", "Report
schedules"): whether a programme's period takes entries, an admin's reopening of a locked
one, and the reports a programme owes by dates. The programmes service decides."""
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
        return self.programmes.get_period_state(programme_id, request.args.to_dict(), actor=actor_of(request))

    @api("POST", "/v1/programmes/<string:programme_id>/reopenings", access="admin", body=p.ReopeningIn,
         response=p.PeriodStateOut, status=201, tags=TAGS,
         summary="Reopen a locked period for this programme until a date (admins)")
    def reopen_period(self, request, programme_id):
        return 201, self.programmes.reopen_period(programme_id, json_body(request), actor=actor_of(request))

    @api("POST", "/v1/programmes/<string:programme_id>/report-schedule", access="admin", body=p.ScheduleIn,
         response=p.ScheduleOut, status=201, tags=TAGS,
         summary="Schedule reports the programme owes by dates, with reminders and escalation (admins)")
    def schedule_reports(self, request, programme_id):
        return 201, self.programmes.schedule_reports(programme_id, json_body(request), actor=actor_of(request))

    @api("GET", "/v1/programmes/<string:programme_id>/report-schedule", access="reader", response=p.ScheduleOut,
         tags=TAGS, summary="The programme's scheduled reports by due date: due, overdue or submitted")
    def get_report_schedule(self, request, programme_id):
        return self.programmes.get_report_schedule(programme_id, actor=actor_of(request))

    @api("POST", "/v1/programmes/<string:programme_id>/report-schedule/<string:item_id>/submission",
         access="partner", body=p.SubmissionIn, response=p.ScheduleItemOut, tags=TAGS,
         summary="Mark a scheduled report submitted (optionally with narratives of its period, named or all): "
                 "no reminder or escalation follows")
    def submit_scheduled_report(self, request, programme_id, item_id):
        body = json_body(request) if request.get_data() else {}   # the body is optional
        return self.programmes.submit_scheduled_report(programme_id, item_id, body, actor=actor_of(request))

    @api("POST", "/v1/programmes/<string:programme_id>/report-schedule/<string:item_id>/approval",
         access="admin", response=p.ScheduleItemOut, tags=TAGS,
         summary="Approve a submitted scheduled report (admins): its period takes no more entries of the programme "
                 "until an admin reopens it")
    def approve_scheduled_report(self, request, programme_id, item_id):
        return self.programmes.approve_scheduled_report(programme_id, item_id, actor=actor_of(request))
