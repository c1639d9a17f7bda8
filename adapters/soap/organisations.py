"""Who may call the SOAP services, as the running service sees it at each call.

Organisations come from two places: entries of ``[plugins.soap] organisations`` in the
configuration (as before), and rows of ``soap_organisations``, which the console's page
(:mod:`adapters.soap.console`) and ``omshub soap add-org`` write. A row overrides an entry
with the same username, so that disabling a configured organisation in the console takes
effect too. The service reads the row of the calling username at every call (one indexed
read; the scrypt check that follows costs far more), so a change — a new organisation, a
disabled one, a reset password — takes effect at the next call, in every process that
serves the services, with nothing to restart and no cache to invalidate. (The
authenticator's memory of verified passwords is keyed by the stored hash: a reset
password forgets the old one at once.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.soap.models import organisations as table
from adapters.soap.settings import Organisation, SoapSettings, generate_password
from contracts.envelope import utcnow
from hub.passwords import hash_password
from storage.db import Database

Kind = Literal["mo", "smo"]
KINDS: dict[str, str] = {"mo": "МО", "smo": "СМО"}
"""The kinds in the words of the fund."""


@dataclass(frozen=True)
class Listed:
    """An organisation as the console lists it."""

    org: Organisation
    enabled: bool
    source: Literal["console", "config"]
    updated_at: datetime | None = None
    updated_by: str = ""


class OrganisationTaken(ValueError):
    """The code or the username is already someone's."""


class Organisations:
    """The organisations of the services: the configured ones and the database's."""

    def __init__(self, db: Database, settings: SoapSettings) -> None:
        self.db = db
        self.settings = settings

    def by_username(self, username: str) -> Organisation | None:
        """The enabled organisation with this service account, read now (see the module)."""
        with self.db.read() as conn:
            row = conn.execute(sa.select(table).where(table.c.username == username)).first()
        if row is not None:
            return _org(row) if row.enabled else None
        return self.settings.by_username(username)

    def listed(self) -> list[Listed]:
        """Every organisation, by code: the database's rows and the configured entries no
        row overrides."""
        with self.db.read() as conn:
            rows = conn.execute(sa.select(table)).all()
        found = [Listed(_org(r), r.enabled, "console", r.updated_at, r.updated_by)
                 for r in rows]
        names = {r.username for r in rows}
        found += [Listed(o, True, "config") for o in self.settings.organisations
                  if o.username not in names]
        return sorted(found, key=lambda x: (x.org.code, x.org.username))

    def add(self, code: str, kind: Kind, username: str, name: str, *, by: str) -> str:
        """A new organisation with a generated password; returns the password (shown once).
        :class:`OrganisationTaken` when its code or username is someone's already."""
        password = generate_password()
        self.store(Organisation(code=code.strip(), kind=kind,
                                username=username.strip() or code.strip(),
                                password_hash=hash_password(password), name=name.strip()),
                   by=by)
        return password

    def store(self, org: Organisation, *, by: str) -> None:
        """Keep a new organisation (its password already hashed); :class:`OrganisationTaken`
        when its code or username is someone's already."""
        with self.db.transaction() as conn:
            self._check_free(conn, org)
            conn.execute(table.insert().values(
                username=org.username, code=org.code, kind=org.kind, name=org.name,
                password_hash=org.password_hash, enabled=True, updated_at=utcnow(),
                updated_by=by))

    def set_enabled(self, username: str, enabled: bool, *, by: str) -> Organisation:
        """Disable or enable an organisation (a configured one gets its overriding row)."""
        with self.db.transaction() as conn:
            org = self._row_for(conn, username, by)
            conn.execute(table.update().where(table.c.username == username).values(
                enabled=enabled, updated_at=utcnow(), updated_by=by))
        return org

    def reset_password(self, username: str, *, by: str) -> str:
        """A new password for an organisation; returns it (shown once)."""
        password = generate_password()
        with self.db.transaction() as conn:
            self._row_for(conn, username, by)
            conn.execute(table.update().where(table.c.username == username).values(
                password_hash=hash_password(password), updated_at=utcnow(), updated_by=by))
        return password

    def _row_for(self, conn: Connection, username: str, by: str) -> Organisation:
        """The database row of ``username``, made from its configured entry if need be;
        LookupError if there is neither."""
        row = conn.execute(sa.select(table).where(table.c.username == username)).first()
        if row is not None:
            return _org(row)
        org = self.settings.by_username(username)
        if org is None:
            raise LookupError(f"нет организации с учётной записью {username!r}")
        conn.execute(table.insert().values(
            username=org.username, code=org.code, kind=org.kind, name=org.name,
            password_hash=org.password_hash, enabled=True, updated_at=utcnow(),
            updated_by=by))
        return org

    def _check_free(self, conn: Connection, org: Organisation) -> None:
        taken = conn.execute(sa.select(table.c.username, table.c.code).where(sa.or_(
            table.c.username == org.username, table.c.code == org.code))).first()
        configured = [o for o in self.settings.organisations
                      if o.username == org.username or o.code == org.code]
        if taken is not None or configured:
            raise OrganisationTaken(
                f"код {org.code} или учётная запись {org.username} уже заняты")


def _org(row: sa.Row[Any]) -> Organisation:
    return Organisation(code=row.code, kind=row.kind, username=row.username,
                        password_hash=row.password_hash, name=row.name)
