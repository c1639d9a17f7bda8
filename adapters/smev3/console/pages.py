"""The СМЭВ 3 screens of the console (SMEV-6), registered as a console extension.

``[project.entry-points."omshub.console"] smev3 = "adapters.smev3.console.pages:extension"``.

| path | role | what |
| --- | --- | --- |
| ``/smev3`` | viewer | each information type: role, protocol, schemas, counts, last poll |
| ``/smev3/poll`` (POST) | operator | poll now: a run of ``adapter.smev3:poll`` (audited) |
| ``/smev3/certificates`` | viewer | certificates in use, their chains and expiry |
| ``/smev3/analytics`` (``.xlsx``) | viewer | figures per type over a period, and in Excel |
| ``/smev3/outgoing``, ``/smev3/outgoing/{id}`` | viewer | what we send, and one with its XML |
| ``/smev3/received``, ``/smev3/received/{id}`` | viewer | what we took in, and one |
| ``/smev3/compose/{type}`` | operator | compose one request of a consumer type and send it |

A composed request is checked against its canonical model and, mapped to XML, against the
type's XSD; it is then taken in by the console as the canonical request (journal + outbox +
audit row in one transaction), so the router delivers it to ``adapter.smev3`` exactly like
a handler's request. The JSON API under ``/api/smev3`` is :mod:`adapters.smev3.console.api`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import sqlalchemy as sa
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from adapters.smev3 import monitor
from adapters.smev3.compose import Refused, check, example, parse_payload
from adapters.smev3.console.words import KIND_WORDS, STATE_WORDS
from adapters.smev3.models import received
from adapters.smev3.service import PLUGIN, catalogue
from adapters.smev3.settings import Smev3Settings
from adapters.smev3.types import InformationType, TypeCatalogue
from adapters.smev3.vs.awaiting import AWAITING, ROLE_WORDS
from admin.auditlog import register_labels
from admin.auth import page
from admin.context import console, error_page, flash, privacy, remote_addr
from admin.context import render as render_page
from admin.extensions import ConsoleContext, ConsoleExtension, NavEntry
from admin.schedules import request_run
from admin.times import as_utc
from admin.users import Role, User
from contracts.envelope import Envelope, utcnow
from contracts.schemas import SchemaStore
from storage.db import Database

if TYPE_CHECKING:
    from adapters.smev3.analytics import Analytics

TEMPLATES = Path(__file__).parent / "templates"
WORDS = {"smev_words": STATE_WORDS, "kind_words": KIND_WORDS}


def render(request: Request, template: str, ctx: dict[str, Any],
           status_code: int = 200) -> Response:
    """A page of the СМЭВ screens, with the states and kinds in words."""
    return render_page(request, template, {**WORDS, **ctx}, status_code=status_code)
COMPOSE_ACTION = "smev3-request"
"""The audit action of a request composed in the console or sent through the API."""
ANALYTICS_EXPORT = "smev3-analytics-export"
"""The audit action of an Excel export of the СМЭВ analytics."""


class Smev3Console:
    """The adapter as the console sees it: its types, its schemas, and what operators do."""

    def __init__(self, ctx: ConsoleContext, types: TypeCatalogue | None = None) -> None:
        self.ctx = ctx
        self.types = types if types is not None else catalogue()
        root = ctx.settings.schemas_dir
        self.schemas = SchemaStore(root) if root is not None else None

    def polled(self) -> set[str] | None:
        """Keys of the polled types (None: all installed ones)."""
        try:
            chosen = Smev3Settings.model_validate(self.ctx.settings.plugins.get(PLUGIN, {})).types
        except ValidationError:
            return None
        return set(chosen) or None

    def consumer(self, key: str) -> InformationType:
        """A type we request from another agency; LookupError if unknown, ValueError if not."""
        info = self.types.get(key)
        if info.role != "consumer":
            raise ValueError(f"{key} is a provider type: the fund answers its requests and "
                              "does not send them")
        return info

    def send(self, info: InformationType, payload: dict[str, Any], *, user: str, reason: str,
             remote_addr: str) -> Envelope:
        """Check a request all the way to its XSD and take it in; :class:`Refused` if not."""
        if not reason.strip():
            raise ValueError("Укажите причину: она попадёт в журнал аудита.")
        checked = check(info, payload, self.schemas)
        return self.ctx.publish(checked.model, user=user, reason=reason, action=COMPOSE_ACTION,
                                details={"information_type": info.key},
                                remote_addr=remote_addr)

    def poll_now(self, *, user: str, remote_addr: str) -> None:
        """Ask the scheduler for one run of the polling job; LookupError before its first."""
        try:
            request_run(self.ctx.db, monitor.POLL_SCHEDULE, user=user)
        except LookupError:
            raise LookupError(f"нет расписания {monitor.POLL_SCHEDULE}: адаптер СМЭВ 3 ещё не "
                              "запускался вместе с планировщиком") from None
        self.ctx.ops.audit(user, "schedule-run", target=monitor.POLL_SCHEDULE,
                           details={"via": "smev3"}, remote_addr=remote_addr)

    # -- pages ------------------------------------------------------------------------------

    def overview_page(self, request: Request, user: User, form: FormData) -> Response:
        """Every information type with its counts, the polling schedule, and the types the
        seeds name that await a public schema."""
        data = monitor.overview(self.ctx.db, self.types, self.schemas, self.polled())
        return render(request, "smev3_overview.html", {"o": data, "awaiting": AWAITING,
                                                       "role_words": ROLE_WORDS})

    def poll_page(self, request: Request, user: User, form: FormData) -> Response:
        """Poll now (POST)."""
        try:
            self.poll_now(user=user.username, remote_addr=remote_addr(request))
        except LookupError as exc:
            flash(request, str(exc), "error")
        else:
            flash(request, "Опрос СМЭВ запрошен: планировщик запустит его в ближайшие секунды.")
        return RedirectResponse("/smev3", status_code=303)

    def _list(self, request: Request, template: str, state: str) -> Response:
        c = console(request)
        q = request.query_params
        params = {k: q[k] for k in ("type", state, "kind", "from", "to") if q.get(k)}
        rows: list[dict[str, Any]] = []
        more: Any = None
        error = ""
        key = "before" if state == "status" else "cursor"
        try:
            flt = monitor.Filter.from_params(params, c.tz, state)
            if state == "status":
                before = int(q["before"]) if q.get("before") else None
                rows, more = monitor.outgoing_list(c.db, flt, privacy(request), before=before)
            else:
                rows, more = monitor.received_list(c.db, flt, privacy(request),
                                                   cursor=q.get("cursor") or None)
        except ValueError as exc:
            error = str(exc)
        next_url = f"{request.url.path}?{urlencode({**params, key: more})}" if more else ""
        return render(request, template, {
            "params": params, "rows": rows, "error": error, "next_url": next_url,
            "type_keys": sorted(self.types.types), "states": monitor.states(c.db, state),
        }, status_code=400 if error else 200)

    def outgoing_page(self, request: Request, user: User, form: FormData) -> Response:
        """What we send to СМЭВ, newest first, with filters."""
        return self._list(request, "smev3_outgoing.html", "status")

    def received_page(self, request: Request, user: User, form: FormData) -> Response:
        """What we took in from СМЭВ, newest first, with filters."""
        return self._list(request, "smev3_received.html", "outcome")

    def outgoing_item(self, request: Request, user: User, form: FormData) -> Response:
        """One outgoing row: state, content XML, canonical payload."""
        found = monitor.outgoing_detail(self.ctx.db, self.types, request.path_params["id"],
                                        privacy(request))
        if found is None:
            return error_page(request, 404, "Нет такого исходящего сообщения СМЭВ.")
        replies = answers_to(self.ctx.db, found["message_id"]) if found["kind"] == "request" \
            else []
        return render(request, "smev3_outgoing_item.html", {"m": found, "replies": replies})

    def received_item(self, request: Request, user: User, form: FormData) -> Response:
        """One received message: outcome, canonical payload, bytes as received."""
        found = monitor.received_detail(self.ctx.db, self.types,
                                        request.path_params["message_id"], privacy(request))
        if found is None:
            return error_page(request, 404, "Нет такого принятого сообщения СМЭВ.")
        return render(request, "smev3_received_item.html", {"m": found})

    def compose_page(self, request: Request, user: User, form: FormData) -> Response:
        """GET: the form prefilled with an example; POST: check and send."""
        try:
            info = self.consumer(request.path_params["type_key"])
        except LookupError as exc:
            return error_page(request, 404, str(exc))
        except ValueError as exc:
            return error_page(request, 400, str(exc))
        ctx: dict[str, Any] = {"info": info, "schemas_dir": self.ctx.settings.schemas_dir,
                               "payload_text": json.dumps(example(info), ensure_ascii=False,
                                                          indent=2),
                               "reason": "", "problems": [], "xml": ""}
        if request.method != "POST":
            return render(request, "smev3_compose.html", ctx)
        ctx.update(payload_text=str(form.get("payload", "")),
                   reason=str(form.get("reason", "")).strip())
        try:
            if not ctx["reason"]:
                raise ValueError("Укажите причину: она попадёт в журнал аудита.")
            env = self.send(info, parse_payload(ctx["payload_text"]), user=user.username,
                            reason=ctx["reason"], remote_addr=remote_addr(request))
        except Refused as exc:
            ctx.update(problems=exc.problems, xml=exc.xml, stage=exc.stage)
            return render(request, "smev3_compose.html", ctx, status_code=422)
        except ValueError as exc:
            ctx["reason_error"] = str(exc)
            return render(request, "smev3_compose.html", ctx, status_code=400)
        flash(request, f"Запрос {info.key} принят хабом и отправляется в СМЭВ: {env.id}")
        return RedirectResponse(f"/journal/{env.id}", status_code=303)

    def certificates_page(self, request: Request, user: User, form: FormData) -> Response:
        """Certificates in use: ours, the trust store's CAs, the counterparties' seen recently;
        each with its chain, its expiry and a warning weeks ahead (adapters/smev3/trust/)."""
        from datetime import UTC, datetime

        from adapters.smev3 import trust
        from hub.crypto import get_provider

        settings = Smev3Settings.model_validate(self.ctx.settings.plugins.get(PLUGIN, {}))
        now = datetime.now(UTC)
        data = trust.overview(settings, get_provider(settings.crypto_provider), self.ctx.db,
                              at=now, tz=self.ctx.tz)
        groups = [("own", "Сертификат нашей информационной системы"),
                  ("ca", "Доверенные удостоверяющие центры"),
                  ("counterparty", "Сертификаты участников обмена, встреченные недавно")]
        empty = {"own": "Не настроен (certificate в [plugins.smev3]).",
                 "ca": "Хранилище пусто или не настроено.",
                 "counterparty": "В последних принятых сообщениях подписей не было."}
        return render(request, "smev3_certificates.html",
                      {"c": data, "groups": groups, "empty": empty, "now": now})

    def analytics(self, request: Request) -> Analytics:
        """The figures of the period the query names (``period``: hour, day or week)."""
        from datetime import UTC, datetime

        from adapters.smev3 import analytics, trust
        from hub.crypto import get_provider

        period = analytics.PERIODS.get(request.query_params.get("period", "day"))
        if period is None:
            raise ValueError("Период: час (hour), сутки (day) или неделя (week).")
        data = analytics.read(self.ctx.db, period, datetime.now(UTC), sorted(self.types.types))
        try:
            settings = Smev3Settings.model_validate(self.ctx.settings.plugins.get(PLUGIN, {}))
            data.warnings = trust.overview(settings, get_provider(settings.crypto_provider),
                                           self.ctx.db, tz=self.ctx.tz).warnings
        except Exception as exc:  # noqa: BLE001 - the figures are shown whatever happens
            data.warnings = [f"сертификаты не проверены: {exc}"]
        return data

    def analytics_page(self, request: Request, user: User, form: FormData) -> Response:
        """Requests, answers, rejections and faults per type over a period, with charts."""
        from adapters.smev3 import analytics
        from admin.charts import bars, lines

        try:
            data = self.analytics(request)
        except ValueError as exc:
            return error_page(request, 400, str(exc))
        chart = bars(f"Обмен со СМЭВ за {data.period.title}", data.times, data.series(),
                     self.ctx.tz, unit="сообщений")
        by_type = lines(f"Сообщения по видам сведений за {data.period.title}", data.times,
                        data.type_series(), self.ctx.tz, unit="сообщений")
        return render(request, "smev3_analytics.html", {
            "a": data, "chart": chart, "by_type": by_type, "periods": analytics.PERIODS.values(),
            "kinds": [(k, analytics.KIND_TITLES[k]) for k in analytics.KINDS],
            "seconds": analytics.seconds_text})

    def analytics_export(self, request: Request, user: User, form: FormData) -> Response:
        """The analytics page's figures as an Excel file (audited like every export)."""
        from adapters.smev3 import analytics
        from admin.exports import download
        from admin.xlsx import XLSX_MEDIA_TYPE

        try:
            data = self.analytics(request)
        except ValueError as exc:
            return error_page(request, 400, str(exc))
        body = analytics.workbook(data, self.ctx.tz, user.username, utcnow())
        self.ctx.ops.audit(user.username, ANALYTICS_EXPORT, target="smev3",
                           details={"period": data.period.key},
                           remote_addr=remote_addr(request))
        return Response(body, media_type=XLSX_MEDIA_TYPE, headers={
            "Content-Disposition": download(f"smev3-analytics-{data.period.key}", self.ctx.tz)})

    def routes(self) -> list[BaseRoute]:
        """The pages, and the API mounted under ``/api/smev3``."""
        from adapters.smev3.console.api import api_routes

        viewer, operator = page(Role.viewer), page(Role.operator)
        return [
            Route("/smev3", viewer(self.overview_page)),
            Route("/smev3/poll", operator(self.poll_page), methods=["POST"]),
            Route("/smev3/certificates", viewer(self.certificates_page)),
            Route("/smev3/analytics", viewer(self.analytics_page)),
            Route("/smev3/analytics.xlsx", viewer(self.analytics_export)),
            Route("/smev3/outgoing", viewer(self.outgoing_page)),
            Route("/smev3/outgoing/{id:int}", viewer(self.outgoing_item)),
            Route("/smev3/received", viewer(self.received_page)),
            Route("/smev3/received/{message_id}", viewer(self.received_item)),
            Route("/smev3/compose/{type_key}", operator(self.compose_page),
                  methods=["GET", "POST"]),
            Mount("/api/smev3", routes=api_routes(self)),
        ]


