"""Fixtures of the grants service's unit tests (fakes in grants_testkit.py, requests in
grants_requests.py)."""
from datetime import date, timedelta

import pytest
from grants_requests import award, make_funded, reviewed_application, signed, usd
from grants_testkit import FakeUnitOfWork


@pytest.fixture
def uow():
    return FakeUnitOfWork()


@pytest.fixture
def funded(uow):
    """A USD fund with 100,000.00 received and an open call (envelope 100,000.00, 2 reviews)."""
    return make_funded(uow)


@pytest.fixture
def grant(uow, funded):
    """An awarded grant, its agreement signed and countersigned: two tranches (the second released
    by report 1's approval), a mid-term and a final report."""
    app = reviewed_application(uow, funded["call"]["id"])
    return signed(uow, award(uow, app["id"], tranches=[
        {"amount": usd("30000")}, {"amount": usd("10000"), "condition": "report_approved", "report": 1}], reports=[
        {"title": "Mid-term report", "due_date": (date.today() + timedelta(days=90)).isoformat()},
        {"title": "Final report", "due_date": (date.today() + timedelta(days=360)).isoformat(), "final": True}])[
        "grant"])
