"""An attachment counts only once ФЕРЗЛ registered it (issue 13, ERZ-8; done when: "an
attachment is posted and becomes effective only after success"): a clinic of the demo region
drops an ATT file; the records that pass the register's checks go to the simulated ФЕРЗЛ
(``registerAttach`` through adapter.ferzl over HTTP); each is applied only when ФЕРЗЛ has
registered it, and the FATM, sent when every answer is in, lists the records the register
refused and the ones ФЕРЗЛ refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from adapters.ferzl.models import exchanges
from adapters.ferzl.simulator.register import mo_oid
from contracts.demo import read_region
from contracts.erz.attachment import AttachmentProtocol
from contracts.erz.files import read_file
from handlers.erz import models as m
from handlers.erz.mo import posting
from handlers.erz.register import queries
from hub.testing import TestHub, wait_for
from tests.adapters.files.conftest import poll_now
from tests.conftest import Footprint
from tests.handlers.erz.ferzl_hub import ferzl_hub
from tests.handlers.erz.mo.conftest import SAMPLE, att_file, enp

ON = date(2026, 11, 2)


def _drop(tmp: Path, clinic: str) -> dict[str, Any]:
    (tmp / "in").mkdir(exist_ok=True)
    return {"drops": [{
        "name": f"mo-{clinic}", "kind": "folder", "inbound": str(tmp / "in"),
        "archive": str(tmp / "archive"), "errors": str(tmp / "errors"),
        "outbound": {clinic: str(tmp / "out")}, "stable_seconds": 0.3, "sender": clinic,
        "masks": [{"pattern": "ATM*.xml", "format": "erz.att"}]}], "pass_wait_seconds": 1}


def _attached(hub: TestHub, number: str) -> str | None:
    with hub.db.read() as conn:
        att = queries.person_as_of(conn, number, ON).attachment
    return att.mo if att is not None and att.date_attach == ON else None


def _postings(hub: TestHub) -> dict[str, dict[str, Any]]:
    with hub.db.read() as conn:
        return {r["enp"]: dict(r) for r in conn.execute(sa.select(posting.postings)).mappings()}


def test_attachments_count_only_after_ferzl_registered_them(
        footprint: Footprint, tmp_path: Path) -> None:
    region = demo_region(tmp_path)
    # The clinic of the demo region with the most persons; four of its patients the
    # simulator holds as the region does (no planted difference), and a stranger.
    clinic = max({p.mo for p in region if p.mo},
                 key=lambda code: sum(p.mo == code for p in region))
    with ferzl_hub(footprint, tmp_path / "hub", components=["hub.scheduler", "adapter.files"],
                   plugins={"files": _drop(tmp_path, clinic)},
                   retry_delays=(8, 30),  # the hub's: ФЕРЗЛ's 500 is retried after 8 s
                   erz={"ferzl_attachments": True,
                        "clinic_oids": {clinic: mo_oid("76", clinic)}}) as (hub, simulator):
        differing = {d.enp for d in simulator.server.differences}
        patients = [p.enp for p in region if p.mo == clinic and p.enp not in differing
                    and p.death_date is None][:4]
        assert len(patients) == 4
        refused_by_ferzl, delayed = patients[1], patients[2]
        stranger = enp(990)  # valid check digit, nobody of the register
        controls = simulator.server.ferzl.controls
        controls.fail_persons[refused_by_ferzl] = "flk"
        controls.fail_persons[delayed] = 500  # ФЕРЗЛ fails this one until released
        records = [patients[0], refused_by_ferzl, stranger, delayed, patients[3]]
        name = SAMPLE.name.replace("352530", clinic)  # the file names its sender
        (tmp_path / "in" / name).write_bytes(att_file(records, clinic=clinic, on=ON))
        poll_now(hub)
        # ФЕРЗЛ answered 500 for the delayed one: it waits, the others are settled.
        wait_for(lambda: hub.count(exchanges, exchanges.c.http_status == 500), timeout=60,
                 message="ФЕРЗЛ failed the delayed person's registerAttach once")
        wait_for(lambda: _postings(hub).get(patients[0], {}).get("status") == posting.POSTED,
                 timeout=60, message="the first attachment registered")
        assert _postings(hub)[delayed]["status"] == posting.PENDING
        assert _attached(hub, delayed) is None, "not effective before ФЕРЗЛ registered it"
        assert _attached(hub, patients[0]) == clinic
        assert not (tmp_path / "out").is_dir() or not list((tmp_path / "out").glob("FATM*"))
        del controls.fail_persons[delayed]  # the hub's retry, 8 s after the 500, succeeds
        [found] = wait_for(lambda: sorted((tmp_path / "out").glob("FATM*.xml"))
                           if (tmp_path / "out").is_dir() else [], timeout=60,
                           message="FATM once every answer is in")
        for number in (patients[0], delayed, patients[3]):
            assert _attached(hub, number) == clinic, number
        assert _attached(hub, refused_by_ferzl) is None
        statuses = {k: v["status"] for k, v in _postings(hub).items()}
        assert statuses == {patients[0]: "posted", refused_by_ferzl: "refused",
                            delayed: "posted", patients[3]: "posted"}
        with hub.db.read() as conn:
            [change] = [c for c in queries.timeline(conn, delayed) if c.op in ("attach", "move")
                        and c.effective_date == ON]
            row = conn.execute(sa.select(m.exchange_files)).one()
        assert change.source_file == name and change.mo == clinic
        assert (row.outcome, row.records, row.applied, row.refused) == ("processed", 5, 3, 2)
    protocol = read_file(found.read_bytes(), AttachmentProtocol)
    assert isinstance(protocol, AttachmentProtocol) and protocol.header.result == 3
    errors = {(e.record, e.code) for e in protocol.errors}
    assert errors == {(2, "501"), (3, "401")}
    [ferzl_error] = [e for e in protocol.errors if e.code == "501"]
    assert ferzl_error.message.startswith("ФЕРЗЛ отказал в регистрации прикрепления: ")


def demo_region(tmp: Path) -> list[Any]:
    """The demo region's persons as the demo loader writes them (same seed as the hub)."""
    from contracts.demo import write_region
    from handlers.erz.demo import DEMO_PERSONS, DEMO_SEED, region_persons
    from handlers.erz.synth import population as synth

    folder = tmp / "region"
    write_region(folder, region_persons(synth.population(DEMO_PERSONS, DEMO_SEED)))
    found = read_region(folder)
    assert found is not None
    return list(found)

