"""`make fuzz`'s valid values (tests/gateway/fuzz_values.py): read from the routes' schemas, each
one accepted by the field it is bound to, and a configuration schemathesis loads."""
import warnings

import pytest
from marshmallow import ValidationError
from schemathesis.config import SchemathesisConfig

from shared import plan
from tests.gateway import fuzz_values
from tests.gateway.fuzz import STATEFUL_CONFIG


@pytest.fixture(scope="module")
def routes():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # eventlet's deprecation, from importing the gateway
        return fuzz_values.gateway_routes()


def _accepts(field, value) -> bool:
    try:
        field.deserialize(value)
    except ValidationError:
        return False
    return True


def test_every_bound_field_accepts_its_values(routes):
    bound = 0
    for operation_id, _, body in routes:
        for path, field in fuzz_values._fields(body(), "body"):
            found = fuzz_values._codes(field)
            if found is None:
                continue
            bound += 1
            name, values = found
            accepted = [value for value in values if _accepts(field, value)]
            # Decimals meet their format; a field's range may still refuse some of them.
            assert accepted == values if name != "decimals" else accepted, f"{operation_id} {path}: {name}"
    assert bound > 50


def test_the_codes_come_from_the_schemas_and_the_plan(routes):
    dictionaries, by_operation = fuzz_values.bindings(routes)
    fund = by_operation["create_fund"]
    assert fund["body.currency"] == "currencies" and fund["body.eligible_countries[*]"] == "countries"
    assert dictionaries[fund["body.window"]] == sorted(plan.window_codes())
    programme = by_operation["create_programme"]
    assert dictionaries[programme["body.funding_window"]] == sorted(plan.window_codes())
    assert programme["body.budget.amount"] == "decimals"


def test_schemathesis_loads_the_configuration():
    config = SchemathesisConfig.from_str(STATEFUL_CONFIG.format(max_steps=7) + "\n" + fuzz_values.toml())
    assert config.projects.default.phases.stateful.max_steps == 7
    assert "currencies" in config.projects.default.dictionaries
