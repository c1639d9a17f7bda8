"""Journal pages (ADM-1): search, message detail, replay of any journaled message."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin import exports, journal, listing, viewaudit
from admin.auth import audit_refusal, page
from admin.context import console, error_page, flash, privacy, remote_addr, render
from admin.listing import Total
from admin.users import Role, User
from admin.xlsx import XLSX_MEDIA_TYPE
from contracts.envelope import utcnow

FILTER_FIELDS = ("type", "system", "status", "from", "to", "person", "correlation_id",
                 "message_id", "routine")


def _params(request: Request) -> dict[str, str]:
    return {k: request.query_params[k] for k in FILTER_FIELDS if request.query_params.get(k)}


@page()
def journal_page(request: Request, user: User, form: FormData) -> Response:
    """The journal: search form, the count, newest-first results, pages and export."""
    c = console(request)
    params = _params(request)
    error = ""
    result = journal.Page([], None)
    total = Total(0)
    size = journal.DEFAULT_LIMIT
    try:
        size = listing.page_size(request.query_params.get("limit"), journal.DEFAULT_LIMIT)
        flt = journal.JournalFilter.from_params(params, c.tz, c.types)
        result = journal.search(c.db, flt, privacy(request),
                                cursor=request.query_params.get("cursor") or None, limit=size)
        total = journal.total(c.db, flt, privacy(request))
    except ValueError as exc:
        error = str(exc)
    viewaudit.journal_search(request, user, params.get("person", ""),
                             None if error else len(result.rows), error)
    kept = {**params, "limit": str(size)} if size != journal.DEFAULT_LIMIT else params
    next_url = ""
    if result.next_cursor:
        next_url = "/journal?" + urlencode({**kept, "cursor": result.next_cursor})
    return render(
        request,
        "journal.html",
        {
            "params": params,
            "rows": result.rows,
            "total": total,
            "size": size,
            "sizes": listing.size_links("/journal", params),
            "limit": size if size != journal.DEFAULT_LIMIT else None,
            "export_url": "/journal/export?" + urlencode(params),
            "next_url": next_url,
            "first_url": "/journal?" + urlencode(kept) if request.query_params.get("cursor")
            else "",
            "error": error,
            "statuses": journal.status_choices(params.get("status", ""),
                                               *(r["status"] for r in result.rows)),
            "status_labels": journal.STATUS_LABELS,
            "routine_types": journal.routine_names(c.types),
            "type_keys": [t.key for t in c.types],
        },
        status_code=400 if error else 200,
    )


FILTER_TITLES = {"type": "Тип", "system": "Система", "status": "Статус", "from": "С",
                 "to": "По", "person": "Персона", "correlation_id": "Корреляция",
                 "message_id": "Id сообщения", "routine": "Служебные"}


@page()
def journal_export(request: Request, user: User, form: FormData) -> Response:
    """The journal list under the current filter as an Excel file (at most
    :data:`admin.exports.EXPORT_LIMIT` rows, masked as the page is); audited."""
    c = console(request)
    params = _params(request)
    try:
        flt = journal.JournalFilter.from_params(params, c.tz, c.types)
        criteria = [(FILTER_TITLES[k], v) for k, v in params.items()] or [("Фильтр", "нет")]
        done = exports.journal_workbook(c.db, flt, privacy(request), criteria, user.username,
                                        c.tz, utcnow())
    except ValueError as exc:
        return error_page(request, 400, str(exc))
    c.ops.audit(user.username, "journal-export", target="journal",
                remote_addr=remote_addr(request),
                details={"filter": params, "rows": done.rows, "cut": done.cut,
                         "unmasked": privacy(request).unmasked})
    return Response(done.data, media_type=XLSX_MEDIA_TYPE,
                    headers={"Content-Disposition": exports.download("journal", c.tz)})



def _detail_context(request: Request, message_id: str) -> dict[str, Any] | None:
    c = console(request)
    found = journal.detail(c.db, c.types, message_id, privacy(request))
    return None if found is None else {"m": found}


@page()
def message_page(request: Request, user: User, form: FormData) -> Response:
    """One message: envelope, payload, trail, conversation, raw bytes, replay form."""
    ctx = _detail_context(request, request.path_params["message_id"])
    if ctx is None:
        return error_page(request, 404, "Сообщение не найдено в журнале.")
    viewaudit.unmasked_view(request, user, viewaudit.MESSAGE_VIEW,
                            request.path_params["message_id"], privacy(request).unmasked)
    return render(request, "message.html", ctx)


def parse_payload(text: str) -> dict[str, Any] | None:
    """The payload an operator typed (None when left empty); raises ValueError."""
    if not text.strip():
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"данные (payload) — не JSON: {exc.msg} (строка {exc.lineno}, "
                         f"позиция {exc.colno})") from None
    if not isinstance(value, dict):
        raise ValueError("данные (payload) должны быть JSON-объектом ({…})")
    return value


@page(Role.operator)
def replay_message(request: Request, user: User, form: FormData) -> Response:
    """Send a copy of a journaled message through the router (optionally edited)."""
    c = console(request)
    message_id = request.path_params["message_id"]
    ctx = _detail_context(request, message_id)
    if ctx is None:
        return error_page(request, 404, "Сообщение не найдено в журнале.")
    reason = str(form.get("reason", "")).strip()
    payload_text = str(form.get("payload", ""))
    edited = form.get("edited") == "1"
    try:
        if not reason:
            raise ValueError("Укажите причину повторной отправки: она попадёт в журнал аудита.")
        payload = parse_payload(payload_text) if edited else None
        if edited and payload is None:
            raise ValueError("Данные сообщения (payload) пусты: укажите JSON-объект.")
        if payload is not None and ctx["m"].payload_edit is None:
            raise ValueError("Редактирование недоступно: нет допуска к персональным данным.")
        new_id = c.ops.replay_message(message_id, user=user.username, reason=reason,
                                      payload=payload, remote_addr=remote_addr(request))
    except (LookupError, ValueError) as exc:
        action = "edit-and-replay-message-failed" if edited else "replay-message-failed"
        c.ops.audit(user.username, action, target=message_id, reason=reason,
                    remote_addr=remote_addr(request), details={"error": str(exc)})
        if isinstance(exc, LookupError):
            return error_page(request, 404, str(exc))
        ctx.update(reason=reason, payload_text=payload_text)
        ctx["edit_error" if edited else "replay_error"] = str(exc)
        return render(request, "message.html", ctx, status_code=400)
    flash(request, f"Копия отправлена: {new_id}")
    return RedirectResponse(f"/journal/{message_id}", status_code=303)


@page()
def blob_download(request: Request, user: User, form: FormData) -> Response:
    """The exact stored bytes of a message's raw form or attachment (unmasked users only)."""
    if not user.personal_data:
        audit_refusal(request, user.username, "access-denied", required="personal_data")
        return error_page(request, 403, "Исходные данные без маскирования доступны только "
                                        "пользователям с допуском к персональным данным.")
    c = console(request)
    message_id = request.path_params["message_id"]
    blob_id = request.path_params["blob_id"]
    found = journal.detail(c.db, c.types, message_id, privacy(request))
    if found is None or blob_id not in journal.blob_ids(found):
        return error_page(request, 404, "Нет таких данных у этого сообщения.")
    data = journal.blob_bytes(c.db, blob_id)
    if data is None:
        return error_page(request, 404, "Данные не найдены.")
    c.ops.audit(user.username, "blob-download", target=f"{message_id}/{blob_id}",
                remote_addr=remote_addr(request))
    name = next((r.file_name for r in found.raw if r.blob_id == blob_id), "")
    return Response(data[0], media_type=data[1],
                    headers={"Content-Disposition": exports.attachment(name or f"{blob_id}.bin")})

