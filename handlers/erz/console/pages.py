"""The register's console pages: search, person card, buffer queue, exchange protocols."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin import viewaudit
from admin.auth import audit_refusal
from admin.context import error_page, flash, privacy, remote_addr, render
from admin.extensions import ConsoleContext
from admin.privacy import Privacy
from admin.times import show
from admin.users import User
from handlers.erz.buffer import identity
from handlers.erz.buffer import store as buffer
from handlers.erz.console import (
    buffer_list,
    card_pdf,
    decisions,
    export,
    protocols,
    views,
    words,
)
from handlers.erz.console.card import CardSettings, lines
from handlers.erz.console.criteria import PAGE_SIZES, Criteria, page_size, parse_date

EXPORT = "erz-export"
"""The audit action of an Excel export of the search."""
FILES_EXPORT, FILE_DOWNLOAD = "erz-files-export", "erz-file-download"
BUFFER_EXPORT = "erz-buffer-export"
"""Audit actions: the protocols exported, an exchange file downloaded."""
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PRINT_CSS = Path(__file__).parent / "static" / "print.css"
PAST_MASKED = ("состояние ЗЛ на другую дату, чем сегодня, показывается только с допуском к "
               "персональным данным: по нему можно узнать дату рождения")


def parse_qs_dict(text: str) -> dict[str, str]:
    """A query string (a form's ``listing``: the list the operator was looking at)."""
    return dict(parse_qsl(text[:2000]))


def page_number(request: Request) -> int:
    """The ``page`` query parameter (1 when absent or not a number)."""
    raw = request.query_params.get("page", "1")
    return max(int(raw), 1) if raw.isdigit() else 1


def audit_search(request: Request, user: User, criteria: Criteria, found: int | None,
                 refused: str = "") -> None:
    """Record a register search (any account): the criteria, and what it found."""
    viewaudit.person_search(request, user, "erz/search", criteria.params(),
                            unmasked=privacy(request).unmasked, found=found, refused=refused)


def audit_card(request: Request, user: User, card: dict[str, Any], unmasked: bool,
               printed: str = "") -> None:
    """Record a person card (or timeline) shown with personal data; ``printed``: as a
    printout (``print``) or a PDF (``pdf``)."""
    if unmasked:
        viewaudit.record(request, user, viewaudit.PERSON_VIEW, f"erz.person/{card['enp']}",
                         {"printed": printed, "on": card["on"]} if printed else None)


class ErzScreens:
    """The pages, bound to the console's services."""

    def __init__(self, ctx: ConsoleContext) -> None:
        self.ctx = ctx

    def today(self) -> date:
        """Today in the console's time zone (the default date of every 'as of')."""
        return datetime.now(self.ctx.tz).date()

    def as_of(self, raw: str | None, shown: Privacy) -> date:
        """The ``on`` parameter (ДД.ММ.ГГГГ or ГГГГ-ММ-ДД), today when absent; ValueError
        when not a date, or another day than today for an account without personal data:
        stepping a card's date would find the day its data begins, for a newborn the birth
        date the card masks."""
        on = parse_date(raw.strip(), "Дата") if raw and raw.strip() else self.today()
        if on != self.today() and not shown.unmasked:
            raise ValueError(PAST_MASKED)
        return on

    # -- search ------------------------------------------------------------------------------

    def search_page(self, request: Request, user: User, form: FormData) -> Response:
        """The search form and one page of masked results, with the total and page size."""
        q, page = request.query_params, page_number(request)
        ctx: dict[str, Any] = {"q": q, "rows": [], "total": 0, "error": "", "page": page,
                               "next_url": "", "prev_url": "", "export_url": "",
                               "searched": False, "sizes": PAGE_SIZES, "ru_date": views.ru_date,
                               "dated": privacy(request).unmasked}
        try:
            criteria = Criteria.from_params(q)
            on = self.as_of(q.get("on"), privacy(request))
            size = page_size(q.get("size"))
        except ValueError as exc:
            ctx["error"] = str(exc)
            return render(request, "erz_search.html", ctx, status_code=400)
        ctx.update(on=on.isoformat(), size=size)
        if criteria.empty:
            return render(request, "erz_search.html", ctx)
        try:
            with self.ctx.db.read() as conn:
                rows, total = views.search(conn, criteria, privacy(request), on, page=page,
                                           size=size)
        except ValueError as exc:
            audit_search(request, user, criteria, None, str(exc))
            ctx["error"] = str(exc)
            return render(request, "erz_search.html", ctx, status_code=400)
        audit_search(request, user, criteria, total)
        params = criteria.params() | ({"on": q["on"]} if q.get("on") else {})
        listing = params | {"size": str(size)}
        ctx.update(rows=rows, total=total, searched=True, first=(page - 1) * size + 1,
                   export_url=f"/erz/export.xlsx?{urlencode(params)}",
                   card_query=f"?{urlencode({'on': q['on']})}" if q.get("on") else "")
        if page * size < total:
            ctx["next_url"] = f"/erz?{urlencode(listing | {'page': page + 1})}"
        if page > 1:
            ctx["prev_url"] = f"/erz?{urlencode(listing | {'page': page - 1})}"
        return render(request, "erz_search.html", ctx)

    def export_page(self, request: Request, user: User, form: FormData) -> Response:
        """The search's results as .xlsx (masked as on screen); audited."""
        try:
            criteria = Criteria.from_params(request.query_params)
            on = self.as_of(request.query_params.get("on"), privacy(request))
        except ValueError as exc:
            return error_page(request, 400, str(exc))
        if criteria.empty:
            return error_page(request, 400, "Нечего выгружать: задайте критерии поиска.")
        shown = privacy(request)
        try:
            with self.ctx.db.read() as conn:
                rows, total = views.search(conn, criteria, shown, on, size=export.MAX_ROWS)
        except ValueError as exc:
            return error_page(request, 400, str(exc))
        described = urlencode(criteria.params())
        data = export.workbook(rows, described, on.isoformat())
        self.ctx.ops.audit(user.username, EXPORT, target="erz/search", details={
            "criteria": criteria.params(), "on": on.isoformat(), "rows": len(rows),
            "found": total, "unmasked": shown.unmasked}, remote_addr=remote_addr(request))
        name = f"erz-search-{on.isoformat()}.xlsx"
        return Response(data, media_type=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    # -- the person card ---------------------------------------------------------------------

    def _person(self, request: Request) -> tuple[dict[str, Any], list[dict[str, Any]]] | Response:
        """The card as of ``on`` and the timeline of the person the path names, or the
        error page to show."""
        enp = request.path_params["enp"]
        try:
            on = self.as_of(request.query_params.get("on"), privacy(request))
        except ValueError as exc:
            return error_page(request, 400, str(exc))
        shown = privacy(request)
        with self.ctx.db.read() as conn:
            card = views.person(conn, enp, on, shown)
            changes = views.timeline(conn, enp, shown) if card is not None else []
        if card is None:
            return error_page(request, 404, "В регистре нет ЗЛ с таким ЕНП.")
        return card, changes

    def person_page(self, request: Request, user: User, form: FormData) -> Response:
        """The person as of a date (default today) and the whole timeline."""
        found = self._person(request)
        if isinstance(found, Response):
            return found
        card, changes = found
        audit_card(request, user, card, privacy(request).unmasked)
        return render(request, "erz_person.html", {
            "p": card, "lines": lines(card), "changes": changes,
            "today": self.today().isoformat(), "ru_date": views.ru_date,
            "words": words.TEMPLATE, "dated": privacy(request).unmasked})

    def print_page(self, request: Request, user: User, form: FormData) -> Response:
        """The card and its history as a page to print (its own stylesheet, no menu)."""
        found = self._person(request)
        if isinstance(found, Response):
            return found
        card, changes = found
        audit_card(request, user, card, privacy(request).unmasked, "print")
        return render(request, "erz_print.html", {
            "p": card, "lines": lines(card), "changes": changes, "ru_date": views.ru_date,
            "words": words.TEMPLATE, "printed": self.printed(user)})

    def pdf_page(self, request: Request, user: User, form: FormData) -> Response:
        """The card and its history as a PDF (masked like the page)."""
        found = self._person(request)
        if isinstance(found, Response):
            return found
        card, changes = found
        settings = CardSettings.model_validate(self.ctx.settings.plugins.get("erz", {}))
        try:
            data = card_pdf.render(card, changes, printed=self.printed(user),
                                   when=lambda at: show(at, self.ctx.tz), settings=settings)
        except card_pdf.FontMissing as exc:
            return error_page(request, 500, str(exc))
        audit_card(request, user, card, privacy(request).unmasked, "pdf")
        name = f"erz-card-{card['ref']}-{card['on']}.pdf"
        return Response(data, media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{name}"'})

    def print_css(self, request: Request, user: User, form: FormData) -> Response:
        """The printout's stylesheet (served from here: the console allows no inline style)."""
        return Response(PRINT_CSS.read_text(encoding="utf-8"), media_type="text/css")

    def printed(self, user: User) -> str:
        """The footer of a printout: who printed it, and when."""
        return f"Напечатал {user.username} {show(datetime.now(self.ctx.tz), self.ctx.tz)}"

    # -- the buffer --------------------------------------------------------------------------

    def buffer_page(self, request: Request, user: User, form: FormData, *,
                    chosen: tuple[int, str] | None = None, error: str = "",
                    status_code: int = 200) -> Response:
        """Proposals in words beside their persons, filtered and paged, with totals and
        export (``chosen``: an item and the ЕНП the operator typed); operators decide."""
        query = request.query_params if request.method == "GET" else \
            parse_qs_dict(str(form.get("listing", "")))
        raw_page = str(query.get("page", "1"))
        page = max(int(raw_page), 1) if raw_page.isdigit() else 1
        try:
            wanted, params = buffer_list.read(query, self.ctx.tz)
            size = page_size(query.get("size"))
        except ValueError as exc:
            return error_page(request, 400, str(exc))
        with self.ctx.db.read() as conn:
            kinds, organisations = buffer.choices(conn)
        items, total = decisions.listed(
            self.ctx, privacy(request), wanted, offset=(page - 1) * size, limit=size,
            today=self.today(), chosen=dict([chosen]) if chosen else None)
        listing = params | {"size": str(size)}

        def url(**extra: Any) -> str:
            return f"/erz/buffer?{urlencode(listing | {k: str(v) for k, v in extra.items()})}"

        return render(request, "erz_buffer.html", {
            "items": items, "error": error, "chosen_id": chosen[0] if chosen else None,
            "chosen_enp": chosen[1] if chosen else "", "total": total, "f": params,
            "status": params.get("status", buffer.PENDING), "size": size,
            "first": (page - 1) * size + 1, "kinds": [(k, decisions.KINDS.get(k, k))
                                                      for k in kinds],
            "organisations": organisations, "statuses": decisions.STATUSES,
            "listing": urlencode(listing | ({"page": str(page)} if page > 1 else {})),
            "sizes": [(n, f"/erz/buffer?{urlencode(params | {'size': str(n)})}")
                      for n in PAGE_SIZES],
            "export_url": f"/erz/buffer/export.xlsx?{urlencode(params)}",
            "next_url": url(page=page + 1) if page * size < total else "",
            "prev_url": url(page=page - 1) if page > 1 else ""}, status_code=status_code)

    def buffer_export(self, request: Request, user: User, form: FormData) -> Response:
        """The buffer (as filtered) as .xlsx, in words, with real dates; audited."""
        try:
            wanted, params = buffer_list.read(request.query_params, self.ctx.tz)
        except ValueError as exc:
            return error_page(request, 400, str(exc))
        shown = privacy(request)
        with self.ctx.db.read() as conn:
            raw, total = buffer.listing(conn, wanted, limit=buffer_list.EXPORT_ROWS)
            items = decisions.views_of(conn, raw, shown, today=self.today())
        data = buffer_list.workbook(items, raw, self.ctx.tz, urlencode(params), total,
                                    masked=not shown.unmasked)
        self.ctx.ops.audit(user.username, BUFFER_EXPORT, target="erz/buffer", details={
            "filter": params, "rows": len(raw), "found": total, "unmasked": shown.unmasked},
            remote_addr=remote_addr(request))
        name = f"erz-buffer-{self.today().isoformat()}.xlsx"
        return Response(data, media_type=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    def decide_page(self, request: Request, user: User, form: FormData) -> Response:
        """POST approve or reject one item (operator; CSRF by the page decorator)."""
        item_id, action = int(request.path_params["item_id"]), request.path_params["action"]
        if action not in ("approve", "reject"):
            return error_page(request, 404, "Решение: approve или reject.")
        approve = action == "approve"
        listing = urlencode(parse_qs_dict(str(form.get("listing", ""))))
        back = f"/erz/buffer?{listing}" if listing else "/erz/buffer"
        enp = str(form.get("enp", "")).strip() or None
        if approve and form.get("check"):  # "Сравнить": the typed ЕНП beside the record
            return self.buffer_page(request, user, form, chosen=(item_id, enp or ""))
        try:
            out = decisions.decide(self.ctx, item_id, approve, user=user.username,
                                   note=str(form.get("note", "")), enp=enp,
                                   remote_addr=remote_addr(request),
                                   confirm_mismatch=bool(form.get("confirm_mismatch")),
                                   mismatch_reason=str(form.get("mismatch_reason", "")))
        except buffer.NotPending as exc:
            return error_page(request, 409, f"Решение уже принято или записи нет: {exc}")
        except identity.IdentityMismatch as exc:
            return self.buffer_page(request, user, form, chosen=(item_id, enp or ""),
                                    error=f"Изменение № {item_id}. {exc}", status_code=409)
        except ValueError as exc:
            flash(request, str(exc), "error")
            return RedirectResponse(back, status_code=303)
        if out.status == buffer.PENDING:
            flash(request, f"Изменение № {item_id} не применено: регистр отказал с кодом "
                           f"{out.error_code} ({out.error_text}). Запись осталась в буфере.",
                  "error")
        elif out.status == buffer.APPLIED:
            flash(request, f"Изменение № {item_id} применено; событий отправлено: {out.events}.")
        else:
            flash(request, f"Изменение № {item_id} отклонено; регистр не изменён.")
        return RedirectResponse(back, status_code=303)

    # -- exchange protocols ------------------------------------------------------------------

    def files_page(self, request: Request, user: User, form: FormData) -> Response:
        """Processed exchange files, newest first, with the protocols sent back; totals,
        page size, filters kept in paging, export and downloads."""
        query = request.query_params
        page = page_number(request)
        try:
            chosen, since, until = self._files_filter(request)
            size = page_size(query.get("size"))
        except ValueError as exc:
            return error_page(request, 400, str(exc))
        with self.ctx.db.read() as conn:
            rows, total = protocols.files(conn, privacy(request), page=page, size=size,
                                          since=since, until=until,
                                          organisation=chosen.get("organisation", ""))
        listing = chosen | {"size": str(size)}

        def url(**extra: Any) -> str:
            return f"/erz/files?{urlencode(listing | {k: str(v) for k, v in extra.items()})}"

        return render(request, "erz_files.html", {
            "rows": rows, "total": total, "f": chosen, "size": size, "page": page,
            "outcomes": protocols.OUTCOMES, "formats": protocols.FORMATS,
            "first": (page - 1) * size + 1,
            "sizes": [(n, f"/erz/files?{urlencode(chosen | {'size': str(n)})}")
                      for n in PAGE_SIZES],
            "export_url": f"/erz/files/export.xlsx?{urlencode(chosen)}",
            "next_url": url(page=page + 1) if page * size < total else "",
            "prev_url": url(page=page - 1) if page > 1 else ""})

    def _files_filter(self, request: Request) -> tuple[dict[str, str], Any, Any]:
        """The protocols' filter as typed (non-empty only) and its period; ValueError."""
        query = request.query_params
        chosen = {k: query.get(k, "").strip() for k in ("organisation", "from", "to")}
        try:
            since, until = protocols.period(chosen["from"], chosen["to"], self.ctx.tz)
        except protocols.BadPeriod as exc:
            raise ValueError(f"Период: {exc}") from None
        return {k: v for k, v in chosen.items() if v}, since, until


    def files_export(self, request: Request, user: User, form: FormData) -> Response:
        """The protocols (as filtered) as .xlsx: real times and numbers; audited."""
        try:
            chosen, since, until = self._files_filter(request)
        except ValueError as exc:
            return error_page(request, 400, str(exc))
        shown = privacy(request)
        with self.ctx.db.read() as conn:
            rows, total = protocols.files(conn, shown, size=protocols.EXPORT_ROWS, since=since,
                                          until=until, organisation=chosen.get("organisation", ""))
        data = protocols.workbook(rows, self.ctx.tz, urlencode(chosen), total)
        self.ctx.ops.audit(user.username, FILES_EXPORT, target="erz/files", details={
            "filter": chosen, "rows": len(rows), "found": total, "unmasked": shown.unmasked},
            remote_addr=remote_addr(request))
        name = f"erz-files-{self.today().isoformat()}.xlsx"
        return Response(data, media_type=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    def file_download(self, request: Request, user: User, form: FormData) -> Response:
        """A received file or one of its answers, with its real name and exact bytes
        (exchange files carry personal data: accounts with the permission only; audited)."""
        file_id = int(request.path_params["file_id"])
        answer = request.path_params.get("message_id")
        if not user.personal_data:
            audit_refusal(request, user.username, "access-denied", required="personal_data")
            return error_page(request, 403, "Файлы обмена содержат персональные данные: "
                                            "скачать их может только пользователь с допуском "
                                            "к персональным данным.")
        with self.ctx.db.read() as conn:
            found = (protocols.answer_file(conn, file_id, answer) if answer
                     else protocols.received_file(conn, file_id))
        if found is None:
            return error_page(request, 404, "Такого файла в протоколах обмена нет.")
        self.ctx.ops.audit(user.username, FILE_DOWNLOAD, target=f"erz.file/{file_id}",
                           details={"file_name": found.name, "answer": answer or "",
                                    "size": len(found.data)},
                           remote_addr=remote_addr(request))
        safe = "".join(ch for ch in found.name if ch.isalnum() or ch in "._-") or "file"
        return Response(found.data, media_type=found.media_type,
                        headers={"Content-Disposition": f'attachment; filename="{safe}"'})
