"""IATI 2.03 interchange: the official schemas, a parser safe for documents from outside, and
the element mapping shared by the export and the import (docs/iati.md)."""
