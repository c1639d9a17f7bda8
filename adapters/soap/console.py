"""The SOAP services' page of the console: organisations allowed to call (issue 11, item 8).

``[project.entry-points."omshub.console"] soap = "adapters.soap.console:extension"``.

| path | role | what |
| --- | --- | --- |
| ``/soap/organisations`` | administrator | list; add an МО or СМО (password shown once) |
| ``/soap/organisations/{username}`` (POST) | administrator | disable, enable, reset the password |

Every change is audited (``soap-org-add``, ``soap-org-disable``, ``soap-org-enable``,
``soap-org-password``) with its reason, and takes effect at the services' next call
(:mod:`adapters.soap.organisations`): nothing to restart. Passwords are generated (as
``omshub soap add-org`` does), kept only as scrypt hashes, and shown once on the answer
page — never put in the session or the audit log.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from adapters.soap.organisations import KINDS, Organisations, OrganisationTaken
from adapters.soap.settings import PLUGIN, SoapSettings
from admin.auditlog import register_labels
from admin.auth import page
from admin.context import error_page, flash, remote_addr, render
from admin.extensions import ConsoleContext, ConsoleExtension, NavEntry
from admin.users import Role, User

TEMPLATES = Path(__file__).parent / "templates"
ACTIONS = {"disable": "soap-org-disable", "enable": "soap-org-enable",
           "password": "soap-org-password"}
ACTION_WORDS = {
    "soap-org-add": "SOAP: организация добавлена",
    "soap-org-disable": "SOAP: организация отключена",
    "soap-org-enable": "SOAP: организация включена",
    "soap-org-password": "SOAP: пароль организации сброшен",
}
"""The page's audit actions, as the audit log says them."""


class SoapConsole:
    """The organisations of the SOAP services, as administrators manage them."""

    def __init__(self, ctx: ConsoleContext) -> None:
        self.ctx = ctx

    def organisations(self) -> Organisations:
        """The organisations, with the configured entries of ``[plugins.soap]``."""
        try:
            soap = SoapSettings.model_validate(self.ctx.settings.plugins.get(PLUGIN, {}))
        except ValidationError:
            soap = SoapSettings()
        return Organisations(self.ctx.db, soap)

    def _page(self, request: Request, status_code: int = 200, **extra: Any) -> Response:
        form = {"code": "", "kind": "mo", "username": "", "name": "", "reason": ""}
        form.update(extra.pop("form", {}))
        return render(request, "soap_organisations.html", {
            "orgs": self.organisations().listed(), "kinds": KINDS, "form": form, **extra},
            status_code=status_code)

    def list_page(self, request: Request, user: User, form: FormData) -> Response:
        """GET: the list and the form; POST: add an organisation, show its password once."""
        if request.method != "POST":
            return self._page(request)
        values = {k: str(form.get(k, "")).strip()
                  for k in ("code", "kind", "username", "name", "reason")}
        if not values["reason"]:
            return self._page(request, 400, form=values,
                              error="Укажите причину: она попадёт в журнал аудита.")
        if values["kind"] not in KINDS:
            return self._page(request, 400, form=values, error="Вид: МО или СМО.")
        try:
            password = self.organisations().add(
                values["code"], values["kind"], values["username"],  # type: ignore[arg-type]
                values["name"], by=user.username)
        except OrganisationTaken as exc:
            return self._page(request, 409, form=values, error=str(exc).capitalize() + ".")
        except ValidationError:
            return self._page(request, 400, form=values, error=(
                "Код — от 1 до 16 символов, учётная запись — до 100 символов."))
        username = values["username"] or values["code"]
        self.ctx.ops.audit(user.username, "soap-org-add", target=username,
                           reason=values["reason"],
                           details={"code": values["code"], "kind": values["kind"]},
                           remote_addr=remote_addr(request))
        return self._page(request, shown={"username": username, "password": password,
                                          "what": "добавлена"})

    def change_page(self, request: Request, user: User, form: FormData) -> Response:
        """POST: disable, enable or reset the password of one organisation."""
        username = request.path_params["username"]
        action = str(form.get("action", ""))
        reason = str(form.get("reason", "")).strip()
        if action not in ACTIONS:
            return error_page(request, 400, "Неизвестное действие.")
        if not reason:
            return self._page(request, 400,
                              error="Укажите причину: она попадёт в журнал аудита.")
        orgs = self.organisations()
        password = ""
        try:
            if action == "password":
                password = orgs.reset_password(username, by=user.username)
            else:
                orgs.set_enabled(username, action == "enable", by=user.username)
        except LookupError as exc:
            return error_page(request, 404, str(exc).capitalize() + ".")
        self.ctx.ops.audit(user.username, ACTIONS[action], target=username, reason=reason,
                           remote_addr=remote_addr(request))
        if password:
            return self._page(request, shown={"username": username, "password": password,
                                              "what": "получила новый пароль"})
        flash(request, f"Организация {username} " + (
            "включена" if action == "enable" else "отключена") + ": действует сразу.")
        return RedirectResponse("/soap/organisations", status_code=303)

    def routes(self) -> list[BaseRoute]:
        """The pages (administrator only)."""
        admin = page(Role.administrator)
        return [
            Route("/soap/organisations", admin(self.list_page), methods=["GET", "POST"]),
            Route("/soap/organisations/{username}", admin(self.change_page), methods=["POST"]),
        ]


def extension(ctx: ConsoleContext) -> ConsoleExtension:
    """The SOAP services' console extension."""
    screens = SoapConsole(ctx)
    register_labels(ACTION_WORDS)
    return ConsoleExtension(name=PLUGIN, routes=screens.routes(),
                            nav=[NavEntry("Организации SOAP", "/soap/organisations",
                                          Role.administrator)],
                            template_dirs=[TEMPLATES])
