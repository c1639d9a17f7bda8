"""Who may call the interface: internal systems by their itSystem code, with a password.

A system's password is kept as an scrypt hash in the same form adapters/soap keeps the
organisations' (``scrypt$n$r$p$salt$hash``), never the password. A system added without a
password is identified by ``itSystem`` alone, as the official adapter identifies its
clients: for a system that cannot send HTTP Basic, on a closed network only.

Every call names its ``itSystem`` in the body; a call with HTTP Basic credentials is refused
unless the username is that same code. Failures lock out a code and an address for a
while (admin/throttle.py), and an unknown code costs as long as a wrong password.
"""

from __future__ import annotations

import base64
import binascii
import functools
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from adapters.smev3.official_api.models import systems
from admin.throttle import LoginThrottle
from contracts.envelope import utcnow
from hub.passwords import hash_password, verify_password
from storage.db import Database


@functools.cache
def _dummy() -> str:
    return hash_password("not a password of anyone")


def generate_password() -> str:
    """A new random password (about 128 bits) to hand to a system's administrator once."""
    return secrets.token_urlsafe(16)


@dataclass(frozen=True)
class System:
    """An internal system allowed to call."""

    code: str
    name: str
    password_hash: str | None
    enabled: bool


class Denied(Exception):
    """A call refused: who it was (as far as known) and why, in Russian."""

    def __init__(self, system: str, text: str) -> None:
        super().__init__(text)
        self.system = system
        self.text = text


class Systems:
    """The systems table: read at each call, managed by ``omshub smev3 api-system``."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.throttle = LoginThrottle(per_user=10, per_addr=50, window=300, lockout=300)

    def get(self, code: str) -> System | None:
        """A system by its code, enabled or not."""
        with self.db.read() as conn:
            row = conn.execute(sa.select(systems).where(systems.c.code == code)).first()
        return None if row is None else System(row.code, row.name, row.password_hash,
                                               row.enabled)

    def listed(self) -> list[System]:
        """Every system, by code."""
        with self.db.read() as conn:
            rows = conn.execute(sa.select(systems).order_by(systems.c.code)).all()
        return [System(r.code, r.name, r.password_hash, r.enabled) for r in rows]

    def save(self, code: str, *, name: str | None = None, password: str | None = None,
             no_password: bool = False, enabled: bool | None = None, by: str = "") -> None:
        """Add a system or change it (only what is given)."""
        values: dict[str, object] = {"updated_at": utcnow(), "updated_by": by}
        if name is not None:
            values["name"] = name
        if password is not None:
            values["password_hash"] = hash_password(password)
        if no_password:
            values["password_hash"] = None
        if enabled is not None:
            values["enabled"] = enabled
        with self.db.transaction() as conn:
            found = conn.execute(sa.select(systems.c.code).where(
                systems.c.code == code)).first()
            if found is None:
                conn.execute(systems.insert().values(code=code, **values))
            else:
                conn.execute(systems.update().where(systems.c.code == code).values(**values))

    def authenticate(self, it_system: str, authorization: str, addr: str) -> System:
        """The calling system, or :class:`Denied` with the reason."""
        credentials = _basic(authorization)
        if credentials is not None and credentials[0] != it_system:
            raise Denied(it_system, f"имя пользователя HTTP Basic «{credentials[0][:50]}» не "
                                    f"совпадает с itSystem «{it_system}»")
        wait = self.throttle.retry_after(it_system, addr)
        if wait > 0:
            raise Denied(it_system, "слишком много неудачных попыток входа; повторите через "
                                    f"{int(wait) + 1} с")
        system = self.get(it_system)
        stored = system.password_hash if system is not None else None
        if system is not None and stored is None and system.enabled:
            return system  # identified by itSystem alone, as the official adapter does
        if credentials is None:
            if system is None:
                self.throttle.failed(it_system, addr)
            raise Denied(it_system, f"система «{it_system}» не зарегистрирована или нужен "
                                    "пароль (HTTP Basic)")
        right = verify_password(credentials[1], stored or _dummy())
        if system is None or not right or not system.enabled:
            self.throttle.failed(it_system, addr)
            why = ("отключена" if system is not None and right else
                   "не зарегистрирована или пароль неверен")
            raise Denied(it_system, f"система «{it_system}» {why}")
        self.throttle.succeeded(it_system, addr)
        return system


def _basic(header: str) -> tuple[str, str] | None:
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        text = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return ("", "")
    username, _, password = text.partition(":")
    return username, password
