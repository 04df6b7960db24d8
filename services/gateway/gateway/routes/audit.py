"""The audit log (admins only)."""
from gateway import audit
from gateway.entrypoints import api, query_of
from gateway.pagination import decode_cursor, int_cursor, page
from gateway.schemas import AuditOut, AuditPage, AuditQuery


class AuditRoutes:

    @api("GET", "/v1/audit", access="admin", query=AuditQuery, response=AuditPage, tags=["audit"], csv=True,
         summary="Audit entries, oldest first: every write and every refused request")
    def list_audit(self, request):
        q = query_of(request)
        after = int_cursor(decode_cursor(q.get("cursor")))
        rows = audit.list_entries(self.state.store, after=after, limit=q["limit"] + 1, key_id=q.get("key_id"),
                                  outcome=q.get("outcome"), since=q.get("modified_since"), request_id=q.get("request_id"))
        more = len(rows) > q["limit"]
        rows = rows[:q["limit"]]
        return page(request, AuditOut(many=True).dump(rows), rows[-1]["id"] if more else None)
