"""Fixtures of the СМО exchange tests: the register's database on both footprints, a clock."""

from __future__ import annotations

from tests.handlers.erz.register.conftest import ANNA, Clock, clock, db, dictionaries, enp, register

__all__ = ["ANNA", "Clock", "clock", "db", "dictionaries", "enp", "register"]
