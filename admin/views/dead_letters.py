"""Failed messages (ADM-2): groups by cause, replay one or many, edit-and-replay, discard.

Every action needs a reason; Operations audits it with the user and the reason. One
letter is replayed at once; a group or a filter starts a bulk replay task at the chosen
rate and batch size (admin/bulkreplay.py), followed on «Выполнение» (/progress).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin import bulkreplay, deadletters, listing
from admin.auth import page
from admin.context import console, error_page, flash, privacy, remote_addr, render
from admin.times import show
from admin.users import Role, User
from admin.views.journal import parse_payload
from admin.xlsx import XLSX_MEDIA_TYPE
from contracts.envelope import utcnow

FILTER_FIELDS = ("state", "cause_type", "queue", "type", "from", "to")
GROUP_PAGE = 50
"""Dead letters on a group's page unless ``limit`` says otherwise."""
NO_REASON = "Укажите причину: она попадёт в журнал аудита."


def _params(source: Any) -> dict[str, str]:
    return {k: str(source.get(k)).strip() for k in FILTER_FIELDS if source.get(k)}


@page()
def groups_page(request: Request, user: User, form: FormData) -> Response:
    """Dead letters grouped by cause, with the filter and bulk replay forms."""
    c = console(request)
    params = _params(request.query_params)
    error = ""
    groups: list[deadletters.CauseGroup] = []
    cut = False
    total = listing.Total(0)
    try:
        flt = deadletters.DeadLetterFilter.from_params(params, c.tz)
        groups, cut = deadletters.grouped(c.db, flt, privacy(request))
        total = deadletters.total(c.db, flt)
    except ValueError as exc:
        error = str(exc)
    return render(
        request,
        "dead_letters.html",
        {"params": params, "groups": groups, "cut": cut, "error": error, "total": total,
         "query": urlencode(params), "states": deadletters.STATE_WORDS,
         "export_url": "/dead-letters/export.xlsx?" + urlencode(params),
         "pace": bulkreplay.DEFAULT_PACE},
        status_code=400 if error else 200,
    )


@page()
def group_page(request: Request, user: User, form: FormData) -> Response:
    """The dead letters of one cause group."""
    c = console(request)
    params = _params(request.query_params)
    key = request.path_params["key"]
    q = request.query_params
    try:
        flt = deadletters.DeadLetterFilter.from_params(params, c.tz)
        size = listing.page_size(q.get("limit"), GROUP_PAGE)
        offset = max(0, listing.number(q.get("offset"), "сдвиг", 0))
    except ValueError as exc:
        return error_page(request, 400, str(exc))
    letters = deadletters.listing(c.db, flt, privacy(request), group=key, limit=size,
                                  offset=offset)
    total = deadletters.total(c.db, flt, group=key)
    base = {**params, **({"limit": str(size)} if size != GROUP_PAGE else {})}
    here = f"/dead-letters/groups/{key}"
    more = offset + size < total.count
    return render(request, "dead_group.html", {
        "key": key, "letters": letters, "params": params, "query": urlencode(params),
        "total": total, "size": size, "sizes": listing.size_links(here, params),
        "first_url": f"{here}?{urlencode(base)}" if offset else "",
        "next_url": f"{here}?{urlencode({**base, 'offset': offset + size})}" if more else "",
        "export_url": "/dead-letters/export.xlsx?" + urlencode({**params, "group": key}),
        "pace": bulkreplay.DEFAULT_PACE, "states": deadletters.STATE_WORDS,
        "summary": letters[0]["summary"] if letters else ""})


