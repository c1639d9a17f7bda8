"""Issue 9, findings 10, 11 and the SOAP part of 5: the SOAP services under attack.

- 10: a wrong name costs a password check like a wrong password (no timing oracle), failed
  logins lock the name and the address out, and a flood of guesses neither takes more than
  ``password_checks_at_once`` cores nor breaks other clients' calls;
- 11: the body is read bounded, whatever ``Content-Length`` says or however it is streamed;
- 5: refused logins are in the audit log with the name tried, when and from where;
- 9 (SOAP): ``X-Forwarded-For`` chooses the address a caller is known by only when it comes
  from one of the operator's ``trusted_proxies``.

Requests go over raw HTTP (http.client, sockets) to the real running server.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import select
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from contracts.envelope import utcnow
from hub.testing import wait_for
from storage.models import audit_log
from tests.adapters.soap.conftest import ANNA, PASSWORDS, PAVEL, Services, serving
from tests.conftest import Footprint

EMBEDDED = pytest.mark.parametrize("footprint", ["embedded"], indirect=True)
ATTACKER = "127.0.0.2"  # loopback, but another address than the honest clients' 127.0.0.1
ENVELOPE = ('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
            'xmlns:e="urn:omshub:erz:1"><soap:Body><e:getPerson><e:enp>{enp}</e:enp>'
            '</e:getPerson></soap:Body></soap:Envelope>')


@dataclass
class Answer:
    """An HTTP answer of the service."""

    status: int
    text: str
    headers: dict[str, str]


def _auth(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def call(url: str, user: str, password: str | None = None, *, enp: str = ANNA,
         source: str = "127.0.0.1", headers: dict[str, str] | None = None) -> Answer:
    """getPerson over a fresh connection from ``source``; the right password by default."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=60,
                                      source_address=(source, 0))
    try:
        conn.request("POST", parts.path, body=ENVELOPE.format(enp=enp).encode(), headers={
            "Authorization": _auth(user, PASSWORDS[user] if password is None else password),
            "Content-Type": "text/xml; charset=utf-8", **(headers or {})})
        got = conn.getresponse()
        return Answer(got.status, got.read().decode(), dict(got.getheaders()))
    finally:
        conn.close()


@dataclass
class ScryptMeter:
    """Counts scrypt runs and how many ran at once."""

    calls: int = 0
    running: int = 0
    most: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def scrypt(monkeypatch: pytest.MonkeyPatch) -> ScryptMeter:
    """hashlib.scrypt, metered (the services' password checks call it)."""
    meter = ScryptMeter()
    real = hashlib.scrypt

    def metered(*args: Any, **kw: Any) -> bytes:
        with meter.lock:
            meter.calls += 1
            meter.running += 1
            meter.most = max(meter.most, meter.running)
        try:
            return real(*args, **kw)
        finally:
            with meter.lock:
                meter.running -= 1

    monkeypatch.setattr(hashlib, "scrypt", metered)
    return meter


def _audit(services: Services, action: str) -> list[Any]:
    with services.hub.db.read() as conn:
        return list(conn.execute(sa.select(audit_log).where(audit_log.c.action == action)
                                 .order_by(audit_log.c.id)))


# -- finding 10: constant time ------------------------------------------------------------


@EMBEDDED
def test_an_unknown_name_costs_a_password_check_like_a_wrong_password(
        footprint: Footprint, tmp_path: Path, scrypt: ScryptMeter) -> None:
    with serving(footprint, tmp_path, login_failures_per_user=100,
                 login_failures_per_address=100) as services:
        before = scrypt.calls
        assert call(services.url, "mo-a", "wrong").status == 401
        assert scrypt.calls == before + 1
        assert call(services.url, "nobody-here", "wrong").status == 401
        assert scrypt.calls == before + 2  # the dummy hash, checked like a real one

        took: dict[str, list[float]] = {"mo-a": [], "nobody-here": []}
        for i in range(9):  # interleaved, so that a burst of load hits both alike
            for user, times in took.items():
                start = time.perf_counter()
                assert call(services.url, user, f"wrong-{i}").status == 401
                times.append(time.perf_counter() - start)
        known, unknown = (statistics.median(t) for t in took.values())
        # Before: 52 ms against 3 ms. Loose bounds: the machine is shared and loaded.
        assert 0.33 < unknown / known < 3, (known, unknown)


# -- finding 10: throttling -----------------------------------------------------------------


