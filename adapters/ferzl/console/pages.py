"""The ФЕРЗЛ screens of the console (EXT-4), registered as a console extension.

``[project.entry-points."omshub.console"] ferzl = "adapters.ferzl.console.pages:extension"``.

| path | role | what |
| --- | --- | --- |
| ``/ferzl``, ``/ferzl/export.xlsx`` | viewer | the request journal, filtered, paged; Excel |
| ``/ferzl/exchanges/{id}`` | viewer | one call: its request and answer as XML, deviations |
| ``/ferzl/search`` | operator | search a person in ФЕРЗЛ: sends a ``ferzl.call`` |
| ``/ferzl/search/{call_id}`` | viewer | that search and its answer: persons, XML, or the error |
| ``/ferzl/operations`` | viewer | asynchronous operations in flight and recent, with progress |

A search is taken in by the console as a ``ferzl.call`` — journal, outbox, an audit row
(who, why: the purpose is mandatory, what was searched) and the console's own row in one
transaction — so the router delivers it to ``adapter.ferzl`` like any handler's call; its
answer comes back through ``adapter.ferzl-console`` (:mod:`.answers`). The JSON API under
``/api/ferzl`` is :mod:`adapters.ferzl.console.api`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from adapters.ferzl.console import calls, journal, operations
from adapters.ferzl.console.models import calls as calls_table
from adapters.ferzl.console.search import WHOLE_ONLY, Search, SearchError
from adapters.ferzl.console.words import KIND_WORDS, OPERATION_WORDS, STATE_WORDS
from adapters.ferzl.releases import Releases
from admin import viewaudit
from admin.auditlog import register_labels
from admin.auth import page
from admin.context import error_page, flash, privacy, remote_addr
from admin.context import render as render_page
from admin.extensions import ConsoleContext, ConsoleExtension, NavEntry
from admin.users import Role, User
from contracts.envelope import Envelope, utcnow
from contracts.ferzl import FerzlCallV1

TEMPLATES = Path(__file__).parent / "templates"
WORDS = {"ferzl_words": STATE_WORDS, "operation_words": OPERATION_WORDS,
         "kind_words": KIND_WORDS}
SEARCH_ACTION = "ferzl-search"
"""The audit action of a search in ФЕРЗЛ asked in the console."""
EXPORT_ACTION = "ferzl-export"
"""The audit action of the request journal exported to Excel."""
EXCHANGE_TARGET = "ferzl_exchanges/{}"
REFRESH = 5
UNDELIVERED = ("dead", "parked", "rejected", "discarded")
"""Journal states of a call that will not reach ФЕРЗЛ without an operator: no reload."""
"""Seconds between reloads of a page waiting for something (an answer, an operation)."""


def render(request: Request, template: str, ctx: dict[str, Any],
           status_code: int = 200) -> Response:
    """A page of the ФЕРЗЛ screens, with the states in words."""
    return render_page(request, template, {**WORDS, **ctx}, status_code=status_code)


class FerzlConsole:
    """The ФЕРЗЛ adapter as the console sees it."""

    def __init__(self, ctx: ConsoleContext) -> None:
        self.ctx = ctx
        self._releases: Releases | None = None

    def releases(self) -> Releases | None:
        """ФЕРЗЛ's releases in the schema directory (read once, when first needed)."""
        root = self.ctx.settings.schemas_dir
        if self._releases is None and root is not None:
            self._releases = Releases.discover(Path(root))
        return self._releases

    def ask(self, call: FerzlCallV1, search: Search, *, user: str,
            remote_addr: str) -> Envelope:
        """Take the search's call in as the console (journal, outbox, audit, own row)."""
        criteria = {k: v for k, v in search.values.items() if v}
        with self.ctx.db.transaction() as conn:
            (env,) = self.ctx.publish_in(conn, [call])
            self.ctx.audit_in(conn, user, SEARCH_ACTION, target=env.id, reason=search.purpose,
                              details={"kind": search.kind, "operation": call.operation,
                                       "criteria": criteria}, remote_addr=remote_addr)
            conn.execute(calls_table.insert().values(
                call_id=env.id, kind=search.kind, operation=call.operation, asked_by=user,
                asked_at=utcnow()))
        self.ctx.flush()
        return env

    # -- the request journal -----------------------------------------------------------------

    def journal_page(self, request: Request, user: User, form: FormData) -> Response:
        """Every call of ФЕРЗЛ, newest first: filters, totals, page size, paging, export."""
        q = request.query_params
        try:
            flt, params = journal.Filter.read(q, self.ctx.tz)
            size = journal.page_size(q.get("size"))
            page_no = int(q["page"]) if q.get("page", "").isdigit() else 1
        except ValueError as exc:
            return error_page(request, 400, str(exc))
        page_no = max(page_no, 1)
        with self.ctx.db.read() as conn:
            rows, total = journal.listing(conn, flt, privacy(request),
                                          offset=(page_no - 1) * size, limit=size)
            operation_names, states = journal.choices(conn)
        listing = params | {"size": str(size)}

        def url(**extra: Any) -> str:
            return f"/ferzl?{urlencode(listing | {k: str(v) for k, v in extra.items()})}"

        return render(request, "ferzl_journal.html", {
            "rows": rows, "total": total, "params": params, "size": size,
            "operations": operation_names, "states": states,
            "sizes": [(n, f"/ferzl?{urlencode(params | {'size': str(n)})}")
                      for n in journal.PAGE_SIZES],
            "export_url": f"/ferzl/export.xlsx?{urlencode(params)}",
            "first_url": url() if page_no > 1 else "",
            "next_url": url(page=page_no + 1) if page_no * size < total else ""})

    def journal_export(self, request: Request, user: User, form: FormData) -> Response:
        """The journal (as filtered) in Excel: real date cells, states in words; audited."""
        from admin.exports import download
        from admin.xlsx import XLSX_MEDIA_TYPE

        try:
            flt, params = journal.Filter.read(request.query_params, self.ctx.tz)
        except ValueError as exc:
            return error_page(request, 400, str(exc))
        with self.ctx.db.read() as conn:
            export = journal.workbook(conn, flt, privacy(request), user.username,
                                      self.ctx.tz, utcnow())
        self.ctx.ops.audit(user.username, EXPORT_ACTION, target="ferzl",
                           details={"filter": params, "rows": export.rows},
                           remote_addr=remote_addr(request))
        return Response(export.data, media_type=XLSX_MEDIA_TYPE, headers={
            "Content-Disposition": download("ferzl-journal", self.ctx.tz)})

    def exchange_page(self, request: Request, user: User, form: FormData) -> Response:
        """One call: the request and the answer as XML, the other calls of its message."""
        exchange_id = request.path_params["id"]
        shown = privacy(request)
        with self.ctx.db.read() as conn:
            found = journal.detail(conn, exchange_id, shown, self.ctx.types, self.releases())
        if found is None:
            return error_page(request, 404, "Нет такого запроса в журнале ФЕРЗЛ.")
        viewaudit.unmasked_view(request, user, viewaudit.MESSAGE_VIEW,
                                EXCHANGE_TARGET.format(exchange_id), shown.unmasked)
        return render(request, "ferzl_exchange.html", {"x": found})

    # -- search ------------------------------------------------------------------------------

    def search_page(self, request: Request, user: User, form: FormData) -> Response:
        """GET: the form and the account's latest searches; POST: send the search."""
        shown = privacy(request)
        search = Search.read(form) if request.method == "POST" else Search("enp")
        with self.ctx.db.read() as conn:
            latest = calls.recent(conn, user.username)
        ctx: dict[str, Any] = {"s": search, "unmasked": shown.unmasked, "recent": latest,
                               "error": "", "field": "", "whole_only": WHOLE_ONLY}
        if request.method != "POST":
            return render(request, "ferzl_search.html", ctx)
        try:
            call = search.call(unmasked=shown.unmasked)
        except SearchError as exc:
            if search.kind == "names" and not shown.unmasked:
                viewaudit.person_search(request, user, "ferzl/search", {"kind": search.kind},
                                        unmasked=False, found=None, refused=str(exc))
            ctx.update(error=str(exc), field=exc.field)
            return render(request, "ferzl_search.html", ctx, status_code=400)
        env = self.ask(call, search, user=user.username, remote_addr=remote_addr(request))
        flash(request, f"Запрос {call.operation} принят хабом и отправляется в ФЕРЗЛ.")
        return RedirectResponse(f"/ferzl/search/{env.id}", status_code=303)

    def call_page(self, request: Request, user: User, form: FormData) -> Response:
        """A search and its answer (reloading until the answer comes)."""
        shown = privacy(request)
        with self.ctx.db.read() as conn:
            found = calls.view(conn, request.path_params["call_id"], shown, self.ctx.types)
        if found is None:
            return error_page(request, 404, "Такого поиска в ФЕРЗЛ из консоли не было.")
        if found["answer"] is not None:
            viewaudit.unmasked_view(request, user, viewaudit.MESSAGE_VIEW,
                                    str(found["answer_id"]), shown.unmasked)
        waiting = found["answer"] is None and found["call_status"] not in UNDELIVERED
        return render(request, "ferzl_call.html", {
            "c": found, "refresh_default": REFRESH if waiting else None})

    # -- operations in flight ----------------------------------------------------------------

    def operations_page(self, request: Request, user: User, form: FormData) -> Response:
        """Asynchronous operations in flight and recent, reloading while any runs."""
        rows = operations.listing(self.ctx.db, privacy(request))
        running = any(r["active"] for r in rows)
        return render(request, "ferzl_operations.html", {
            "rows": rows, "running": running, "refresh_default": REFRESH if running else None})

    def routes(self) -> list[BaseRoute]:
        """The pages, and the API mounted under ``/api/ferzl``."""
        from adapters.ferzl.console.api import api_routes

        viewer, operator = page(Role.viewer), page(Role.operator)
        return [
            Route("/ferzl", viewer(self.journal_page)),
            Route("/ferzl/export.xlsx", viewer(self.journal_export)),
            Route("/ferzl/exchanges/{id:int}", viewer(self.exchange_page)),
            Route("/ferzl/search", operator(self.search_page), methods=["GET", "POST"]),
            Route("/ferzl/search/{call_id}", viewer(self.call_page)),
            Route("/ferzl/operations", viewer(self.operations_page)),
            Mount("/api/ferzl", routes=api_routes(self)),
        ]


def extension(ctx: ConsoleContext) -> ConsoleExtension:
    """The ФЕРЗЛ console extension."""
    screens = FerzlConsole(ctx)
    register_labels({SEARCH_ACTION: "Поиск в ФЕРЗЛ из консоли",
                     EXPORT_ACTION: "Выгрузка журнала запросов ФЕРЗЛ в Excel"})
    return ConsoleExtension(name="ferzl", routes=screens.routes(),
                            nav=[NavEntry("ФЕРЗЛ", "/ferzl", Role.viewer)],
                            template_dirs=[TEMPLATES])
