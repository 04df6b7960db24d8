"""API keys (admins only): create, list, read, revoke."""
from gateway import auth
from gateway.entrypoints import actor_of, api, json_body, query_of
from gateway.pagination import page
from gateway.routes.base import Routes
from gateway.schemas import KeyCreated, KeyInput, KeyOut, KeyPage, KeyQuery


class KeyRoutes(Routes):

    @api("POST", "/v1/keys", access="admin", body=KeyInput, response=KeyCreated, status=201, tags=["keys"],
         summary="Create an API key (the key is in this response only)")
    def create_key(self, request):
        data = KeyInput().load(json_body(request))
        view, key = auth.create_key(self.state.store, actor_of(request), organisation=data["organisation"].strip(),
                                    role=data["role"], name=data["name"], scopes=data.get("scopes"))
        return 201, {"Location": f"/v1/keys/{view['id']}"}, KeyCreated().dump({**view, "key": key})

    @api("GET", "/v1/keys", access="admin", query=KeyQuery, response=KeyPage, tags=["keys"], csv=True,
         summary="List API keys")
    def list_keys(self, request):
        q = query_of(request)
        rows, next_cursor = auth.list_keys_page(
            self.state.store, limit=q["limit"], cursor=q.get("cursor"), descending=q["sort"].startswith("-"),
            organisation=q.get("organisation"), role=q.get("role"), revoked=q.get("revoked"),
            modified_since=q.get("modified_since"))
        return page(request, KeyOut(many=True).dump(rows), next_cursor)

    @api("GET", "/v1/keys/<string:key_id>", access="admin", response=KeyOut, tags=["keys"], summary="An API key")
    def get_key(self, request, key_id):
        return KeyOut().dump(auth.get_key(self.state.store, key_id))

    @api("DELETE", "/v1/keys/<string:key_id>", access="admin", response=KeyOut, tags=["keys"],
         summary="Revoke an API key (effective at once)")
    def revoke_key(self, request, key_id):
        return KeyOut().dump(auth.revoke_key(self.state.store, key_id, actor=actor_of(request)))
