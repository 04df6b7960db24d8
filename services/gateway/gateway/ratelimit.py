"""Rate limiting: a token bucket per API key (per client address for anonymous calls, see
gateway.client_address). RATE_LIMIT_PER_MINUTE is the refill rate, RATE_LIMIT_BURST the
bucket size (both per key).

With REDIS_URL the buckets live in Redis and every replica shares them
(gateway.ratelimit_redis); without it they live in the gateway process, and with N replicas
behind a balancer a client gets up to N times the rate."""
import math
import threading
import time
from collections import OrderedDict


def limiter_for(config):
    """The gateway's limiter from its config: shared through Redis when REDIS_URL is set."""
    per_minute = float(config.get("RATE_LIMIT_PER_MINUTE", 600))
    burst = float(config.get("RATE_LIMIT_BURST", 60))
    if config.get("REDIS_URL"):
        from gateway.ratelimit_redis import RedisRateLimiter
        return RedisRateLimiter(config["REDIS_URL"], per_minute, burst,
                                prefix=config.get("RATE_LIMIT_REDIS_PREFIX") or "gateway:ratelimit:")
    return RateLimiter(per_minute, burst)


class TokenBucket:
    """`capacity` tokens, refilled at `rate` tokens per second."""

    __slots__ = ("capacity", "rate", "tokens", "updated")

    def __init__(self, capacity: float, rate: float, now: float):
        self.capacity, self.rate = float(capacity), float(rate)
        self.tokens, self.updated = float(capacity), now

    def take(self, now: float, cost: float = 1.0) -> float:
        """Take `cost` tokens: returns 0.0 if allowed, else the seconds until it would be."""
        if now > self.updated:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
            self.updated = now
        if self.tokens >= cost:
            self.tokens -= cost
            return 0.0
        if self.rate <= 0:
            return math.inf
        return (cost - self.tokens) / self.rate


class RateLimiter:
    """Buckets by identity (LRU-bounded so anonymous addresses cannot exhaust memory)."""

    def __init__(self, per_minute: float, burst: float, *, clock=time.monotonic, max_buckets: int = 100_000):
        self.rate = float(per_minute) / 60.0
        self.burst = max(1.0, float(burst))
        self.clock = clock
        self.max_buckets = max_buckets
        self.enabled = per_minute > 0
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, identity: str) -> int:
        """0 if the call may go ahead, else the whole seconds to wait (for Retry-After)."""
        if not self.enabled:
            return 0
        now = self.clock()
        with self._lock:
            bucket = self._buckets.get(identity)
            if bucket is None:
                bucket = self._buckets[identity] = TokenBucket(self.burst, self.rate, now)
                if len(self._buckets) > self.max_buckets:
                    self._buckets.popitem(last=False)
            else:
                self._buckets.move_to_end(identity)
            wait = bucket.take(now)
        if wait == 0.0:
            return 0
        return max(1, math.ceil(wait)) if wait != math.inf else 3600
