"""Plug-in migrations: a database of the previous release, or a new one, migrated to the models.

The previous release is built as it was made then: the hub's revisions up to 0004 and
``create_all`` of the plug-ins' tables as they stood (tests/storage/previous_release.py), with
no revision of any plug-in recorded. ``storage.migrate.upgrade`` — ``omshub migrate`` — must
then bring it to every head, and the schema must equal the models of the hub and of every
installed plug-in (``storage.autogen.schema_diff``: Alembic's comparison plus the conditions
of partial indexes), on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from storage.autogen import all_metadata, schema_diff
from storage.db import Database
from storage.migrate import (
    HUB,
    alembic_config,
    branches,
    heads,
    unmigrated,
    upgrade,
    versions,
)
from storage.models import metadata as hub_metadata
from tests.conftest import Footprint
from tests.storage import previous_release as old

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty database on SQLite or PostgreSQL."""
    url = (f"sqlite:///{tmp_path / 'hub.db'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_url"))
    db = Database(url)
    yield db
    db.dispose()


def build_previous_release(db: Database) -> None:
    """What ``omshub migrate`` of the previous release left: hub at 0004, plug-ins by
    ``create_all``, and a person in the register."""
    with db.engine.begin() as conn:
        command.upgrade(alembic_config(conn, plugins=()), old.HUB_REVISION)
    old.metadata.create_all(db.engine)
    with db.engine.begin() as conn:
        conn.execute(old.persons.insert().values(id=1, enp="7700000000000001", created_at=NOW))
        conn.execute(old.changes.insert().values(
            id=1, person_id=1, at=NOW, op="create", aspect="person", component="test",
            smo="77001"))


def test_every_plugin_with_tables_has_a_branch() -> None:
    from hub.plugins import discover

    with_tables = {cls.component_name() for cls in discover().components.values()
                   if cls.metadata is not None and cls.metadata.tables}
    declared = set().union(*(set(b.metadata().tables) for b in branches()))
    for name in with_tables:
        cls = discover().components[name]
        assert cls.metadata is not None
        assert set(cls.metadata.tables) <= declared, f"{name} has tables no branch builds"


def test_the_previous_release_migrates_to_the_models(database: Database) -> None:
    build_previous_release(database)
    before = versions(database)
    assert before[HUB] == "0004"
    assert {label for label, rev in before.items() if rev} == {HUB}
    assert schema_diff(database), "the previous release differs from today's models"

    upgrade(database)

    assert versions(database) == heads()
    assert unmigrated(database) is None
    assert schema_diff(database) == []
    with database.engine.connect() as conn:  # the register's data is still there
        assert conn.execute(sa.select(old.persons.c.enp)).scalars().all() == ["7700000000000001"]
    upgrade(database)  # idempotent
    assert schema_diff(database) == []


def test_a_new_database_migrates_to_the_models(database: Database) -> None:
    assert unmigrated(database) == "has no hub tables"
    upgrade(database)
    assert versions(database) == heads()
    assert unmigrated(database) is None
    assert schema_diff(database) == []


def test_an_install_with_whole_change_indexes_gets_the_partial_ones(database: Database) -> None:
    """Installs made before 02.12.2026 had whole indexes create_all never replaced."""
    build_previous_release(database)
    with database.engine.begin() as conn:
        for name, column in (("ix_erz_changes_smo_at", "smo"), ("ix_erz_changes_mo_at", "mo")):
            conn.execute(sa.text(f"DROP INDEX {name}"))
            conn.execute(sa.text(f"CREATE INDEX {name} ON erz_changes ({column}, at)"))
    assert ("index ix_erz_changes_mo_at: WHERE none, models say mo IS NOT NULL"
            in schema_diff(database))
    upgrade(database)
    assert schema_diff(database) == []


def test_an_install_that_already_has_the_zags_acts_table(database: Database) -> None:
    """create_all of the code between the release and this change made erz_zags_acts."""
    from handlers.erz.models import zags_acts

    build_previous_release(database)
    zags_acts.to_metadata(sa.MetaData()).create(database.engine)
    upgrade(database)
    assert schema_diff(database) == []


def test_the_baselines_build_the_previous_release(database: Database) -> None:
    """Each plug-in's baseline revision makes its tables exactly as create_all made them."""
    with database.engine.begin() as conn:
        cfg = alembic_config(conn)
        command.upgrade(cfg, old.HUB_REVISION)
        for b in branches():
            command.upgrade(cfg, f"{b.label}@{b.label}_0001")
    assert schema_diff(database, [hub_metadata, old.metadata]) != []  # hub at 0004 differs
    assert schema_diff(database, [old.metadata], only_models=True) == []


def test_a_model_changed_without_a_revision_is_found(database: Database) -> None:
    upgrade(database)
    changed = [_copy(md) for md in all_metadata()]
    erz = next(md for md in changed if "erz_persons" in md.tables)
    erz.tables["erz_persons"].append_column(sa.Column("nickname", sa.String(40)))
    index = next(ix for ix in erz.tables["erz_changes"].indexes
                 if ix.name == "ix_erz_changes_smo_at")
    erz.tables["erz_changes"].indexes.remove(index)
    sa.Index("ix_erz_changes_smo_at", erz.tables["erz_changes"].c.smo,
             erz.tables["erz_changes"].c.at)
    assert schema_diff(database, changed) == [
        "add_column erz_persons.nickname",
        "index ix_erz_changes_smo_at: WHERE smo IS NOT NULL, models say none"]


def _copy(md: sa.MetaData) -> sa.MetaData:
    copy = sa.MetaData(naming_convention=md.naming_convention)
    for table in md.tables.values():
        table.to_metadata(copy)
    return copy


def test_a_component_refuses_plugin_tables_behind(tmp_path: Path) -> None:
    from hub.runtime import HubProcess

    url = f"sqlite:///{tmp_path / 'hub.db'}"
    db = Database(url)
    with db.engine.begin() as conn:
        command.upgrade(alembic_config(conn), heads()[HUB])  # the hub's branch alone
    behind = unmigrated(db)
    assert behind is not None and behind.startswith("has plug-in tables behind (")
    assert f"erz at none, not {heads()['erz']}" in behind
    settings = Footprint("embedded", "memory://", url).settings(tmp_path)
    with pytest.raises(RuntimeError, match=r"has plug-in tables behind .*`omshub migrate`"):
        HubProcess(settings, ["hub.router"])
    upgrade(db)
    assert unmigrated(db) is None
    db.dispose()


def test_omshub_migrate_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from hub.cli import main

    url = f"sqlite:///{tmp_path / 'hub.db'}"
    assert main(["--database-url", url, "migrate", "check"]) == 1
    assert "выполните `omshub migrate`" in capsys.readouterr().out
    assert main(["--database-url", url, "migrate"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("база данных обновлена: hub ") and f"erz {heads()['erz']}" in out
    assert main(["--database-url", url, "migrate", "check"]) == 0
    assert "схема базы данных совпадает с моделями" in capsys.readouterr().out
