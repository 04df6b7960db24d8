"""IATI 2.03 export (docs/iati.md): `activity` builds one iati-activity element from the
platform's reads, `organisation` the partnership's organisation file, `document` streams
them, `source` pages through the services' RPCs as the caller."""
