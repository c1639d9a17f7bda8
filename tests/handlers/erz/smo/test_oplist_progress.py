"""A large OPLIST's handling shows its progress on «Выполнение» (hub/progress.py)."""

from __future__ import annotations

import pytest

from handlers.erz.smo import exchange as smo_exchange
from hub import progress
from storage.db import Database
from storage.models import metadata as hub_metadata
from tests.handlers.erz.smo.builders import SMO_A
from tests.handlers.erz.smo.test_oplist_bulk import _run


def test_a_large_oplist_reports_its_progress_and_outcome(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    hub_metadata.create_all(db.engine)
    monkeypatch.setattr(smo_exchange, "LARGE", 5)  # the test file is small
    snap = _run(db, True, monkeypatch)
    progress.flush(db)
    [task] = progress.recent(db, kind="message")
    records = snap["files"][0].records
    assert task.title.startswith(f"Список операций СМО {SMO_A}: ")
    assert task.state == "finished" and (task.done, task.total) == (records, records)
    assert task.component == "handler.erz" and "message_id" in task.params
    assert task.outcome.startswith(f"Записей: {records}; применено ")


def test_a_small_oplist_is_not_listed(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    hub_metadata.create_all(db.engine)
    _run(db, True, monkeypatch)
    progress.flush(db)
    assert progress.recent(db, kind="message") == []
