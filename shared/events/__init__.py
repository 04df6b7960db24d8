"""Integration events: the envelope, the payload contracts and the broker topology."""
from shared.events.contracts import CONTRACTS, Contract, contract_for, producer_of
from shared.events.envelope import Envelope, load_envelope, make_envelope

__all__ = ["CONTRACTS", "Contract", "Envelope", "contract_for", "load_envelope", "make_envelope", "producer_of"]
