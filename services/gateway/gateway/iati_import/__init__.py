"""Reading IATI 2.03 activity documents into the platform (docs/iati.md "Import"):
`reading` streams and validates a document activity by activity, `mapping` turns an
activity into the programmes service's shapes, `importer` runs both and the RPC, for the
HTTP route and the CLI alike."""
