"""The files adapter in the console: upload an organisation's file on its behalf.

``[project.entry-points."omshub.console"] files = "adapters.files.console:extension"``.

| path | role | what |
| --- | --- | --- |
| ``/files/upload`` | operator | the form, the formats taken, the latest uploads |
| ``/files/upload`` (POST) | operator | take a file in (:mod:`adapters.files.upload`, audited) |

A generic file upload is a channel, so it lives here, with the drops, and not in a handler;
a handler's screens link to it (the register's exchange protocols do, with ``?back=``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from adapters.files.service import PLUGIN
from adapters.files.settings import FilesSettings
from adapters.files.upload import Refused, Upload, Uploads, mb, recent
from admin.auth import page
from admin.context import flash, remote_addr, render
from admin.extensions import ConsoleContext, ConsoleExtension
from admin.users import Role, User

TEMPLATES = Path(__file__).parent / "templates"


def local_path(raw: str) -> str:
    """A ``back`` link only to a page of this console (no open redirect)."""
    raw = raw.strip()
    return raw if raw.startswith("/") and not raw.startswith("//") and "\\" not in raw else ""


class UploadScreen:
    """The upload page, bound to the console's services and the adapter's settings."""

    def __init__(self, ctx: ConsoleContext) -> None:
        self.ctx = ctx
        self.settings = FilesSettings.model_validate(ctx.settings.plugins.get(PLUGIN, {}))
        self.uploads = Uploads(self.settings.upload, ctx)

    def organisations(self) -> list[str]:
        """Codes the drops know (their senders and recipients), for the form's hints."""
        codes = {d.sender for d in self.settings.drops if d.sender}
        codes |= {k for d in self.settings.drops for k in d.outbound if k != "*"}
        return sorted(codes)

    def show(self, request: Request, *, error: str = "", journal_id: str = "",
             values: dict[str, str] | None = None, status_code: int = 200) -> Response:
        """The page (``error``: why the last upload was refused)."""
        query = request.query_params
        chosen = values or {"organisation": query.get("organisation", ""), "note": "",
                            "back": local_path(query.get("back", ""))}
        context: dict[str, Any] = {
            "error": error, "journal_id": journal_id, "values": chosen,
            "masks": self.settings.upload.masks, "max_size": mb(self.settings.upload.max_size),
            "organisations": self.organisations(), "taken": query.get("taken", ""),
            "recent": recent(self.ctx, self.settings.upload)}
        return render(request, "files_upload.html", context, status_code=status_code)

    def page(self, request: Request, user: User, form: FormData) -> Response:
        """GET: the form; POST: take the file in (then back to the form with the result)."""
        if request.method == "GET":
            return self.show(request)
        values = {k: str(form.get(k, "") or "").strip() for k in ("organisation", "note")}
        values["back"] = local_path(str(form.get("back", "") or ""))
        chosen = form.get("file")
        name, data = "", b""
        if isinstance(chosen, UploadFile):
            name = chosen.filename or ""
            # One byte over the limit is enough to say it is too large.
            try:
                data = chosen.file.read(self.settings.upload.max_size + 1)
            finally:
                chosen.file.close()  # the spooled copy on disk goes now, not at exit
        try:
            taken = self.uploads.take(Upload(name, data, values["organisation"],
                                             user.username, values["note"],
                                             remote_addr(request)))
        except Refused as refused:
            return self.show(request, error=str(refused), journal_id=refused.journal_id,
                             values=values, status_code=400)
        flash(request, f"Файл {taken.envelope.payload['file_name']} ({taken.title}) принят "
                       f"от имени организации {values['organisation']} и передан на "
                       f"обработку; ответные файлы — в протоколах обмена.")
        back = f"&back={values['back']}" if values["back"] else ""
        return RedirectResponse(f"/files/upload?taken={taken.envelope.id}{back}",
                                status_code=303)


def extension(ctx: ConsoleContext) -> ConsoleExtension:
    """The files adapter's console extension (no menu entry: the screens that receive
    files link to it)."""
    screen = UploadScreen(ctx)
    routes: list[BaseRoute] = [Route("/files/upload", page(Role.operator)(screen.page),
                                     methods=["GET", "POST"])]
    return ConsoleExtension(name="files", routes=routes, template_dirs=[TEMPLATES])
