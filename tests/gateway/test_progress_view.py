"""Read your own writes in the gateway's progress view: a waiter is woken when a state that
includes its token arrives, and waits out its timeout otherwise (gateway.progress); and the
progress read answered from the view by the entrypoint, with no worker, when the view can."""
import threading
from datetime import date
from types import SimpleNamespace

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.progress import INCLUDED_HEADER, REMEMBERED_SECONDS, WAITED, ProgressView, default_plan_id
from gateway.routes.metrics import _from_view


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


def test_tokens_are_remembered_for_a_while_not_for_ever():
    now = [0.0]
    view = ProgressView(clock=lambda: now[0])
    view.include("plan", ["old"])
    now[0] = REMEMBERED_SECONDS - 1
    view.include("plan", ["recent"])
    assert view.wait_for("plan", "old", 0) is True           # still within the window
    now[0] = REMEMBERED_SECONDS + 1
    view.include("plan", ["new"])                             # forgets what is older than the window
    assert [view.wait_for("plan", t, 0) for t in ("old", "recent", "new")] == [False, True, True]
    assert len(view._included) == 2


def test_the_progress_read_is_answered_from_the_view_without_a_worker_only_when_the_view_can():
    def request(query, **environ):
        req = Request(EnvironBuilder(path="/v1/objective/progress").get_environ())
        req.environ.update({"platform.query": query, **environ})
        return req
    state = SimpleNamespace(progress=ProgressView())
    assert _from_view(state, request({})) is None                # nothing held yet: the route asks metrics
    entry = state.progress.put(default_plan_id(), {"revision": 3, "figures": {"x": 1}}, from_event=True)
    answer = _from_view(state, request({}, **{WAITED: False}))
    assert answer.get_data() == entry.body and answer.headers["ETag"] == entry.etag
    assert answer.headers[INCLUDED_HEADER] == "not-included"
    assert _from_view(state, request({"as_of": date(2024, 1, 1)})) is None   # as of a date: metrics' history
