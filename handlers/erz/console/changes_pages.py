"""«Изменения ФЕРЗЛ»: what the daily runs of :mod:`handlers.erz.federal.changes` took from
ФЕРЗЛ — each run's period and state, each person an event named and what became of it
(applied with history, waiting in the buffer, unchanged, ФЕРЗЛ silent). ЕНП are masked and
linked by the internal id for an account without personal data, as everywhere."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from admin.context import error_page, privacy, render
from admin.extensions import ConsoleContext
from admin.users import User
from contracts.oms import mask_policy
from handlers.erz import models as m
from handlers.erz.console.pages import page_number
from handlers.erz.console.views import ref
from handlers.erz.federal import changes
from handlers.erz.federal.settings import OFF, settings_of

RUNS_PAGE, ITEMS_PAGE = 20, 100


def _run(row: Any, counts: dict[str, int]) -> dict[str, Any]:
    return dict(row) | {"state_text": changes.STATE_WORDS.get(row["state"], row["state"]),
                        "counts": [(changes.ITEM_WORDS.get(k, k), n)
                                   for k, n in sorted(counts.items())]}


class ChangesScreens:
    """The pages of the federal changes, bound to the console's services."""

    def __init__(self, ctx: ConsoleContext) -> None:
        self.ctx = ctx

    def runs_page(self, request: Request, user: User, form: FormData) -> Response:
        """Runs, newest first, with how many persons ended each way."""
        page, t = page_number(request), changes.runs
        with self.ctx.db.read() as conn:
            total = int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar() or 0)
            rows = conn.execute(sa.select(t).order_by(t.c.id.desc()).offset(
                (page - 1) * RUNS_PAGE).limit(RUNS_PAGE)).mappings().all()
            runs = [_run(r, changes.counts(conn, r["id"])) for r in rows]
        conf = settings_of(self.ctx.settings.plugins)
        return render(request, "erz_ferzl_changes.html", {
            "runs": runs, "total": total, "off": "" if conf.ferzl else OFF,
            "next_url": f"/erz/ferzl/changes?page={page + 1}"
            if page * RUNS_PAGE < total else "",
            "prev_url": f"/erz/ferzl/changes?page={page - 1}" if page > 1 else ""})

    def run_page(self, request: Request, user: User, form: FormData) -> Response:
        """One run: its persons, their events and what became of each."""
        run_id, page, shown = int(request.path_params["run_id"]), page_number(request), \
            privacy(request)
        i = changes.items
        with self.ctx.db.read() as conn:
            row = conn.execute(sa.select(changes.runs).where(changes.runs.c.id == run_id)
                               ).mappings().first()
            if row is None:
                return error_page(request, 404, f"Запуска № {run_id} нет.")
            run = _run(row, changes.counts(conn, run_id))
            found = conn.execute(
                sa.select(i, m.persons.c.id.label("person_id")).select_from(
                    i.outerjoin(m.persons, m.persons.c.enp == i.c.enp))
                .where(i.c.run_id == run_id).order_by(i.c.id)
                .offset((page - 1) * ITEMS_PAGE).limit(ITEMS_PAGE)).mappings().all()
        items = [{
            "enp": r["enp"] if shown.unmasked else mask_policy(r["enp"]),
            "ref": ref(r["person_id"], r["enp"], shown) if r["person_id"] is not None else "",
            "events": r["events"], "status": r["status"],
            "status_text": changes.ITEM_WORDS.get(r["status"], r["status"]),
            "note": r["note"] or "", "answered_at": r["answered_at"]} for r in found]
        listed = sum(n for _, n in run["counts"])
        base = f"/erz/ferzl/changes/{run_id}"
        return render(request, "erz_ferzl_change_run.html", {
            "run": run, "items": items, "listed": listed,
            "next_url": f"{base}?page={page + 1}" if page * ITEMS_PAGE < listed else "",
            "prev_url": f"{base}?page={page - 1}" if page > 1 else ""})
