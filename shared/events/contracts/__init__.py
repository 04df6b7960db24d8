"""Payload contracts, one module per producing service; importing this package
registers them all."""
from shared.events.contracts import grants, metrics, programmes  # noqa: F401,E402
from shared.events.contracts.registry import CONTRACTS, contract, contract_for, producer_of  # noqa: F401
