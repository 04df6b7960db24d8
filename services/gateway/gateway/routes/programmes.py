"""Programmes and their results."""
from gateway.entrypoints import api, json_body


class ProgrammeRoutes:

    @api("POST", "/v1/programmes")
    def create_programme(self, request):
        return 201, self.programmes.create_programme(json_body(request))

    @api("GET", "/v1/programmes/<string:programme_id>")
    def get_programme(self, request, programme_id):
        return self.programmes.get_programme(programme_id)

    @api("POST", "/v1/programmes/<string:programme_id>/results")
    def record_result(self, request, programme_id):
        return 201, self.programmes.record_result(programme_id, json_body(request))
