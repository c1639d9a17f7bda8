"""Folder drops end to end through the hub: files in as ``files.received``, refusals in the
errors folder, ``files.send`` written atomically into the recipient's folder."""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

import sqlalchemy as sa

from adapters.files.models import files_seen
from contracts.envelope import utcnow
from contracts.files import FileSendV1
from hub.context import Attachment
from hub.settings import Settings
from hub.testing import TestHub, running_hub, wait_for
from storage.journal import load_blob
from storage.models import dead_letters, journal_messages
from tests.adapters.files.conftest import FileReceiver, files_received, poll_now
from tests.conftest import Footprint

COMPONENTS = ["hub.router", "hub.scheduler", "adapter.files"]
XML = b'<?xml version="1.0" encoding="utf-8"?><OPLIST><N>1</N></OPLIST>\n'
SIG = b"0\x82\x01\x00 detached CMS signature bytes"


def drop(base: Path, **extra: object) -> dict[str, object]:
    """A folder drop under ``base`` for СМО 46001."""
    return {"name": "smo", "kind": "folder", "inbound": str(base / "in"),
            "archive": str(base / "archive"), "errors": str(base / "errors"),
            "outbound": {"46001": str(base / "out" / "46001")}, "stable_seconds": 0.5,
            "masks": [{"pattern": "p*.xml", "format": "erz.oplist",
                       "sender": r"^P(?P<sender>\d{5})_"},
                      {"pattern": "*.csv", "format": "erz.table"}],
            "sender": "99999", **extra}


def settings(fp: Footprint, tmp: Path, **extra: object) -> Settings:
    """A hub with one folder drop."""
    (tmp / "in").mkdir(exist_ok=True)
    return fp.settings(tmp, plugins={"files": {"drops": [drop(tmp, **extra)],
                                               "pass_wait_seconds": 3}})


def refusals(hub: TestHub) -> list[sa.Row[object]]:
    """Journal entries of refused files."""
    with hub.db.read() as conn:
        return list(conn.execute(sa.select(journal_messages).where(
            journal_messages.c.type == "files.refused")).all())


def raw_of(hub: TestHub, row: sa.Row[object]) -> bytes | None:
    """The bytes journaled with a refusal."""
    with hub.db.read() as conn:
        return load_blob(conn, row.raw_blob_id) if row.raw_blob_id else None  # type: ignore[attr-defined]


def test_a_dropped_file_reaches_a_handler_with_its_bytes_and_signature(
        footprint: Footprint, tmp_path: Path):
    with running_hub(settings(footprint, tmp_path), COMPONENTS, extra=[FileReceiver]) as hub:
        (tmp_path / "in" / "P46001_250101.xml").write_bytes(XML)
        (tmp_path / "in" / "P46001_250101.xml.sig").write_bytes(SIG)
        (tmp_path / "in" / "list.CSV").write_bytes(b"a;b\n1;2\n")
        poll_now(hub)
        got = wait_for(lambda: len(files_received(hub)) == 2 and files_received(hub))
        xml, csv = got
        assert (xml.file_name, xml.format_key, xml.sender, xml.drop) == (
            "P46001_250101.xml", "erz.oplist", "46001", "smo")
        assert xml.data == XML and xml.sig == SIG and xml.signed
        assert (csv.format_key, csv.sender, csv.signed, csv.sig) == (
            "erz.table", "99999", False, None), "the drop's sender when the name has none"
        month = tmp_path / "archive" / f"{utcnow():%Y}" / f"{utcnow():%m}"
        wait_for(lambda: not list((tmp_path / "in").iterdir()), message="inbound emptied")
        assert sorted(p.name for p in month.iterdir()) == [
            "P46001_250101.xml", "P46001_250101.xml.sig", "list.CSV"]
        assert hub.count(files_seen, files_seen.c.archived_at.is_not(None)) == 2


