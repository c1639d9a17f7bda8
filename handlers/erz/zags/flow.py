"""What the ERZ handler does with a birth or name-change delivery, an answer of ПФР, and a
decision on their buffer items (ERZ-5), inside the handler's transaction.

Each delivery's records are taken (:mod:`handlers.erz.zags.births`,
:mod:`handlers.erz.zags.names`); then the insurer and the clinic are told of the changes
made (:mod:`handlers.erz.zags.inform`) and each person the acts left in the register
without СНИЛС — a child found or completed, a person renamed — is looked up through ПФР
(:mod:`handlers.erz.zags.snils`). An operator's approval of a ``zags.birth`` or
``zags.name_change`` item is followed the same way (``erz.buffer.decided``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from contracts.erz.register import Source
from contracts.erz_register import BufferDecidedV1
from contracts.pfr import SnilsFoundV1
from contracts.zags_acts import BirthRecordsV1, NameChangeRecordsV1
from handlers.erz.register import queries
from handlers.erz.register.core import Register
from handlers.erz.register.dictionaries import Dictionaries
from handlers.erz.zags import births, names, snils
from handlers.erz.zags.acts import Taken
from handlers.erz.zags.inform import inform
from hub.tx import Tx

ACTED = ("applied", "unchanged", "corrected")
"""Outcomes after which the person the act names is in the register."""


def _register(tx: Tx, dictionaries: Dictionaries, clock: Callable[[], datetime]) -> Register:
    source = Source("handler.erz", user="zags", message_id=tx.cause.id)
    return Register(tx.conn, source, dictionaries=dictionaries, clock=clock)


def _follow(tx: Tx, register: Register, taken: list[Taken], why: str,
            clock: Callable[[], datetime]) -> None:
    inform(tx, register.changes)
    enps = [t.enp for t in taken if t.status in ACTED and t.enp]
    snils.request_all(tx, enps, why, clock())


def on_births(tx: Tx, delivery: BirthRecordsV1, dictionaries: Dictionaries,
              clock: Callable[[], datetime]) -> tuple[Register, list[Taken]]:
    """A ``zags.births`` delivery: each record taken, then told and looked up."""
    register = _register(tx, dictionaries, clock)
    taken = births.on_delivery(register, delivery, clock)
    _follow(tx, register, taken, "birth", clock)
    return register, taken


def on_name_changes(tx: Tx, delivery: NameChangeRecordsV1, dictionaries: Dictionaries,
                    clock: Callable[[], datetime]) -> tuple[Register, list[Taken]]:
    """A ``zags.name_changes`` delivery: each renamed person taken, then told and looked up."""
    register = _register(tx, dictionaries, clock)
    taken = names.on_delivery(register, delivery, clock)
    _follow(tx, register, taken, delivery.act_kind, clock)
    return register, taken


def on_snils_found(tx: Tx, found: SnilsFoundV1,
                   clock: Callable[[], datetime]) -> Register | None:
    """ПФР's answer to a lookup: the СНИЛС set (and told) or buffered."""
    register = snils.on_found(tx, found, clock())
    if register is not None:
        inform(tx, register.changes)
    return register


def after_decision(tx: Tx, decided: BufferDecidedV1, at: datetime) -> list[str]:
    """An operator's decision on a birth, name-change or СНИЛС item: the act's outcome
    follows; an approval is told to the insurer and the clinic, and a person left without
    СНИЛС looked up. Returns the names of the files sent."""
    snils.after_approval(tx, decided, at)
    ours = births.after_approval(tx.conn, decided) or names.after_approval(tx.conn, decided)
    if decided.status != "applied" or not (ours or decided.kind == snils.KIND):
        return []
    sent = inform(tx, queries.changes_by_id(tx.conn, decided.change_ids))
    if ours and decided.enp:
        snils.request(tx, decided.enp, decided.kind.removeprefix("zags."), at)
    return sent
