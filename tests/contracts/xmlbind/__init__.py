"""Tests of the shared XML binding (contracts/xmlbind)."""
