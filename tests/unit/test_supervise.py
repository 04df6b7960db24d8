"""`make run`'s restart schedule (scripts.supervise), on a made-up clock and processes."""
from scripts.supervise import MAX_DELAY, Supervised, backoff


class Process:
    count = 0

    def __init__(self):
        Process.count += 1
        self.pid, self.code = 1000 + Process.count, None

    def poll(self):
        return self.code


def test_the_back_off_doubles_from_one_second_up_to_thirty():
    assert [backoff(n) for n in range(7)] == [1, 2, 4, 8, 16, 30, 30]
    assert backoff(50) == MAX_DELAY


def crash_and_wait(service, now):
    """Crash the process at `now`; returns the time it was restarted."""
    service.proc.code = -9
    service.check(now)
    due = service.restart_at
    service.check(due - 0.01)
    assert service.proc.code == -9, "restarted before its back-off"
    service.check(due)
    assert service.proc.code is None
    return due


def test_a_crashing_service_is_restarted_later_each_time_and_the_schedule_resets_after_a_minute_up():
    service = Supervised("programmes", Process, now=0.0)
    first = service.proc
    service.check(10.0)
    assert service.proc is first  # up: nothing to do

    now, delays = 10.0, []
    for _ in range(6):
        restarted = crash_and_wait(service, now)
        delays.append(restarted - now)
        now = restarted + 1  # crashes again a second after each start
    assert delays == [1, 2, 4, 8, 16, 30]

    restarted = crash_and_wait(service, now + 61)  # up for over a minute: back to 1 s
    assert restarted - (now + 61) == 1
    assert service.proc is not first
