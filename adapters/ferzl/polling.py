"""The Start/Poll loop of ФЕРЗЛ's asynchronous operations, as a pure function of callables.

``…Start`` returns an operation token; ``…Poll`` with it answers «в обработке» until the
result is ready (``processingStatus`` COMPLETED and the zipped CSV by MTOM) or failed.
:func:`run` polls on a growing schedule until a deadline; a token that fails or expires is
started again a bounded number of times; a token that never completes ends with
:class:`PollTimeout` after the deadline. Time and sleeping are injected, so the scheduler's
job and the tests drive it alike (the job sleeps on its stop event).

:func:`status_of` reads a Poll answer's ``processingStatus``: the spec lists «готов, в
обработке, ошибка» without the values; the examples show COMPLETED. An unknown value is taken
as still in progress (the deadline bounds it).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from lxml import etree

T = TypeVar("T")

DONE_STATUSES = frozenset({"COMPLETED", "COMPLETE", "DONE", "READY", "SUCCESS"})
FAILED_STATUSES = frozenset({"ERROR", "FAILED", "FAIL", "FAILURE", "EXPIRED", "CANCELLED",
                             "CANCELED", "NOT_FOUND", "REJECTED"})


@dataclass(frozen=True, slots=True)
class Pending:
    """The operation is still being prepared."""

    status: str = ""


@dataclass(frozen=True, slots=True)
class Done(Generic[T]):
    """The operation's result is ready."""

    result: T


@dataclass(frozen=True, slots=True)
class Failed:
    """The token failed or expired: start again (the cause is kept)."""

    cause: str


class PollError(Exception):
    """The operation did not complete; the message (Russian) says why, for the journal."""

    def __init__(self, message: str, attempts: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.attempts = attempts
        """Each token tried and how it ended."""


class PollTimeout(PollError):
    """The deadline passed while a token was still pending."""


class PollFailed(PollError):
    """Every start allowed failed."""


@dataclass(frozen=True)
class Backoff:
    """Pauses between polls: ``first``, growing by ``factor`` up to ``cap`` seconds."""

    first: float = 5.0
    factor: float = 2.0
    cap: float = 300.0

    def __iter__(self) -> Iterator[float]:
        delay = self.first
        while True:
            yield delay
            delay = min(delay * self.factor, self.cap)


@dataclass
class Progress:
    """What the loop has done so far (for the console's operations in flight)."""

    token: str = ""
    starts: int = 0
    polls: int = 0
    status: str = ""
    attempts: list[str] = field(default_factory=list)


def run(start: Callable[[], str], poll: Callable[[str], Pending | Done[T] | Failed], *,
        deadline: float, schedule: Backoff | None = None, restarts: int = 2,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
        progress: Progress | None = None) -> T:
    """Start the operation and poll it until its result, within ``deadline`` seconds.

    A :class:`Failed` token is started again, at most ``restarts`` times (then
    :class:`PollFailed`); when the deadline passes first, :class:`PollTimeout`. ``sleep``
    returning true means stop (an event's ``wait``): the loop ends with :class:`PollTimeout`.
    Exceptions of ``start`` and ``poll`` propagate (the caller decides what is transient).
    """
    track = progress if progress is not None else Progress()
    ends = clock() + deadline
    for _ in range(restarts + 1):
        track.token = start()
        track.starts += 1
        outcome = _poll_token(track, poll, ends, schedule or Backoff(), clock, sleep)
        if isinstance(outcome, Done):
            return outcome.result
        track.attempts.append(f"{track.token}: {outcome.cause}")
        if outcome.cause == _TIMED_OUT or clock() >= ends:
            break
    attempts = tuple(track.attempts)
    if track.attempts and track.attempts[-1].endswith(_TIMED_OUT):
        raise PollTimeout(f"операция ФЕРЗЛ не завершилась за {deadline:g} с (токен "
                          f"{track.token}, последний статус «{track.status or 'нет'}»)",
                          attempts)
    raise PollFailed(f"операция ФЕРЗЛ не удалась после {track.starts} запусков: "
                     + "; ".join(attempts), attempts)


_TIMED_OUT = "срок ожидания истёк"


def _poll_token(track: Progress, poll: Callable[[str], Pending | Done[T] | Failed],
                ends: float, schedule: Backoff, clock: Callable[[], float],
                sleep: Callable[[float], object]) -> Done[T] | Failed:
    """Poll one token until it is done, fails, or the deadline passes (a Failed then)."""
    for delay in schedule:
        left = ends - clock()
        if left <= 0:
            return Failed(_TIMED_OUT)
        if sleep(min(delay, left)):
            return Failed(_TIMED_OUT)  # asked to stop
        outcome = poll(track.token)
        track.polls += 1
        if isinstance(outcome, Pending):
            track.status = outcome.status
            continue
        return outcome
    raise AssertionError("a backoff schedule never ends")


def status_of(payload: etree._Element) -> str:
    """A Poll answer's ``processingStatus`` (upper case; "" when absent)."""
    for element in payload.iter("{*}processingStatus"):
        return (element.text or "").strip().upper()
    return ""


def outcome_of(payload: etree._Element, result: Callable[[], T]) -> Pending | Done[T] | Failed:
    """The loop's view of a Poll answer; ``result`` makes the result when it is ready."""
    status = status_of(payload)
    if status in DONE_STATUSES:
        return Done(result())
    if status in FAILED_STATUSES:
        return Failed(f"ФЕРЗЛ вернул статус {status}")
    return Pending(status)
