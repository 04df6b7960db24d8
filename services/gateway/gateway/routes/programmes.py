"""Programmes: the portfolio, city records, results frameworks and reviewed results.

Reads need the `reader` role, writes `partner`, approving and returning results `admin`
(a first-level approval, where the plan asks for two levels, `partner` with the `programme` scope);
the programmes service enforces who sees which objects (a partner: its organisation's).
Lists answer `{"items": [...], "next_cursor": "..." | null, "next": "<URL>" | null}` with a
`Link: <next>; rel="next"` header; filters and `modified_since` are query parameters
(shared.api.programmes), validated by the service, which is the system of record."""
from typing import Any
from urllib.parse import urlencode

from gateway.entrypoints import actor_of, api, json_body
from shared.api import programmes as p

TAGS = {"programmes": ["programmes"], "cities": ["programmes: cities"],
        "indicators": ["programmes: results framework"], "results": ["programmes: results"]}


def _query(request) -> dict:
    return request.args.to_dict()


def _page(request, result: dict):
    cursor = result.get("next_cursor")
    url = None
    if cursor:
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"] + [("cursor", cursor)]
        url = f"{request.base_url}?{urlencode(args)}"
    headers = {"Link": f'<{url}>; rel="next"'} if url else {}
    return 200, headers, {**result, "next": url}


