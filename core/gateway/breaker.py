"""A circuit breaker shared by every client of one gateway (thread-safe, monotonic clock)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from core.gateway.errors import CircuitOpenError


class CircuitBreaker:
    """Opens after ``failures`` consecutive failed attempts; after ``reset_s`` lets one probe through."""

    def __init__(self, failures: int, reset_s: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._threshold = failures
        self._reset_s = reset_s
        self._clock = clock
        self._lock = threading.Lock()
        self._consecutive = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> str:
        """``closed``, ``open`` or ``half_open``."""
        with self._lock:
            if self._opened_at is None:
                return "closed"
            return "half_open" if self._clock() - self._opened_at >= self._reset_s else "open"

    def before_attempt(self) -> None:
        """Raise :class:`CircuitOpenError` unless an attempt may go out now."""
        with self._lock:
            if self._opened_at is None:
                return
            waited = self._clock() - self._opened_at
            if waited < self._reset_s or self._probing:
                left = max(0.0, self._reset_s - waited)
                raise CircuitOpenError(f"model server circuit open after repeated failures; retry in {left:.0f}s")
            self._probing = True

    def success(self) -> None:
        """An attempt succeeded: close the circuit."""
        with self._lock:
            self._consecutive = 0
            self._opened_at = None
            self._probing = False

    def failure(self) -> None:
        """An attempt failed: count it, opening (or re-opening) the circuit at the threshold."""
        with self._lock:
            self._consecutive += 1
            if self._probing or self._consecutive >= self._threshold:
                self._opened_at = self._clock()
            self._probing = False
