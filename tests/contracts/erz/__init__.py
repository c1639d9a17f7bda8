"""Tests of the РС ЕРЗ exchange files (contracts/erz)."""
