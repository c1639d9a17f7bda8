"""Schedules tell the fund's staff what each job does, in Russian, across releases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from hub.testing import TestHub, running_hub
from storage.models import schedules
from tests.conftest import Footprint

PROBE = "adapter.probe:emit"
COMPONENTS = ["hub.router", "hub.scheduler", "adapter.probe", "handler.probe"]


def _row(hub: TestHub) -> Any:
    with hub.db.read() as conn:
        return conn.execute(sa.select(schedules.c.description, schedules.c.cron)
                            .where(schedules.c.name == PROBE)).one()


def test_a_job_is_described_by_its_title_and_a_new_title_reaches_an_old_schedule(
        footprint: Footprint, tmp_path: Path) -> None:
    settings = footprint.settings(tmp_path)
    with running_hub(settings, COMPONENTS) as hub:
        assert _row(hub).description == "Пробное сообщение через хаб: проверка, что путь жив"
        # as an earlier release left it, with the operator's own cron
        with hub.db.transaction() as conn:
            conn.execute(schedules.update().where(schedules.c.name == PROBE).values(
                description="Send one probe (every five minutes by default).",
                cron="*/10 * * * *"))
    with running_hub(settings, COMPONENTS) as hub:
        row = _row(hub)
        assert row.description == "Пробное сообщение через хаб: проверка, что путь жив"
        assert row.cron == "*/10 * * * *"  # the operator's choice stays
