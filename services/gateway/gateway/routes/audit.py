"""The audit log (admins only)."""
from gateway import audit
from gateway.entrypoints import api, query_of
from gateway.pagination import page
from gateway.routes.base import Routes
from gateway.schemas import AuditOut, AuditPage, AuditQuery


class AuditRoutes(Routes):

    @api("GET", "/v1/audit", access="admin", query=AuditQuery, response=AuditPage, tags=["audit"], csv=True,
         summary="Audit entries, oldest first: every write; refused requests counted per key (or client) and minute")
    def list_audit(self, request):
        q = query_of(request)
        rows, next_cursor = audit.list_entries(
            self.state.store, limit=q["limit"], cursor=q.get("cursor"), key_id=q.get("key_id"),
            outcome=q.get("outcome"), since=q.get("modified_since"), request_id=q.get("request_id"))
        return page(request, AuditOut(many=True).dump(rows), next_cursor)
