"""The metrics service's clock: the date at which time-dependent status (on_track, at_risk,
...) is evaluated. Tests replace `now` (e.g. monkeypatch metrics.clock.now)."""
from datetime import date, datetime

from shared.events.fields import utcnow


def now() -> datetime:
    return utcnow()


def today() -> date:
    return now().date()
