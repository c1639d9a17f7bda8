"""``[plugins.ferzl]``: the release of each operation, at most three live, and the adapter
«не настроен» (disabled, not failing) without a ФЕРЗЛ release in the schema directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from adapters.ferzl.releases import Releases
from adapters.ferzl.service import FerzlAdapter
from adapters.ferzl.settings import SIMULATOR_URL, FerzlSettings
from hub.component import PermanentError
from hub.settings import Settings
from hub.testing import worker
from storage.db import Database


def test_the_release_is_chosen_per_operation(releases: Releases) -> None:
    settings = FerzlSettings(release="24.1.4", releases={
        "getPersonData": "24.2.6", "getAllCurrentEnp": "23.4.7"})
    assert settings.base_url == SIMULATOR_URL
    assert settings.release_for("getPersonData", releases) == "24.2.6"
    # A Start/Poll pair is chosen by its common name, both halves alike.
    assert settings.release_for("getAllCurrentEnpStart", releases) == "23.4.7"
    assert settings.release_for("getAllCurrentEnpPoll", releases) == "23.4.7"
    assert settings.release_for("registerAttach", releases) == "24.1.4"
    assert FerzlSettings().release_for("registerAttach", releases) == "24.2.6"  # the newest


def test_more_than_three_live_releases_are_refused_in_russian() -> None:
    FerzlSettings(release="24.2.6", releases={"getPersonData": "24.1.4",
                                              "registerAttach": "24.1.2"})
    with pytest.raises(ValidationError, match="не более 3") as caught:
        FerzlSettings(release="24.2.6", releases={
            "getPersonData": "24.1.4", "registerAttach": "24.1.2", "findNils": "23.4.7"})
    assert "23.4.7, 24.1.2, 24.1.4, 24.2.6" in str(caught.value)


def test_a_token_file_is_read_at_each_call(tmp_path: Path) -> None:
    token = tmp_path / "jwt"
    token.write_text("first\n", "utf-8")
    settings = FerzlSettings(token="ignored", token_file=token)
    assert settings.jwt() == "first"
    token.write_text("renewed", "utf-8")
    assert settings.jwt() == "renewed"


def _adapter(tmp_path: Path, **settings: object) -> FerzlAdapter:
    db = Database(f"sqlite:///{tmp_path / 'hub.db'}")
    return worker(FerzlAdapter, db, settings=Settings.model_validate(settings),
                  migrate=True).component


def test_without_a_ferzl_release_the_adapter_is_not_configured(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    adapter = _adapter(tmp_path, schemas_dir=tmp_path / "schemas")
    health = adapter.health()
    assert health["status"] == "disabled"
    assert "ФЕРЗЛ не настроен" in health["detail"] and "нет выпусков API" in health["detail"]
    with pytest.raises(PermanentError, match="ФЕРЗЛ не настроен"):
        adapter.on_call(None, None)


def test_bad_settings_leave_the_adapter_down_with_the_reason(
        tmp_path: Path, releases: Releases) -> None:
    adapter = _adapter(tmp_path, schemas_dir=releases.root, plugins={"ferzl": {
        "releases": {"a": "23.4.7", "b": "24.1.2", "c": "24.1.4", "d": "24.2.6"}}})
    health = adapter.health()
    assert health["status"] == "down" and "не более 3" in health["detail"]


def test_a_configured_adapter_reports_its_releases_and_warnings(
        tmp_path: Path, releases: Releases) -> None:
    adapter = _adapter(tmp_path, schemas_dir=releases.root, plugins={"ferzl": {
        "base_url": "https://ferzl.example", "releases": {"getPersonData": "22.1.1"}}})
    health = adapter.health()
    assert health["status"] == "degraded"
    assert health["releases"] == ["23.4.7", "24.1.2", "24.1.4", "24.2.6"]
    assert health["in_flight"] == 0
    assert any("22.1.1" in w for w in health["warnings"])
    assert any("токен" in w for w in health["warnings"])


def test_the_simulator_needs_no_token(tmp_path: Path, releases: Releases) -> None:
    health = _adapter(tmp_path, schemas_dir=releases.root).health()
    assert (health["status"], health["url"], health["warnings"]) == ("ok", SIMULATOR_URL, [])
