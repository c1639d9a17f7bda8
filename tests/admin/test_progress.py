"""«Выполнение» and bulk replay at a rate: batches, progress, pause, resume, cancel."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from admin import bulkreplay
from contracts.envelope import utcnow
from hub import progress
from storage.db import Database
from storage.models import audit_log, progress_tasks
from tests.admin.conftest import basic_auth

Login = Callable[[str], TestClient]
Token = Callable[[TestClient, str], str]


@pytest.fixture(autouse=True)
def replays_end(db: Database) -> Iterator[None]:
    """Every bulk replay a test started has ended, and its progress is written, before the
    database goes: no thread of it outlives the test."""
    yield
    for replay in list(bulkreplay._running.values()):  # noqa: SLF001
        replay.stopping.set()
        if replay.thread is not None:
            replay.thread.join(30)
    bulkreplay._running.clear()  # noqa: SLF001
    progress.flush(db)


def wait_for(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    """Poll ``condition`` until it holds, failing after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def _replayed(db: Database) -> list[tuple[float, str]]:
    """(time, task) of every replay audited so far, in order."""
    with db.read() as conn:
        rows = conn.execute(sa.select(audit_log.c.at, audit_log.c.details)
                            .where(audit_log.c.action == "replay")
                            .order_by(audit_log.c.id)).all()
    return [(r.at.timestamp(), json.loads(r.details).get("task", "")) for r in rows]


def _start(client: TestClient, token: Token, **fields: str) -> str:
    r = client.post("/dead-letters/replay", follow_redirects=False, data={
        "csrf_token": token(client, "/dead-letters"), "reason": "ФЕРЗЛ снова доступен",
        "queue": "handler.probe", **fields})
    assert r.status_code == 303, r.text
    found = re.search(r"#task-([0-9a-f-]+)$", r.headers["location"])
    assert found is not None
    return found.group(1)


def _task(db: Database, task_id: str) -> progress.Snapshot:
    snap = progress.get(db, task_id)
    assert snap is not None
    return snap


def test_bulk_replay_goes_in_batches_at_the_rate_and_shows_its_progress(
        login: Login, seed: Any, token: Token, db: Database, bus: Any) -> None:
    letters = [seed.dead_letter(seed.message()) for _ in range(24)]
    client = login("oper")
    task = _start(client, token, rate="20", batch="6")
    seen: set[int] = set()
    page = ""

    def finished() -> bool:
        nonlocal page
        snap = _task(db, task)
        seen.add(snap.done)
        if snap.state == "running" and 0 < snap.done < 24 and not page:
            page = client.get("/progress").text
        return snap.state == "finished"

    wait_for(finished)
    assert {seed.letter_state(x) for x in letters} == {"replayed"}
    assert seen <= {0, 6, 12, 18, 24}  # whole batches
    times = [t for t, owner in _replayed(db) if owner == task]
    assert len(times) == 24
    # 24 letters at 20 a second: the last batch cannot start before 18/20 s
    assert times[-1] - times[0] >= 0.8
    # while it ran, the page showed the row with its bar, count, rate and buttons
    row = page[page.index(f'id="task-{task}"'):]
    row = row[:row.index("</tr>")]
    assert "<progress" in row and re.search(r"\d+ из 24", row)
    assert "выполняется" in row and 'id="pause-' in row and 'id="cancel-' in row
    assert '<meta http-equiv="refresh"' in page
    done = client.get("/progress").text
    assert "Отправлено повторно: 24" in done and "завершено" in done
    assert '<meta http-equiv="refresh"' not in done  # nothing runs: no reloading
    started = seed.audit("bulk-replay-started")[0]
    assert (started.username, started.target) == ("oper", task)
    assert json.loads(started.details)["rate"] == 20


def test_a_paused_replay_replays_nothing_until_resumed(
        login: Login, seed: Any, token: Token, db: Database, bus: Any) -> None:
    letters = [seed.dead_letter(seed.message()) for _ in range(12)]
    client = login("oper")
    task = _start(client, token, rate="8", batch="2")
    wait_for(lambda: _task(db, task).done >= 2)
    r = client.post(f"/progress/{task}/pause", data={"csrf_token": token(client, "/progress")})
    assert "Пауза запрошена" in r.text
    wait_for(lambda: _task(db, task).state == "paused")
    held = len(_replayed(db))
    assert held < 12
    page = client.get("/progress").text
    assert "приостановлено" in page and f'id="resume-{task}"' in page
    until = time.monotonic() + 1.5  # at 8 a second, a running replay would move on
    while time.monotonic() < until:
        assert len(_replayed(db)) == held
        time.sleep(0.05)
    client.post(f"/progress/{task}/resume", data={"csrf_token": token(client, "/progress")})
    wait_for(lambda: _task(db, task).state == "finished")
    assert {seed.letter_state(x) for x in letters} == {"replayed"}
    assert [r.action for r in seed.audit("bulk-replay-pause")] == ["bulk-replay-pause"]
    assert len(seed.audit("bulk-replay-resume")) == 1


