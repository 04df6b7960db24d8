"""Webhook subscriptions of the caller's organisation, and their delivery log."""
from gateway import webhooks
from gateway.entrypoints import actor_of, api, json_body, query_of
from gateway.pagination import page
from gateway.routes.base import Routes
from gateway.schemas import (
    DeliveryPage,
    DeliveryQuery,
    WebhookCreated,
    WebhookInput,
    WebhookOut,
    WebhookPage,
    WebhookQuery,
)


class WebhookRoutes(Routes):

    @api("POST", "/v1/webhooks", access="partner", body=WebhookInput, response=WebhookCreated, status=201,
         tags=["webhooks"], summary="Subscribe to event types (the signing secret is in this response only)")
    def create_webhook(self, request):
        data = WebhookInput().load(json_body(request))
        view = webhooks.create_subscription(self.state.store, self.state.policy, actor_of(request), url=data["url"],
                                            event_types=data["event_types"], description=data["description"])
        return 201, {"Location": f"/v1/webhooks/{view['id']}"}, WebhookCreated().dump(view)

    @api("GET", "/v1/webhooks", access="partner", query=WebhookQuery, response=WebhookPage, tags=["webhooks"],
         csv=True, summary="The organisation's webhook subscriptions")
    def list_webhooks(self, request):
        q = query_of(request)
        items, next_cursor = webhooks.list_subscriptions(
            self.state.store, actor_of(request), limit=q["limit"], cursor=q.get("cursor"),
            descending=q["sort"].startswith("-"), modified_since=q.get("modified_since"), active=q.get("active"))
        return page(request, WebhookOut(many=True).dump(items), next_cursor)

    @api("GET", "/v1/webhooks/<string:webhook_id>", access="partner", response=WebhookOut, tags=["webhooks"],
         summary="A webhook subscription")
    def get_webhook(self, request, webhook_id):
        return WebhookOut().dump(webhooks.get_subscription(self.state.store, actor_of(request), webhook_id))

    @api("DELETE", "/v1/webhooks/<string:webhook_id>", access="partner", response=WebhookOut, tags=["webhooks"],
         summary="Stop a subscription (pending deliveries are dropped)")
    def delete_webhook(self, request, webhook_id):
        return WebhookOut().dump(webhooks.deactivate_subscription(self.state.store, actor_of(request), webhook_id))

    @api("GET", "/v1/webhooks/<string:webhook_id>/deliveries", access="partner", query=DeliveryQuery,
         response=DeliveryPage, tags=["webhooks"], summary="The delivery log: every delivery and attempt")
    def list_deliveries(self, request, webhook_id):
        q = query_of(request)
        items, next_cursor = webhooks.list_deliveries(self.state.store, actor_of(request), webhook_id,
                                                      limit=q["limit"], cursor=q.get("cursor"), status=q.get("status"))
        return page(request, DeliveryPage().dump({"items": items, "next": None})["items"], next_cursor)
