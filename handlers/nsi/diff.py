"""What changed between two versions of a dictionary: rows added, removed, changed.

Rows are matched by key; a key with several rows (periods) is compared as the set of its
rows, so a period closed or opened shows as a change of that key. Only the keys are held in
memory with a digest of their rows, never the rows of both versions at once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from handlers.nsi.models import nsi_rows


@dataclass
class Changes:
    """Keys added, removed and changed from the older version to the newer, sorted."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    @property
    def none(self) -> bool:
        """No difference at all."""
        return not (self.added or self.removed or self.changed)


def sort_key(key: str) -> tuple[int, int | str]:
    """Numeric keys in numeric order, then the others as text."""
    return (0, int(key)) if key.isdigit() else (1, key)


def _digests(conn: Connection, version_id: int) -> dict[str, str]:
    rows: dict[str, list[str]] = {}
    query = (sa.select(nsi_rows.c.key, nsi_rows.c.data)
             .where(nsi_rows.c.version_id == version_id))
    for key, data in conn.execute(query):
        rows.setdefault(key, []).append(json.dumps(data, sort_keys=True, ensure_ascii=False))
    return {key: hashlib.sha1("\n".join(sorted(r)).encode()).hexdigest()
            for key, r in rows.items()}


def compare(conn: Connection, older: int, newer: int) -> Changes:
    """The changes from version id ``older`` to version id ``newer``."""
    before, after = _digests(conn, older), _digests(conn, newer)
    return Changes(
        added=sorted(after.keys() - before.keys(), key=sort_key),
        removed=sorted(before.keys() - after.keys(), key=sort_key),
        changed=sorted((k for k in before.keys() & after.keys() if before[k] != after[k]),
                       key=sort_key))


def rows_of(conn: Connection, version_id: int, key: str) -> list[dict[str, str]]:
    """The rows of ``key`` in a version (a key may have several periods)."""
    query = (sa.select(nsi_rows.c.data)
             .where(nsi_rows.c.version_id == version_id, nsi_rows.c.key == key)
             .order_by(nsi_rows.c.id))
    return [dict(r) for r in conn.execute(query).scalars()]