def test_a_growing_file_is_taken_only_when_it_stopped_changing(tmp_path: Path):
    fp = Footprint("embedded", "memory://", f"sqlite:///{tmp_path / 'hub.db'}")
    path = tmp_path / "in" / "P46001_big.xml"
    done = threading.Event()

    def writer() -> None:
        with open(path, "ab") as fh:
            while not done.is_set():
                fh.write(b"<R>row</R>\n")
                fh.flush()
                time.sleep(0.1)
            fh.write(b"</OPLIST>\n")

    with running_hub(settings(fp, tmp_path, stable_seconds=1.5), COMPONENTS,
                     extra=[FileReceiver]) as hub:
        thread = threading.Thread(target=writer)
        thread.start()
        try:
            poll_now(hub)  # a whole pass while the file grows
            assert files_received(hub) == [] and path.exists(), "a growing file is left"
        finally:
            done.set()
            thread.join()
        poll_now(hub)
        (got,) = wait_for(lambda: files_received(hub))
        assert got.data == path.parent.parent.joinpath(
            "archive", f"{utcnow():%Y}", f"{utcnow():%m}", path.name).read_bytes()
        assert got.data.endswith(b"</OPLIST>\n")


def test_a_duplicate_goes_to_errors_with_a_note_and_a_journal_entry(
        footprint: Footprint, tmp_path: Path):
    name = "P46001_250102.xml"
    with running_hub(settings(footprint, tmp_path), COMPONENTS, extra=[FileReceiver]) as hub:
        (tmp_path / "in" / name).write_bytes(XML)
        poll_now(hub)
        wait_for(lambda: files_received(hub))
        (tmp_path / "in" / name).write_bytes(XML)  # the sender drops it once more
        poll_now(hub)
        note = tmp_path / "errors" / f"{name}.error.txt"
        wait_for(note.exists, message="the note")
        assert (tmp_path / "errors" / name).read_bytes() == XML
        assert "повтор" in note.read_text() and len(files_received(hub)) == 1
        (refused,) = refusals(hub)
        assert refused.status == "rejected" and "повтор" in refused.last_error
        assert raw_of(hub, refused) == XML


def test_an_unmatched_name_and_an_empty_file_are_refused(tmp_path: Path):
    fp = Footprint("embedded", "memory://", f"sqlite:///{tmp_path / 'hub.db'}")
    with running_hub(settings(fp, tmp_path), COMPONENTS, extra=[FileReceiver]) as hub:
        (tmp_path / "in" / "letter.doc").write_bytes(b"hello")
        (tmp_path / "in" / "P46001_empty.xml").write_bytes(b"")
        (tmp_path / "in" / ".P46001_next.xml.part").write_bytes(b"<half")  # being written
        poll_now(hub)
        wait_for(lambda: len(refusals(hub)) == 2, message="two refusals")
        errors = sorted(p.name for p in (tmp_path / "errors").iterdir())
        assert errors == ["P46001_empty.xml", "P46001_empty.xml.error.txt", "letter.doc",
                          "letter.doc.error.txt"]
        note = (tmp_path / "errors" / "letter.doc.error.txt").read_text()
        assert "не подходит ни под одну маску" in note
        assert note.startswith("Файл letter.doc не принят") and "Причина: " in note
        assert re.search(r"\d\d\.\d\d\.20\d\d \d\d:\d\d:\d\d \(", note), note
        assert "reason" not in note and "journal" not in note  # Russian only
        assert "пустой файл" in (tmp_path / "errors" / "P46001_empty.xml.error.txt").read_text()
        assert sorted(p.name for p in (tmp_path / "in").iterdir()) == [".P46001_next.xml.part"]
        assert files_received(hub) == []


def test_a_file_taken_but_not_archived_is_archived_on_the_next_pass(tmp_path: Path):
    fp = Footprint("embedded", "memory://", f"sqlite:///{tmp_path / 'hub.db'}")
    (tmp_path / "archive").write_bytes(b"")  # a file where the archive folder should be
    with running_hub(settings(fp, tmp_path), COMPONENTS, extra=[FileReceiver]) as hub:
        (tmp_path / "in" / "P46001_250103.xml").write_bytes(XML)
        poll_now(hub)
        wait_for(lambda: files_received(hub))
        assert (tmp_path / "in" / "P46001_250103.xml").exists(), "the move failed"
        (tmp_path / "archive").unlink()
        poll_now(hub)
        wait_for(lambda: not (tmp_path / "in" / "P46001_250103.xml").exists())
        assert len(files_received(hub)) == 1 and refusals(hub) == [], "only archived"
        assert hub.count(files_seen, files_seen.c.archived_at.is_not(None)) == 1


