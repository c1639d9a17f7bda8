"""Bulk replay of dead letters as a task: at a chosen rate and batch size, with progress.

The console starts the task and answers at once; a thread of the console's process
replays (hub.operations.BulkReplay) and reports through hub/progress.py, where the page
«Выполнение» shows it with Пауза / Продолжить / Отменить. Those buttons write a request
into the task's row, so they work from any console process; a task whose process has gone
(a restart) is taken over by the console that is asked to go on with it: what is left is
found again from the stored filter, since every replayed letter is no longer open.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from admin import deadletters
from admin.deadletters import DeadLetterFilter
from admin.privacy import Privacy
from contracts.envelope import utcnow
from hub import progress
from hub.operations import BulkReplay, Operations, Pace
from storage.db import Database

KIND = "replay"
DEFAULT_PACE = Pace()

_running: dict[str, BulkReplay] = {}
"""This process's replays, by task id (to stop them with the process)."""


def pace_of(params: Any) -> Pace:
    """The rate and batch size a form or a JSON body asks for (defaults when absent);
    ValueError in Russian."""
    def number(key: str, default: float) -> float:
        raw = params.get(key)
        if raw is None or str(raw).strip() == "":
            return default
        try:
            return float(str(raw).replace(",", "."))
        except ValueError:
            raise ValueError(f"«{raw}» — не число") from None

    batch = number("batch", DEFAULT_PACE.batch)
    if batch != int(batch):
        raise ValueError("размер пачки — целое число")
    return Pace(rate=number("rate", DEFAULT_PACE.rate), batch=int(batch))


def _filter_json(flt: DeadLetterFilter) -> dict[str, Any]:
    out = asdict(flt)
    for key in ("since", "until"):
        out[key] = out[key].isoformat() if out[key] else None
    return out


def _filter_of(data: dict[str, Any]) -> DeadLetterFilter:
    times = {k: datetime.fromisoformat(data[k]) if data.get(k) else None
             for k in ("since", "until")}
    return DeadLetterFilter(state="open", cause_type=data.get("cause_type", ""),
                            queue=data.get("queue", ""), type=data.get("type", ""), **times)


def _title(flt: DeadLetterFilter, group: str, summary: str) -> str:
    parts = [f"«{summary}»"] if group and summary else []
    parts += [f"{name} {value}" for name, value in (
        ("причина", flt.cause_type), ("очередь", flt.queue), ("тип", flt.type)) if value]
    if flt.since or flt.until:
        parts.append("за период")
    return "Повторная отправка ошибок доставки" + (f": {', '.join(parts)}" if parts else "")


def start(db: Database, ops: Operations, flt: DeadLetterFilter, *, group: str = "",
          pace: Pace = DEFAULT_PACE, user: str, reason: str,
          remote_addr: str = "") -> str | None:
    """Start replaying the open dead letters of ``flt`` (and ``group``); returns the task's
    id, or None (audited as ``replay-matched-nothing``) when nothing matches."""
    if not reason.strip():
        raise ValueError("Укажите причину: она попадёт в журнал аудита.")
    # Only what failed before the start: a letter that fails again while the task runs is
    # a new dead letter, and must not be replayed over and over by the same task.
    shown, now = flt, utcnow()
    until = now if flt.until is None or flt.until > now else flt.until
    flt = DeadLetterFilter(**{**asdict(flt), "state": "open", "until": until})
    count = deadletters.total(db, flt, group=group).count
    if not count:
        ops.audit(user, "replay-matched-nothing", target=group, reason=reason,
                  remote_addr=remote_addr, details={**_filter_json(flt), "group": group})
        return None
    first = deadletters.listing(db, flt, Privacy(unmasked=False), group=group,
                                limit=1) if group else []
    task = progress.start(
        db, _title(shown, group, first[0]["summary"] if first else ""), kind=KIND,
        component="console", total=count, stage="Повторная отправка", started_by=user,
        params={"filter": _filter_json(flt), "group": group, "rate": pace.rate,
                "batch": pace.batch, "reason": reason, "remote_addr": remote_addr})
    ops.audit(user, "bulk-replay-started", target=task.id, reason=reason,
              remote_addr=remote_addr, details={**_filter_json(flt), "group": group,
                                                "rate": pace.rate, "batch": pace.batch,
                                                "count": count})
    _run(db, ops, task, flt, group, pace, user, reason, remote_addr)
    return task.id


def _run(db: Database, ops: Operations, task: progress.Progress, flt: DeadLetterFilter,
         group: str, pace: Pace, user: str, reason: str, remote_addr: str) -> None:
    def pick(n: int, skip: set[int]) -> list[int]:
        return deadletters.open_ids(db, flt, group, n, skip)

    _running[task.id] = BulkReplay(ops, task, pick, pace, user=user, reason=reason,
                                   remote_addr=remote_addr).start()


def control(db: Database, ops: Operations, task_id: str, action: str, *, user: str,
            remote_addr: str = "") -> bool:
    """Pause, resume or cancel a bulk replay (audited); whether the task was still active.

    Resuming a task whose process is gone takes it over in this process; cancelling one
    ends it at once.
    """
    snap = progress.get(db, task_id)
    if snap is None or snap.kind != KIND:
        raise LookupError("нет такой повторной отправки")
    ops.audit(user, f"bulk-replay-{action}", target=task_id, remote_addr=remote_addr,
              details={"title": snap.title, "done": snap.done, "total": snap.total})
    if not snap.active:
        return False
    orphan = snap.stale and progress.live(db, task_id) is None
    if orphan and action == "cancel":
        return progress.close_stale(db, task_id, f"Отменено оператором: отправлено "
                                                 f"{snap.done}")
    if orphan and action == "resume":
        p = snap.params
        task = progress.start(db, snap.title, kind=KIND, task_id=task_id)
        task.resume("Повторная отправка (продолжена после перерыва)")
        _run(db, ops, task, _filter_of(p.get("filter") or {}), str(p.get("group") or ""),
             Pace(rate=float(p.get("rate") or DEFAULT_PACE.rate),
                  batch=int(p.get("batch") or DEFAULT_PACE.batch)),
             str(p.get("user") or snap.started_by), str(p.get("reason") or ""),
             str(p.get("remote_addr") or ""))
        return True
    return progress.request(db, task_id, action)


def stop_all(db: Database | None = None, timeout: float = 5.0) -> None:
    """Stop this process's replays (they stay active, to be resumed elsewhere or after the
    restart) and write their last progress: at shutdown."""
    replays = list(_running.values())
    for replay in replays:
        replay.stopping.set()
    for replay in replays:
        if replay.thread is not None:
            replay.thread.join(timeout)
    _running.clear()
    if db is not None:
        progress.flush(db)
