"""``X-Forwarded-For`` counts only from the reverse proxies the operator lists.

uvicorn believed the header from any local client (its default ``forwarded_allow_ips``),
so a loopback client escaped the per-address login lockout by changing the header and
wrote a forged address into the audit log. Now the console is served with uvicorn's proxy
headers off and believes the header only from ``trusted_proxies`` (hub.proxies). Tested
through the real server: a hub process serving its console.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from hub.proxies import TrustedProxies
from hub.settings import load_settings
from hub.testing import TestHub, running_hub
from storage.models import audit_log
from tests.conftest import Footprint, free_port

PER_ADDR = 20
"""Failed logins from one address that lock it out (admin.throttle.LoginThrottle)."""


@contextmanager
def console_hub(tmp_path: Path, trusted: list[str]) -> Iterator[tuple[TestHub, str]]:
    """An embedded hub serving its console on a free port, trusting ``trusted`` proxies."""
    port = free_port()
    settings = Footprint("embedded", "memory://", f"sqlite:///{tmp_path / 'hub.db'}").settings(
        tmp_path, admin_port=port, secret_key="proxy-test-secret-key",
        trusted_proxies=trusted)
    with running_hub(settings, ["console"]) as hub:
        yield hub, f"http://127.0.0.1:{port}"


def failed_login(client: httpx.Client, username: str, forwarded_for: str) -> int:
    """One wrong password through the login form, claiming to come from ``forwarded_for``."""
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    r = client.post("/login", data={"username": username, "password": "wrong password",
                                    "csrf_token": token.group(1)},
                    headers={"X-Forwarded-For": forwarded_for})
    return r.status_code


def audited_addresses(hub: TestHub) -> list[str]:
    """The addresses of the audit log's failed logins, oldest first."""
    with hub.db.read() as conn:
        return [str(a) for a in conn.execute(
            sa.select(audit_log.c.remote_addr).where(audit_log.c.action == "login-failed")
            .order_by(audit_log.c.id)).scalars()]


def test_a_local_client_cannot_forge_its_address(tmp_path: Path) -> None:
    with console_hub(tmp_path, []) as (hub, base), httpx.Client(base_url=base) as client:
        codes = [failed_login(client, f"user{i}", f"10.9.{i}.1") for i in range(PER_ADDR)]
        assert set(codes) == {401}
        # Every attempt counted against 127.0.0.1 whatever the header said: it is locked out.
        assert failed_login(client, "someone", "10.9.99.1") == 429
        assert set(audited_addresses(hub)) == {"127.0.0.1"}


def test_a_listed_proxy_names_the_client(tmp_path: Path) -> None:
    with console_hub(tmp_path, ["127.0.0.0/8"]) as (hub, base), \
            httpx.Client(base_url=base) as client:
        codes = [failed_login(client, f"user{i}", f"10.9.{i}.1") for i in range(PER_ADDR + 1)]
        assert set(codes) == {401}  # each client address has its own count
        assert audited_addresses(hub)[:2] == ["10.9.0.1", "10.9.1.1"]


@pytest.mark.parametrize(("peer", "header", "client"), [
    ("127.0.0.1", "203.0.113.7", "127.0.0.1"),  # nobody trusted: the header means nothing
])
def test_nothing_is_trusted_by_default(peer: str, header: str, client: str) -> None:
    assert TrustedProxies([]).client_address(peer, header) == client


@pytest.mark.parametrize(("peer", "header", "client"), [
    ("10.0.0.5", "203.0.113.7", "203.0.113.7"),
    # The client's own header entries are ignored past the first untrusted hop.
    ("10.0.0.5", "198.51.100.1, 203.0.113.7", "203.0.113.7"),
    # A chain of trusted proxies is walked back to the first untrusted address.
    ("10.0.0.5", "203.0.113.7, 10.0.0.9", "203.0.113.7"),
    ("10.0.0.5", "not-an-address", "10.0.0.5"),
    ("192.0.2.1", "203.0.113.7", "192.0.2.1"),  # not a listed proxy
    ("10.0.0.5", "", "10.0.0.5"),
])
def test_the_trusted_chain_is_read_from_the_right(peer: str, header: str, client: str) -> None:
    assert TrustedProxies(["10.0.0.0/24"]).client_address(peer, header) == client


def test_the_setting_takes_a_comma_list_and_refuses_what_is_no_address() -> None:
    settings = load_settings(env={"OMSHUB_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"})
    assert settings.trusted_proxies == ["127.0.0.1", "10.0.0.0/8"]
    assert load_settings(env={}).trusted_proxies == []
    with pytest.raises(ValueError, match="localhost"):
        load_settings(env={"OMSHUB_TRUSTED_PROXIES": "localhost"})
