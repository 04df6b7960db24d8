"""Fixtures of the grants service's unit tests (fakes in grants_testkit.py)."""
import pytest
from grants_testkit import FakeUnitOfWork, make_funded


@pytest.fixture
def uow():
    return FakeUnitOfWork()


@pytest.fixture
def funded(uow):
    """A USD fund with 100,000.00 received and an open call (envelope 100,000.00, 2 reviews)."""
    return make_funded(uow)
