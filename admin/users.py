"""Console accounts: argon2-hashed passwords, roles and the personal-data permission.

Roles are ordered: a viewer reads journals, an operator also replays and discards failed
messages and runs schedules, an administrator also edits schedules and manages accounts.
``personal_data`` is separate from the role: it lets an account see personal data unmasked.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.engine import Connection

from admin.sessions import end_user_sessions
from contracts.envelope import utcnow
from storage.db import Database
from storage.models import users

_hasher = PasswordHasher()
# Verified when the user does not exist, so that a wrong name costs as long as a wrong
# password and response times do not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("not a password of anyone")

MIN_PASSWORD_LENGTH = 8


class Role(enum.IntEnum):
    """Console roles, ordered by what they may do."""

    viewer = 1
    operator = 2
    administrator = 3

    @classmethod
    def parse(cls, value: str) -> Role:
        """The role named ``value``; raises ValueError naming the valid roles."""
        try:
            return cls[value]
        except KeyError:
            valid = ", ".join(f"{r.name} ({r.label})" for r in cls)
            raise ValueError(f"неизвестная роль «{value}» (возможны: {valid})") from None

    @property
    def label(self) -> str:
        """The role as the console names it."""
        return ROLE_LABELS[self]


ROLE_LABELS = {Role.viewer: "Наблюдатель", Role.operator: "Оператор",
               Role.administrator: "Администратор"}
"""The roles in words (the API and the command line keep the English names)."""


def role_label(role: Role) -> str:
    """The role as the console names it (Наблюдатель, Оператор, Администратор)."""
    return ROLE_LABELS[role]


@dataclass(frozen=True)
class User:
    """A console account as read from the ``users`` table (never with its hash)."""

    username: str
    role: Role
    personal_data: bool
    disabled: bool

    def can(self, role: Role) -> bool:
        """Whether this account has ``role`` or a higher one."""
        return not self.disabled and self.role >= role


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"пароль должен быть не короче {MIN_PASSWORD_LENGTH} символов")


def _user(row: sa.Row[tuple[object, ...]] | None) -> User | None:
    if row is None:
        return None
    m = row._mapping
    role = Role.__members__.get(str(m["role"]), Role.viewer)  # an unknown role grants least
    return User(
        username=str(m["username"]),
        role=role,
        personal_data=bool(m["personal_data"]),
        disabled=bool(m["disabled"]),
    )


def add_user(
    db: Database, username: str, password: str, role: str, personal_data: bool = False
) -> User:
    """Create an account; raises ValueError for a taken name, a bad role or a short password."""
    username = username.strip()
    if not username or len(username) > 100:
        raise ValueError("имя пользователя — от 1 до 100 символов")
    parsed = Role.parse(role)
    _check_password(password)
    with db.transaction() as conn:
        taken = conn.execute(
            sa.select(users.c.username).where(users.c.username == username)
        ).first()
        if taken is not None:
            raise ValueError(f"пользователь «{username}» уже есть")
        conn.execute(
            users.insert().values(
                username=username,
                password_hash=_hasher.hash(password),
                role=parsed.name,
                personal_data=personal_data,
                disabled=False,
                created_at=utcnow(),
            )
        )
    return User(username, parsed, personal_data, False)


def get_user(db: Database, username: str) -> User | None:
    """The account named ``username``, or None."""
    with db.read() as conn:
        row = conn.execute(sa.select(users).where(users.c.username == username)).first()
    return _user(row)


def list_users(db: Database) -> list[User]:
    """Every account, by name."""
    with db.read() as conn:
        rows = conn.execute(sa.select(users).order_by(users.c.username)).all()
    return [u for u in map(_user, rows) if u is not None]


def change_account(conn: Connection, username: str, ended_by: str, **values: object) -> None:
    """Change an account and end its open sessions (reason ``ended_by``), in the caller's
    transaction; raises LookupError for an unknown account."""
    done = conn.execute(
        users.update().where(users.c.username == username).values(**values)
    ).rowcount
    if not done:
        raise LookupError(f"нет пользователя «{username}»")
    end_user_sessions(conn, username, ended_by)


def _update(db: Database, username: str, ended_by: str, **values: object) -> None:
    with db.transaction() as conn:
        change_account(conn, username, ended_by, **values)


def set_password(db: Database, username: str, password: str) -> None:
    """Replace an account's password (its sessions end); raises LookupError or ValueError."""
    _check_password(password)
    _update(db, username, "password-changed", password_hash=_hasher.hash(password))


def set_role(db: Database, username: str, role: str) -> None:
    """Change an account's role (its sessions end); raises LookupError or ValueError."""
    _update(db, username, "role-changed", role=Role.parse(role).name)


def set_personal_data(db: Database, username: str, allowed: bool) -> None:
    """Allow or forbid an account to see personal data unmasked (its sessions end)."""
    _update(db, username, "personal-data-changed", personal_data=allowed)


def set_disabled(db: Database, username: str, disabled: bool) -> None:
    """Disable (no login, its sessions end at once) or re-enable an account."""
    _update(db, username, "disabled" if disabled else "enabled", disabled=disabled)


def active_administrators(db: Database) -> list[str]:
    """Names of enabled administrators (the console refuses to remove the last one)."""
    with db.read() as conn:
        rows = conn.execute(
            sa.select(users.c.username)
            .where(users.c.role == Role.administrator.name)
            .where(users.c.disabled == sa.false())
        ).all()
    return [str(r[0]) for r in rows]


def verify(db: Database, username: str, password: str) -> User | None:
    """The account when ``password`` is right and the account is enabled, else None.

    Takes about the same time whether or not the account exists. A hash made with older
    argon2 parameters is replaced by one made with the current parameters.
    """
    with db.read() as conn:
        row = conn.execute(sa.select(users).where(users.c.username == username)).first()
    stored = str(row._mapping["password_hash"]) if row is not None else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    user = _user(row)
    if user is None or user.disabled:
        return None
    if _hasher.check_needs_rehash(stored):
        with db.transaction() as conn:
            conn.execute(
                users.update()
                .where(users.c.username == username)
                .where(users.c.password_hash == stored)
                .values(password_hash=_hasher.hash(password))
            )
    return user
