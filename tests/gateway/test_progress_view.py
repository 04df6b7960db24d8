"""Read your own writes in the gateway's progress view: a waiter is woken when a state that
includes its token arrives, and waits out its timeout otherwise (gateway.progress)."""
import threading

from gateway.progress import ProgressView


def test_a_waiter_is_woken_by_the_state_that_includes_its_token():
    view, answers = ProgressView(), []
    waiter = threading.Thread(target=lambda: answers.append(view.wait_for("plan", "t-1", 30)))
    waiter.start()
    view.put("plan", {"revision": 1, "figures": {}}, from_event=True)
    view.include("plan", ["t-0"])            # another write: still waiting
    view.put("plan", {"revision": 2, "figures": {"x": 1}}, from_event=True)
    view.include("plan", ["t-1"])
    waiter.join(30)
    assert answers == [True]
    assert view.wait_for("plan", "t-1", 0) is True          # remembered
    assert view._waiters == {}


def test_a_token_of_another_plan_or_never_included_runs_the_wait_out():
    view = ProgressView()
    view.include("other", ["t-1"])
    assert view.wait_for("plan", "t-1", 0.05) is False
    assert view._waiters == {}                               # the waiter does not linger
