"""Settings: environment variables ``OMSHUB_*`` over an optional TOML file over defaults.

The embedded default needs no settings at all: SQLite under ``var/`` and the in-process
broker. Production sets ``OMSHUB_BROKER_URL`` and ``OMSHUB_DATABASE_URL`` (or the same keys
in the file named by ``OMSHUB_CONFIG``).
"""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
import stat
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, field_validator

ENV_PREFIX = "OMSHUB_"


class Settings(BaseModel):
    """Every knob of a hub process."""

    broker_url: str = Field(default="memory://", description="amqp://… (RabbitMQ) or memory://")
    database_url: str = Field(default="", description="postgresql://… or sqlite:///…")
    data_dir: Path = Field(default=Path("var"), description="Embedded database, secret key.")
    schemas_dir: Path | None = Field(
        default=None, description="Official XSDs and dictionaries, as the operator keeps them."
    )
    admin_host: str = "127.0.0.1"
    admin_port: int = 8080
    secret_key: str = Field(default="", description="Signs console sessions; generated if empty.")
    secure_cookies: bool = False
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses or networks (CIDR) of reverse proxies whose X-Forwarded-For "
        "is believed; empty = the header is ignored and the peer's address is the client's.")
    four_eyes_grants: bool = Field(
        default=True,
        description="Granting the administrator role or personal-data access needs a second "
        "administrator's approval; false only for a one-person install.")
    timezone: str = Field(
        default="UTC", description="Time zone the console shows and takes times in, "
        "e.g. Europe/Moscow.")
    prefetch: int = Field(
        default=500, ge=1, le=5000,
        description="Messages per batch (one transaction); the broker window is twice that.")
    delivery_limit: int = Field(default=20, ge=1)
    retry_delays: tuple[float, ...] = Field(
        default=(1, 5, 30, 120, 600),
        description="Wait before each retry; a message failing once more is dead-lettered.",
    )
    routes: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Extra subscriptions from config: message type key -> component names.",
    )
    components: list[str] = Field(
        default_factory=list, description="Components `omshub up` runs (empty = all installed)."
    )
    plugins: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Settings of each plug-in by name: [plugins.NAME] tables of the config "
        "file, or OMSHUB_PLUGINS as JSON.",
    )
    log_level: str = "INFO"
    log_format: str = Field(default="json", pattern="^(json|text)$")
    heartbeat_seconds: float = 5.0
    inbox_retention_days: int = Field(
        default=30, ge=1, description="Inbox records older than this are pruned."
    )

    @field_validator("retry_delays", mode="before")
    @classmethod
    def _split_delays(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(float(v) for v in value.split(",") if v.strip())
        return value

    @field_validator("components", mode="before")
    @classmethod
    def _split_components(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        for item in value or []:
            ipaddress.ip_network(str(item), strict=False)  # ValueError names a bad entry
        return value

    @field_validator("plugins", mode="before")
    @classmethod
    def _parse_plugins(cls, value: Any) -> Any:
        if isinstance(value, str):
            return json.loads(value) if value.strip() else {}
        return value

    @field_validator("routes", mode="before")
    @classmethod
    def _parse_routes(cls, value: Any) -> Any:
        # From the environment: JSON, e.g. {"sample.greeting.v1": ["handler.sample"]}.
        if isinstance(value, str):
            return json.loads(value) if value.strip() else {}
        return value

    @property
    def max_attempts(self) -> int:
        """Handling attempts before a message is dead-lettered."""
        return len(self.retry_delays) + 1

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to SQLite in the data directory (made private)."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.prepare_data_dir() / 'omshub.db').resolve()}"

    def resolved_secret_key(self) -> str:
        """The console's signing key; generated once and kept, private, in the data directory."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if path.exists():
            make_private(path)
            return path.read_text().strip()
        self.prepare_data_dir()
        key = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        return key

    def prepare_data_dir(self) -> Path:
        """Create the data directory private to the hub's OS user (0700, files 0600).

        It holds the embedded database and the console's key: personal data and secrets.
        What is already there is made private too (an install from before this rule).
        """
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        make_private(self.data_dir)
        return self.data_dir


def make_private(path: Path) -> None:
    """Take group and other permissions off ``path`` and, for a directory, all it holds."""
    todo = [path]
    while todo:
        item = todo.pop()
        try:
            mode = item.lstat().st_mode
            if stat.S_ISLNK(mode):
                continue  # never follow a link out of the directory
            item.chmod(stat.S_IMODE(mode) & 0o700)
            if stat.S_ISDIR(mode):
                todo.extend(item.iterdir())
        except OSError:
            continue  # vanished meanwhile, or not ours: leave it


def load_settings(env: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Settings from the config file named by ``OMSHUB_CONFIG``, then ``OMSHUB_*`` variables."""
    env = dict(os.environ if env is None else env)
    values: dict[str, Any] = {}
    config = env.get(ENV_PREFIX + "CONFIG")
    if config:
        with open(config, "rb") as fh:
            values.update(tomllib.load(fh))
    for name in Settings.model_fields:
        raw = env.get(ENV_PREFIX + name.upper())
        if raw is not None:
            values[name] = raw
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings.model_validate(values)
