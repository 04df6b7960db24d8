"""Integration events: the envelope, the payload contracts and the broker topology."""
from shared.events.contracts import CONTRACTS, contract_for, producer_of  # noqa: F401
from shared.events.envelope import Envelope, load_envelope, make_envelope  # noqa: F401
