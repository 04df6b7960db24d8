"""Who subscribes to what: one module per consuming service, naming the service (`CONSUMER`) and
the event types it handles (`EVENT_TYPES`, which a module may derive from its own registry, as
metrics does from `EVENT_KINDS`). shared.messaging.topology gathers them."""
