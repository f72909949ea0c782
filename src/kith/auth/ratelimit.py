"""Sign-in throttling: a sliding window of failures per client address and per account.

In-process memory is enough for one web server; behind a load balancer, put the limit in the proxy as
well (documented). Why not a library: slowapi & co. limit requests, we limit *failures*.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from threading import Lock


class FailureLimiter:
    def __init__(self, max_failures: int = 5, window_s: float = 900.0) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        stamps = self._failures[key]
        while stamps and now - stamps[0] > self.window_s:
            stamps.popleft()
        return stamps

    def blocked_for(self, *keys: str) -> float:
        """Seconds until another attempt is allowed (0 when allowed)."""
        now = time.monotonic()
        with self._lock:
            waits = [
                self.window_s - (now - stamps[0])
                for stamps in (self._recent(key, now) for key in keys)
                if len(stamps) >= self.max_failures
            ]
        return max(waits, default=0.0)

    def fail(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeed(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
