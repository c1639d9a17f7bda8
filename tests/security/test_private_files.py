"""Files holding personal data or secrets are private to the hub's OS user.

``var/omshub.db`` (the embedded database: personal data) was readable by every local user.
Now the data directory is 0700 and what it holds 0600/0700 — the SQLite file, its -wal and
-shm companions, the console's generated key — both for a new install and for one made
before (fixed at startup), whatever the process's umask.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.testing import running_hub
from storage.db import Database
from tests.conftest import Footprint, free_port


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """A umask that would leave new files readable by everyone (a common default)."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    """The permission bits of ``path``."""
    return stat.S_IMODE(path.stat().st_mode)


def group_or_other_access(root: Path) -> list[str]:
    """Everything under ``root`` (itself included) that its group or others may use."""
    found = [root, *root.rglob("*")]
    return [f"{p} {oct(mode(p))}" for p in found if mode(p) & 0o077]


def start_console_hub(data_dir: Path) -> None:
    """Start an embedded hub (database under ``data_dir``, generated key) and stop it."""
    settings = Footprint("embedded", "memory://", "").settings(data_dir.parent,
                                                               admin_port=free_port())
    assert settings.data_dir == data_dir
    assert settings.database_url == "" and settings.secret_key == ""
    with running_hub(settings, ["console"]) as hub, hub.db.transaction() as conn:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS t (x INTEGER)")  # -wal, -shm exist


def test_a_new_install_is_private(tmp_path: Path, loose_umask: None) -> None:
    data = tmp_path / "var"
    start_console_hub(data)
    names = {p.name for p in data.iterdir()}
    assert {"omshub.db", "secret_key"} <= names
    assert mode(data) == 0o700
    assert group_or_other_access(data) == []


def test_an_older_install_is_made_private_at_startup(tmp_path: Path, loose_umask: None) -> None:
    data = tmp_path / "var"
    data.mkdir(mode=0o755)
    (data / "secret_key").write_text("an older key of the console, long enough")
    files = data / "smev3-simulator-files"
    files.mkdir()
    (files / "request.xml").write_text("<x/>")
    Database(f"sqlite:///{data / 'omshub.db'}").dispose()
    for path in (data, files, *files.iterdir(), data / "secret_key", data / "omshub.db"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    start_console_hub(data)
    assert group_or_other_access(data) == []


def test_a_sqlite_database_elsewhere_is_private_too(tmp_path: Path, loose_umask: None) -> None:
    path = tmp_path / "elsewhere.db"
    db = Database(f"sqlite:///{path}")
    with db.transaction() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    companions = [Path(f"{path}{s}") for s in ("", "-wal", "-shm")]
    assert [mode(p) for p in companions] == [0o600] * 3
    db.dispose()
