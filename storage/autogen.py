"""Autogenerate over the migrations: a plug-in's next revision, and the schema's drift.

:func:`new_revision` is ``omshub migrate revision --plugin NAME -m TEXT``: it migrates a
scratch SQLite database to every head, compares it with the plug-in's models and writes the
difference as the branch's next revision (the first one starts the branch). :func:`schema_diff`
is ``omshub migrate check`` and the migration tests: what differs between a database and the
models of the hub and of every installed plug-in — Alembic's comparison, plus the conditions
of partial indexes, which Alembic does not compare.
"""

from __future__ import annotations

import importlib.util
import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from storage import migrate
from storage.db import Database
from storage.models import metadata as hub_metadata

MADE_BY_MIGRATIONS = re.compile(r"journal_events_.+|ix_journal_messages_person_prefix")
"""What the hub's migrations make beyond its models, on PostgreSQL: the journal's
partitions (0001, storage/partitions.py) and the ``varchar_pattern_ops`` index (0003)."""

IncludeObject = Callable[[Any, str | None, str, bool, Any], bool]


def new_revision(label: str, message: str) -> Path:
    """Write the plug-in ``label``'s next revision from its models; the file's path."""
    plugin = migrate.branch(label)
    target = plugin.metadata()
    with tempfile.TemporaryDirectory(prefix="omshub-revision-") as tmp:
        scratch = Database(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        try:
            migrate.upgrade(scratch)
            with scratch.engine.begin() as conn:
                cfg = migrate.alembic_config(conn)
                cfg.attributes["target_metadata"] = target
                cfg.attributes["include_object"] = _only(set(target.tables))
                _format_with_ruff(cfg)
                before = migrate.revisions_in(ScriptDirectory.from_config(cfg), plugin.directory)
                written = command.revision(
                    cfg, message, autogenerate=True, version_path=str(plugin.directory),
                    rev_id=f"{label.replace('-', '_')}_{len(before) + 1:04d}",
                    # the first revision starts the branch, on the hub's base
                    head=f"{label}@head" if before else "base",
                    branch_label=None if before else label,
                    depends_on=None if before else migrate.HUB_BASE)
        finally:
            scratch.dispose()
    assert written is not None and not isinstance(written, list)
    return Path(written.path)


def _format_with_ruff(cfg: Config) -> None:
    """Let ruff format the new file, where it is installed (a development dependency)."""
    if importlib.util.find_spec("ruff") is None:
        return
    cfg.set_section_option("post_write_hooks", "hooks", "ruff")
    cfg.set_section_option("post_write_hooks", "ruff.type", "module")
    cfg.set_section_option("post_write_hooks", "ruff.module", "ruff")
    cfg.set_section_option("post_write_hooks", "ruff.options", "format REVISION_SCRIPT_FILENAME")


def _only(tables: set[str]) -> IncludeObject:
    def include(obj: Any, name: str | None, kind: str, reflected: bool, other: Any) -> bool:
        return kind != "table" or name in tables
    return include


def _ours(obj: Any, name: str | None, kind: str, reflected: bool, other: Any) -> bool:
    return not (reflected and other is None and name and MADE_BY_MIGRATIONS.fullmatch(name))


def all_metadata() -> list[sa.MetaData]:
    """The hub's tables and every installed plug-in's, as their models declare them."""
    return [hub_metadata, *(b.metadata() for b in migrate.branches())]


def schema_diff(db: Database, models: Iterable[sa.MetaData] | None = None, *,
                only_models: bool = False) -> list[str]:
    """How the database differs from the models (by default the hub's and every installed
    plug-in's), one line per difference; [] when none. ``only_models``: tables of the
    database the models do not declare are left out."""
    target = list(models) if models is not None else all_metadata()
    tables = {name for md in target for name in md.tables}
    include = _only(tables) if only_models else _ours
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True, "compare_server_default": _same_default,
            "include_object": include})
        # Alembic takes a sequence of MetaData here too (its AutogenContext does)
        diff = compare_metadata(context, cast(sa.MetaData, target))
        found = [_describe(item) for item in diff]
        return found + _partial_index_diff(conn, target)


def _same_default(context: Any, inspected: Any, column: Any, inspected_default: str | None,
                  default: Any, rendered: str | None) -> bool | None:
    # SQLite hands '' back as "''", which Alembic then reads as a change; compare the text.
    if inspected_default is None or rendered is None:
        return None
    return False if _bare(inspected_default) == _bare(rendered) else None


def _bare(sql: str) -> str:
    return re.sub(r"::[\w ]+|[()'\"\s]", "", sql).lower()


def _describe(item: Any) -> str:
    if isinstance(item, list):  # the changes of one column
        return "; ".join(_describe(i) for i in item)
    kind, *rest = item
    if kind.startswith("modify_") or kind.endswith("_column"):
        _, table, column, *_ = rest
        return f"{kind} {table}.{getattr(column, 'name', column)}"
    obj = rest[0]
    table = getattr(obj, "table", None)
    where = f"{table.name}." if isinstance(table, sa.Table) else ""
    return f"{kind} {where}{getattr(obj, 'name', obj)}"


def _partial_index_diff(conn: sa.Connection, models: list[sa.MetaData]) -> list[str]:
    dialect = conn.dialect.name
    found = []
    inspector = sa.inspect(conn)
    for md in models:
        for table in md.tables.values():
            if not inspector.has_table(table.name):
                continue
            reflected = {ix["name"]: ix for ix in inspector.get_indexes(table.name)}
            for index in table.indexes:
                there = reflected.get(index.name)
                if there is None:
                    continue
                want = index.dialect_options[dialect].get("where") if dialect in (
                    "postgresql", "sqlite") else None
                have = there.get("dialect_options", {}).get(f"{dialect}_where")
                if _condition(want) != _condition(have):
                    found.append(f"index {index.name}: WHERE {_shown(have)}, "
                                 f"models say {_shown(want)}")
    return found


def _condition(clause: Any) -> str:
    if clause is None:
        return ""
    return re.sub(r"[()\s]", "", str(clause)).lower()


def _shown(clause: Any) -> str:
    return "none" if clause is None else str(clause).strip("()")
