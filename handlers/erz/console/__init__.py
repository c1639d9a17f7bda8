"""The register (РС ЕРЗ) in the console, registered as a console extension.

``[project.entry-points."omshub.console"] erz = "handlers.erz.console:extension"``.

| path | role | what |
| --- | --- | --- |
| ``/erz`` | viewer | person search (:mod:`.criteria`), paged |
| ``/erz/export.xlsx`` | viewer | the search's results as Excel (audited) |
| ``/erz/person/{enp}`` | viewer | the person as of a date (``?on=``) and the timeline |
| ``/erz/person/{enp}/print`` | viewer | the card and its history to print (audited) |
| ``/erz/person/{enp}/card.pdf`` | viewer | the same as PDF (:mod:`.card_pdf`, audited) |
| ``/erz/print.css`` | viewer | the printout's stylesheet |
| ``/erz/buffer`` | viewer | proposals in words beside the person (ERZ-6), filtered, paged |
| ``/erz/buffer/export.xlsx`` | viewer | the same as Excel (audited) |
| ``/erz/buffer/{id}/approve``, ``/reject`` (POST) | operator | decide (audited) |
| ``/erz/files`` | viewer | processed exchange files and the protocols sent back, paged |
| ``/erz/files/export.xlsx`` | viewer | the same as Excel (audited) |
| ``/erz/files/{id}/download``, ``…/answer/{message}/download`` | viewer with ПДн | the
  received file, an answer file, exact bytes under the real name (audited) |
| ``/erz/ferzl…`` | viewer, operator | «Сверка с ФЕРЗЛ» (:mod:`.reconcile_pages`) |
| ``/erz/ferzl/changes…`` | viewer | «Изменения ФЕРЗЛ» (:mod:`.changes_pages`) |

Personal data is masked unless the account has the personal-data permission, on every
page, in the export and in the JSON API under ``/api/erz`` (:mod:`.api`).
"""

from __future__ import annotations

from pathlib import Path

from starlette.routing import BaseRoute, Mount, Route

from admin.auth import page
from admin.extensions import ConsoleContext, ConsoleExtension, NavEntry
from admin.users import Role
from handlers.erz.console.api import api_routes
from handlers.erz.console.changes_pages import ChangesScreens
from handlers.erz.console.pages import ErzScreens
from handlers.erz.console.reconcile_pages import ReconcileScreens

TEMPLATES = Path(__file__).parent / "templates"


def routes(screens: ErzScreens) -> list[BaseRoute]:
    """The pages, and the API mounted under ``/api/erz``."""
    viewer, operator = page(Role.viewer), page(Role.operator)
    return [
        Route("/erz", viewer(screens.search_page)),
        Route("/erz/export.xlsx", viewer(screens.export_page)),
        Route("/erz/person/{enp}", viewer(screens.person_page)),
        Route("/erz/person/{enp}/print", viewer(screens.print_page)),
        Route("/erz/person/{enp}/card.pdf", viewer(screens.pdf_page)),
        Route("/erz/print.css", viewer(screens.print_css)),
        Route("/erz/buffer", viewer(screens.buffer_page)),
        Route("/erz/buffer/export.xlsx", viewer(screens.buffer_export)),
        Route("/erz/buffer/{item_id:int}/{action:str}", operator(screens.decide_page),
              methods=["POST"]),
        Route("/erz/files", viewer(screens.files_page)),
        Route("/erz/files/export.xlsx", viewer(screens.files_export)),
        Route("/erz/files/{file_id:int}/download", viewer(screens.file_download)),
        Route("/erz/files/{file_id:int}/answer/{message_id:str}/download",
              viewer(screens.file_download)),
        *reconcile_routes(ReconcileScreens(screens.ctx)),
        *changes_routes(ChangesScreens(screens.ctx)),
        Mount("/api/erz", routes=api_routes(screens)),
    ]


def changes_routes(screens: ChangesScreens) -> list[BaseRoute]:
    """«Изменения ФЕРЗЛ»: the daily runs and what became of each person."""
    viewer = page(Role.viewer)
    return [Route("/erz/ferzl/changes", viewer(screens.runs_page)),
            Route("/erz/ferzl/changes/{run_id:int}", viewer(screens.run_page))]


def reconcile_routes(screens: ReconcileScreens) -> list[BaseRoute]:
    """«Сверка с ФЕРЗЛ»: runs, a run's discrepancies, decisions, export."""
    viewer, operator = page(Role.viewer), page(Role.operator)
    return [
        Route("/erz/ferzl", viewer(screens.runs_page)),
        Route("/erz/ferzl/start", operator(screens.start_run), methods=["POST"]),
        Route("/erz/ferzl/{run_id:int}", viewer(screens.run_page)),
        Route("/erz/ferzl/{run_id:int}/export.xlsx", viewer(screens.export)),
        Route("/erz/ferzl/{run_id:int}/decide", operator(screens.decide), methods=["POST"]),
    ]


def extension(ctx: ConsoleContext) -> ConsoleExtension:
    """The register's console extension."""
    return ConsoleExtension(name="erz", routes=routes(ErzScreens(ctx)),
                            nav=[NavEntry("Регистр ЗЛ", "/erz", Role.viewer)],
                            template_dirs=[TEMPLATES])