class ProgrammeRoutes:
    programmes: Any   # the programmes service's RPC proxy (GatewayService.programmes)

    # --- programmes -------------------------------------------------------------------------

    @api("POST", "/v1/programmes", access="partner", body=p.ProgrammeCreate, response=p.ProgrammeOut, status=201,
         tags=TAGS["programmes"], summary="Add a programme to the portfolio (status pipeline)")
    def create_programme(self, request):
        return 201, self.programmes.create_programme(json_body(request), actor=actor_of(request))

    @api("GET", "/v1/programmes", access="reader", query=p.ProgrammeListQuery, response=p.ProgrammePage,
         tags=TAGS["programmes"], summary="Programmes by window, instrument, theme, country, city, SDG goal, "
                                          "status, organisation, parent or text in the title")
    def list_programmes(self, request):
        return _page(request, self.programmes.list_programmes(_query(request), actor=actor_of(request)))

    @api("GET", "/v1/programmes/<string:programme_id>", access="reader", response=p.ProgrammeOut,
         tags=TAGS["programmes"], summary="A programme with its cities, indicators and children")
    def get_programme(self, request, programme_id):
        return self.programmes.get_programme(programme_id, actor=actor_of(request))

    @api("PATCH", "/v1/programmes/<string:programme_id>", access="partner", body=p.ProgrammeUpdate,
         response=p.ProgrammeOut, tags=TAGS["programmes"], summary="Change fields of a programme")
    def update_programme(self, request, programme_id):
        return self.programmes.update_programme(programme_id, json_body(request), actor=actor_of(request))

    @api("POST", "/v1/programmes/<string:programme_id>/status", access="partner", body=p.StatusChange,
         response=p.ProgrammeOut, tags=TAGS["programmes"],
         summary="Move a programme along its lifecycle (409 lists the allowed statuses)")
    def change_programme_status(self, request, programme_id):
        return self.programmes.change_status(programme_id, json_body(request), actor=actor_of(request))

    @api("GET", "/v1/programmes/<string:programme_id>/totals", access="reader", response=p.TotalsOut,
         tags=TAGS["results"], summary="Approved values per indicator, the children's rolled up, each once")
    def programme_totals(self, request, programme_id):
        return self.programmes.programme_totals(programme_id, actor=actor_of(request))

    @api("POST", "/v1/programmes/<string:programme_id>/cities", access="partner", body=p.ProgrammeCityIn,
         response=p.ProgrammeOut, status=201, tags=TAGS["cities"],
         summary="Attach a city (by id, or found/registered by country and name) to a programme")
    def add_programme_city(self, request, programme_id):
        return 201, self.programmes.add_programme_city(programme_id, json_body(request), actor=actor_of(request))

    # --- cities ---------------------------------------------------------------------------------

    @api("POST", "/v1/cities", access="partner", body=p.CityCreate, response=p.CityOut, status=201,
         responses={200: "Already registered: the existing record"}, tags=TAGS["cities"],
         summary="Register a city (200 with the record if it is already registered)")
    def create_city(self, request):
        answer = self.programmes.create_city(json_body(request), actor=actor_of(request))
        return (201 if answer["created"] else 200), answer["city"]

    @api("GET", "/v1/cities", access="reader", query=p.CityListQuery, response=p.CityPage, tags=TAGS["cities"],
         summary="City records")
    def list_cities(self, request):
        return _page(request, self.programmes.list_cities(_query(request), actor=actor_of(request)))

    @api("GET", "/v1/cities/<string:city_id>", access="reader", response=p.CityOut, tags=TAGS["cities"],
         summary="A city record")
    def get_city(self, request, city_id):
        return self.programmes.get_city(city_id, actor=actor_of(request))

    # --- indicators -------------------------------------------------------------------------------

    @api("POST", "/v1/programmes/<string:programme_id>/indicators", access="partner", body=p.IndicatorIn,
         response=p.IndicatorOut, status=201, tags=TAGS["indicators"],
         summary="Define an indicator (corporate or the programme's own) with baseline and targets")
    def define_indicator(self, request, programme_id):
        return 201, self.programmes.define_indicator(programme_id, json_body(request), actor=actor_of(request))

    @api("GET", "/v1/programmes/<string:programme_id>/indicators", access="reader", response=p.IndicatorList,
         tags=TAGS["indicators"], summary="A programme's indicators")
    def list_indicators(self, request, programme_id):
        return self.programmes.list_indicators(programme_id, actor=actor_of(request))

    @api("PATCH", "/v1/programmes/<string:programme_id>/indicators/<string:code>", access="partner",
         body=p.IndicatorUpdate, response=p.IndicatorOut, tags=TAGS["indicators"],
         summary="Change an indicator's title, reach, baseline or targets")
    def update_indicator(self, request, programme_id, code):
        return self.programmes.update_indicator(programme_id, code, json_body(request), actor=actor_of(request))

    # --- results ----------------------------------------------------------------------------------

    @api("POST", "/v1/programmes/<string:programme_id>/results", access="partner", body=p.ResultCreate,
         response=p.ResultOut, status=201, tags=TAGS["results"],
         summary="Draft a result: one indicator, one period, one city, with disaggregations")
    def create_result(self, request, programme_id):
        return 201, self.programmes.create_result(programme_id, json_body(request), actor=actor_of(request))

    @api("GET", "/v1/programmes/<string:programme_id>/results", access="reader", query=p.ResultListQuery,
         response=p.ResultPage, tags=TAGS["results"], summary="A programme's results")
    def list_programme_results(self, request, programme_id):
        return _page(request, self.programmes.list_results(_query(request), actor=actor_of(request),
                                                           programme_id=programme_id))

    @api("GET", "/v1/results", access="reader", query=p.ResultListQuery, response=p.ResultPage,
         tags=TAGS["results"], summary="Results by programme, indicator, city, period and status")
    def list_results(self, request):
        return _page(request, self.programmes.list_results(_query(request), actor=actor_of(request)))

    @api("GET", "/v1/results/<string:result_id>", access="reader", response=p.ResultOut, tags=TAGS["results"],
         summary="A result with its full version history")
    def get_result(self, request, result_id):
        return self.programmes.get_result(result_id, actor=actor_of(request))

    @api("PATCH", "/v1/results/<string:result_id>", access="partner", body=p.ResultUpdate, response=p.ResultOut,
         tags=TAGS["results"], summary="Change a draft or returned value")
    def update_result(self, request, result_id):
        return self.programmes.update_result(result_id, json_body(request), actor=actor_of(request))

    @api("POST", "/v1/results/<string:result_id>/submit", access="partner", body=p.ReviewAction,
         response=p.ResultOut, tags=TAGS["results"], summary="Submit a draft or returned value for review")
    def submit_result(self, request, result_id):
        return self.programmes.submit_result(result_id, json_body(request), actor=actor_of(request))

    @api("POST", "/v1/results/<string:result_id>/approve", consistency="token", access="admin", body=p.ReviewAction,
         response=p.ResultOut, tags=TAGS["results"],
         summary="Approve a submitted value at its next level: it counts (a correction replaces the approved "
                 "value), or where the plan asks for two levels, the first then the secretariat's")
    def approve_result(self, request, result_id):
        return self.programmes.approve_result(result_id, json_body(request), actor=actor_of(request))

    @api("POST", "/v1/results/<string:result_id>/first-level-approval", consistency="token", access="partner",
         scope="programme", body=p.ReviewAction, response=p.ResultOut, tags=TAGS["results"],
         summary="First-level approval (programme staff) where the plan asks for two levels; the secretariat "
                 "approves next (409 otherwise)")
    def approve_result_first_level(self, request, result_id):
        return self.programmes.approve_result(result_id, json_body(request), actor=actor_of(request), level="first")

    @api("POST", "/v1/results/<string:result_id>/return", access="admin", body=p.ResultReturn,
         response=p.ResultOut, tags=TAGS["results"], summary="Return a submitted value for revision, with a comment")
    def return_result(self, request, result_id):
        return self.programmes.return_result(result_id, json_body(request), actor=actor_of(request))

    @api("POST", "/v1/results/<string:result_id>/revise", access="partner", body=p.ResultRevise,
         response=p.ResultOut, tags=TAGS["results"],
         summary="Correct an approved value: a new version, submitted for review")
    def revise_result(self, request, result_id):
        return self.programmes.revise_result(result_id, json_body(request), actor=actor_of(request))
