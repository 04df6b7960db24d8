"""Who subscribes to what: one module per consuming service, each a list of
(consumer, event type) pairs. topology.py gathers them."""