def answers_to(db: Database, message_id: str | None) -> list[dict[str, Any]]:
    """What СМЭВ sent back on our request ``message_id`` (its MessageID), oldest first:
    the answer, rejections and statuses, each with what the hub did with it, in words."""
    if not message_id:
        return []
    with db.read() as conn:
        rows = conn.execute(sa.select(received).where(
            received.c.reference_message_id == message_id)
            .order_by(received.c.received_at)).all()
    return [{"message_id": r.message_id, "kind": KIND_WORDS.get(r.kind, r.kind),
             "outcome": STATE_WORDS.get(r.outcome, r.outcome), "raw_outcome": r.outcome,
             "envelope_id": r.envelope_id, "received_at": as_utc(r.received_at)}
            for r in rows]


def extension(ctx: ConsoleContext, types: TypeCatalogue | None = None) -> ConsoleExtension:
    """The СМЭВ 3 console extension (``types``: the installed information types by default)."""
    screens = Smev3Console(ctx, types)
    register_labels({COMPOSE_ACTION: "Запрос в СМЭВ 3 из консоли",
                     ANALYTICS_EXPORT: "Выгрузка аналитики СМЭВ 3 в Excel"})
    return ConsoleExtension(name=PLUGIN, routes=screens.routes(),
                            nav=[NavEntry("СМЭВ 3", "/smev3", Role.viewer)],
                            template_dirs=[TEMPLATES])
