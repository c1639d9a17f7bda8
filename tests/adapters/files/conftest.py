"""Shared pieces of the files and ViPNet tests: a handler that keeps what it receives, a
forced poll that waits until the pass ran, and a real OpenSSH server on loopback.

The SSH server is OpenSSH's ``sshd`` started as the current user on a free port, with a
host key and a client key generated for this test session in a temporary folder (never
committed); its SFTP subsystem serves the real file system.
"""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest
import sqlalchemy as sa

from contracts.envelope import utcnow
from contracts.files import FileReceivedV1
from hub.component import Handler, Message, handles
from hub.testing import TestHub, wait_for
from hub.tx import Tx
from storage.journal import load_blob
from storage.models import schedules
from tests.conftest import free_port, unavailable

received = sa.Table(
    "test_files_received", sa.MetaData(),
    sa.Column("message_id", sa.String(64), primary_key=True),
    sa.Column("drop", sa.String(100)),
    sa.Column("file_name", sa.String(255)),
    sa.Column("format_key", sa.String(100)),
    sa.Column("sender", sa.String(40)),
    sa.Column("signed", sa.Boolean),
    sa.Column("data", sa.LargeBinary),
    sa.Column("sig", sa.LargeBinary),
)


class FileReceiver(Handler):
    """A subsystem that takes files in: keeps each with its bytes and signature."""

    name: ClassVar[str] = "file-receiver"
    metadata: ClassVar[sa.MetaData | None] = received.metadata

    @handles(FileReceivedV1)
    def on_file(self, message: Message[FileReceivedV1], tx: Tx) -> None:
        """Keep the file as the envelope carries it."""
        p, env = message.payload, message.envelope
        sig = p.signature(env)
        tx.insert(received, message_id=message.id, drop=p.drop, file_name=p.file_name,
                  format_key=p.format_key, sender=p.sender, signed=p.signed,
                  data=load_blob(tx.conn, p.file(env).blob_id),
                  sig=load_blob(tx.conn, sig.blob_id) if sig else None)


def files_received(hub: TestHub) -> list[sa.Row[object]]:
    """What the receiving handler got, by file name."""
    with hub.db.read() as conn:
        return list(conn.execute(sa.select(received).order_by(received.c.file_name)).all())


def poll_now(hub: TestHub, component: str = "adapter.files") -> None:
    """Ask for the component's poll as the console's "run now" does; wait until it ran."""
    name = f"{component}:poll"
    wait_for(lambda: hub.count(schedules, schedules.c.name == name), message="schedule")
    asked = utcnow()
    with hub.db.transaction() as conn:
        conn.execute(schedules.update().where(schedules.c.name == name)
                     .values(run_requested_at=asked, updated_by="test"))

    def ran() -> bool:
        with hub.db.read() as conn:
            last = conn.execute(sa.select(schedules.c.last_run_at).where(
                schedules.c.name == name)).scalar()
        return last is not None and last >= asked

    wait_for(ran, timeout=60, message=f"{name} ran")


@dataclass(frozen=True)
class SshServer:
    """A running sshd on loopback and how to log in to it."""

    host: str
    port: int
    user: str
    key: Path
    host_key: str
    root: Path

    def sftp(self, **extra: object) -> dict[str, object]:
        """The ``sftp`` table of a drop reaching this server."""
        return {"host": self.host, "port": self.port, "user": self.user, "key": str(self.key),
                "host_key": self.host_key, "timeout": 10, **extra}


def _keygen(path: Path) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)],
                   check=True, capture_output=True)


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    """OpenSSH sshd as the current user on a free loopback port (keys made per session)."""
    binary = shutil.which("sshd") or ("/usr/sbin/sshd" if os.path.exists("/usr/sbin/sshd")
                                      else None)
    if binary is None or shutil.which("ssh-keygen") is None:
        unavailable("OpenSSH sshd is not installed (Debian: openssh-server)")
    assert binary is not None
    if os.geteuid() == 0 and not os.path.isdir("/run/sshd"):
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # privilege separation as root
    home = tmp_path_factory.mktemp("sshd")
    _keygen(home / "host_key")
    _keygen(home / "client_key")
    shutil.copy(home / "client_key.pub", home / "authorized_keys")
    port = free_port()
    config = home / "sshd_config"
    config.write_text("\n".join([
        f"Port {port}", "ListenAddress 127.0.0.1", f"HostKey {home / 'host_key'}",
        f"AuthorizedKeysFile {home / 'authorized_keys'}", f"PidFile {home / 'sshd.pid'}",
        "PubkeyAuthentication yes", "PasswordAuthentication no",
        "KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no",
        "PermitRootLogin prohibit-password", "Subsystem sftp internal-sftp",
        "LogLevel ERROR", ""]))
    proc = subprocess.Popen([binary, "-D", "-e", "-f", str(config)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 15
    while not _listening(port):
        if proc.poll() is not None or time.monotonic() > deadline:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            proc.kill()
            unavailable(f"sshd did not start: {err.strip()[:500]}")
        time.sleep(0.1)
    host_key = " ".join((home / "host_key.pub").read_text().split()[:2])
    try:
        yield SshServer("127.0.0.1", port, getpass.getuser(), home / "client_key", host_key,
                        tmp_path_factory.mktemp("sftp-root"))
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if proc.stderr:
            proc.stderr.close()
