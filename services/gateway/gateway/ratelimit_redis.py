"""Token buckets in Redis (REDIS_URL), so that a key's limit holds across gateway replicas.

One Lua script takes a token atomically (no read-modify-write race between replicas) on the
Redis server's clock (replicas' clocks may differ); a bucket is a hash under
RATE_LIMIT_REDIS_PREFIX + identity that expires once it would be full again anyway.

Redis away must not turn requests into 500s, nor switch limits off: while Redis does not
answer, each replica falls back to its in-process buckets (gateway.ratelimit.RateLimiter), logs
a warning, counts the failure (`failures`) and tries Redis again after RETRY_SECONDS."""
import logging
import math
import time

import redis

from gateway.ratelimit import RateLimiter

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
TIMEOUT_SECONDS = 0.25  # a slow Redis costs a request at most this, then the fallback

# KEYS[1] the bucket; ARGV: capacity, refill per second, cost. Returns the seconds to wait
# (0 when a token was taken), as a string: Lua numbers would come back truncated to integers.
TAKE = """
local capacity, rate, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens, updated = tonumber(state[1]) or capacity, tonumber(state[2]) or now
if now > updated then
  tokens = math.min(capacity, tokens + (now - updated) * rate)
  updated = now
end
local wait = 0
if tokens >= cost then tokens = tokens - cost else wait = (cost - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(updated))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate * 1000) + 1000)
return tostring(wait)
"""


class RedisRateLimiter:
    """`check(identity)` like RateLimiter's, on buckets shared by every replica."""

    def __init__(self, url: str, per_minute: float, burst: float, *, prefix: str = "gateway:ratelimit:",
                 clock=time.monotonic):
        self.fallback = RateLimiter(per_minute, burst, clock=clock)
        self.rate, self.burst, self.enabled = self.fallback.rate, self.fallback.burst, self.fallback.enabled
        self.prefix, self.clock = prefix, clock
        self.client = redis.Redis.from_url(url, socket_timeout=TIMEOUT_SECONDS,
                                           socket_connect_timeout=TIMEOUT_SECONDS)
        self.take = self.client.register_script(TAKE)
        self.failures = 0
        self._retry_at = 0.0

    def check(self, identity: str) -> int:
        """0 if the call may go ahead, else the whole seconds to wait (for Retry-After)."""
        if not self.enabled:
            return 0
        if self.clock() < self._retry_at:
            return self.fallback.check(identity)
        try:
            wait = float(self.take(keys=[self.prefix + identity], args=[self.burst, self.rate, 1]))
        except (redis.RedisError, OSError, ValueError) as exc:
            self.failures += 1
            self._retry_at = self.clock() + RETRY_SECONDS
            log.warning("rate limits: Redis did not answer (%s; %d failures so far); in-process buckets "
                        "for %.0f s", exc, self.failures, RETRY_SECONDS)
            return self.fallback.check(identity)
        return 0 if wait <= 0 else max(1, math.ceil(wait))