def send(hub: TestHub, name: str, data: bytes, sig: bytes | None = None,
         destination: str | None = None, **fields: str) -> str:
    """Ask for a file to be delivered, as a handler would; returns the message id."""
    files = [Attachment(name, "application/xml", data)]
    if sig is not None:
        files.append(Attachment(name + ".sig", "application/pkcs7-signature", sig))
    model = FileSendV1(file_name=name, **fields)  # type: ignore[arg-type]
    return hub.publish(model, attachments=files, destination=destination).id


def test_a_send_appears_in_the_outbound_folder_only_whole(footprint: Footprint,
                                                          tmp_path: Path):
    data = os.urandom(4 * 1024 * 1024)
    out = tmp_path / "out" / "46001"
    out.mkdir(parents=True)
    seen: set[str] = set()
    partial: list[tuple[str, int]] = []
    stop = threading.Event()

    def watch() -> None:  # what the recipient would see, as often as it can look
        while not stop.is_set():
            for entry in os.scandir(out):
                seen.add(entry.name)
                if entry.name == "R46001.xml":
                    size = entry.stat().st_size
                    if size != len(data):
                        partial.append((entry.name, size))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with running_hub(settings(footprint, tmp_path), COMPONENTS) as hub:
            mid = send(hub, "R46001.xml", data, SIG, recipient="46001")
            wait_for(lambda: "delivered" in hub.trail(mid), message="delivered")
            with hub.db.read() as conn:
                announced = conn.execute(sa.select(journal_messages.c.message_id).where(
                    journal_messages.c.type == "files.delivered",
                    journal_messages.c.causation_id == mid)).all()
    finally:
        stop.set()
        watcher.join()
    assert (out / "R46001.xml").read_bytes() == data
    assert (out / "R46001.xml.sig").read_bytes() == SIG
    assert partial == [], "the final name only ever showed the whole file"
    assert seen <= {"R46001.xml", "R46001.xml.sig"} | {n for n in seen if n.startswith(".")}
    assert sorted(p.name for p in out.iterdir()) == ["R46001.xml", "R46001.xml.sig"]
    assert len(announced) == 1


def test_a_send_nobody_can_deliver_is_dead_lettered_with_its_cause(tmp_path: Path):
    fp = Footprint("embedded", "memory://", f"sqlite:///{tmp_path / 'hub.db'}")
    with running_hub(settings(fp, tmp_path), COMPONENTS) as hub:
        mid = send(hub, "R77777.xml", XML, recipient="77777")
        wait_for(lambda: hub.status_of(mid) == "dead", message="dead-lettered")
        (dead,) = hub.dead_letters()
        assert "77777" in dead.cause_message and dead.message_id == mid


def test_a_different_file_waiting_under_the_name_is_retried(tmp_path: Path):
    fp = Footprint("embedded", "memory://", f"sqlite:///{tmp_path / 'hub.db'}")
    out = tmp_path / "out" / "46001"
    out.mkdir(parents=True)
    (out / "R46001.xml").write_bytes(b"last month's file, not picked up yet")
    slower = settings(fp, tmp_path).model_copy(update={"retry_delays": (1, 3, 10)})
    with running_hub(slower, COMPONENTS) as hub:
        mid = send(hub, "R46001.xml", XML, recipient="46001")
        wait_for(lambda: "failed" in hub.trail(mid), message="a failed attempt")
        assert any("ещё не забрал" in (e.detail or "") for e in hub.events(mid))
        (out / "R46001.xml").unlink()  # the recipient takes its file
        wait_for(lambda: "delivered" in hub.trail(mid), message="delivered on a retry")
        assert (out / "R46001.xml").read_bytes() == XML
        assert hub.count(dead_letters) == 0
