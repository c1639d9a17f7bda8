"""Done when: a ЗАГС death record sent by the СМЭВ simulator closes the policy and the
attachment and puts a notice in the insurer's folder — through the hub, signed, on both
footprints (RabbitMQ + PostgreSQL in production)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from lxml import etree

from adapters.smev3.service import catalogue
from adapters.smev3.simulator.service import SimulatorServer
from contracts.erz import lists
from contracts.erz.files import erz_schemas, read_file, schema_errors
from contracts.xmlsafe import parse
from handlers.erz.buffer import store as buffer
from handlers.erz.register import queries
from handlers.erz.zags import deaths as zags
from hub.testing import running_hub, wait_for
from tests.adapters.smev3.conftest import SMEV3_FIXTURES
from tests.adapters.smev3.keys import TestKey
from tests.adapters.smev3.test_exchange import _poll_now
from tests.adapters.smev3.test_exchange_zags import PROVIDER, keys, simulator
from tests.conftest import SHARED, Footprint
from tests.handlers.erz.zags.conftest import CLINIC, INSURER, insured, record

__all__ = ["keys", "simulator"]

LISTS_XSD = SHARED / "fixtures" / "ferzl" / "rs-erz-smo-exchange"
COMPONENTS = ["hub.router", "hub.scheduler", "adapter.smev3", "adapter.files", "handler.erz"]


def _hub(footprint: Footprint, tmp: Path, server: SimulatorServer,
         keys: dict[str, TestKey]) -> Any:
    out = tmp / "out"
    settings = footprint.settings(tmp, schemas_dir=SMEV3_FIXTURES, plugins={
        "smev3": {"url": server.url, "types": ["zags.fataloiv"],
                  "key": str(keys["ours"].key), "certificate": str(keys["ours"].cert),
                  "crypto_provider": PROVIDER, "retry_delays": [1, 1]},
        "files": {"drops": [{
            "name": "erz", "kind": "folder", "inbound": str(tmp / "in"),
            "archive": str(tmp / "archive"), "errors": str(tmp / "errors"),
            "outbound": {INSURER: str(out / INSURER), CLINIC: str(out / CLINIC)},
            "masks": []}]}})
    (tmp / "in").mkdir(exist_ok=True)
    return running_hub(settings, COMPONENTS)


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.xml")) if folder.is_dir() else []


def test_a_death_from_zags_closes_policy_and_attachment_and_tells_insurer_and_clinic(
        footprint: Footprint, tmp_path: Path, simulator: SimulatorServer,
        keys: dict[str, TestKey]) -> None:
    info = catalogue().get("zags.fataloiv")
    with _hub(footprint, tmp_path, simulator, keys) as hub:
        with hub.db.transaction() as conn:
            number = insured(conn, 1)
        smev_id = simulator.smev.offer_request(info, record())
        _poll_now(hub)
        [stop_file] = wait_for(lambda: _files(tmp_path / "out" / INSURER), timeout=60,
                               message="a STOPLIST in the insurer's folder")
        [notice_file] = wait_for(lambda: _files(tmp_path / "out" / CLINIC),
                                 message="a notice in the clinic's folder")
        wait_for(lambda: f"sim:{smev_id}" in simulator.smev.answers, timeout=30,
                 message="FATALOIVResponse reached ЗАГС")
        answer = simulator.smev.answers[f"sim:{smev_id}"]
        assert etree.QName(answer).localname == "FATALOIVResponse"
        assert answer.get("КодОбр") == "01"
        with hub.db.read() as conn:
            before = queries.person_as_of(conn, number, date(2024, 2, 25))
            after = queries.person_as_of(conn, number, date(2024, 2, 26))
        assert before.policy is not None and before.attachment is not None
        assert after.policy is None and after.attachment is None and not after.alive

    assert stop_file.name.startswith(f"STOPT76S{INSURER}_2")
    stops = read_file(stop_file.read_bytes(), lists.StopList)
    assert isinstance(stops, lists.StopList)
    [stop] = stops.stops
    assert (stops.insurer, stop.enp, stop.policy.stopped) == (INSURER, number,
                                                             date(2024, 2, 26))
    assert stop.person.death_date == date(2024, 2, 26)
    assert stop.reason == 2  # death, as in every STOPLIST (smo_lists.STOP_REASONS)
    assert schema_errors(stops, erz_schemas(LISTS_XSD)) == []
    notice = parse(notice_file.read_bytes())
    assert notice_file.name.startswith(f"UMRT76M{CLINIC}_")
    assert notice.findtext("ZGLV/CODE_MO") == CLINIC
    assert notice.findtext("PERS/ENP") == number
    assert notice.findtext("PERS/DS") == "2024-02-26"


def test_unmatched_and_ambiguous_records_wait_in_the_buffer_and_nothing_goes_out(
        footprint: Footprint, tmp_path: Path, simulator: SimulatorServer,
        keys: dict[str, TestKey]) -> None:
    info = catalogue().get("zags.fataloiv")
    with _hub(footprint, tmp_path, simulator, keys) as hub:
        with hub.db.transaction() as conn:
            first, second = insured(conn, 1), insured(conn, 2)
        unknown = simulator.smev.offer_request(info, record(family="Неизвестный", act="1"))
        namesakes = simulator.smev.offer_request(info, record(document=None, act="2"))
        _poll_now(hub)
        wait_for(lambda: hub.count(zags.records) == 2, timeout=60,
                 message="both records processed")
        wait_for(lambda: {f"sim:{unknown}", f"sim:{namesakes}"} <= set(
            simulator.smev.answers), timeout=30, message="both answered")
        with hub.db.read() as conn:
            waiting = buffer.pending(conn, zags.KIND)
            alive = [queries.person_as_of(conn, n, date(2024, 3, 1)).alive
                     for n in (first, second)]
        assert sorted(("не найдено" in i.why, "несколько" in i.why) for i in waiting) == [
            (False, True), (True, False)]
        assert alive == [True, True]
        assert _files(tmp_path / "out" / INSURER) == []
        assert hub.count(zags.records, zags.records.c.outcome == "buffered") == 2


def test_a_death_an_operator_approves_from_the_buffer_tells_insurer_and_clinic(
        footprint: Footprint, tmp_path: Path, simulator: SimulatorServer,
        keys: dict[str, TestKey]) -> None:
    from datetime import UTC

    from admin.extensions import ConsoleContext
    from handlers.erz.console import decisions
    from hub.operations import Operations

    info = catalogue().get("zags.fataloiv")
    with _hub(footprint, tmp_path, simulator, keys) as hub:
        with hub.db.transaction() as conn:
            first, second = insured(conn, 1), insured(conn, 2)
        # Two namesakes and no document in the record: it waits for an operator.
        simulator.smev.offer_request(info, record(document=None, act="7"))
        _poll_now(hub)
        wait_for(lambda: hub.count(zags.records) == 1, timeout=60, message="record processed")
        with hub.db.read() as conn:
            [item] = buffer.pending(conn, zags.KIND)
        assert _files(tmp_path / "out" / INSURER) == []
        process = hub.process
        ctx = ConsoleContext(hub.db, Operations(hub.db, process.bus, process.plugins.types),
                             process.plugins.types, process.settings, UTC,
                             relay=process.relay)
        out = decisions.decide(ctx, item.id, True, user="oper", note="по копии актовой записи",
                               enp=second)
        assert out.status == buffer.APPLIED
        [stop_file] = wait_for(lambda: _files(tmp_path / "out" / INSURER), timeout=60,
                               message="a STOPLIST in the insurer's folder")
        [notice_file] = wait_for(lambda: _files(tmp_path / "out" / CLINIC),
                                 message="a notice in the clinic's folder")
        with hub.db.read() as conn:
            alive = {n: queries.person_as_of(conn, n, date(2024, 3, 1)).alive
                     for n in (first, second)}
        assert alive == {first: True, second: False}
        assert hub.count(zags.records, zags.records.c.outcome == "applied",
                         zags.records.c.enp == second) == 1
    stops = read_file(stop_file.read_bytes(), lists.StopList)
    assert isinstance(stops, lists.StopList)
    assert [s.enp for s in stops.stops] == [second]
    assert schema_errors(stops, erz_schemas(LISTS_XSD)) == []
    notice = parse(notice_file.read_bytes())
    assert notice.findtext("PERS/ENP") == second
    assert notice.findtext("PERS/DS") == "2024-02-26"