@EMBEDDED
def test_failures_lock_the_name_out_even_with_the_right_password_until_the_lockout_ends(
        footprint: Footprint, tmp_path: Path, scrypt: ScryptMeter) -> None:
    with serving(footprint, tmp_path, login_failures_per_user=3,
                 login_lockout_seconds=3) as services:
        for i in range(3):
            assert call(services.url, "mo-a", f"guess-{i}").status == 401
        checks = scrypt.calls
        locked = call(services.url, "mo-a")  # the right password
        assert locked.status == 429, locked
        assert "Client.TooManyAttempts" in locked.text
        assert "слишком много неудачных попыток" in locked.text
        assert int(locked.headers["Retry-After"]) >= 1
        assert scrypt.calls == checks  # a locked-out call costs no hash
        wait_for(lambda: call(services.url, "mo-a").status == 200, timeout=30,
                 message="mo-a let in again after the lockout")


@EMBEDDED
def test_a_locked_out_attacker_does_not_lock_out_another_organisation(
        footprint: Footprint, tmp_path: Path) -> None:
    with serving(footprint, tmp_path, login_failures_per_user=3,
                 login_failures_per_address=5) as services:
        for i in range(5):
            call(services.url, "mo-a" if i < 3 else f"user-{i}", "guess", source=ATTACKER)
        assert call(services.url, "smo-a", source=ATTACKER).status == 429  # the address
        assert call(services.url, "mo-a").status == 429  # the name, from anywhere
        answer = call(services.url, "mo-b", enp=PAVEL)  # another organisation, address
        assert answer.status == 200, answer
        assert "Петров" in answer.text


@EMBEDDED
def test_a_flood_of_guesses_takes_two_cores_at_most_and_breaks_no_other_call(
        footprint: Footprint, tmp_path: Path, scrypt: ScryptMeter) -> None:
    with serving(footprint, tmp_path, password_checks_at_once=2) as services:
        assert call(services.url, "mo-b", enp=PAVEL).status == 200  # verified, remembered
        before = scrypt.calls

        def guess(i: int) -> int:
            return call(services.url, "mo-a", f"guess-{i}", source=ATTACKER).status

        def honest(_: int) -> int:
            return call(services.url, "mo-b", enp=PAVEL).status

        with ThreadPoolExecutor(48) as pool:
            guesses = pool.map(guess, range(120))
            honest_calls = pool.map(honest, range(30))
            honest_answers, guess_answers = list(honest_calls), list(guesses)
        assert honest_answers == [200] * 30
        assert set(guess_answers) <= {401, 429} and guess_answers.count(429) > 100
        assert scrypt.most <= 2
        # 5 failures lock mo-a; what waited for a slot meanwhile is refused without a hash.
        assert scrypt.calls - before <= 5 + 2, scrypt.calls - before


# -- finding 5 (SOAP) and 9 (SOAP): audit of refused logins, the address they come from ----


def test_refused_logins_are_audited_with_the_name_the_time_and_the_address(
        footprint: Footprint, tmp_path: Path) -> None:
    with serving(footprint, tmp_path, login_failures_per_user=2) as services:
        start = utcnow() - timedelta(seconds=1)
        assert call(services.url, "nobody", "x", source=ATTACKER).status == 401
        forged = {"X-Forwarded-For": "10.9.9.9", "X-Real-IP": "10.9.9.9",
                  "Forwarded": "for=10.9.9.9"}
        assert call(services.url, "mo-a", "x", source=ATTACKER, headers=forged).status == 401
        assert call(services.url, "mo-a", "y").status == 401
        assert call(services.url, "mo-a").status == 429
        assert call(services.url, "mo-a").status == 429  # the same lockout: audited once
        failed = _audit(services, "soap-login-failed")
        assert [(r.username, r.target, r.remote_addr) for r in failed] == [
            ("soap:nobody", "nobody", ATTACKER), ("soap:mo-a", "mo-a", ATTACKER),
            ("soap:mo-a", "mo-a", "127.0.0.1")]
        locked = _audit(services, "soap-login-locked")
        assert [(r.username, r.remote_addr) for r in locked] == [("soap:mo-a", "127.0.0.1")]
        assert all(start <= r.at.replace(tzinfo=start.tzinfo) <= utcnow()
                   for r in failed + locked)
        assert all("x" not in r.details and "y" not in r.details for r in failed)


@EMBEDDED
def test_forwarded_headers_do_not_escape_the_lockout_of_an_address(
        footprint: Footprint, tmp_path: Path) -> None:
    with serving(footprint, tmp_path, login_failures_per_address=3) as services:
        for i in range(3):
            call(services.url, f"user-{i}", "guess", source=ATTACKER,
                 headers={"X-Forwarded-For": f"10.0.0.{i}"})
        again = call(services.url, "smo-a", source=ATTACKER,
                     headers={"X-Forwarded-For": "10.0.0.99"})
        assert again.status == 429


