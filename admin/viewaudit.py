"""Audit of who saw what: personal data shown unmasked, and searches by personal data.

So that the fund can answer "who saw this person's data, and when", the console records:

* ``person-view``: a person card or its timeline shown unmasked (page, API); target
  ``erz.person/<ЕНП>``;
* ``message-view``: a journaled message shown unmasked (page, API); target its id;
* ``blob-download``: the exact stored bytes of a message downloaded; ``<id>/<blob>``;
* ``person-search``: any search by personal data, by any account, masked or not, refused
  ones too; target ``journal`` or ``erz/search``;
* ``erz-export``: the register's search exported to Excel; target ``erz/search``.

Each row has the account, the time, the client's address and, for searches, what was
searched (in clear: the audit log is read by administrators), how many were found and
whether the account saw personal data. Masked views of a card or a message show no personal
data and are not recorded.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from admin.context import console, privacy, remote_addr
from admin.users import User

PERSON_VIEW = "person-view"
MESSAGE_VIEW = "message-view"
PERSON_SEARCH = "person-search"


def record(request: Request, user: User, action: str, target: str,
           details: dict[str, Any] | None = None) -> None:
    """One audit row for ``user``'s request, with the client's address."""
    console(request).ops.audit(user.username, action, target=target, details=details,
                               remote_addr=remote_addr(request))


def unmasked_view(request: Request, user: User, action: str, target: str,
                  unmasked: bool) -> None:
    """Record a view of personal data when the account saw it unmasked."""
    if unmasked:
        record(request, user, action, target)


def person_search(request: Request, user: User, where: str, criteria: dict[str, Any], *,
                  unmasked: bool, found: int | None, refused: str = "") -> None:
    """Record a search by personal data: what was asked, what came back, or the refusal."""
    details: dict[str, Any] = {"criteria": criteria, "unmasked": unmasked, "found": found}
    if refused:
        details["refused"] = refused
    record(request, user, PERSON_SEARCH, where, details)


def journal_search(request: Request, user: User, person: str, found: int | None,
                   refused: str) -> None:
    """Record a journal search that has a person filter (page or API)."""
    if person:
        person_search(request, user, "journal", {"person": person},
                      unmasked=privacy(request).unmasked, found=found, refused=refused)
