"""What the API acknowledged against what the sources hold and what metrics counts, by id
(in the style of the RabbitMQ Jepsen tests): lost, counted twice, unexpected."""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    lost: frozenset[str]        # acknowledged but not in the sources, or in the sources but never counted
    duplicated: frozenset[str]  # counted more than once
    unexpected: frozenset[str]  # in the sources or counted, yet never acknowledged nor left in doubt
    ok: bool


def check(acknowledged: Iterable[str], sources: Iterable[str], counted: Mapping[str, int],
          indeterminate: Iterable[str] = ()) -> Verdict:
    """`indeterminate`: requests whose outcome the client never learnt (a 5xx, a timeout):
    either way is fine for them, but if they are in the sources they must be counted once."""
    acked, held, doubtful = set(acknowledged), set(sources), set(indeterminate)
    counted_ids = {i for i, n in counted.items() if n > 0}
    lost = (acked - held) | {i for i in held if counted.get(i, 0) == 0}
    duplicated = {i for i, n in counted.items() if n > 1}
    unexpected = (held | counted_ids) - acked - doubtful
    return Verdict(frozenset(lost), frozenset(duplicated), frozenset(unexpected),
                   not (lost or duplicated or unexpected))
