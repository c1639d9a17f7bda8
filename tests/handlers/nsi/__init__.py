"""Tests of handlers/nsi: the ФФОМС dictionaries' store, check, refresh and console."""
