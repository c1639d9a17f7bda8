"""Whose address is it: the client's, as told by a reverse proxy the operator trusts.

A ``X-Forwarded-For`` header is only as true as whoever sent it. The hub believes it only
from the proxies listed in the setting ``trusted_proxies`` (addresses or CIDR networks;
empty by default: the header is ignored). From a trusted peer, the header is read from the
right (the entry the nearest proxy appended) past every further trusted proxy; the first
address that is not a trusted proxy is the client. Anything else — an untrusted peer, a
malformed entry — leaves the peer's own address.

:class:`TrustedProxies` is the rule, for any server of the hub (the console, SOAP);
:class:`ForwardedFor` applies it to an ASGI application's ``scope["client"]``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TrustedProxies:
    """The operator's list of reverse proxies and the client address they report."""

    def __init__(self, proxies: Iterable[str] = ()) -> None:
        self.networks: list[Network] = [ipaddress.ip_network(p.strip(), strict=False)
                                        for p in proxies if p.strip()]

    def __bool__(self) -> bool:
        return bool(self.networks)

    def trusts(self, address: str) -> bool:
        """Whether ``address`` is one of the listed proxies."""
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in net for net in self.networks)

    def client_address(self, peer: str, forwarded_for: str | Iterable[str] | None) -> str:
        """The client's address: ``peer`` unless it is a trusted proxy that says otherwise.

        ``forwarded_for`` is the ``X-Forwarded-For`` header's value (or each of several
        such headers, in order).
        """
        if not forwarded_for or not self.trusts(peer):
            return peer
        values = [forwarded_for] if isinstance(forwarded_for, str) else list(forwarded_for)
        hops = [h.strip() for v in values for h in v.split(",") if h.strip()]
        client = peer
        for hop in reversed(hops):
            try:
                ipaddress.ip_address(hop)
            except ValueError:
                return client  # a forged or broken entry: believe nothing beyond it
            client = hop
            if not self.trusts(hop):
                return hop
        return client


class ForwardedFor:
    """ASGI middleware: ``scope["client"]`` becomes the client's address per
    :class:`TrustedProxies` (servers must not apply proxy headers themselves)."""

    def __init__(self, app: ASGIApp, proxies: TrustedProxies) -> None:
        self.app = app
        self.proxies = proxies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.proxies and scope.get("client"):
            host, port = scope["client"]
            values = [v.decode("latin-1") for k, v in scope.get("headers", [])
                      if k.lower() == b"x-forwarded-for"]
            client = self.proxies.client_address(str(host), values)
            if client != host:
                scope = {**scope, "client": (client, 0)}
        await self.app(scope, receive, send)
