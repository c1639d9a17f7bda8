"""SFTP drops end to end through the hub, against OpenSSH's sshd on loopback."""

from __future__ import annotations

from pathlib import Path

from adapters.files.models import files_seen
from contracts.envelope import utcnow
from hub.settings import Settings
from hub.testing import running_hub, wait_for
from tests.adapters.files.conftest import FileReceiver, SshServer, files_received, poll_now
from tests.adapters.files.test_folder import COMPONENTS, SIG, XML, send
from tests.conftest import Footprint, free_port


def sftp_settings(fp: Footprint, tmp: Path, server: SshServer, **sftp: object) -> Settings:
    """A hub with one SFTP drop whose folders are below ``tmp`` on the server."""
    return fp.settings(tmp, plugins={"files": {"pass_wait_seconds": 3, "drops": [{
        "name": "sftp-smo", "kind": "sftp", "sftp": server.sftp(**sftp),
        "inbound": f"{tmp}/remote/in", "archive": f"{tmp}/remote/archive",
        "errors": f"{tmp}/remote/errors", "outbound": {"46001": f"{tmp}/remote/out/46001"},
        "stable_seconds": 0.5, "masks": {"P*.xml": "erz.oplist"}}]}})


def test_a_file_on_an_sftp_drop_is_taken_in_and_archived_there(
        footprint: Footprint, tmp_path: Path, sshd: SshServer):
    inbound = tmp_path / "remote" / "in"
    inbound.mkdir(parents=True)
    with running_hub(sftp_settings(footprint, tmp_path, sshd), COMPONENTS,
                     extra=[FileReceiver]) as hub:
        (inbound / "P46001_250104.xml").write_bytes(XML)
        (inbound / "P46001_250104.xml.sig").write_bytes(SIG)
        (inbound / "notes.txt").write_bytes(b"not ours")
        poll_now(hub)
        (got,) = wait_for(lambda: files_received(hub))
        assert (got.file_name, got.drop, got.data, got.sig) == (
            "P46001_250104.xml", "sftp-smo", XML, SIG)
        wait_for(lambda: hub.count(files_seen, files_seen.c.archived_at.is_not(None)))
        month = tmp_path / "remote" / "archive" / f"{utcnow():%Y}" / f"{utcnow():%m}"
        assert sorted(p.name for p in month.iterdir()) == [
            "P46001_250104.xml", "P46001_250104.xml.sig"]
        errors = tmp_path / "remote" / "errors"
        wait_for(lambda: (errors / "notes.txt.error.txt").exists(), message="refused")
        assert list(inbound.iterdir()) == []


def test_a_send_is_put_on_the_sftp_drop_under_a_temp_name_then_renamed(
        footprint: Footprint, tmp_path: Path, sshd: SshServer):
    with running_hub(sftp_settings(footprint, tmp_path, sshd), COMPONENTS) as hub:
        mid = send(hub, "R46001_2501.xml", XML, SIG, recipient="46001")
        wait_for(lambda: "delivered" in hub.trail(mid), message="delivered")
    out = tmp_path / "remote" / "out" / "46001"
    assert (out / "R46001_2501.xml").read_bytes() == XML
    assert (out / "R46001_2501.xml.sig").read_bytes() == SIG
    assert sorted(p.name for p in out.iterdir()) == ["R46001_2501.xml", "R46001_2501.xml.sig"]


def test_an_unreachable_sftp_drop_is_retried_then_dead_lettered_with_the_cause(
        tmp_path: Path, sshd: SshServer):
    fp = Footprint("embedded", "memory://", f"sqlite:///{tmp_path / 'hub.db'}")
    down = sftp_settings(fp, tmp_path, sshd, port=free_port(), timeout=2)
    with running_hub(down, COMPONENTS) as hub:
        mid = send(hub, "R46001_2502.xml", XML, recipient="46001")
        wait_for(lambda: hub.status_of(mid) == "dead", message="dead after the retries")
        trail = hub.trail(mid)
        assert trail.count("failed") == 2 and "delivered" not in trail, trail
        (dead,) = hub.dead_letters()
        assert dead.cause_type == "TransportError" and "sftp" in dead.cause_message


def test_a_server_with_another_host_key_is_not_trusted(tmp_path: Path, sshd: SshServer):
    fp = Footprint("embedded", "memory://", f"sqlite:///{tmp_path / 'hub.db'}")
    other = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
    with running_hub(sftp_settings(fp, tmp_path, sshd, host_key=other), COMPONENTS) as hub:
        mid = send(hub, "R46001_2503.xml", XML, recipient="46001")
        wait_for(lambda: hub.status_of(mid) == "dead", message="refused to connect")
        (dead,) = hub.dead_letters()
        assert "host key" in dead.cause_message.lower() or "not found in known_hosts" in \
            dead.cause_message
    assert not (tmp_path / "remote" / "out").exists()