@EMBEDDED
def test_forwarded_for_counts_only_from_a_trusted_proxy(footprint: Footprint,
                                                        tmp_path: Path) -> None:
    proxy = "127.0.0.3"
    with serving(footprint, tmp_path, hub_settings={"trusted_proxies": [proxy]}) as services:
        call(services.url, "mo-a", "x", source=proxy, headers={"X-Forwarded-For": "10.1.1.1"})
        call(services.url, "mo-a", "y", source=ATTACKER,
             headers={"X-Forwarded-For": "10.2.2.2"})
        rows = _audit(services, "soap-login-failed")
        assert [r.remote_addr for r in rows] == ["10.1.1.1", ATTACKER]


# -- finding 11: the body is read bounded ---------------------------------------------------

LIMIT = 64 * 1024


@pytest.fixture
def small_limit(footprint: Footprint, tmp_path: Path) -> Iterator[Services]:
    """The services with a 64 KiB request limit."""
    with serving(footprint, tmp_path, max_request_bytes=LIMIT) as services:
        yield services


def _connect(url: str) -> tuple[socket.socket, str]:
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname or "", parts.port or 80), timeout=10)
    return sock, parts.path


def _head(path: str, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: localhost", "Content-Type: text/xml",
             f"Authorization: {_auth('mo-a', PASSWORDS['mo-a'])}",
             *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _answer(sock: socket.socket) -> Answer:
    got = http.client.HTTPResponse(sock)
    got.begin()
    return Answer(got.status, got.read().decode(), dict(got.getheaders()))


@EMBEDDED
@pytest.mark.parametrize("length", ["-1", "+70", "1e3", "0x10", " 5 5"])
def test_a_malformed_content_length_is_refused_without_reading(
        small_limit: Services, length: str) -> None:
    sock, path = _connect(small_limit.url)
    with sock:
        sock.sendall(_head(path, {"Content-Length": length}) + b"<a/>" * 100)
        answer = _answer(sock)  # before: read(-1) waited for the end of the stream
    assert answer.status == 400, answer
    assert "Client.BadRequest" in answer.text and "Content-Length" in answer.text


@EMBEDDED
def test_a_content_length_over_the_limit_is_refused_before_the_body(
        small_limit: Services) -> None:
    sock, path = _connect(small_limit.url)
    with sock:
        sock.sendall(_head(path, {"Content-Length": str(150 * 1024 * 1024)}))
        answer = _answer(sock)
    assert answer.status == 413 and "Client.TooLarge" in answer.text
    assert f"запрос больше {LIMIT} байт" in answer.text


@EMBEDDED
def test_a_request_with_no_length_is_refused(small_limit: Services) -> None:
    sock, path = _connect(small_limit.url)
    with sock:
        sock.sendall(_head(path, {}) + ENVELOPE.format(enp=ANNA).encode())
        sock.shutdown(socket.SHUT_WR)
        answer = _answer(sock)
    assert answer.status == 411 and "Client.LengthRequired" in answer.text


@EMBEDDED
def test_a_chunked_body_within_the_limit_is_served(small_limit: Services) -> None:
    body = ENVELOPE.format(enp=ANNA).encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 50]), body[i:i + 50])
                      for i in range(0, len(body), 50))
    sock, path = _connect(small_limit.url)
    with sock:
        sock.sendall(_head(path, {"Transfer-Encoding": "chunked"}) + chunks + b"0\r\n\r\n")
        answer = _answer(sock)
    assert answer.status == 200, answer
    assert "Семёнова" in answer.text


@EMBEDDED
def test_a_streamed_body_over_the_limit_is_cut_off_as_it_passes_it(
        small_limit: Services) -> None:
    chunk = b"%x\r\n%s\r\n" % (16 * 1024, b"x" * 16 * 1024)
    total = 64 * 1024 * 1024  # what the client would send: a thousand times the limit
    sent = 0
    sock, path = _connect(small_limit.url)
    with sock:
        sock.sendall(_head(path, {"Transfer-Encoding": "chunked"}))
        try:
            while sent < total and not select.select([sock], [], [], 0)[0]:
                sock.sendall(chunk)
                sent += len(chunk)
        except (ConnectionResetError, BrokenPipeError):
            pass  # the server stopped reading and closed: also what we want
        answer = _answer(sock)
    assert sent < total // 8, sent  # the server stopped reading long before the end
    assert answer.status == 413, answer
    assert "Client.TooLarge" in answer.text and f"запрос больше {LIMIT} байт" in answer.text
