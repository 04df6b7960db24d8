"""Integration events: the envelope, the payload contracts and the broker topology."""
from shared.events.envelope import Envelope, make_envelope, load_envelope  # noqa: F401
from shared.events.contracts import CONTRACTS, contract_for, producer_of  # noqa: F401
