"""Tests of the adapters, one folder per adapter package."""