@page()
def export_page(request: Request, user: User, form: FormData) -> Response:
    """The dead letters under the current filter (and group) as an Excel file; audited."""
    c = console(request)
    params = _params(request.query_params)
    group = request.query_params.get("group", "").strip()
    try:
        flt = deadletters.DeadLetterFilter.from_params(params, c.tz)
    except ValueError as exc:
        return error_page(request, 400, str(exc))
    data, rows, cut = deadletters.export(c.db, flt, privacy(request), c.tz, group=group)
    c.ops.audit(user.username, "dead-letters-export", target=group or "dead-letters",
                remote_addr=remote_addr(request),
                details={"filter": params, "group": group, "rows": rows, "cut": cut,
                         "unmasked": privacy(request).unmasked})
    name = f"dead-letters-{show(utcnow(), c.tz).replace(' ', '_').replace(':', '-')}.xlsx"
    return Response(data, media_type=XLSX_MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _letter_or_404(request: Request) -> dict[str, Any] | Response:
    c = console(request)
    letter = deadletters.get(c.db, c.types, int(request.path_params["id"]), privacy(request))
    if letter is None:
        return error_page(request, 404, "Нет такого сообщения среди ошибок.")
    return letter


@page()
def letter_page(request: Request, user: User, form: FormData) -> Response:
    """One dead letter: its cause, its envelope and payload, and the action forms."""
    letter = _letter_or_404(request)
    if isinstance(letter, Response):
        return letter
    return render(request, "dead_letter.html", {"d": letter})


def _failed(request: Request, user: User, action: str, letter: dict[str, Any],
            error: str, reason: str) -> None:
    """Audit a failed action on one dead letter (``replay-failed``, ``discard-failed``)."""
    console(request).ops.audit(user.username, f"{action}-failed", target=letter["message_id"],
                               reason=reason, remote_addr=remote_addr(request),
                               details={"dead_letter_id": letter["id"], "error": error})


def _bulk_failed(request: Request, user: User, group: str, error: str) -> None:
    """Audit a bulk replay refused before it started (``bulk-replay-failed``)."""
    console(request).ops.audit(user.username, "bulk-replay-failed", target=group,
                               remote_addr=remote_addr(request), details={"error": error})


def _reason(form: FormData) -> str:
    return str(form.get("reason", "")).strip()


@page(Role.operator)
def replay_letter(request: Request, user: User, form: FormData) -> Response:
    """Replay one dead letter as it is, or with the payload the operator edited."""
    c = console(request)
    letter = _letter_or_404(request)
    if isinstance(letter, Response):
        return letter
    reason = _reason(form)
    payload_text = str(form.get("payload", ""))
    edited = form.get("edited") == "1"
    try:
        if letter["state"] != "open":
            _failed(request, user, "replay", letter, f"уже {letter['state_words']}", reason)
            return error_page(request, 409, f"Сообщение уже обработано: {letter['state_words']}.")
        if not reason:
            raise ValueError(NO_REASON)
        payload = parse_payload(payload_text) if edited else None
        if edited and payload is None:
            raise ValueError("Данные сообщения (payload) пусты: укажите JSON-объект.")
        if payload is not None and letter["payload_edit"] is None:
            raise ValueError("Редактирование недоступно: нет допуска к персональным данным.")
        c.ops.replay_dead_letter(letter["id"], user=user.username, reason=reason,
                                 payload=payload, remote_addr=remote_addr(request))
    except LookupError as exc:
        _failed(request, user, "replay", letter, str(exc), reason)
        return error_page(request, 404, str(exc))
    except ValueError as exc:
        _failed(request, user, "edit-and-replay" if edited else "replay", letter, str(exc),
                reason)
        ctx = {"d": letter, "reason": reason, "payload_text": payload_text}
        ctx["edit_error" if edited else "replay_error"] = str(exc)
        return render(request, "dead_letter.html", ctx, status_code=400)
    flash(request, f"Сообщение {letter['message_id']} отправлено повторно.")
    return RedirectResponse(f"/dead-letters/{letter['id']}", status_code=303)


@page(Role.operator)
def discard_letter(request: Request, user: User, form: FormData) -> Response:
    """Discard a dead letter for good, with a reason."""
    c = console(request)
    letter = _letter_or_404(request)
    if isinstance(letter, Response):
        return letter
    reason = _reason(form)
    if letter["state"] != "open":
        _failed(request, user, "discard", letter, f"уже {letter['state_words']}", reason)
        return error_page(request, 409, f"Сообщение уже обработано: {letter['state_words']}.")
    try:
        if not reason:
            raise ValueError(NO_REASON)
        c.ops.discard_dead_letter(letter["id"], user=user.username, reason=reason,
                                  remote_addr=remote_addr(request))
    except LookupError as exc:
        _failed(request, user, "discard", letter, str(exc), reason)
        return error_page(request, 404, str(exc))
    except ValueError as exc:
        _failed(request, user, "discard", letter, str(exc), reason)
        return render(request, "dead_letter.html",
                      {"d": letter, "discard_error": str(exc), "reason": reason},
                      status_code=400)
    flash(request, f"Сообщение {letter['message_id']} отброшено.")
    return RedirectResponse(f"/dead-letters/{letter['id']}", status_code=303)


@page(Role.operator)
def replay_group(request: Request, user: User, form: FormData) -> Response:
    """Replay every open dead letter of one cause group (within the page's filter)."""
    c = console(request)
    key = request.path_params["key"]
    params = _params(form)
    back = f"/dead-letters/groups/{key}?" + urlencode(params)
    reason = _reason(form)
    if not reason:
        _bulk_failed(request, user, key, NO_REASON)
        flash(request, NO_REASON, "error")
        return RedirectResponse(back, status_code=303)
    try:
        flt = deadletters.DeadLetterFilter.from_params({**params, "state": "open"}, c.tz)
        pace = bulkreplay.pace_of(form)
    except ValueError as exc:
        _bulk_failed(request, user, key, str(exc))
        flash(request, str(exc), "error")
        return RedirectResponse(back, status_code=303)
    return _started(request, bulkreplay.start(
        c.db, c.ops, flt, group=key, pace=pace, user=user.username, reason=reason,
        remote_addr=remote_addr(request)), "/dead-letters?" + urlencode(params))


def _started(request: Request, task: str | None, back: str) -> Response:
    """Where a bulk replay's form leads: its progress, or back when nothing matched."""
    if task is None:
        flash(request, "Отправлено повторно: 0 — под фильтр не попало ни одной открытой "
                       "ошибки.")
        return RedirectResponse(back, status_code=303)
    flash(request, "Повторная отправка запущена: ход виден здесь, её можно приостановить "
                   "или отменить.")
    return RedirectResponse(f"/progress#task-{task}", status_code=303)


@page(Role.operator)
def replay_filtered(request: Request, user: User, form: FormData) -> Response:
    """Replay every open dead letter matching the filter (at least one filter required)."""
    c = console(request)
    params = _params(form)
    back = "/dead-letters?" + urlencode(params)
    reason = _reason(form)
    try:
        flt = deadletters.DeadLetterFilter.from_params({**params, "state": "open"}, c.tz)
        if not reason:
            raise ValueError(NO_REASON)
        if not flt.narrowed:
            raise ValueError("Задайте хотя бы один фильтр (причина, очередь, тип или период).")
        pace = bulkreplay.pace_of(form)
        task = bulkreplay.start(c.db, c.ops, flt, pace=pace, user=user.username,
                                reason=reason, remote_addr=remote_addr(request))
    except ValueError as exc:
        _bulk_failed(request, user, "", str(exc))
        flash(request, str(exc), "error")
        return RedirectResponse(back, status_code=303)
    return _started(request, task, back)
