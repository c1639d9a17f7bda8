"""Who calls the SOAP services: HTTP Basic, checked in constant time, throttled, audited.

- Constant time: an unknown username is verified against a dummy scrypt hash made with the
  same parameters, so that a wrong name costs as long as a wrong password and the response
  time does not tell which accounts exist; names are compared in constant time.
- Throttled like the console (admin/throttle.py): failures lock out a username (from every
  address) and an address (for every username) for a while; a locked-out caller is refused
  at once (429, ``Client.TooManyAttempts``), even with the right password, and costs no hash.
- Bounded: at most ``password_checks_at_once`` scrypt verifications run at once, so that a
  flood of guesses queues behind them instead of taking every core and the memory, and other
  clients' calls go on.
- A verified password is remembered for ``login_cache_seconds`` (as a digest with a random
  per-process pepper, never the password), so that an honest client pays scrypt once.
- Refused logins go to the audit log through ``audit``: ``soap-login-failed`` (a wrong name or
  password, malformed credentials) and ``soap-login-locked`` (once per lockout and address).
  A request without credentials is neither counted nor audited: many SOAP clients send the
  first request bare and answer the 401 challenge.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from adapters.soap.settings import Organisation, SoapSettings
from admin.throttle import LoginThrottle
from hub.passwords import hash_password, verify_password

log = logging.getLogger("omshub.soap")

Audit = Callable[[str, str, str, dict[str, Any]], None]
"""``audit(username, action, remote_addr, details)``: write one audit row."""
Find = Callable[[str], Organisation | None]
"""``find(username)``: the enabled organisation of a service account, read at each call
(adapters/soap/organisations.py); the configured entries by default."""

FAILED, LOCKED = "soap-login-failed", "soap-login-locked"
_SLOT_WAIT = 10.0  # seconds a call waits for a verification slot before 503
_CACHE_MAX = 10_000


@functools.cache
def dummy_hash() -> str:
    """An scrypt hash of nobody's password, with the parameters of real ones."""
    return hash_password("not a password of anyone")


@dataclass(frozen=True)
class Refusal:
    """A refused call: HTTP status, SOAP faultcode and its Russian text, extra headers."""

    status: str
    code: str
    text: str
    headers: tuple[tuple[str, str], ...] = ()


_CHALLENGE = (("WWW-Authenticate", 'Basic realm="omshub-erz", charset="UTF-8"'),)
UNAUTHENTICATED = Refusal("401 Unauthorized", "Client.Unauthenticated",
                          "нужны имя и пароль организации (HTTP Basic)", _CHALLENGE)
BUSY = Refusal("503 Service Unavailable", "Server.Busy",
               "сервис перегружен проверкой паролей; повторите запрос позже",
               (("Retry-After", "5"),))


def basic_credentials(header: str) -> tuple[str, str] | None:
    """``(username, password)`` of an ``Authorization: Basic`` header; ValueError if the
    header is Basic but malformed; None when there is no Basic header at all."""
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        text = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise ValueError("malformed Basic credentials") from None
    username, colon, password = text.partition(":")
    if not colon:
        raise ValueError("malformed Basic credentials")
    return username, password


class Authenticator:
    """Checks the credentials of each call (see the module docstring)."""

    def __init__(self, settings: SoapSettings, audit: Audit | None = None,
                 clock: Callable[[], float] = time.monotonic, *,
                 find: Find | None = None) -> None:
        self.settings = settings
        self.find: Find = find or settings.by_username
        self.throttle = LoginThrottle(
            per_user=settings.login_failures_per_user,
            per_addr=settings.login_failures_per_address,
            window=settings.login_window_seconds, lockout=settings.login_lockout_seconds,
            clock=clock)
        self._audit = audit
        self._clock = clock
        self._slots = threading.BoundedSemaphore(settings.password_checks_at_once)
        self._pepper = secrets.token_bytes(16)
        self._lock = threading.Lock()
        self._verified: dict[bytes, float] = {}  # digest of (user, hash, password) -> until
        self._locked_audited: dict[tuple[str, str], float] = {}
        dummy_hash()  # made now, not on the first unknown name (it would time differently)

    def authenticate(self, header: str, addr: str) -> Organisation | Refusal:
        """The calling organisation, or why it is refused."""
        try:
            credentials = basic_credentials(header)
        except ValueError:
            return self._failed("", addr, "malformed credentials")
        if credentials is None:
            return UNAUTHENTICATED
        username, password = credentials
        if (locked := self._locked(username, addr)) is not None:
            return locked
        org = self.find(username)
        stored = org.password_hash if org is not None else dummy_hash()
        key = hashlib.sha256(b"\0".join((self._pepper, username.encode(), stored.encode(),
                                         password.encode()))).digest()
        if org is not None and self._remembered(key):
            self.throttle.succeeded(username, addr)
            return org
        if not self._slots.acquire(timeout=_SLOT_WAIT):
            return BUSY
        try:
            # Failures counted while this call waited for its slot may have locked it out.
            if (locked := self._locked(username, addr)) is not None:
                return locked
            right = verify_password(password, stored)  # the dummy for an unknown name
        finally:
            self._slots.release()
        if org is None or not right:
            return self._failed(username, addr, "wrong password" if org else "unknown user")
        self._remember(key)
        self.throttle.succeeded(username, addr)
        return org

    def _failed(self, username: str, addr: str, why: str) -> Refusal:
        self.throttle.failed(username, addr)
        log.warning("SOAP call refused: %s (%r) from %s", why, username[:100], addr)
        self._write(username, FAILED, addr, {"reason": why})
        return UNAUTHENTICATED

    def _locked(self, username: str, addr: str) -> Refusal | None:
        wait = self.throttle.retry_after(username, addr)
        if wait <= 0:
            return None
        now = self._clock()
        with self._lock:
            first = self._locked_audited.get((username, addr), 0.0) <= now
            if first:
                if len(self._locked_audited) > _CACHE_MAX:
                    self._locked_audited.clear()
                self._locked_audited[(username, addr)] = now + wait
        if first:
            log.warning("SOAP login locked out: %r from %s for %d s", username[:100], addr,
                        int(wait) + 1)
            self._write(username, LOCKED, addr, {"retry_after": int(wait) + 1})
        seconds = int(wait) + 1
        return Refusal("429 Too Many Requests", "Client.TooManyAttempts",
                       f"слишком много неудачных попыток входа; повторите через {seconds} с",
                       (("Retry-After", str(seconds)),))

    def _remembered(self, key: bytes) -> bool:
        now = self._clock()
        with self._lock:
            return self._verified.get(key, 0.0) > now

    def _remember(self, key: bytes) -> None:
        if self.settings.login_cache_seconds <= 0:
            return
        now = self._clock()
        with self._lock:
            if len(self._verified) >= _CACHE_MAX:
                self._verified = {k: t for k, t in self._verified.items() if t > now}
            if len(self._verified) < _CACHE_MAX:
                self._verified[key] = now + self.settings.login_cache_seconds

    def _write(self, username: str, action: str, addr: str, details: dict[str, Any]) -> None:
        if self._audit is None:
            return
        try:
            self._audit(username, action, addr, details)
        except Exception as exc:  # noqa: BLE001 - the refusal stands; the log says why
            log.error("audit of %s for %r from %s not written: %r", action, username[:100],
                      addr, exc)
