"""Payload contracts, one module per producing service; importing this package
registers them all."""
from shared.events.contracts import grants, metrics, programmes  # noqa: F401
from shared.events.contracts.registry import CONTRACTS, Contract, contract, contract_for, producer_of

__all__ = ["CONTRACTS", "Contract", "contract", "contract_for", "producer_of"]
