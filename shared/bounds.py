"""The largest numbers the platform accepts, once for every producer and consumer.

A value the API accepts must be representable wherever it travels, sums included, or an
approved value would be parked by a consumer and silently never count. Where they go:

- result values (and their disaggregated parts, indicator baselines and targets): programmes
  stores them as NUMERIC(24, 4) (`ExactDecimal`, on SQLite an INTEGER of value x 10**4);
  metrics keeps them as BIGINT fixed-point integers scaled by 10**VALUE_PLACES and sums them
  into its aggregates (`value = value + delta`), in Python and in SQL.
- money: grants stores NUMERIC(20, 2); metrics keeps BIGINT cents and sums them per fund,
  country, programme...; contributions in another currency are converted at a rate of at most
  MAX_RATE and the converted amount is bounded again (grants.domain.check_ceiling).

The bounds are chosen so that the sums consumers compute fit a signed 64-bit integer for
SUM_CAPACITY values at the maximum (tests/unit/test_bounds.py checks the arithmetic):

- MAX_VALUE = 10**9 (a billion people or units, far above any programme; 20 million is the
  plan's whole objective) scaled by 10**4 is 10**13; 2**63 - 1 holds 922,337 of them.
- MAX_MONEY = 10**9 in any currency (catches misplaced decimal points) in cents is 10**11;
  2**63 - 1 holds 92 million of them.
- MAX_RATE x MAX_MONEY = 10**15 still fits NUMERIC(20, 2), so a conversion is computed exactly
  before its result is checked against MAX_MONEY.
- Whole numbers stored in INTEGER columns (tranche and report numbers) stop at MAX_NUMBER, a
  city's population (BIGINT) at MAX_POPULATION."""
from decimal import Decimal

VALUE_PLACES = 4
MAX_VALUE = Decimal(10) ** 9

MONEY_PLACES = 2
MAX_MONEY = Decimal(10) ** 9

RATE_PLACES = 10
MAX_RATE = Decimal(10) ** 6

# People living in one city (BIGINT in programmes; more than the largest city by far).
MAX_POPULATION = 10 ** 9

# Numbers of things within one object (a grant's tranches and reports): PostgreSQL INTEGER.
MAX_NUMBER = 2 ** 31 - 1

INT64_MAX = 2 ** 63 - 1
# How many values at the maximum a consumer's 64-bit sum must hold.
SUM_CAPACITY = 900_000
