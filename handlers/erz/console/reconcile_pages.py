"""«Сверка с ФЕРЗЛ»: the runs, a run's discrepancies, decisions on them, their Excel.

| path | role | what |
| --- | --- | --- |
| ``/erz/ferzl`` | viewer | runs, newest first, paged; an operator starts a run |
| ``/erz/ferzl/start`` (POST) | operator | a run now, for the settings' territory (audited) |
| ``/erz/ferzl/{run}`` | viewer | totals by kind and status; discrepancies filtered (kind,
  status, ЕНП), paged, ФЕРЗЛ's value beside the region's (masked by role) |
| ``/erz/ferzl/{run}/decide`` (POST) | operator | resolve (the federal value) or keep the
  regional one with a reason, for the rows ticked or all the filter finds (audited) |
| ``/erz/ferzl/{run}/export.xlsx`` | viewer | the filter's discrepancies as Excel (audited) |
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin import viewaudit
from admin.context import error_page, flash, privacy, remote_addr, render
from admin.extensions import ConsoleContext
from admin.users import User
from contracts.envelope import utcnow
from handlers.erz.console import reconcile_list as listed
from handlers.erz.console.criteria import PAGE_SIZES, page_size
from handlers.erz.console.pages import XLSX, page_number, parse_qs_dict
from handlers.erz.federal import reconcile
from handlers.erz.federal import reconcile_resolve as resolution
from handlers.erz.federal.settings import OFF, settings_of
from handlers.erz.service import changed_events

START, RESOLVE, KEEP, EXPORT = ("erz-ferzl-start", "erz-ferzl-resolve", "erz-ferzl-keep",
                                "erz-ferzl-export")
"""Audit actions of the pages."""
RUNS_PAGE = 20
BULK_LIMIT = 2000
"""Discrepancies one bulk decision takes at most (each federal value is a register
operation: a larger set is decided in several requests, none of them minutes long)."""


class ReconcileScreens:
    """The reconciliation's pages, bound to the console's services."""

    def __init__(self, ctx: ConsoleContext) -> None:
        self.ctx = ctx

    def runs_page(self, request: Request, user: User, form: FormData) -> Response:
        """Runs, newest first, with their counts by kind."""
        page = page_number(request)
        with self.ctx.db.read() as conn:
            items, total = listed.run_list(conn, (page - 1) * RUNS_PAGE, RUNS_PAGE)
            running = reconcile.running(conn)
        conf = settings_of(self.ctx.settings.plugins)
        return render(request, "erz_ferzl_runs.html", {
            "runs": items, "total": total, "running": running,
            "territory": conf.ferzl_territory, "off": "" if conf.ferzl else OFF,
            "next_url": f"/erz/ferzl?page={page + 1}" if page * RUNS_PAGE < total else "",
            "prev_url": f"/erz/ferzl?page={page - 1}" if page > 1 else ""})

    def start_run(self, request: Request, user: User, form: FormData) -> Response:
        """Start a run now (one at a time; only when the register works with ФЕРЗЛ)."""
        conf = settings_of(self.ctx.settings.plugins)
        if not conf.ferzl:
            flash(request, f"Сверка не начата: {OFF}.", "error")
            return RedirectResponse("/erz/ferzl", status_code=303)
        now = utcnow()
        with self.ctx.db.transaction() as conn:
            waiting = reconcile.running(conn, now)
            if waiting is None:
                run_id = reconcile.start(
                    conn, lambda models: [e.id for e in self.ctx.publish_in(conn, models)],
                    territory=conf.ferzl_territory, on=now.astimezone(self.ctx.tz).date(),
                    by=user.username, at=now)
                self.ctx.audit_in(conn, user.username, START, target=f"erz/ferzl/{run_id}",
                                  details={"territory": conf.ferzl_territory},
                                  remote_addr=remote_addr(request))
        if waiting is not None:
            flash(request, f"Сверка № {waiting} ещё не завершена: новая не начата.", "error")
            return RedirectResponse(f"/erz/ferzl/{waiting}", status_code=303)
        self.ctx.flush()
        flash(request, f"Сверка № {run_id} начата: запросы отправлены в ФЕРЗЛ.")
        return RedirectResponse(f"/erz/ferzl/{run_id}", status_code=303)

    def run_page(self, request: Request, user: User, form: FormData) -> Response:
        """A run: totals, the filter, a page of discrepancies side by side."""
        run_id = int(request.path_params["run_id"])
        try:
            chosen, params = listed.read_filter(run_id, request.query_params)
            size = page_size(request.query_params.get("size"))
        except ValueError as exc:
            return error_page(request, 400, str(exc))
        page = page_number(request)
        shown = privacy(request)
        with self.ctx.db.read() as conn:
            run = listed.get_run(conn, run_id)
            if run is None:
                return error_page(request, 404, f"Сверки № {run_id} нет.")
            rows, total = listed.listing(conn, chosen, shown, (page - 1) * size, size)
            totals = listed.totals(conn, run_id)
        viewaudit.unmasked_view(request, user, viewaudit.PERSON_VIEW, f"erz/ferzl/{run_id}",
                                shown.unmasked and bool(rows))
        base = f"/erz/ferzl/{run_id}"
        keep = params | {"size": str(size)}

        def url(**extra: Any) -> str:
            return f"{base}?{urlencode(keep | {k: str(v) for k, v in extra.items()})}"

        return render(request, "erz_ferzl_run.html", {
            "run": run, "rows": rows, "total": total, "totals": totals, "f": params,
            "kinds": resolution.KINDS, "statuses": resolution.STATUSES,
            "applicable": resolution.APPLICABLE, "size": size,
            "first": (page - 1) * size + 1, "listing": urlencode(keep),
            "sizes": [(n, f"{base}?{urlencode(params | {'size': str(n)})}") for n in PAGE_SIZES],
            "export_url": f"{base}/export.xlsx?{urlencode(params)}",
            "next_url": url(page=page + 1) if page * size < total else "",
            "prev_url": url(page=page - 1) if page > 1 else ""})

    def decide(self, request: Request, user: User, form: FormData) -> Response:
        """Resolve or keep regional the rows ticked (``ids``) or all the filter finds."""
        run_id = int(request.path_params["run_id"])
        query = parse_qs_dict(str(form.get("listing", "")))
        back = f"/erz/ferzl/{run_id}?{urlencode(query)}"
        action, reason = str(form.get("action", "")), str(form.get("reason", ""))
        if action not in ("resolve", "keep"):
            return error_page(request, 400, "Действие: принять значение ФЕРЗЛ или оставить "
                                            "региональное.")
        try:
            chosen, params = listed.read_filter(run_id, query)
            ids = [int(str(v)) for v in form.getlist("ids") if str(v).isdigit()]
        except ValueError as exc:
            return error_page(request, 400, str(exc))
        everything = form.get("scope") == "filter"
        if not ids and not everything:
            flash(request, "Отметьте расхождения или выберите «все по отбору».", "error")
            return RedirectResponse(back, status_code=303)
        try:
            text = self._apply(request, user, chosen, params, ids, everything, action, reason)
        except ValueError as exc:
            flash(request, str(exc), "error")
            return RedirectResponse(back, status_code=303)
        flash(request, text)
        return RedirectResponse(back, status_code=303)

    def _apply(self, request: Request, user: User, chosen: resolution.Filter,
               params: dict[str, str], ids: list[int], everything: bool, action: str,
               reason: str) -> str:
        """Do the decision in one transaction with its audit row; what to tell the operator."""
        now = utcnow()
        with self.ctx.db.transaction() as conn:
            if everything:
                ids = resolution.ids_of(conn, resolution.Filter(
                    chosen.run_id, chosen.kind, "open", chosen.enp), limit=BULK_LIMIT)
            else:
                allowed = set(resolution.ids_of(conn, resolution.Filter(chosen.run_id)))
                ids = [i for i in ids if i in allowed]
            if action == "keep":
                kept = resolution.keep_regional(conn, ids, user.username, reason, now)
                details: dict[str, Any] = {"kept": len(kept), "filter": params,
                                           "all": everything}
                text = f"Оставлено региональное значение: {len(kept)}."
            else:
                done = resolution.resolve(conn, ids, user.username, now)
                sent = self.ctx.publish_in(conn, changed_events(done.changes))
                details = {"resolved": len(done.resolved), "buffered": len(done.buffered),
                           "refused": len(done.refused), "events": len(sent),
                           "filter": params, "all": everything}
                text = (f"Принято значение ФЕРЗЛ: {len(done.resolved)}; в буфер: "
                        f"{len(done.buffered)}; не применено: {len(done.refused)}")
                if done.refused:
                    text += " (" + "; ".join(sorted(set(done.refused.values()))[:3]) + ")"
            if everything and len(ids) == BULK_LIMIT:
                text += (f" Обработаны первые {BULK_LIMIT} по отбору: повторите решение "
                         "для остальных.")
            self.ctx.audit_in(conn, user.username, KEEP if action == "keep" else RESOLVE,
                              target=f"erz/ferzl/{chosen.run_id}", reason=reason,
                              details=details | {"ids": ids[:1000]},
                              remote_addr=remote_addr(request))
        self.ctx.flush()
        return text

    def export(self, request: Request, user: User, form: FormData) -> Response:
        """The filter's discrepancies as .xlsx (masked as on the screen); audited."""
        run_id = int(request.path_params["run_id"])
        try:
            chosen, params = listed.read_filter(run_id, request.query_params)
        except ValueError as exc:
            return error_page(request, 400, str(exc))
        shown = privacy(request)
        with self.ctx.db.read() as conn:
            run = listed.get_run(conn, run_id)
            if run is None:
                return error_page(request, 404, f"Сверки № {run_id} нет.")
            rows, total = listed.listing(conn, chosen, shown, 0, listed.EXPORT_ROWS)
        data = listed.workbook(run, rows, self.ctx.tz, urlencode(params), total)
        self.ctx.ops.audit(user.username, EXPORT, target=f"erz/ferzl/{run_id}", details={
            "filter": params, "rows": len(rows), "found": total, "unmasked": shown.unmasked},
            remote_addr=remote_addr(request))
        name = f"erz-ferzl-{run_id}.xlsx"
        return Response(data, media_type=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
