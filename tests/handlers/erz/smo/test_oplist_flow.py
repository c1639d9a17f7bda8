"""ERZ-1/6/7 end to end: an insurer's OPLIST dropped in its folder → FLK_P, REPLIST (and
CONFLICTLIST) in the outbound folders, valid against the XSDs, and the register changed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from contracts.erz import common as c
from contracts.erz import lists
from contracts.erz.files import erz_schemas, read_file, write_file
from contracts.erz.register import Contact, Reason, Source
from contracts.schemas import SchemaStore
from handlers.erz.buffer import store as buffer
from handlers.erz.register import queries
from handlers.erz.register.core import Register
from hub.testing import TestHub, running_hub, wait_for
from tests.adapters.files.conftest import poll_now
from tests.conftest import SHARED, Footprint, unavailable
from tests.handlers.erz.smo.builders import SMO_A, SMO_B, bad_snils, load, oplist, people, record

FERZL = SHARED / "fixtures" / "ferzl"
LISTS = FERZL / "rs-erz-smo-exchange"
COMPONENTS = ["hub.router", "hub.scheduler", "adapter.files", "handler.erz"]
ON = date(2024, 12, 25)


@dataclass
class Exchange:
    """The running hub and the insurers' folders."""

    hub: TestHub
    base: Path
    schemas: SchemaStore

    def inbound(self, smo: str) -> Path:
        return self.base / smo / "in"

    def outbound(self, smo: str) -> Path:
        return self.base / smo / "out"

    def drop(self, name: str, data: bytes, smo: str = SMO_A) -> None:
        """Put a file in the insurer's inbound folder and poll."""
        (self.inbound(smo) / name).write_bytes(data)
        poll_now(self.hub)

    def answers(self, smo: str, count: int) -> dict[str, bytes]:
        """Wait for ``count`` files in the insurer's outbound folder; name → bytes."""
        folder = self.outbound(smo)
        wait_for(lambda: folder.is_dir() and len(list(folder.glob("*.xml"))) >= count,
                 timeout=60, message=f"{count} answers for {smo}")
        return {f.name: f.read_bytes() for f in folder.glob("*.xml")}


def _drop(base: Path, smo: str) -> dict[str, object]:
    (base / smo / "in").mkdir(parents=True)
    return {"name": f"smo-{smo}", "kind": "folder", "inbound": str(base / smo / "in"),
            "archive": str(base / smo / "archive"), "errors": str(base / smo / "errors"),
            "outbound": {smo: str(base / smo / "out")}, "stable_seconds": 0.3,
            "masks": [{"pattern": "OP*.xml", "format": "erz.oplist"}], "sender": smo}


@pytest.fixture
def exchange(footprint: Footprint, tmp_path: Path) -> Iterator[Exchange]:
    """Router, scheduler, files adapter and the ERZ handler; two insurers' drops."""
    if not (LISTS / "TargetClass.xsd").is_file():
        unavailable(f"РС ЕРЗ list schemas are not at {LISTS}")
    settings = footprint.settings(tmp_path, schemas_dir=FERZL, plugins={"files": {
        "drops": [_drop(tmp_path, SMO_A), _drop(tmp_path, SMO_B)], "pass_wait_seconds": 2}})
    with running_hub(settings, COMPONENTS) as hub:
        yield Exchange(hub, tmp_path, erz_schemas(LISTS))


def _read(ex: Exchange, data: bytes) -> object:
    """An answer read back with XSD validation (raises if the hub wrote an invalid file)."""
    return read_file(data, schemas=ex.schemas)


def _with_doctype(data: bytes, n_rec: str, doctype: str) -> bytes:
    """The file with DOCTYPE of record ``n_rec`` replaced (a code outside the dictionary)."""
    root = etree.fromstring(data)
    ns = {"t": c.NS}
    for op in root.findall("t:OP", ns):
        if op.findtext("t:N_REC", namespaces=ns) == n_rec:
            op.find("t:DOC/t:DOCTYPE", ns).text = doctype
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    return out


