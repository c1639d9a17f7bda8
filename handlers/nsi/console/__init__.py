"""The ФФОМС dictionaries in the console (``omshub.console`` entry point ``nsi``).

| path | role | what |
| --- | --- | --- |
| ``/nsi`` | viewer | every dictionary, its versions (date, rows, loaded when, by whom, from) |
| ``/nsi/versions/{id}`` | viewer | a version's rows, paged, searched by key (``?key=``, a prefix) |
| ``/nsi/versions/{id}/diff`` | viewer | changes since the previous version (``?from=``: another) |

Dictionaries hold no personal data: nothing is masked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from admin.auth import page
from admin.context import error_page, render
from admin.extensions import ConsoleContext, ConsoleExtension, NavEntry
from admin.users import Role, User
from handlers.nsi.diff import compare, rows_of
from handlers.nsi.models import nsi_dictionaries, nsi_rows, nsi_versions

TEMPLATES = Path(__file__).parent / "templates"
PAGE = 50
SHOWN = 200
"""At most this many keys of each kind are shown with their rows on the difference page."""


class Screens:
    """The dictionaries' pages over the console's database."""

    def __init__(self, ctx: ConsoleContext) -> None:
        self.ctx = ctx

    def dictionaries(self, request: Request, user: User, form: FormData) -> Response:
        """Every dictionary with its versions, newest first."""
        with self.ctx.db.read() as conn:
            dicts = conn.execute(sa.select(nsi_dictionaries)
                                 .order_by(nsi_dictionaries.c.code)).all()
            versions = conn.execute(sa.select(nsi_versions).order_by(
                nsi_versions.c.code, nsi_versions.c.issued.desc(),
                nsi_versions.c.id.desc())).all()
        by_code: dict[str, list[Any]] = {}
        for v in versions:
            by_code.setdefault(v.code, []).append(v)
        return render(request, "nsi_list.html", {"dictionaries": dicts, "versions": by_code})

    def _version(self, conn: sa.Connection, version_id: int) -> Any:
        return conn.execute(sa.select(nsi_versions, nsi_dictionaries.c.key_column,
                                      nsi_dictionaries.c.short_name)
                            .join(nsi_dictionaries)
                            .where(nsi_versions.c.id == version_id)).first()

    def version(self, request: Request, user: User, form: FormData) -> Response:
        """A version's rows, paged; ``key`` finds the keys starting with it."""
        key = request.query_params.get("key", "").strip()
        try:
            number = max(int(request.query_params.get("page", "1")), 1)
        except ValueError:
            number = 1
        with self.ctx.db.read() as conn:
            version = self._version(conn, int(request.path_params["id"]))
            if version is None:
                return error_page(request, 404, "Такой версии справочника нет.")
            where = [nsi_rows.c.version_id == version.id]
            if key:
                where.append(nsi_rows.c.key.startswith(key, autoescape=True))
            total = int(conn.execute(sa.select(sa.func.count()).select_from(nsi_rows)
                                     .where(*where)).scalar() or 0)
            rows = conn.execute(sa.select(nsi_rows).where(*where).order_by(nsi_rows.c.id)
                                .limit(PAGE).offset((number - 1) * PAGE)).all()
        columns: list[str] = []
        for row in rows:
            columns += [c for c in row.data if c not in columns]
        return render(request, "nsi_version.html", {
            "version": version, "rows": rows, "columns": columns, "key": key,
            "total": total, "page": number, "pages": max((total + PAGE - 1) // PAGE, 1)})

    def diff(self, request: Request, user: User, form: FormData) -> Response:
        """What changed from the previous version (or ``from``) to this one."""
        with self.ctx.db.read() as conn:
            newer = self._version(conn, int(request.path_params["id"]))
            if newer is None:
                return error_page(request, 404, "Такой версии справочника нет.")
            others = conn.execute(sa.select(nsi_versions).where(
                nsi_versions.c.code == newer.code, nsi_versions.c.id != newer.id)
                .order_by(nsi_versions.c.issued.desc(), nsi_versions.c.id.desc())).all()
            chosen = request.query_params.get("from", "")
            older = next((o for o in others if str(o.id) == chosen), None) or next(
                (o for o in others if (o.issued, o.id) < (newer.issued, newer.id)), None)
            if older is None:
                return render(request, "nsi_diff.html", {
                    "newer": newer, "older": None, "others": others})
            changes = compare(conn, older.id, newer.id)
            shown = {
                "added": [(k, [], rows_of(conn, newer.id, k)) for k in changes.added[:SHOWN]],
                "removed": [(k, rows_of(conn, older.id, k), [])
                            for k in changes.removed[:SHOWN]],
                "changed": [(k, rows_of(conn, older.id, k), rows_of(conn, newer.id, k))
                            for k in changes.changed[:SHOWN]]}
        return render(request, "nsi_diff.html", {
            "newer": newer, "older": older, "others": others, "changes": changes,
            "shown": shown, "limit": SHOWN})


def extension(ctx: ConsoleContext) -> ConsoleExtension:
    """The НСИ pages and their menu entry."""
    screens = Screens(ctx)
    routes: list[BaseRoute] = [
        Route("/nsi", page(Role.viewer)(screens.dictionaries)),
        Route("/nsi/versions/{id:int}", page(Role.viewer)(screens.version)),
        Route("/nsi/versions/{id:int}/diff", page(Role.viewer)(screens.diff)),
    ]
    return ConsoleExtension(name="nsi", routes=routes,
                            nav=[NavEntry("Справочники НСИ", "/nsi", Role.viewer)],
                            template_dirs=[TEMPLATES])
