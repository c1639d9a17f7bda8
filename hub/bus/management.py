"""Unacknowledged counts from RabbitMQ's management HTTP API (plugin ``rabbitmq_management``).

AMQP tells a queue's ready messages and consumers (a passive declare), not how many
deliveries consumers hold unacknowledged; RabbitMQ tells that over HTTP only. A broker URL
names the API with its ``management`` parameter, which the AMQP backends take out before
connecting::

    amqp://hub:secret@rabbit:5672/omshub?management=http://rabbit:15672

The API is asked with the URL's own user and password, for the URL's virtual host. Its
figures lag the queue by up to the broker's statistics interval (5 s by default). An API
that does not answer is not asked again for :data:`RETRY_SECONDS`: a console page must not
wait on it each time.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass

from hub.bus.base import Unknown

PARAMETER = "management"
RETRY_SECONDS = 30.0
TIMEOUT = 2.0


class ManagementUnavailable(Exception):
    """The management API did not answer, or answered with an error."""


def split_url(url: str) -> tuple[str, Management | None]:
    """The broker URL without its ``management`` parameter, and the API it names (if any)."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    api = [v for k, v in query if k == PARAMETER]
    if not api:
        return url, None
    rest = urllib.parse.urlencode([(k, v) for k, v in query if k != PARAMETER])
    amqp = urllib.parse.urlunsplit(parts._replace(query=rest))
    vhost = urllib.parse.unquote(parts.path[1:]) if len(parts.path) > 1 else "/"
    return amqp, Management(api[-1], urllib.parse.unquote(parts.username or "guest"),
                            urllib.parse.unquote(parts.password or "guest"), vhost)


@dataclass
class Management:
    """The management API of one virtual host."""

    base: str
    user: str
    password: str
    vhost: str
    timeout: float = TIMEOUT

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._failed_at: float | None = None

    def unacked(self, queue: str) -> int | None:
        """Messages delivered from ``queue`` and not yet acknowledged; None when the queue
        is not there. Raises :class:`ManagementUnavailable`."""
        with self._lock:
            if self._failed_at is not None and (
                    time.monotonic() - self._failed_at < RETRY_SECONDS):
                raise ManagementUnavailable("not asked again yet")
        path = "/api/queues/{}/{}".format(*(urllib.parse.quote(v, safe="")
                                            for v in (self.vhost, queue)))
        url = self.base.rstrip("/") + path
        credentials = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        request = urllib.request.Request(url, headers={"Authorization": f"Basic {credentials}"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                body = json.load(answer)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            self._failed()
            raise ManagementUnavailable(f"HTTP {exc.code}") from exc
        except (OSError, ValueError) as exc:
            self._failed()
            raise ManagementUnavailable(str(exc)) from exc
        with self._lock:
            self._failed_at = None
        # A queue no consumer has touched yet has no message statistics: none held.
        return int(body.get("messages_unacknowledged") or 0)

    def _failed(self) -> None:
        with self._lock:
            self._failed_at = time.monotonic()


def unacked_of(management: Management | None, queue: str) -> tuple[int | None, Unknown | None]:
    """``queue``'s unacknowledged count as the management API tells it, or None and why not.
    A queue the API does not list yet (its statistics lag) holds none."""
    if management is None:
        return None, Unknown.AMQP_UNACKED
    try:
        return management.unacked(queue) or 0, None
    except ManagementUnavailable:
        return None, Unknown.MANAGEMENT_UNAVAILABLE
