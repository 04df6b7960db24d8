"""Grants: conflicts of interest and the review panel. A reviewer declares a conflict (it is
recused); an administrator assigns reviewer keys, the reviewer's organisation read from its key
(the grants service refuses a conflicted one: docs/grants.md)."""
from typing import Any

from gateway import auth
from gateway.entrypoints import actor_of, api, json_body
from shared.actors import Actor
from shared.api import grants as g
from shared.errors import InvalidInput, NotFound

TAGS = ["grants: calls and applications"]


class ReviewPanelRoutes:
    grants: Any       # the grants service's RPC proxy (GatewayService.grants)
    state: Any        # the gateway's state (its store holds the API keys a reviewer assignment names)

    @api("POST", "/v1/applications/<string:application_id>/conflicts", access="reader", scope="review",
         body=g.ConflictInput, response=g.ConflictOut, status=201, tags=TAGS,
         summary="Declare a conflict of interest on an application: the key is recused from reviewing it")
    def declare_conflict(self, request, application_id):
        return 201, self.grants.declare_conflict(application_id, json_body(request), actor=actor_of(request))

    @api("POST", "/v1/applications/<string:application_id>/assignments", access="admin",
         body=g.AssignmentInput, response=g.AssignmentOut, status=201, tags=TAGS,
         summary="Assign a reviewer (an API key with the review scope) to an application; never a conflicted one")
    def assign_reviewer(self, request, application_id):
        body = json_body(request)
        if isinstance(body, dict) and isinstance(body.get("reviewer"), str):
            # the reviewer's organisation is its key's, never the body's (organisational conflicts)
            body = {**body, "reviewer_organisation": self._reviewer_organisation(body["reviewer"].strip())}
        return 201, self.grants.assign_reviewer(application_id, body, actor=actor_of(request))

    def _reviewer_organisation(self, key_id: str) -> str:
        try:
            key = auth.get_key(self.state.store, key_id)
        except NotFound:
            raise InvalidInput({"reviewer": [f"no API key with id {key_id}"]}) from None
        reviewer = Actor.key(key_id=key_id, organisation=key["organisation"], role=key["role"], scopes=key["scopes"])
        if key["revoked_at"] is not None or not (reviewer.is_admin or reviewer.has_scope("review")):
            raise InvalidInput({"reviewer": [f"the key {key_id} is revoked or has no review scope"]})
        return str(key["organisation"])
