"""Grants: pooled funds and their ledger, exchange rates, contributions, calls for proposals,
applications, reviews, determinations, grants, disbursements and reports.

Lists answer `{"items": [...], "next": URL | null}` (cursor pagination) and take the filters
of their query schema in shared.api.grants. The grants service enforces who sees what."""
from typing import Any

from gateway.entrypoints import actor_of, api, json_body, query_of
from gateway.pagination import page
from shared.api import grants as g
from shared.errors import NotFound, unknown_reference

TAGS = {"funds": ["grants: funds"], "calls": ["grants: calls and applications"],
        "grants": ["grants: grants"]}


class GrantRoutes:
    grants: Any       # the grants service's RPC proxy (GatewayService.grants)
    programmes: Any   # the programmes service's, to look up an application's programme as the caller

    def _grants_page(self, request, method: str, *args):
        query = dict(query_of(request))
        cursor = query.pop("cursor", None)   # opaque: passed through as the client sent it
        result = getattr(self.grants, method)(*args, query=query, actor=actor_of(request), cursor=cursor)
        return page(request, result["items"], result["next_cursor"])

    # --- funds, rates, contributions -------------------------------------------------------

    @api("POST", "/v1/funds", access="admin", body=g.FundInput, response=g.FundOut, status=201,
         tags=TAGS["funds"], summary="Set up a pooled fund")
    def create_fund(self, request):
        return 201, self.grants.create_fund(json_body(request), actor=actor_of(request))

    @api("GET", "/v1/funds", access="reader", query=g.FundQuery, response=g.FundPage, tags=TAGS["funds"],
         csv=True, summary="Funds with their balances")
    def list_funds(self, request):
        return self._grants_page(request, "list_funds")

    @api("GET", "/v1/funds/<string:fund_id>", access="reader", response=g.FundOut, tags=TAGS["funds"],
         summary="A fund and its balance: received, committed, disbursed, available")
    def get_fund(self, request, fund_id):
        return self.grants.get_fund(fund_id, actor=actor_of(request))

    @api("GET", "/v1/funds/<string:fund_id>/ledger", access="admin", query=g.LedgerQuery, response=g.LedgerPage,
         tags=TAGS["funds"], csv=True, summary="A fund's IATI-typed transactions, oldest first")
    def fund_ledger(self, request, fund_id):
        return self._grants_page(request, "fund_ledger", fund_id)

    @api("POST", "/v1/rates", access="admin", body=g.RatesInput, response=g.RatesOut, status=201,
         tags=TAGS["funds"], summary="Load exchange rates (currency pair, effective date, rate)")
    def load_rates(self, request):
        return 201, self.grants.load_rates(json_body(request), actor=actor_of(request))

    @api("GET", "/v1/rates", access="reader", query=g.RateQuery, response=g.RatePage, tags=TAGS["funds"],
         csv=True, summary="Exchange rates")
    def list_rates(self, request):
        return self._grants_page(request, "list_rates")

    @api("POST", "/v1/contributions", access="admin", body=g.ContributionInput, response=g.ContributionOut,
         status=201, tags=TAGS["funds"], summary="Record a partner's pledge to a fund (IATI 11)")
    def pledge_contribution(self, request):
        return 201, self.grants.pledge_contribution(json_body(request), actor=actor_of(request))

    @api("GET", "/v1/contributions", access="reader", query=g.ContributionQuery, response=g.ContributionPage,
         tags=TAGS["funds"], csv=True, summary="Contributions")
    def list_contributions(self, request):
        return self._grants_page(request, "list_contributions")

    @api("GET", "/v1/contributions/<string:contribution_id>", access="reader", response=g.ContributionOut,
         tags=TAGS["funds"], summary="A contribution and its receipts")
    def get_contribution(self, request, contribution_id):
        return self.grants.get_contribution(contribution_id, actor=actor_of(request))

    @api("POST", "/v1/contributions/<string:contribution_id>/receipts",
         consistency="token", access="admin", body=g.ReceiptInput,
         response=g.ContributionOut, status=201, tags=TAGS["funds"],
         summary="Record money of a pledge received (IATI 1)")
    def receive_contribution(self, request, contribution_id):
        return 201, self.grants.receive_contribution(contribution_id, json_body(request), actor=actor_of(request))

    # --- calls, applications, reviews, determinations --------------------------------------

    @api("POST", "/v1/calls", access="admin", body=g.CallInput, response=g.CallOut, status=201,
         tags=TAGS["calls"], summary="Open a call for proposals under a fund")
    def open_call(self, request):
        return 201, self.grants.open_call(json_body(request), actor=actor_of(request))

    @api("GET", "/v1/calls", access="public", query=g.CallQuery, response=g.CallPage, tags=TAGS["calls"],
         csv=True, summary="Calls for proposals")
    def list_calls(self, request):
        return self._grants_page(request, "list_calls")

    @api("GET", "/v1/calls/<string:call_id>", access="public", response=g.CallOut, tags=TAGS["calls"],
         summary="A call for proposals")
    def get_call(self, request, call_id):
        return self.grants.get_call(call_id, actor=actor_of(request))

    @api("POST", "/v1/calls/<string:call_id>/close", access="admin", body=g.EmptyInput, response=g.CallOut,
         tags=TAGS["calls"], summary="Close a call before its deadline")
    def close_call(self, request, call_id):
        if request.get_data():
            json_body(request)
        return self.grants.close_call(call_id, actor=actor_of(request))

    @api("POST", "/v1/applications", access="partner", body=g.ApplicationInput, response=g.ApplicationOut,
         status=201, tags=TAGS["calls"], summary="Apply to an open call; screened at once")
    def submit_application(self, request):
        body = json_body(request)
        programme = None
        programme_id = body.get("programme_id")
        if isinstance(programme_id, str) and programme_id:
            # The gateway composes: the programme is looked up as the caller, so another
            # organisation's answers like a missing one; the grants service then checks that it
            # is the applicant's (an admin applying on behalf of an organisation).
            try:
                found = self.programmes.get_programme(programme_id, actor=actor_of(request))
            except NotFound:
                raise unknown_reference("programme_id", "programme", programme_id) from None
            programme = {"id": programme_id, "iati_identifier": found.get("iati_identifier"),
                         "reporting_org": found["reporting_org"]["ref"],
                         # its participating organisations' reviewers are conflicted (grants.domain.conflicts)
                         "partners": [o["ref"] for o in found.get("participating_orgs") or [] if o.get("ref")]}
        return 201, self.grants.submit_application(body, actor=actor_of(request), programme=programme)

    @api("GET", "/v1/applications", access="reader", query=g.ApplicationQuery, response=g.ApplicationPage,
         tags=TAGS["calls"], csv=True, summary="Applications (a partner sees its own)")
    def list_applications(self, request):
        return self._grants_page(request, "list_applications")

    @api("GET", "/v1/applications/<string:application_id>", access="reader", response=g.ApplicationOut,
         tags=TAGS["calls"], summary="An application, its screening and (for reviewers) its reviews")
    def get_application(self, request, application_id):
        return self.grants.get_application(application_id, actor=actor_of(request))

    @api("POST", "/v1/applications/<string:application_id>/withdraw", access="partner", body=g.WithdrawalInput,
         response=g.ApplicationOut, tags=TAGS["calls"], summary="Withdraw an application under review")
    def withdraw_application(self, request, application_id):
        body = json_body(request) if request.get_data() else {}
        return self.grants.withdraw_application(application_id, body, actor=actor_of(request))

    # reviewing is a scope, not a role: any key with `review` (or an admin key) reviews, as itself
    @api("POST", "/v1/applications/<string:application_id>/reviews", access="reader", scope="review",
         body=g.ReviewInput, response=g.ReviewOut, status=201, tags=TAGS["calls"],
         summary="Score an application against the call's criteria, as the key (not one's own organisation's)")
    def submit_review(self, request, application_id):
        return 201, self.grants.submit_review(application_id, json_body(request), actor=actor_of(request))

    @api("GET", "/v1/reviews", access="reader", scope="review", query=g.ReviewQuery, response=g.ReviewPage,
         tags=TAGS["calls"], csv=True, summary="Reviews (a reviewer's list leaves out its own organisation's)")
    def list_reviews(self, request):
        return self._grants_page(request, "list_reviews")

    @api("POST", "/v1/applications/<string:application_id>/determination", consistency="token", access="admin",
         body=g.DeterminationInput, response=g.DeterminationOut, tags=TAGS["calls"],
         summary="Award (commits money: IATI 2) or reject, once the call's reviews are in")
    def determine(self, request, application_id):
        return self.grants.determine(application_id, json_body(request), actor=actor_of(request))

    # --- grants, disbursements, reports ----------------------------------------------------

    @api("GET", "/v1/grants", access="reader", query=g.GrantQuery, response=g.GrantPage, tags=TAGS["grants"],
         csv=True, summary="Grants (a partner sees its own)")
    def list_grants(self, request):
        return self._grants_page(request, "list_grants")

    @api("GET", "/v1/grants/<string:grant_id>", access="reader", response=g.GrantOut, tags=TAGS["grants"],
         summary="A grant: commitment, tranches, reports, value for money")
    def get_grant(self, request, grant_id):
        return self.grants.get_grant(grant_id, actor=actor_of(request))

    @api("POST", "/v1/grants/<string:grant_id>/disbursements",
         consistency="token", access="admin", body=g.DisbursementInput,
         response=g.DisbursementResultOut, status=201, tags=TAGS["grants"],
         summary="Disburse a tranche (IATI 3) once its condition holds")
    def disburse(self, request, grant_id):
        return 201, self.grants.disburse(grant_id, json_body(request), actor=actor_of(request))

    @api("GET", "/v1/disbursements", access="reader", query=g.DisbursementQuery, response=g.DisbursementPage,
         tags=TAGS["grants"], csv=True, summary="Disbursements (a partner gives one of its grant_id)")
    def list_disbursements(self, request):
        return self._grants_page(request, "list_disbursements")

    @api("GET", "/v1/reports", access="reader", query=g.ReportQuery, response=g.ReportPage, tags=TAGS["grants"],
         csv=True, summary="Reporting obligations (overdue=true: the overdue ones)")
    def list_reports(self, request):
        return self._grants_page(request, "list_reports")

    @api("POST", "/v1/grants/<string:grant_id>/reports/<string:report_id>/submission", access="partner",
         body=g.ReportSubmissionInput, response=g.ReportOut, tags=TAGS["grants"], summary="Submit a report")
    def submit_report(self, request, grant_id, report_id):
        return self.grants.submit_report(grant_id, report_id, json_body(request), actor=actor_of(request))

    @api("POST", "/v1/grants/<string:grant_id>/reports/<string:report_id>/approval", access="admin",
         body=g.ReportReviewInput, response=g.ReportOut, tags=TAGS["grants"], summary="Approve a report")
    def approve_report(self, request, grant_id, report_id):
        body = json_body(request) if request.get_data() else {}
        return self.grants.approve_report(grant_id, report_id, body, actor=actor_of(request))

    @api("POST", "/v1/grants/<string:grant_id>/reports/<string:report_id>/changes", access="admin",
         body=g.ReportReviewInput, response=g.ReportOut, tags=TAGS["grants"],
         summary="Send a submitted report back for changes")
    def request_report_changes(self, request, grant_id, report_id):
        body = json_body(request) if request.get_data() else {}
        return self.grants.request_report_changes(grant_id, report_id, body, actor=actor_of(request))

    @api("POST", "/v1/grants/<string:grant_id>/closeout",
         consistency="token", access="admin", body=g.EmptyInput, response=g.GrantOut,
         tags=TAGS["grants"], summary="Close out a grant (final report approved); the rest returns to the fund")
    def close_grant(self, request, grant_id):
        body = json_body(request) if request.get_data() else {}
        return self.grants.close_grant(grant_id, body, actor=actor_of(request))

    @api("POST", "/v1/grants/<string:grant_id>/cancellation",
         consistency="token", access="admin", body=g.CancellationInput,
         response=g.GrantOut, tags=TAGS["grants"], summary="Cancel a grant; the undisbursed part returns to the fund")
    def cancel_grant(self, request, grant_id):
        return self.grants.cancel_grant(grant_id, json_body(request), actor=actor_of(request))
