"""The console's JSON API under ``/api``: the journal, dead letters, audit and schedules.

Authentication, one of:

* **HTTP Basic** (``Authorization: Basic base64(user:password)``) for machine clients:
  every request carries the credentials of a console account; no CSRF token is needed,
  because browsers never send these credentials on their own (the API does not answer with
  a ``WWW-Authenticate: Basic`` challenge, so a browser never caches them). Failed attempts
  count towards the same lockout as the login form.
* **The console session** (the cookie set by ``/login``), for scripts in a logged-in
  browser: every POST must carry the session's CSRF token in the ``X-CSRF-Token`` header;
  ``GET /api/me`` returns it.

Roles are the console's: any account reads; ``operator`` replays, discards and runs
schedules; ``administrator`` reads the audit log and edits schedules. Personal data is
masked unless the account has the ``personal_data`` permission.

Errors are JSON ``{"error": "…", "status": N}`` with 400 (bad input), 401 (no or wrong
credentials), 403 (role or CSRF), 404 (unknown id), 409 (already replayed or discarded) and
429 (too many failed logins). Request bodies are JSON objects; every replay and discard
requires a non-empty ``reason``, which goes to the audit log with the user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from admin import auditlog, deadletters, journal, schedules, viewaudit
from admin.apiplumbing import ApiError, endpoint, error, reply
from admin.context import console, privacy, remote_addr
from admin.csrf import csrf_token
from admin.users import Role, User
from admin.views import catalogue


def _reason(body: dict[str, Any]) -> str:
    reason = body.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise ApiError(400, "a non-empty 'reason' is required (it goes to the audit log)")
    return reason.strip()


def _payload(body: dict[str, Any]) -> dict[str, Any] | None:
    payload = body.get("payload")
    if payload is not None and not isinstance(payload, dict):
        raise ApiError(400, "'payload' must be a JSON object")
    return payload


def _operation(call: Callable[[], Any]) -> Any:
    """Run an Operations call, its exceptions turned into API errors."""
    try:
        return call()
    except LookupError as exc:
        raise ApiError(404, str(exc)) from None
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None


# -- journal ---------------------------------------------------------------------------------


@endpoint()
def messages(request: Request, user: User, body: dict[str, Any]) -> Response:
    """GET /api/messages: journal search, newest first (``cursor`` for the next page)."""
    c = console(request)
    q = request.query_params
    try:
        flt = journal.JournalFilter.from_params(q, c.tz)
        page = journal.search(c.db, flt, privacy(request), cursor=q.get("cursor") or None,
                              limit=int(q.get("limit", journal.DEFAULT_LIMIT)))
    except ValueError as exc:
        viewaudit.journal_search(request, user, q.get("person", "").strip(), None, str(exc))
        raise ApiError(400, str(exc)) from None
    viewaudit.journal_search(request, user, flt.person, len(page.rows), "")
    return reply({"items": page.rows, "next_cursor": page.next_cursor})


@endpoint()
def message(request: Request, user: User, body: dict[str, Any]) -> Response:
    """GET /api/messages/{id}: envelope, payload, trail, conversation and raw bytes."""
    c = console(request)
    found = journal.detail(c.db, c.types, request.path_params["message_id"], privacy(request))
    if found is None:
        raise ApiError(404, "no such message in the journal")
    viewaudit.unmasked_view(request, user, viewaudit.MESSAGE_VIEW,
                            request.path_params["message_id"], privacy(request).unmasked)
    return reply(
        {
            "message": found.summary,
            "envelope": found.envelope,
            "payload": found.payload,
            "trail": found.events,
            "conversation": found.conversation,
            "raw": [asdict(r) for r in found.raw],
            "dead_letters": found.dead_letters,
        }
    )


@endpoint(Role.operator)
def replay_message(request: Request, user: User, body: dict[str, Any]) -> Response:
    """POST /api/messages/{id}/replay: send a copy (optionally with an edited payload)."""
    c = console(request)
    message_id = request.path_params["message_id"]
    reason, payload = _reason(body), _payload(body)
    if payload is not None and not user.personal_data:
        found = journal.detail(c.db, c.types, message_id, privacy(request))
        if found is not None and found.payload_edit is None:
            raise ApiError(403, "editing this payload requires the personal_data permission")
    new_id = _operation(lambda: c.ops.replay_message(
        message_id, user=user.username, reason=reason, payload=payload,
        remote_addr=remote_addr(request)))
    return reply({"message_id": new_id, "replay_of": message_id}, 202)


# -- dead letters ----------------------------------------------------------------------------


@endpoint()
def dead_letter_list(request: Request, user: User, body: dict[str, Any]) -> Response:
    """GET /api/dead-letters: ``view=grouped`` (default: groups by cause) or ``view=flat``."""
    c = console(request)
    q = request.query_params
    try:
        flt = deadletters.DeadLetterFilter.from_params(q, c.tz)
        limit, offset = int(q.get("limit", 200)), int(q.get("offset", 0))
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    view = q.get("view", "grouped")
    if view == "grouped":
        groups, cut = deadletters.grouped(c.db, flt, privacy(request))
        return reply({"groups": [g.as_json() for g in groups], "cut": cut})
    if view == "flat":
        items = deadletters.listing(c.db, flt, privacy(request), group=q.get("group", ""),
                                    limit=max(1, min(limit, 1000)), offset=max(0, offset))
        return reply({"items": items})
    raise ApiError(400, "view must be 'grouped' or 'flat'")


def _open_letter(request: Request) -> dict[str, Any]:
    c = console(request)
    letter = deadletters.get(c.db, c.types, request.path_params["id"], privacy(request))
    if letter is None:
        raise ApiError(404, "no such dead letter")
    return letter


@endpoint()
def dead_letter(request: Request, user: User, body: dict[str, Any]) -> Response:
    """GET /api/dead-letters/{id}: one dead letter with its envelope and payload."""
    letter = _open_letter(request)
    letter.pop("payload_edit", None)
    return reply(letter)


@endpoint(Role.operator)
def replay_dead_letter(request: Request, user: User, body: dict[str, Any]) -> Response:
    """POST /api/dead-letters/{id}/replay: replay, optionally with an edited payload."""
    c = console(request)
    letter = _open_letter(request)
    reason, payload = _reason(body), _payload(body)
    if letter["state"] != "open":
        raise ApiError(409, f"dead letter {letter['id']} is already {letter['state']}")
    if payload is not None and letter["payload_edit"] is None:
        raise ApiError(403, "editing this payload requires the personal_data permission")
    _operation(lambda: c.ops.replay_dead_letter(
        letter["id"], user=user.username, reason=reason, payload=payload,
        remote_addr=remote_addr(request)))
    return reply({"id": letter["id"], "message_id": letter["message_id"], "state": "replayed"})


@endpoint(Role.operator)
def discard_dead_letter(request: Request, user: User, body: dict[str, Any]) -> Response:
    """POST /api/dead-letters/{id}/discard: give up on a dead letter, with a reason."""
    c = console(request)
    letter = _open_letter(request)
    reason = _reason(body)
    if letter["state"] != "open":
        raise ApiError(409, f"dead letter {letter['id']} is already {letter['state']}")
    _operation(lambda: c.ops.discard_dead_letter(
        letter["id"], user=user.username, reason=reason, remote_addr=remote_addr(request)))
    return reply({"id": letter["id"], "message_id": letter["message_id"], "state": "discarded"})


@endpoint(Role.operator)
def replay_dead_letters(request: Request, user: User, body: dict[str, Any]) -> Response:
    """POST /api/dead-letters/replay: bulk replay of open dead letters by filter.

    Body: ``reason`` and at least one of ``cause_type``, ``queue``, ``type``, ``since``,
    ``until`` (ISO times), or ``group`` (a cause group key), or ``"all": true``.
    """
    c = console(request)
    reason = _reason(body)
    params = {k: str(v) for k, v in body.items() if k in
              ("cause_type", "queue", "type", "since", "until") and v}
    try:
        flt = deadletters.DeadLetterFilter.from_params({**params, "state": "open"}, c.tz)
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    addr = remote_addr(request)
    group = body.get("group")
    if isinstance(group, str) and group:
        done, failed = deadletters.replay_group(c.db, c.ops, flt, group, user=user.username,
                                                reason=reason, remote_addr=addr)
        return reply({"replayed": done, "failed": [{"id": i, "error": e} for i, e in failed]})
    if not flt.narrowed and body.get("all") is not True:
        raise ApiError(400, "give at least one filter (cause_type, queue, type, since, until, "
                            "group) or \"all\": true")
    count = _operation(lambda: deadletters.replay_matching(
        c.db, c.ops, flt, user=user.username, reason=reason, remote_addr=addr))
    return reply({"replayed": count})


# -- audit, schedules, session ---------------------------------------------------------------


@endpoint(Role.administrator)
def audit(request: Request, user: User, body: dict[str, Any]) -> Response:
    """GET /api/audit: the audit log, newest first (``before`` = id for the next page)."""
    c = console(request)
    q = request.query_params
    try:
        flt = auditlog.AuditFilter.from_params(q, c.tz)
        before = int(q["before"]) if q.get("before") else None
        rows, next_before = auditlog.entries(c.db, flt, privacy(request), before_id=before,
                                             limit=int(q.get("limit", 100)))
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    return reply({"items": rows, "next_before": next_before})


@endpoint()
def schedule_list(request: Request, user: User, body: dict[str, Any]) -> Response:
    """GET /api/schedules: every schedule with its state."""
    return reply({"items": schedules.all_schedules(console(request).db)})


@endpoint(Role.operator)
def run_schedule(request: Request, user: User, body: dict[str, Any]) -> Response:
    """POST /api/schedules/{name}/run: ask the scheduler to run the job once, now."""
    c = console(request)
    name = request.path_params["name"]
    _operation(lambda: schedules.request_run(c.db, name, user=user.username))
    c.ops.audit(user.username, "schedule-run", target=name, remote_addr=remote_addr(request))
    return reply({"name": name, "run_requested": True}, 202)


@endpoint(Role.administrator)
def edit_schedule(request: Request, user: User, body: dict[str, Any]) -> Response:
    """POST /api/schedules/{name}: change ``cron`` and/or ``enabled``."""
    c = console(request)
    name = request.path_params["name"]
    if schedules.get_schedule(c.db, name) is None:
        raise ApiError(404, f"no schedule {name!r}")
    changes: dict[str, Any] = {}
    if "cron" in body:
        cron = str(body["cron"])
        _operation(lambda: schedules.set_cron(c.db, name, cron, user=user.username))
        changes["cron"] = cron
    if "enabled" in body:
        if not isinstance(body["enabled"], bool):
            raise ApiError(400, "'enabled' must be true or false")
        schedules.set_enabled(c.db, name, body["enabled"], user=user.username)
        changes["enabled"] = body["enabled"]
    if not changes:
        raise ApiError(400, "nothing to change: give 'cron' and/or 'enabled'")
    c.ops.audit(user.username, "schedule-edit", target=name, details=changes,
                remote_addr=remote_addr(request))
    return reply(schedules.get_schedule(c.db, name))


@endpoint()
def asyncapi(request: Request, user: User, body: dict[str, Any]) -> Response:
    """GET /api/asyncapi.json: the AsyncAPI 3.0 document of the bus's channels and message
    types (any account: it holds schemas and made-up examples, no personal data)."""
    return reply(catalogue.asyncapi(request))


@endpoint()
def me(request: Request, user: User, body: dict[str, Any]) -> Response:
    """GET /api/me: the account, and the CSRF token for POSTs made with the session."""
    return reply({"username": user.username, "role": user.role.name,
                  "personal_data": user.personal_data, "csrf_token": csrf_token(request)})


async def not_found(request: Request) -> Response:
    """Unknown API paths answer JSON, not the HTML error page."""
    return error(404, f"no API endpoint {request.method} {request.url.path}")


routes = [
    Route("/me", me),
    Route("/asyncapi.json", asyncapi),
    Route("/messages", messages),
    Route("/messages/{message_id}", message),
    Route("/messages/{message_id}/replay", replay_message, methods=["POST"]),
    Route("/dead-letters", dead_letter_list),
    Route("/dead-letters/replay", replay_dead_letters, methods=["POST"]),
    Route("/dead-letters/{id:int}", dead_letter),
    Route("/dead-letters/{id:int}/replay", replay_dead_letter, methods=["POST"]),
    Route("/dead-letters/{id:int}/discard", discard_dead_letter, methods=["POST"]),
    Route("/audit", audit),
    Route("/schedules", schedule_list),
    Route("/schedules/{name}", edit_schedule, methods=["POST"]),
    Route("/schedules/{name}/run", run_schedule, methods=["POST"]),
    Route("/{rest:path}", not_found, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
]
"""Routes mounted under ``/api``."""
