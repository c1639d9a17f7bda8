"""Settings of the SOAP services: ``[plugins.soap]``, with one entry per organisation.

Passwords are never kept: each organisation has an scrypt hash with its own salt
(``scrypt$n$r$p$salt$hash``, base64), made by ``omshub soap add-org``.
"""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator

PLUGIN = "soap"


def generate_password() -> str:
    """A new random password (about 128 bits) to hand to an organisation once."""
    return secrets.token_urlsafe(16)


class Organisation(BaseModel):
    """A clinic (``mo``) or an insurer (``smo``) allowed to call the services."""

    code: str = Field(min_length=1, max_length=16, description="Реестровый код МО or СМО.")
    kind: Literal["mo", "smo"]
    username: str = Field(min_length=1, max_length=100)
    password_hash: str = Field(pattern=r"^scrypt\$", repr=False)
    name: str = ""


class SoapSettings(BaseModel):
    """Where the services listen, who may call them, and limits."""

    host: str = "127.0.0.1"
    port: int = Field(default=8282, ge=0, lt=65536)
    path: str = Field(default="/soap/erz", description="Where the service answers.")
    tls_certificate: Path | None = Field(default=None,
                                         description="PEM certificate chain: serve HTTPS.")
    tls_key: Path | None = Field(default=None, description="Its private key (PEM).")
    max_request_bytes: int = Field(default=1024 * 1024, gt=0)
    page_size: int = Field(default=500, ge=1, le=5000,
                           description="Changes per getChanges page at most.")
    max_found: int = Field(default=50, ge=1, le=1000,
                           description="Persons findPersons returns at most.")
    request_timeout_seconds: float = Field(
        default=60.0, gt=0, description="A client silent this long while sending is cut off.")
    login_failures_per_user: int = Field(
        default=5, ge=1, description="Failed logins of one username (within "
        "login_window_seconds) that lock it out, from every address.")
    login_failures_per_address: int = Field(
        default=50, ge=1, description="Failed logins from one address (any usernames) that "
        "lock the address out; higher than per user: many clinics may share one gateway.")
    login_window_seconds: float = Field(default=900.0, gt=0)
    login_lockout_seconds: float = Field(default=300.0, gt=0)
    password_checks_at_once: int = Field(
        default=2, ge=1, le=64, description="scrypt verifications run at once (each costs "
        "~50 ms of CPU and 16 MB); more wait their turn, so guessing cannot starve others.")
    login_cache_seconds: float = Field(
        default=300.0, ge=0, description="How long a verified password is remembered, so "
        "that an honest client is not slowed by scrypt on every call (0: never).")
    organisations: list[Organisation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> SoapSettings:
        users = [o.username for o in self.organisations]
        if len(users) != len(set(users)):
            raise ValueError("two organisations share a username")
        return self

    def by_username(self, username: str) -> Organisation | None:
        """The organisation with this service account.

        Every account is compared, each in constant time, so that how long the lookup takes
        does not depend on where (or whether) the name matches.
        """
        probe = username.encode()
        found = None
        for org in self.organisations:
            if hmac.compare_digest(org.username.encode(), probe):
                found = org
        return found