def test_a_letter_that_fails_while_the_replay_runs_is_left_for_the_operator(
        login: Login, seed: Any, token: Token, db: Database, bus: Any) -> None:
    """Only what had failed when the replay started: a new failure of the same kind (the
    fault is back) is not replayed round and round by the same task."""
    letters = [seed.dead_letter(seed.message()) for _ in range(3)]
    client = login("oper")
    task = _start(client, token, rate="4", batch="1")
    wait_for(lambda: _task(db, task).done >= 1)
    again = seed.dead_letter(seed.message())  # failed after the start
    wait_for(lambda: _task(db, task).state == "finished")
    assert {seed.letter_state(x) for x in letters} == {"replayed"}
    assert seed.letter_state(again) == "open"
    assert _task(db, task).done == 3 and "за период" not in _task(db, task).title


def test_cancel_stops_a_replay(login: Login, seed: Any, token: Token, db: Database,
                               bus: Any) -> None:
    letters = [seed.dead_letter(seed.message()) for _ in range(40)]
    client = login("oper")
    task = _start(client, token, rate="10", batch="1")
    wait_for(lambda: _task(db, task).done >= 2)
    client.post(f"/progress/{task}/cancel", data={"csrf_token": token(client, "/progress")})
    wait_for(lambda: _task(db, task).state == "cancelled")
    stopped = len(_replayed(db))
    assert stopped < 40
    states = [seed.letter_state(x) for x in letters]
    assert states.count("replayed") == stopped and states.count("open") == 40 - stopped
    snap = _task(db, task)
    assert snap.outcome.startswith("Отменено оператором")
    assert "отменено" in client.get("/progress").text


def test_a_viewer_sees_progress_but_no_buttons(login: Login, seed: Any, token: Token,
                                               db: Database, bus: Any) -> None:
    seed.dead_letter(seed.message())
    task = _start(login("oper"), token, rate="1", batch="1")
    viewer = login("viewer")
    page = viewer.get("/progress").text
    assert f'id="task-{task}"' in page and 'id="cancel-' not in page
    r = viewer.post(f"/progress/{task}/cancel", data={"csrf_token": token(viewer, "/progress")})
    assert r.status_code == 403
    wait_for(lambda: _task(db, task).state == "finished")


def test_api_lists_tasks_and_controls_a_replay(app: Any, accounts: None, seed: Any, db: Database,
                                               bus: Any) -> None:
    for _ in range(30):
        seed.dead_letter(seed.message())
    with TestClient(app) as api:
        r = api.post("/api/dead-letters/replay", headers=basic_auth("oper"), json={
            "reason": "после исправления", "queue": "handler.probe", "rate": 10, "batch": 1})
        assert r.status_code == 202
        task = r.json()["task"]
        wait_for(lambda: _task(db, task).done >= 1)
        r = api.get("/api/progress", headers=basic_auth("viewer"))
        [item] = [x for x in r.json()["items"] if x["id"] == task]
        assert item["kind"] == "replay" and item["total"] == 30
        assert item["state_words"] in ("выполняется", "приостановлено")
        r = api.post(f"/api/progress/{task}/cancel", headers=basic_auth("viewer"), json={})
        assert r.status_code == 403
        r = api.post(f"/api/progress/{task}/cancel", headers=basic_auth("oper"), json={})
        assert r.json() == {"id": task, "active": True}
        wait_for(lambda: _task(db, task).state == "cancelled")
        r = api.get(f"/api/progress/{task}", headers=basic_auth("viewer"))
        assert r.json()["state"] == "cancelled"
        r = api.get("/api/progress/nope", headers=basic_auth("viewer"))
        assert r.status_code == 404 and r.json()["error"] == "нет такой задачи"


def test_a_replay_whose_process_stopped_is_taken_over_on_resume(
        login: Login, seed: Any, token: Token, db: Database, bus: Any) -> None:
    letters = [seed.dead_letter(seed.message()) for _ in range(10)]
    client = login("oper")
    task = _start(client, token, rate="10", batch="2")
    wait_for(lambda: _task(db, task).done >= 2)
    bulkreplay.stop_all(db)  # the console's process stops mid-way
    left = [x for x in letters if seed.letter_state(x) == "open"]
    assert left and _task(db, task).state == "running"
    with db.transaction() as conn:  # ... and is not heard of for a while
        conn.execute(progress_tasks.update().where(progress_tasks.c.id == task).values(
            updated_at=utcnow() - timedelta(minutes=5)))
    page = client.get("/progress").text
    assert "прервано: процесс не отвечает" in page and f'id="resume-{task}"' in page
    client.post(f"/progress/{task}/resume", data={"csrf_token": token(client, "/progress")})
    wait_for(lambda: _task(db, task).state == "finished")
    assert {seed.letter_state(x) for x in letters} == {"replayed"}
    assert len(_replayed(db)) == 10  # nothing twice
    snap = _task(db, task)
    assert snap.done == 10 and snap.outcome == "Отправлено повторно: 10"
