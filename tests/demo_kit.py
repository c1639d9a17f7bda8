"""The embedded demo as tests start it: ``omshub up``'s assembly on a fresh directory, and
the files an organisation of the demo region would send."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from contracts.erz import common as c
from contracts.erz import lists
from contracts.erz.files import write_file
from handlers.erz.demo import DEMO_PERSONS, DEMO_SEED
from handlers.erz.synth.lists import operation_record
from handlers.erz.synth.population import person
from hub.cli import start_up
from hub.runtime import HubProcess
from hub.settings import load_settings
from hub.testing import reset_memory_broker
from tests.conftest import free_port


@contextmanager
def running_demo(data_dir: Path, *, admin_port: int = 0, **settings: Any) -> Iterator[HubProcess]:
    """:func:`hub.cli.start_up` (what ``omshub up`` runs) on ``data_dir``, every port free
    (the console on ``admin_port`` when given), stopped on exit."""
    reset_memory_broker()
    sim = free_port()
    process = start_up(load_settings(
        env={}, data_dir=data_dir, admin_port=admin_port or free_port(),
        heartbeat_seconds=0.5, plugins={
            "smev3-simulator": {"port": sim, "ftp_port": free_port()},
            "ferzl-simulator": {"port": free_port()},
            "smev3": {"url": f"http://127.0.0.1:{sim}/smev3"},
            "soap": {"port": free_port()}}, **settings))
    try:
        yield process
    finally:
        process.stop()
        reset_memory_broker()


def newcomers_oplist(stem: str, insurer: str, newcomer: int = 0) -> bytes:
    """An insurer's OPLIST named ``stem``: a policy issued to a newcomer to the demo region
    (a person of its seed beyond those loaded, so not in the register)."""
    who = person(DEMO_PERSONS + newcomer, seed=DEMO_SEED)
    op = operation_record(
        1, who, c.Operation.ISSUE_POLICY, changed=datetime(2026, 12, 7, 9, 0),
        operator="Петрова", insurer_ogrn="1027600000000", begin=date(2026, 12, 7),
        attachments=[c.Attachment(clinic_id=760101, zone=c.AttachmentZone.ADULT_SOMATIC)])
    return write_file(lists.OperationList(file_name=stem, insurer=insurer, office="001",
                                          count=1, operations=[op]))
