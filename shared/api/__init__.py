"""Public API contracts: marshmallow request/response schemas shared by a service
(which validates, as the system of record) and the gateway (which documents them
in OpenAPI and may validate early). One module per service."""
