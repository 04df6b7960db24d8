"""`make chaos`: the platform as real processes under a steady stream of approvals, faults
injected (chaos/scenarios/), then a Jepsen-style check (chaos/checker.py) of what the API
acknowledged against what programmes holds and what metrics counted. docs/reliability.md."""
