"""Grants."""
from shared.errors import InvalidInput, NotFound
from gateway.entrypoints import api, json_body


class GrantRoutes:

    @api("POST", "/v1/grants")
    def award_grant(self, request):
        body = json_body(request)
        programme_id = body.get("programme_id")
        if isinstance(programme_id, str) and programme_id:
            # The gateway composes: a grant must fund a programme that exists.
            try:
                self.programmes.get_programme(programme_id)
            except NotFound:
                raise InvalidInput({"programme_id": [f"no programme with id {programme_id!r}"]}) from None
        return 201, self.grants.award_grant(body)

    @api("GET", "/v1/grants/<string:grant_id>")
    def get_grant(self, request, grant_id):
        return self.grants.get_grant(grant_id)
