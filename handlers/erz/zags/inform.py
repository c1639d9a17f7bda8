"""Telling the insurer and the clinic what a ЗАГС birth or name change changed (ERZ-2, -5).

A death is told at once in files of its own (a STOPLIST, a ZL_DEATH notice:
:mod:`handlers.erz.zags.deaths`). A change of personal data — a new surname, a completed
newborn's record, a СНИЛС found by ПФР — has a file of the exchange for the insurer: the
**RECLIST** (rt.srz ``RECLIST.xsd``) lists the insurer's persons whose records changed, as
the daily delta does; and for the clinic the **PRK** delta of the attachment files. No
exchange format in fixtures has a notice of its own for "a person's name changed" or "a
child was born" (ZL_DEATH is ours, for deaths only), so none is invented: :func:`inform`
sends, at once, the same RECLIST and PRK delta files the nightly job
(:mod:`handlers.erz.slices.deltas`) builds, over exactly the moments of the changes made.
The nightly delta lists these persons again the next night — harmless, the files carry
the person's state, not a difference.

A newborn's record has no clinic until the parents choose one (the mother's clinic is
usually an adult one), so a newborn is told to the insurer only.
"""

from __future__ import annotations

from datetime import timedelta

from contracts.erz.register import Change
from contracts.schemas import SchemaStore
from handlers.erz.mo.notices import send_file
from handlers.erz.slices import monthly
from hub.tx import Tx

INSTANT = timedelta(microseconds=1)


def inform(tx: Tx, changes: list[Change], store: SchemaStore | None = None) -> list[str]:
    """Send each insurer and clinic ``changes`` concern its RECLIST / PRK delta over the
    moments of those changes; returns the names of the files sent."""
    if not changes:
        return []
    since, until = min(c.at for c in changes), max(c.at for c in changes) + INSTANT
    files: list[monthly.SliceFile] = []
    for smo in sorted({c.smo for c in changes if c.smo}):
        files += monthly.delta_for(tx.conn, "smo", smo, since, until, store)
    for mo in sorted({c.mo for c in changes if c.mo}):
        files += monthly.delta_for(tx.conn, "mo", mo, since, until, store)
    for file in files:
        send_file(tx, file.name, file.data, file.recipient)
    return [f.name for f in files]
