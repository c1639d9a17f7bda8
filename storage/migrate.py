"""Schema migrations: one Alembic history, a branch for the hub and one per plug-in.

The hub's revisions live in ``storage/migrations/versions``. A plug-in that owns tables
declares the package holding its revisions under the entry point group
``omshub.migrations`` — the name is its branch label, the value the package
(``erz = "handlers.erz.migrations"``). The branch's first revision has no parent, carries the
label and depends on the hub's base revision (:data:`HUB_BASE`); the package's ``metadata()``
returns the tables its revisions build, for autogenerate and for :func:`schema_diff`.

:func:`upgrade` applies every head. A database made before plug-ins had migrations holds a
plug-in's tables (made by ``create_all``) without a revision of its branch: the branch's
baseline revision names those tables in ``legacy_tables``, and is stamped as applied when
they are found, before the upgrade (docs/design.md, "Migrations").

The directories are found without importing the plug-ins' packages (``adapters.soap``
imports spyne on import): only the top-level package is located, the rest is a path.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import os
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import Script, ScriptDirectory

from storage.db import Database

MIGRATIONS = Path(__file__).parent / "migrations"
HUB_VERSIONS = MIGRATIONS / "versions"
GROUP = "omshub.migrations"
HUB = "hub"
"""The label the hub's own branch goes by here (its revisions carry none)."""
HUB_BASE = "0001"
"""The hub's first revision: every plug-in branch depends on it."""


@dataclass(frozen=True)
class Branch:
    """A plug-in's line of revisions: its label and the package that holds them."""

    label: str
    package: str

    @property
    def directory(self) -> Path:
        """Where the revisions are, found without importing the plug-in."""
        top, *rest = self.package.split(".")
        spec = importlib.util.find_spec(top)
        if spec is None or not spec.submodule_search_locations:
            raise LookupError(f"migrations of {self.label}: no package {top!r}")
        return Path(next(iter(spec.submodule_search_locations))).joinpath(*rest).resolve()

    def metadata(self) -> sa.MetaData:
        """The tables the branch's revisions build, as the plug-in's models declare them."""
        module = importlib.import_module(self.package)
        found: sa.MetaData = module.metadata()
        return found


def branches() -> list[Branch]:
    """Every installed plug-in's migrations, by label."""
    return sorted((Branch(ep.name, ep.value) for ep in entry_points(group=GROUP)),
                  key=lambda b: b.label)


def branch(label: str) -> Branch:
    """The installed branch ``label``, with a suggestion on a typo."""
    found = {b.label: b for b in branches()}
    if label in found:
        return found[label]
    close = difflib.get_close_matches(label, list(found), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise LookupError(f"no plug-in migrations {label!r} (installed: "
                      f"{', '.join(found) or 'none'}){hint}")


def alembic_config(connection: sa.engine.Connection | None = None,
                   plugins: Sequence[Branch] | None = None) -> Config:
    """An Alembic config over the hub's revisions and every plug-in's (or ``plugins``')."""
    found = branches() if plugins is None else plugins
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    locations = [str(HUB_VERSIONS), *(str(b.directory) for b in found)]
    cfg.set_main_option("version_locations", os.pathsep.join(locations))
    cfg.attributes["connection"] = connection
    return cfg


def revisions_in(script: ScriptDirectory, directory: Path) -> list[Script]:
    """The revisions of one branch (those in its directory), oldest first."""
    return [s for s in reversed(list(script.walk_revisions()))
            if Path(s.path).parent.resolve() == directory.resolve()]


def applied(conn: sa.engine.Connection) -> set[str]:
    """The revisions recorded in the database (one per branch head reached)."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return set()
    return set(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())


def upgrade(db: Database) -> None:
    """Bring the database to every head, the hub's and each plug-in's; idempotent."""
    found = branches()
    with db.engine.begin() as conn:
        cfg = alembic_config(conn, found)
        for revision in _legacy_baselines(conn, ScriptDirectory.from_config(cfg), found):
            command.stamp(cfg, revision)
        command.upgrade(cfg, "heads")


def _legacy_baselines(conn: sa.engine.Connection, script: ScriptDirectory,
                      found: Sequence[Branch]) -> list[str]:
    """Baselines to stamp: branches whose tables ``create_all`` made before they had one."""
    recorded = applied(conn)
    hub = {s.revision for s in revisions_in(script, HUB_VERSIONS)}
    if not recorded & hub:
        return []  # a new database: every branch is built from its first revision
    tables = set(sa.inspect(conn).get_table_names())
    stamp = []
    for b in found:
        revisions = revisions_in(script, b.directory)
        if not revisions or recorded & {s.revision for s in revisions}:
            continue
        legacy = set(getattr(revisions[0].module, "legacy_tables", ()))
        if legacy & tables:
            stamp.append(revisions[0].revision)
    return stamp


def _lines(found: Sequence[Branch]) -> dict[str, list[str]]:
    """Each branch's revisions, oldest first, the hub's under :data:`HUB`."""
    script = ScriptDirectory.from_config(alembic_config(plugins=found))
    lines = {HUB: [s.revision for s in revisions_in(script, HUB_VERSIONS)]}
    for b in found:
        lines[b.label] = [s.revision for s in revisions_in(script, b.directory)]
    return lines


def heads(found: Sequence[Branch] | None = None) -> dict[str, str]:
    """The newest revision of each branch (the hub's under :data:`HUB`)."""
    lines = _lines(branches() if found is None else found)
    return {label: revs[-1] for label, revs in lines.items() if revs}


def versions(db: Database, found: Sequence[Branch] | None = None) -> dict[str, str | None]:
    """The revision each branch of the database is at (None: not begun)."""
    lines = _lines(branches() if found is None else found)
    with db.engine.connect() as conn:
        recorded = applied(conn)
    return {label: next((r for r in reversed(revs) if r in recorded), None)
            for label, revs in lines.items()}


def head_revision() -> str:
    """The newest revision of the hub's own branch."""
    return heads(())[HUB]


def current_revision(db: Database) -> str | None:
    """The revision of the hub's own branch the database is at, or None before the first."""
    return versions(db, ())[HUB]


def unmigrated(db: Database) -> str | None:
    """Why the database is not migrated — every head, the hub's and each plug-in's, applied —
    or None when it is."""
    found = branches()
    at, head = versions(db, found), heads(found)
    if at[HUB] is None:
        return "has no hub tables"
    if at[HUB] != head[HUB]:
        return f"is at revision {at[HUB]}, not {head[HUB]}"
    behind = [f"{label} at {at[label] or 'none'}, not {rev}"
              for label, rev in head.items() if at[label] != rev]
    return f"has plug-in tables behind ({'; '.join(behind)})" if behind else None