def test_an_oplist_is_answered_and_changes_the_register(exchange: Exchange) -> None:
    ex = exchange
    ours, theirs, newcomer, bad, wrong_doc, edited = people(1, 2, 3, 4, 5, 6)
    with ex.hub.db.transaction() as conn:
        load(conn, [(ours, SMO_A), (theirs, SMO_B), (edited, SMO_B)])
        Register(conn, Source("test")).set_contact(
            edited.enp, Contact("phone", "+7 4852 30-12-45"), date(2024, 1, 1), Reason())
    ops = [record(1, newcomer, c.Operation.ISSUE_POLICY),
           record(2, ours, c.Operation.EDIT, doc_number="999999"),
           record(3, bad, c.Operation.ISSUE_POLICY, snils=bad_snils(bad)),
           record(4, theirs, c.Operation.REINSURANCE),
           record(5, edited, c.Operation.ISSUE_POLICY),
           record(6, wrong_doc, c.Operation.ISSUE_POLICY)]
    data = _with_doctype(write_file(oplist("OPS76002T76_2412201", ops)), "6", "19")
    ex.drop("OPS76002T76_2412201.xml", data)

    got = ex.answers(SMO_A, 3)
    assert set(got) == {"FOPS76002T76_2412201.xml", "REPT76S76002_2412201.xml",
                        "CONFT76S76002_2412201.xml"}
    flk = _read(ex, got["FOPS76002T76_2412201.xml"])
    rep = _read(ex, got["REPT76S76002_2412201.xml"])
    assert isinstance(flk, lists.ListProtocol) and isinstance(rep, lists.ReplyList)
    # the wrong СНИЛС, the insurer claiming a person of another and the unknown document
    # type are listed with their codes; the rest are not errors
    assert sorted((e.record, e.code, e.field_name) for e in flk.errors) == [
        ("3", "104", "SS"), ("5", "502", "ENP"), ("6", "201", "DOCTYPE")]
    results = {r.record: (r.result, (r.comment or "")[:3]) for r in rep.replies}
    assert results == {"1": ("AA", "при"), "2": ("AA", "при"), "3": ("AE", "104"),
                       "4": ("AA", "501"), "5": ("AE", "502")}
    assert rep.errors == 2
    conflict_b = ex.answers(SMO_B, 1)
    (conf_b,) = conflict_b.values()
    conflicts = _read(ex, conf_b)
    assert isinstance(conflicts, lists.ConflictList) and conflicts.insurer == SMO_B
    # The register's side of the conflict is the person whole, contacts included.
    (conflict,) = conflicts.conflicts
    assert conflict.current_person.phone == "+7 4852 30-12-45"

    with ex.hub.db.read() as conn:
        assert queries.person_as_of(conn, newcomer.enp, ON).policy.smo == SMO_A  # type: ignore[union-attr]
        assert queries.person_as_of(conn, ours.enp, ON).document.number == "999999"  # type: ignore[union-attr]
        assert queries.find_by_enp(conn, bad.enp) == []
        assert queries.find_by_enp(conn, wrong_doc.enp) == []
        assert queries.person_as_of(conn, theirs.enp, ON).policy.smo == SMO_B  # type: ignore[union-attr]
        assert queries.person_as_of(conn, edited.enp, ON).policy.smo == SMO_B  # type: ignore[union-attr]
        (waiting,) = buffer.pending(conn)
        assert (waiting.kind, waiting.enp, waiting.organisation) == ("reinsure", theirs.enp,
                                                                     SMO_A)
    with ex.hub.db.transaction() as conn:
        assert buffer.approve(conn, waiting.id, "operator", "заявление о замене СМО").applied
    with ex.hub.db.read() as conn:
        assert queries.person_as_of(conn, theirs.enp, ON).policy.smo == SMO_A  # type: ignore[union-attr]
        assert queries.person_as_of(conn, theirs.enp, date(2024, 12, 1)).policy.smo == SMO_B  # type: ignore[union-attr]


def test_bad_files_get_a_protocol_and_change_nothing(exchange: Exchange) -> None:
    ex = exchange
    (newcomer,) = people(11)
    # half-written: a file still being written under a temporary name is not taken
    (ex.inbound(SMO_A) / ".OPS76002T76_2412202.xml.part").write_bytes(b"<OPLIST")
    # malformed: FLK_P names the XML problem, nothing is applied
    ex.drop("OPS76002T76_2412202.xml", b"<?xml version='1.0'?><OPLIST><OP>")
    got = ex.answers(SMO_A, 1)
    flk = _read(ex, got["FOPS76002T76_2412202.xml"])
    assert isinstance(flk, lists.ListProtocol)
    assert [e.code for e in flk.errors] == ["901"]
    assert (ex.inbound(SMO_A) / ".OPS76002T76_2412202.xml.part").exists()

    good = write_file(oplist("OPS76002T76_2412203", [record(1, newcomer,
                                                           c.Operation.ISSUE_POLICY)]))
    ex.drop("OPS76002T76_2412203.xml", good)
    ex.answers(SMO_A, 3)
    with ex.hub.db.read() as conn:
        assert queries.find_by_enp(conn, newcomer.enp) == [newcomer.enp]
    # the same file again: refused by the files adapter to the errors folder
    ex.drop("OPS76002T76_2412203.xml", good)
    wait_for(lambda: (ex.base / SMO_A / "errors" / "OPS76002T76_2412203.xml").exists(),
             message="duplicate in errors")
    # a different file under a name already processed: FLK_P 906, nothing applied
    (other,) = people(12)
    for taken in ex.outbound(SMO_A).glob("*.xml"):  # the insurer took its answers
        taken.unlink()
    ex.drop("OPS76002T76_2412203.xml", write_file(oplist(
        "OPS76002T76_2412203", [record(1, other, c.Operation.ISSUE_POLICY)])))

    def second_protocol() -> lists.ListProtocol | None:
        path = ex.outbound(SMO_A) / "FOPS76002T76_2412203.xml"
        if not path.exists():
            return None
        answer = _read(ex, path.read_bytes())
        assert isinstance(answer, lists.ListProtocol)
        return answer if answer.errors else None

    answer = wait_for(second_protocol, timeout=60)
    assert answer is not None and [e.code for e in answer.errors] == ["906"]
    with ex.hub.db.read() as conn:
        assert queries.find_by_enp(conn, other.enp) == []
