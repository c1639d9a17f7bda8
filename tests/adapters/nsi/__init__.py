"""Tests of adapter.nsi (the ФФОМС НСИ portal) and its simulator."""
