"""Issue 9, finding 12: one bad file never holds up another, and health shows a failing drop.

A 250-byte name (whose error note, ``<name>.error.txt``, is too long for the file system)
and a name that is not UTF-8 lie in the inbound folder before a good file: the good file is
taken in the same poll, each bad one is journaled once however many polls run, and goes to
the errors folder under a name that fits. A file that cannot be moved at all is journaled
once and makes the adapter's health (and ``/healthz``) degraded until it is moved.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from adapters.files.models import files_seen
from hub.settings import Settings
from hub.testing import TestHub, running_hub, wait_for
from storage.models import journal_messages
from tests.adapters.files.conftest import (  # noqa: F401 - sshd is a fixture
    FileReceiver,
    SshServer,
    files_received,
    poll_now,
    sshd,
)
from tests.adapters.files.test_folder import COMPONENTS, XML, drop
from tests.adapters.files.test_vipnet import COMPONENTS as VIPNET_COMPONENTS
from tests.adapters.files.test_vipnet import FakeVipnet, vipnet_settings
from tests.conftest import Footprint, free_port

LONG = "a" * 246 + ".txt"  # 250 bytes, matches no mask: refused, its note must fit
LONG_AGAIN = "b" * 246 + ".txt"  # 250 bytes, and an earlier refusal of that name in errors
NOT_UTF8 = b"c\xff\xfe.xml"  # as a folder or an SFTP server hands it over
LONG_GOOD = "y" * 246 + ".xml"  # 250 bytes and good: taken
GOOD = "z_good.xml"  # sorted after every bad one
MASKS = [{"pattern": "*.xml", "format": "erz.oplist"}]
SHOWN = "c\\xff\\xfe.xml"


def place_bad_and_good(inbound: Path, errors: Path) -> None:
    """The bad files before the good ones, in the inbound folder."""
    inbound.mkdir(parents=True, exist_ok=True)
    errors.mkdir(parents=True, exist_ok=True)
    (errors / LONG_AGAIN).write_bytes(b"refused last month")
    (inbound / LONG).write_bytes(b"a letter")
    (inbound / LONG_AGAIN).write_bytes(b"the same name once more")
    fd = os.open(os.path.join(os.fsencode(inbound), NOT_UTF8), os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, XML)
    os.close(fd)
    (inbound / LONG_GOOD).write_bytes(XML)
    (inbound / GOOD).write_bytes(XML)


def refused_names(hub: TestHub) -> list[str]:
    """The file names of every journaled refusal (a name twice: journaled twice)."""
    with hub.db.read() as conn:
        rows = conn.execute(sa.select(journal_messages.c.envelope).where(
            journal_messages.c.type == "files.refused")).scalars()
        return sorted(json.loads(e)["payload"]["file_name"] for e in rows)


def refused_ids(hub: TestHub) -> list[str]:
    """The journal ids of every refusal."""
    with hub.db.read() as conn:
        return sorted(conn.execute(sa.select(journal_messages.c.message_id).where(
            journal_messages.c.type == "files.refused")).scalars())


def taken(hub: TestHub) -> list[str]:
    """Names with a files_seen row: taken in (whether or not archived yet)."""
    with hub.db.read() as conn:
        return sorted(conn.execute(sa.select(files_seen.c.name)).scalars())


def files_health(hub: TestHub, component: str = "adapter.files") -> dict[str, Any]:
    """The adapter's health as its process reports it."""
    return hub.process.health()[component]


def assert_bad_files_isolated(hub: TestHub, inbound: Path, errors: Path,
                              component: str = "adapter.files") -> None:
    """One poll takes the good files; over three, each bad one is journaled once."""
    poll_now(hub, component)
    assert taken(hub) == [LONG_GOOD, GOOD], "the good files are taken in the same poll"
    poll_now(hub, component)
    poll_now(hub, component)
    assert refused_names(hub) == [LONG, LONG_AGAIN, SHOWN], "each bad file journaled once"
    assert sorted(os.listdir(inbound)) == [], "nothing left behind"
    names = os.listdir(os.fsencode(errors))
    assert all(len(n) <= 255 for n in names)
    assert all(n.decode("utf-8") for n in names), "names in errors are valid UTF-8"
    notes = [errors / n.decode() for n in names if n.endswith(b".error.txt")]
    assert len(notes) == 3
    texts = "\n".join(p.read_text("utf-8") for p in notes)
    assert LONG in texts and LONG_AGAIN in texts and SHOWN in texts
    assert (errors / LONG_AGAIN).read_bytes() == b"refused last month", "nothing overwritten"
    assert files_health(hub, component)["status"] == "ok"
    wait_for(lambda: sorted(r.file_name for r in files_received(hub)) == [LONG_GOOD, GOOD],
             message="the good files reach the handler")


def folder_settings(fp: Footprint, tmp: Path, **extra: object) -> Settings:
    """A hub with one folder drop taking every ``*.xml``."""
    return fp.settings(tmp, plugins={"files": {"pass_wait_seconds": 3, "drops": [
        drop(tmp, masks=MASKS)]}}, **extra)


