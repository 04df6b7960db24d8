"""The verdict of a run, in the style of the RabbitMQ Jepsen tests: compare, id by id, what
the API acknowledged with what the source service holds and how often metrics counted it.

An id whose every answer was indeterminate (a timeout, a 503, a lost connection) may or may
not have happened: it is neither lost when missing nor unexpected when present, but it must
still never be counted twice."""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    acknowledged: int                  # how many ids the API answered 2xx for
    indeterminate: int                 # how many ids only ever got an indeterminate answer
    lost: frozenset[str]               # acknowledged, but not in the sources or never counted
    duplicated: frozenset[str]         # counted more than once
    unexpected: frozenset[str]         # in the sources or counted, never asked for

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.unexpected)

    def summary(self) -> str:
        return (f"acknowledged {self.acknowledged}, indeterminate {self.indeterminate}, lost {len(self.lost)}, "
                f"counted twice {len(self.duplicated)}, unexpected {len(self.unexpected)}")


def check(acknowledged: Iterable[str], sources: Iterable[str], counted: Mapping[str, int],
          indeterminate: Iterable[str] = ()) -> Verdict:
    """`acknowledged`: ids answered 2xx; `sources`: ids the source service holds; `counted`:
    times metrics counted each id; `indeterminate`: ids asked for whose outcome is unknown
    (an id also acknowledged is acknowledged)."""
    acked, held = set(acknowledged), set(sources)
    unknown = set(indeterminate) - acked
    seen = held | {i for i, n in counted.items() if n > 0}
    return Verdict(
        acknowledged=len(acked), indeterminate=len(unknown),
        lost=frozenset(i for i in acked if i not in held or counted.get(i, 0) < 1),
        duplicated=frozenset(i for i, n in counted.items() if n > 1),
        unexpected=frozenset(seen - acked - unknown))
