"""schemathesis over the gateway's whole OpenAPI document against the running platform
(SQLite): no 5xx, and every response as documented (status, content type, schema); then its
stateful phase, following the document's links, with an admin and with a partner key.
Bounded for `make test`; `make fuzz` runs the long version."""
import os
import re

import pytest

from tests.e2e.conftest import ADMIN_KEY, running_platform
from tests.gateway.fuzz import partner_key, run_schemathesis

pytestmark = [pytest.mark.e2e, pytest.mark.broker]

MAX_TIME = int(os.environ.get("FUZZ_CI_MAX_TIME", 120))
# Seconds of stateful testing, shared by the admin and the partner run.
STATEFUL_TIME = int(os.environ.get("FUZZ_CI_STATEFUL_TIME", 120))


@pytest.fixture(scope="module")
def sqlite_platform(vhost_factory, postgres_database_factory, tmp_path_factory, request):
    with running_platform("sqlite", vhost_factory, postgres_database_factory, tmp_path_factory,
                          session=request.session, RATE_LIMIT_PER_MINUTE="600000",
                          RATE_LIMIT_BURST="100000") as base:
        yield base


@pytest.mark.timeout(MAX_TIME + 240)
def test_schemathesis_finds_no_server_error_and_no_undocumented_response(sqlite_platform, tmp_path):
    result = run_schemathesis(sqlite_platform, ADMIN_KEY, max_examples=5, max_time=MAX_TIME,
                              phases="examples,coverage,fuzzing", capture=True)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-20000:]


@pytest.mark.timeout(STATEFUL_TIME + 240)
@pytest.mark.parametrize("role", ["admin", "partner"])
def test_stateful_schemathesis_follows_links_without_server_error(sqlite_platform, role):
    key = ADMIN_KEY if role == "admin" else partner_key(sqlite_platform, ADMIN_KEY)
    result = run_schemathesis(sqlite_platform, key, max_time=max(STATEFUL_TIME // 2, 1), phases="stateful",
                              capture=True)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-20000:]
    links = re.search(r"API Links:\s+(\d+) covered / (\d+) selected", output)
    assert links, output[-5000:]
    if role == "admin":  # it may create anything, so some of its creates are followed
        assert int(links[1]) > 0, output[-5000:]
