"""Tests of the handlers, one folder per handler package."""
