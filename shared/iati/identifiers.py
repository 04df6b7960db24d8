"""IATI organisation identifiers: the one rule for the organisation of a programme's
reporting_org/@ref and of an API key (a key writes the programmes whose reporting_org ref is its
organisation, so both must be spelt the same way).

IATI's shape is a registration-agency prefix and the identifier the agency gave:
`XM-DAC-41114`, `GB-COH-123456`, `XI-IATI-EC_INTPA`. The prefix starts with a two-letter
country code (or XI/XM); no spaces. `platform` is the operator's organisation (the bootstrap
key's, `gateway.auth.bootstrap_admin_key`), accepted for keys only."""
import re
from typing import Any

from marshmallow import ValidationError

PLATFORM_ORGANISATION = "platform"
EXAMPLE = "XM-DAC-41114"
_ORGANISATION_IDENTIFIER = re.compile(r"^[A-Za-z]{2}-[A-Za-z0-9][A-Za-z0-9._/:-]*$")
_MESSAGE = ("must be an IATI organisation identifier: a registration-agency prefix and an identifier, "
            f"e.g. {EXAMPLE} or GB-COH-123456 (letters, digits and . _ / : - only, no spaces)")


def is_organisation_identifier(value: str) -> bool:
    return bool(_ORGANISATION_IDENTIFIER.match(value))


def organisation_identifier_format(value: Any) -> None:
    """A marshmallow validator of an IATI organisation identifier."""
    if not is_organisation_identifier(value):
        raise ValidationError(_MESSAGE)


def key_organisation_format(value: Any) -> None:
    """The organisation of an API key: an IATI organisation identifier, or the operator's."""
    if value != PLATFORM_ORGANISATION:
        organisation_identifier_format(value)
