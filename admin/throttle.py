"""Login throttling: repeated failures for one account or from one address lock them out.

Kept in the console process's memory: it slows down guessing through the form and the
API's Basic auth; it is not a substitute for network controls in front of the console.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Failures:
    times: list[float] = field(default_factory=list)
    locked_until: float = 0.0


class LoginThrottle:
    """Locks an account after ``per_user`` failures, an address after ``per_addr`` failures,
    both within ``window`` seconds, for ``lockout`` seconds."""

    def __init__(
        self,
        *,
        per_user: int = 5,
        per_addr: int = 20,
        window: float = 900.0,
        lockout: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_user = per_user
        self.per_addr = per_addr
        self.window = window
        self.lockout = lockout
        self._clock = clock
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str], _Failures] = {}

    def _keys(self, username: str, addr: str) -> list[tuple[tuple[str, str], int]]:
        return [(("user", username.lower()), self.per_user), (("addr", addr), self.per_addr)]

    def retry_after(self, username: str, addr: str) -> float:
        """Seconds until a login may be tried again (0 when it may be tried now)."""
        now = self._clock()
        with self._lock:
            waits = [
                f.locked_until - now
                for key, _ in self._keys(username, addr)
                if (f := self._seen.get(key)) is not None
            ]
        return max([0.0, *waits])

    def failed(self, username: str, addr: str) -> None:
        """Count a failed login."""
        now = self._clock()
        with self._lock:
            for key, limit in self._keys(username, addr):
                f = self._seen.setdefault(key, _Failures())
                f.times = [t for t in f.times if now - t < self.window] + [now]
                if len(f.times) >= limit:
                    f.locked_until = now + self.lockout
                    f.times.clear()
            if len(self._seen) > 100_000:  # forget the oldest entries rather than grow
                for key in list(self._seen)[:50_000]:
                    del self._seen[key]

    def succeeded(self, username: str, addr: str) -> None:
        """Forget the account's failures after a successful login."""
        with self._lock:
            self._seen.pop(("user", username.lower()), None)