def test_bad_names_do_not_hold_up_a_good_file_in_a_folder_drop(footprint: Footprint,
                                                               tmp_path: Path):
    with running_hub(folder_settings(footprint, tmp_path), COMPONENTS,
                     extra=[FileReceiver]) as hub:
        place_bad_and_good(tmp_path / "in", tmp_path / "errors")
        assert_bad_files_isolated(hub, tmp_path / "in", tmp_path / "errors")


def test_bad_names_do_not_hold_up_a_good_file_on_an_sftp_drop(
        footprint: Footprint, tmp_path: Path, sshd: SshServer):  # noqa: F811
    remote = tmp_path / "remote"
    settings = footprint.settings(tmp_path, plugins={"files": {"pass_wait_seconds": 3,
        "drops": [{"name": "sftp-smo", "kind": "sftp", "sftp": sshd.sftp(),
                   "inbound": f"{remote}/in", "archive": f"{remote}/archive",
                   "errors": f"{remote}/errors", "stable_seconds": 0.5, "masks": MASKS}]}})
    with running_hub(settings, COMPONENTS, extra=[FileReceiver]) as hub:
        place_bad_and_good(remote / "in", remote / "errors")
        assert_bad_files_isolated(hub, remote / "in", remote / "errors")


def test_a_long_name_on_vipnet_is_refused_and_answered_without_holding_up_the_next(
        tmp_path: Path):
    mail = FakeVipnet(tmp_path / "share", tmp_path / "clinic")
    with running_hub(vipnet_settings(tmp_path), VIPNET_COMPONENTS,
                     extra=[FileReceiver]) as hub:
        mail.deliver_from_clinic(LONG, b"not an account")
        mail.deliver_from_clinic("HM460001T46_2501012.zip", b"PK\x03\x04 an account")
        poll_now(hub, "adapter.vipnet")
        assert taken(hub) == ["HM460001T46_2501012.zip"], "taken in the same poll"
        poll_now(hub, "adapter.vipnet")
        assert refused_names(hub) == [LONG]
        (answer,) = mail.carry_to_clinic()
        assert answer.startswith("response_aaaa") and len(answer.encode()) <= 255
        assert LONG in (tmp_path / "clinic" / answer).read_text("utf-8")
        assert files_health(hub, "adapter.vipnet")["status"] == "ok"


def healthz(port: int) -> tuple[int, dict[str, Any]]:
    """``GET /healthz`` of the running console."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def files_entry(report: dict[str, Any]) -> dict[str, Any]:
    """The adapter.files instance in a /healthz report."""
    (entry,) = [v for k, v in report["components"].items() if k.startswith("adapter.files@")]
    return dict(entry)


STUCK = "Заявление Петров Пётр Ильич 12.04.1980.doc"
"""A file no mask takes, named the way people name them: after a person."""


def test_a_file_that_cannot_be_moved_is_journaled_once_and_the_drop_shows_degraded(
        footprint: Footprint, tmp_path: Path):
    port = free_port()
    settings = folder_settings(footprint, tmp_path, admin_port=port,
                               secret_key="drops-test-secret-key")
    (tmp_path / "in").mkdir()
    (tmp_path / "errors").write_bytes(b"")  # a file where the errors folder should be
    with running_hub(settings, [*COMPONENTS, "console"], extra=[FileReceiver]) as hub:
        (tmp_path / "in" / STUCK).write_bytes(b"matches no mask")
        (tmp_path / "in" / GOOD).write_bytes(XML)
        poll_now(hub)
        assert taken(hub) == [GOOD], "the good file is taken in the same poll"
        health = files_health(hub)
        assert health["status"] == "degraded"
        assert "«имя файла» отклонён" in health["detail"] and "не перемещён" in health["detail"]
        assert "Петров" not in json.dumps(health, ensure_ascii=False), "a name is personal"
        assert f"сообщение {refused_ids(hub)[0]}" in health["detail"], "where to look"
        status, report = wait_for(lambda: (r := healthz(port))[0] == 503 and r,
                                  message="/healthz reports the failing drop")
        assert files_entry(report)["status"] == "degraded"
        assert "Петров" not in json.dumps(report, ensure_ascii=False), "/healthz is public"
        poll_now(hub)
        poll_now(hub)
        assert refused_names(hub) == [STUCK], "journaled once over three polls"
        (tmp_path / "errors").unlink()  # the operator fixes the folder
        poll_now(hub)
        assert (tmp_path / "errors" / STUCK).exists()
        assert files_health(hub)["status"] == "ok"
        wait_for(lambda: healthz(port)[0] == 200, message="/healthz recovers")
        assert refused_names(hub) == [STUCK]


def test_a_drop_whose_folder_cannot_be_read_shows_degraded_until_it_can(tmp_path: Path):
    fp = Footprint("embedded", "memory://", f"sqlite:///{tmp_path / 'hub.db'}")
    (tmp_path / "in").write_bytes(b"")  # not a folder: the listing fails
    with running_hub(folder_settings(fp, tmp_path), COMPONENTS) as hub:
        poll_now(hub)
        health = files_health(hub)
        assert health["status"] == "degraded" and "недоступна" in health["detail"]
        (tmp_path / "in").unlink()
        (tmp_path / "in").mkdir()
        poll_now(hub)
        assert files_health(hub)["status"] == "ok"
