"""Contracts of the events the metrics service produces."""
