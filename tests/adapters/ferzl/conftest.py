"""Fixtures of the ФЕРЗЛ tests: the published releases and examples, read in place."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.ferzl.releases import Releases
from tests.conftest import SHARED, unavailable

FERZL_FIXTURES = SHARED / "fixtures" / "ferzl"
"""The schema directory of the tests: ФЕРЗЛ's releases are found anywhere under it."""
EXAMPLES = FERZL_FIXTURES / "ferzl-ws" / "examples-23.4.7"


def ferzl_fixtures() -> Path:
    """The fixtures' folder; skipped (failed under CI) where it is absent."""
    if not (FERZL_FIXTURES / "ferzl-ws").is_dir():
        unavailable(f"ФЕРЗЛ fixtures are not at {FERZL_FIXTURES}")
    return FERZL_FIXTURES


@pytest.fixture(scope="session")
def releases() -> Releases:
    """The four published releases, as an operator's schema directory holds them."""
    return Releases.discover(ferzl_fixtures())
